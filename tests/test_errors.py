"""Bad input: a clear, specific message, exit code 2, and nothing written."""
from __future__ import annotations

import numpy as np
import pytest

from tinyengine_pio import compile_model
from tinyengine_pio.cli import main
from tinyengine_pio.errors import ModelError, UnsupportedError
from tests.conftest import shared_model
from tests.helpers.builder import ModelBuilder


def _relu_model(shape=(1, 4), signature=None, extra_subgraph=False, op="RELU") -> bytes:
    mb = ModelBuilder()
    x = mb.tensor(list(shape), "int8", scale=0.1, zero_point=0, shape_signature=signature)
    y = mb.tensor(list(shape), "int8", scale=0.1, zero_point=0)
    mb.op(op, [x], [y])
    return mb.build(inputs=[x], outputs=[y], extra_subgraph=extra_subgraph)


def _cli(tmp_path, capsys, model_path) -> tuple[int, str]:
    out = tmp_path / "out"
    rc = main(["compile", str(model_path), "--out", str(out)])
    err = capsys.readouterr().err
    assert not out.exists(), "a failed compile must not create the output directory"
    return rc, err


def test_missing_file(tmp_path, capsys):
    rc, err = _cli(tmp_path, capsys, tmp_path / "nope.tflite")
    assert rc == 2 and "model file not found" in err and "nope.tflite" in err


def test_not_a_flatbuffer(tmp_path, capsys):
    p = tmp_path / "notes.tflite"
    p.write_text("this is not a model\n" * 10)
    rc, err = _cli(tmp_path, capsys, p)
    assert rc == 2 and "not a TensorFlow Lite flatbuffer" in err


def test_empty_file(tmp_path, capsys):
    p = tmp_path / "empty.tflite"
    p.write_bytes(b"")
    rc, err = _cli(tmp_path, capsys, p)
    assert rc == 2 and "not a TensorFlow Lite flatbuffer" in err and "0 bytes" in err


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.99])
def test_truncated_model(tmp_path, capsys, fraction):
    data = shared_model("kws_dscnn_int8.tflite").read_bytes()
    p = tmp_path / "cut.tflite"
    p.write_bytes(data[: int(len(data) * fraction)])
    rc, err = _cli(tmp_path, capsys, p)
    assert rc == 2 and "corrupt or truncated" in err


def test_float_model_compiles(tmp_path, capsys):
    """float32 models compile now (ops/float32/); the shared one once was the refusal example."""
    out = tmp_path / "out"
    assert main(["compile", str(shared_model("float32_reject.tflite")), "--out", str(out)]) == 0
    assert (out / "fully_connected_f32.c").exists() and (out / "te_float.h").exists()


def test_an_operator_without_its_dtype_is_named_with_what_tflm_does():
    """A float32 CUMSUM: no implementation here, TFLM runs it; an int8 one TFLM does not run."""
    mb = ModelBuilder()
    x = mb.tensor([1, 4], "float32")
    y = mb.tensor([1, 4], "float32")
    mb.op("CUMSUM", [x, mb.const(np.array(1, np.int32))], [y])
    with pytest.raises(UnsupportedError) as e:
        compile_model(mb.build(inputs=[x], outputs=[y]))
    assert "operator #0 CUMSUM: this operator is not supported [float32 activations; TFLM " \
           "runs it]" in str(e.value)


def test_unsupported_operator_names_op_index_and_list(tmp_path, capsys):
    p = tmp_path / "exp.tflite"
    p.write_bytes(_relu_model(op="EXP"))
    rc, err = _cli(tmp_path, capsys, p)
    assert rc == 2
    assert "operator #0 EXP: input 0 (input) 't0' (tensor #0) is int8, expected float32" in err
    assert "Supported operators (int8 unless noted):" in err and "CONV_2D" in err
    assert "EXP (float32)" in err and "DIV (int8/float32)" in err


def test_more_than_one_subgraph():
    with pytest.raises(UnsupportedError, match="2 subgraphs"):
        compile_model(_relu_model(extra_subgraph=True))


def test_dynamic_shape():
    with pytest.raises(UnsupportedError, match="dynamic shape"):
        compile_model(_relu_model(shape=(1, 4, 4, 2), signature=(1, -1, 4, 2)))


def test_dynamic_batch_is_accepted():
    cm = compile_model(_relu_model(shape=(1, 4), signature=(-1, 4)))
    assert cm.arena_bytes > 0


def test_bad_prefix(tmp_path, capsys):
    p = tmp_path / "m.tflite"
    p.write_bytes(_relu_model())
    rc = main(["compile", str(p), "--out", str(tmp_path / "out"), "--prefix", "9bad-name"])
    assert rc == 2 and "not a C identifier" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_failed_compile_leaves_previous_output_untouched(tmp_path, capsys):
    good = tmp_path / "good.tflite"
    good.write_bytes(_relu_model())
    out = tmp_path / "out"
    assert main(["compile", str(good), "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = tmp_path / "bad.tflite"
    bad.write_bytes(_relu_model(op="EXP"))
    assert main(["compile", str(bad), "--out", str(out)]) == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_unsupported_parameter_is_specific():
    mb = ModelBuilder()
    x = mb.tensor([1, 4], "int8", scale=0.1, zero_point=0)
    w = mb.const(np.ones((2, 4), np.int8), scale=0.1, zero_point=3)
    y = mb.tensor([1, 2], "int8", scale=0.1, zero_point=0)
    mb.op("FULLY_CONNECTED", [x, w, None], [y])
    with pytest.raises(UnsupportedError, match=r"operator #0 FULLY_CONNECTED: weight zero point must be 0"):
        compile_model(mb.build(inputs=[x], outputs=[y]))


def test_model_error_is_a_clean_exception():
    with pytest.raises(ModelError):
        compile_model(b"TFL3" * 2)
