"""The line-camera sample (sample_apps/platformio_linecam): custom_tinyengine_input_stream = yes
built with `pio run` and run with `pio run -t upload` (offline PlatformIO core, QEMU mps2-an386);
the firmware synthesizes each frame row by row inside model_read_input_rows(), and every printed
output byte must equal TFLM's on the same frame rebuilt whole in numpy (scenes.py)."""
from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tinyengine_pio.platformio.setup import offline_env, setup

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_apps" / "platformio_linecam"


def _missing_tools() -> list[str]:
    missing = [m for m in ("platformio", "SCons") if importlib.util.find_spec(m) is None]
    return missing + [t for t in ("arm-none-eabi-gcc", "qemu-system-arm") if not shutil.which(t)]


pytestmark = [pytest.mark.platformio, pytest.mark.qemu, pytest.mark.skipif(
    bool(_missing_tools()), reason="the sample needs: " + ", ".join(_missing_tools()))]


@pytest.fixture(scope="module")
def scenes():
    spec = importlib.util.spec_from_file_location("linecam_scenes", SAMPLE / "scenes.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _pio(env, project: Path, *args) -> str:
    proc = subprocess.run([sys.executable, "-m", "platformio", "run", "-d", str(project), *args],
                          env=env, capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    return out


def test_linecam_streams_rows_and_equals_tflm(tmp_path, scenes):
    """As committed (default env mps2-an386): the build says the input is streamed and the
    arena is the streamed one; every frame's printed rows are scenes.py's, its output bytes
    TFLM's, the model asked for all 64 rows; the arena is below the layer-by-layer one and
    below the input's 4,096 B."""
    from tests.helpers.tflm import run_tflm_many
    from tinyengine_pio import compile_model

    core = tmp_path / "core"
    setup(str(core))
    env = offline_env(str(core))
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in [env.get("PYTHONPATH")] if p])
    project = tmp_path / "linecam"
    project.mkdir()
    for name in ("platformio.ini", "src", "model"):
        src = SAMPLE / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, project / name)
    build = _pio(env, project)
    model = (SAMPLE / "model" / "linecam.tflite").read_bytes()
    streamed = compile_model(model, optimize="memory", input_stream=True, emit=False)
    layerwise = compile_model(model, emit=False).arena_bytes
    assert streamed.arena_bytes < 4096 < layerwise
    assert re.search(rf"arena {streamed.arena_bytes} bytes, weights 2880 bytes; fused stages "
                     r"[\d, -]+; input streamed \(model_read_input_rows\)\)", build), build
    out = _pio(env, project, "-t", "upload")

    n = len(scenes.FRAMES)
    images = [scenes.frame_image(k) for k in range(n)]
    want = run_tflm_many(model, images)
    names = scenes.CLASSES
    blocks = re.split(r"^frame \d+: .*$", out, flags=re.MULTILINE)
    for k, outs in enumerate(want):
        scores = outs[0].reshape(-1)
        top = int(np.argmax(scores))
        hundredths = ((int(scores[top]) + 128) * 100 + 128) // 256
        line = (f"frame {k}: drawn {names[scenes.FRAMES[k][0]]:<8} predicted {names[top]:<8} "
                f"({hundredths // 100}.{hundredths % 100:02d}) output "
                + " ".join(str(int(v)) for v in scores))
        assert re.search("^" + re.escape(line) + "$", out, re.MULTILINE), (line, out)
        assert scenes.preview(k) == [ln for ln in blocks[k].splitlines()
                                     if ln.startswith("  |")], blocks[k]
        assert top == scenes.FRAMES[k][0]          # the demo's frames are all recognized
    assert len(re.findall(r"^rows: 64 in \d+ reads, at most \d+ at once$", out, re.M)) == n
    assert f"correct: {n}/{n} frames" in out
    m = re.search(r"^latency: (\d+) instructions per inference without the camera", out,
                  re.MULTILINE)
    assert m and 50_000 < int(m.group(1)) < 5_000_000, out
    assert f"arena (SRAM): {streamed.arena_bytes} bytes; the 4096-byte image is never in RAM" \
        in out, out
