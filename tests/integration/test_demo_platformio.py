"""`make demo` as it runs: the shapes sample built with `pio run` and run with `pio run -t upload`
(offline PlatformIO core, QEMU mps2-an386), its printed predictions checked against TFLM.
"""
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

SAMPLE = ROOT / "sample_apps" / "platformio_shapes"


pytestmark = [pytest.mark.platformio, pytest.mark.qemu, pytest.mark.skipif(
    bool(missing_tools()), reason="the demo needs: " + ", ".join(missing_tools()))]


@pytest.fixture(scope="module")
def make_model():
    return load_module(SAMPLE / "make_model.py", "shapes_make_model")


def test_make_demo_prints_tflm_predictions(tmp_path, make_model):
    """The sample as committed (default env mps2-an386): every sample line names TFLM's class with
    TFLM's probability beside the truth, 10/10 correct, then latency and arena."""
    env, project = sample_project(SAMPLE, tmp_path)
    pio(env, project)
    out = pio(env, project, "-t", "upload")

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
