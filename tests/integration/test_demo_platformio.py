"""`make demo` as it runs: the shapes sample built with `pio run` and run with `pio run -t upload`
(offline PlatformIO core, QEMU mps2-an386), its printed predictions checked against TFLM.
"""
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
SAMPLE = ROOT / "sample_apps" / "platformio_shapes"


def _missing_tools() -> list[str]:
    missing = [m for m in ("platformio", "SCons") if importlib.util.find_spec(m) is None]
    return missing + [t for t in ("arm-none-eabi-gcc", "qemu-system-arm") if not shutil.which(t)]


pytestmark = [pytest.mark.platformio, pytest.mark.qemu, pytest.mark.skipif(
    bool(_missing_tools()), reason="the demo needs: " + ", ".join(_missing_tools()))]


@pytest.fixture(scope="module")
def make_model():
    spec = importlib.util.spec_from_file_location("shapes_make_model", SAMPLE / "make_model.py")
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


def test_make_demo_prints_tflm_predictions(tmp_path, make_model):
    """The sample as committed (default env mps2-an386): every sample line names TFLM's class with
    TFLM's probability beside the truth, 10/10 correct, then latency and arena."""
    core = tmp_path / "core"
    setup(str(core))
    env = offline_env(str(core))
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in [env.get("PYTHONPATH")] if p])
    project = tmp_path / "demo"
    project.mkdir()
    for name in ("platformio.ini", "src", "model"):
        src = SAMPLE / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, project / name)
    _pio(env, project)
    out = _pio(env, project, "-t", "upload")

    model = (SAMPLE / "model" / "shapes.tflite").read_bytes()
    images, labels = make_model.demo_samples()
    scores = make_model.int8_predictions(model, images)
    names = make_model.CLASSES
    for k, (row, truth) in enumerate(zip(scores, labels)):
        top = int(np.argmax(row))
        hundredths = ((int(row[top]) + 128) * 100 + 128) // 256
        want = (f"sample {k}: predicted {names[top]:<8} ({hundredths // 100}.{hundredths % 100:02d}), "
                f"truth {names[truth]:<8} {'ok' if top == truth else 'WRONG'}")
        assert re.search("^" + re.escape(want) + "$", out, re.MULTILINE), (want, out)
    m = re.search(r"^accuracy: (\d+)/(\d+) on these samples \(the model: ([\d.]+) % on 2000 "
                  r"held-out shapes\)$", out, re.MULTILINE)
    assert m, out
    assert (int(m.group(1)), int(m.group(2))) == (len(labels), len(labels))
    assert float(m.group(3)) > 95
    m = re.search(r"^latency: (\d+) instructions per inference", out, re.MULTILINE)
    assert m and 50_000 < int(m.group(1)) < 5_000_000, out
    from tinyengine_pio import compile_model
    arena = compile_model(model, prefix="shapes").arena_bytes
    assert f"arena (SRAM): {arena} bytes" in out
    # the drawings: ten titles, e.g. "#3 plus"
    for k, truth in enumerate(labels):
        assert f"#{k} {names[truth]}" in out
