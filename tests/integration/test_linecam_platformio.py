"""The line-camera sample (sample_apps/platformio_linecam): custom_tinyengine_input_stream = yes
built with `pio run` and run with `pio run -t upload` (offline PlatformIO core, QEMU mps2-an386);
the firmware synthesizes each frame row by row inside model_read_input_rows(), and every printed
output byte must equal TFLM's on the same frame rebuilt whole in numpy (scenes.py)."""
from __future__ import annotations

import re

import numpy as np
import pytest

from tests.helpers.sample_apps import (
    ROOT,
    load_module,
    missing_tools,
    pio,
    sample_project,
)

SAMPLE = ROOT / "sample_apps" / "platformio_linecam"


pytestmark = [pytest.mark.platformio, pytest.mark.qemu, pytest.mark.skipif(
    bool(missing_tools()), reason="the sample needs: " + ", ".join(missing_tools()))]


@pytest.fixture(scope="module")
def scenes():
    return load_module(SAMPLE / "scenes.py", "linecam_scenes")


def test_linecam_streams_rows_and_equals_tflm(tmp_path, scenes):
    """As committed (default env mps2-an386): the build says the input is streamed and the
    arena is the streamed one; every frame's printed rows are scenes.py's, its output bytes
    TFLM's, the model asked for all 64 rows; the arena is below the layer-by-layer one and
    below the input's 4,096 B."""
    from tests.helpers.tflm import run_tflm_many
    from tinyengine_pio import compile_model

    env, project = sample_project(SAMPLE, tmp_path)
    build = pio(env, project)
    model = (SAMPLE / "model" / "linecam.tflite").read_bytes()
    streamed = compile_model(model, optimize="memory", input_stream=True, emit=False)
    layerwise = compile_model(model, emit=False).arena_bytes
    assert streamed.arena_bytes < 4096 < layerwise
    assert re.search(rf"arena {streamed.arena_bytes} bytes, weights 2880 bytes; fused stages "
                     r"[\d, -]+; input streamed \(model_read_input_rows\)\)", build), build
    out = pio(env, project, "-t", "upload")

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
