"""The `make demo` model (sample_apps/platformio_shapes): a numpy-trained int8 CNN on drawn shapes.

The committed model/shapes.tflite and src/samples.h are what make_model.py writes; here the
generated C must equal TFLM byte for byte on the demo's samples and on held-out images, the model
must really classify (accuracy far above chance), its quantization must be the TFLite converter's,
and (slow: it trains for ~10 s) retraining must reproduce the committed bytes.
"""
from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_apps" / "platformio_shapes"
MODEL = SAMPLE / "model" / "shapes.tflite"
SAMPLES_H = SAMPLE / "src" / "samples.h"


@pytest.fixture(scope="module")
def mm():
    spec = importlib.util.spec_from_file_location("shapes_make_model", SAMPLE / "make_model.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def model() -> bytes:
    return MODEL.read_bytes()


def header_accuracy() -> float:
    m = re.search(r"#define SHAPES_TEST_ACCURACY_BP (\d+)", SAMPLES_H.read_text())
    assert m, "samples.h has no SHAPES_TEST_ACCURACY_BP"
    return int(m.group(1)) / 10000


def test_samples_header_is_what_the_script_writes(mm):
    images, labels = mm.demo_samples()
    assert sorted(set(labels.tolist())) == list(range(len(mm.CLASSES)))
    assert SAMPLES_H.read_text() == mm.samples_header(images, labels, header_accuracy())


def test_matches_tflm_on_the_demo_samples_and_classifies_them(mm, model, tflm_check):
    images, labels = mm.demo_samples()
    sets = [(f"sample{k}", [mm.to_int8(im)[None]]) for k, im in enumerate(images)]
    tflm_check(model, sets, prefix="shapes")
    predicted = np.argmax(mm.int8_predictions(model, images), axis=1)
    assert predicted.tolist() == labels.tolist()


def test_held_out_accuracy_and_generated_c_equal_to_tflm(mm, model, compile_to):
    """The header's accuracy is the committed model's, by TFLM, over the whole held-out set, and
    the generated C gives TFLM's bytes on every one of those images."""
    from tests.helpers.hostrun import HostModel

    xt, yt = mm.dataset(mm.SEED + 1, mm.N_TEST)
    ref = mm.int8_predictions(model, xt)
    accuracy = float(np.mean(np.argmax(ref, axis=1) == yt))
    assert accuracy == header_accuracy()
    assert accuracy > 0.95, accuracy            # chance is 1/6
    _, out = compile_to(model, prefix="shapes")
    with HostModel(out, "shapes") as host:
        got = host.run([[mm.to_int8(im)[None]] for im in xt])
    np.testing.assert_array_equal(
        np.stack([np.frombuffer(o[0], np.int8) for o in got]), ref)


def test_quantized_as_the_tflite_converter_does(model):
    """int8 activations (softmax output 1/256, -128), symmetric int8 weights (per channel for
    convolutions), int32 biases with scale = input scale * weight scale."""
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as fb

    m = fb.ModelT.InitFromObj(fb.Model.GetRootAs(model, 0))
    sg = m.subgraphs[0]
    names = {v: k for k, v in vars(fb.BuiltinOperator).items() if not k.startswith("_")}
    ops = [names[m.operatorCodes[o.opcodeIndex].builtinCode] for o in sg.operators]
    assert ops == ["CONV_2D", "MAX_POOL_2D", "CONV_2D", "MAX_POOL_2D", "RESHAPE",
                   "FULLY_CONNECTED", "SOFTMAX"]
    t = sg.tensors
    assert t[sg.inputs[0]].type == fb.TensorType.INT8
    out = t[sg.outputs[0]]
    assert out.type == fb.TensorType.INT8
    assert (list(out.quantization.scale), list(out.quantization.zeroPoint)) == ([1 / 256], [-128])
    for op, name in zip(sg.operators, ops):
        if name not in ("CONV_2D", "FULLY_CONNECTED"):
            continue
        x, w, b = (t[i] for i in op.inputs)
        w_data = np.frombuffer(bytes(m.buffers[w.buffer].data), np.int8)
        b_data = np.frombuffer(bytes(m.buffers[b.buffer].data), np.int32)
        assert w.type == fb.TensorType.INT8 and b.type == fb.TensorType.INT32
        assert w_data.min() >= -127 and set(w.quantization.zeroPoint) == {0}
        n_scales = len(w.quantization.scale)
        assert n_scales == (w.shape[0] if name == "CONV_2D" else 1)
        # each channel uses the full symmetric range: max |w| = 127
        assert set(np.abs(w_data.reshape(n_scales, -1)).max(axis=1).tolist()) == {127}
        want = np.float32(x.quantization.scale[0]) * np.asarray(w.quantization.scale, np.float32)
        np.testing.assert_array_equal(np.asarray(b.quantization.scale, np.float32), want)
        assert b_data.shape == (w.shape[0],)


@pytest.mark.slow
def test_retraining_reproduces_the_committed_files(tmp_path):
    """make_model.py (one BLAS thread, fixed seeds) writes the committed files again: byte for
    byte here. Another BLAS build or CPU may sum floats in another order, so elsewhere the test
    asks for the same network and held-out accuracy within half a point (set
    TINYENGINE_EXACT_RETRAIN=1 to require the bytes; to refresh, retrain and commit both files)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, str(SAMPLE / "make_model.py"), "--out-dir",
                           str(tmp_path)], env=env, capture_output=True, text=True, timeout=600,
                          check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    got = (tmp_path / "model" / "shapes.tflite").read_bytes()
    if got == MODEL.read_bytes():
        assert f"int8 held-out accuracy (TFLM): {100 * header_accuracy():.2f} %" in proc.stdout
        assert (tmp_path / "src" / "samples.h").read_text() == SAMPLES_H.read_text()
        return
    assert not os.environ.get("TINYENGINE_EXACT_RETRAIN"), "retraining gave other bytes"
    from tinyengine_pio.frontend import read_model
    shape = [(op.kind, [g.t(o).shape for o in op.outputs])
             for g in (read_model(got),) for op in g.operators]
    want = [(op.kind, [g.t(o).shape for o in op.outputs])
            for g in (read_model(MODEL.read_bytes()),) for op in g.operators]
    assert shape == want
    acc = float(re.search(r"int8 held-out accuracy \(TFLM\): ([0-9.]+) %", proc.stdout).group(1))
    assert abs(acc - 100 * header_accuracy()) <= 0.5, proc.stdout
