"""The validation layer (validate.py, ops/signature.py): each malformed model gets a named error
that says which tensor or operator and what is wrong - never a traceback (issue 16).

Each case starts from a valid model and breaks one thing, through the flatbuffer object API."""
from __future__ import annotations

import os
import re

import flatbuffers
import numpy as np
import pytest
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as fb

from tests.helpers import opmodels
from tests.helpers.builder import ModelBuilder
from tinyengine_pio import compile_model
from tinyengine_pio.cli import main
from tinyengine_pio.errors import (
    LimitError,
    MalformedModelError,
    TinyEngineError,
    UnsupportedError,
)
from tinyengine_pio.validate import Limits


def edit(data: bytes, fn) -> bytes:
    m = fb.ModelT.InitFromPackedBuf(data, 0)
    fn(m, m.subgraphs[0])
    b = flatbuffers.Builder(1024)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def conv():
    return opmodels.conv2d(in_shape=(1, 6, 6, 3), out_channels=4)


def fc():
    return opmodels.fully_connected(in_features=16, out_features=5)


def two_relus() -> bytes:
    mb = ModelBuilder()
    x = mb.tensor([1, 8], "int8", scale=0.1, zero_point=0, name="x")
    y = mb.tensor([1, 8], "int8", scale=0.1, zero_point=0, name="y")
    z = mb.tensor([1, 8], "int8", scale=0.1, zero_point=0, name="z")
    mb.op("RELU", [x], [y])
    mb.op("RELU", [y], [z])
    return mb.build([x], [z])


def _t(sg, name):
    return next(t for t in sg.tensors if t.name.decode() == name)


def _filter(sg):
    return next(t for t in sg.tensors if t.buffer and t.type == fb.TensorType.INT8)


def _set(obj, **kw):
    for k, v in kw.items():
        setattr(obj, k, v)


# (model, mutation, error class, fragment of the message)
CASES = {
    "no_operators": (two_relus, lambda m, sg: _set(sg, operators=[], outputs=[0]),
                     MalformedModelError, "no operators"),
    "input_index_out_of_range": (two_relus, lambda m, sg: _set(sg.operators[1], inputs=[99]),
                                 MalformedModelError, "input 0 is tensor index 99, out of range"),
    "negative_input_index": (two_relus, lambda m, sg: _set(sg.operators[1], inputs=[-2]),
                             MalformedModelError, "tensor index -2"),
    "required_input_omitted": (two_relus, lambda m, sg: _set(sg.operators[1], inputs=[-1]),
                               MalformedModelError, "omitted (-1) but required"),
    "output_index_out_of_range": (two_relus, lambda m, sg: _set(sg.operators[0], outputs=[7]),
                                  MalformedModelError, "output 0 is tensor index 7"),
    "cycle": (two_relus, lambda m, sg: _set(sg.operators[0], inputs=[2]),
              MalformedModelError, "read before operator #1 writes it"),
    "out_of_order": (two_relus, lambda m, sg: _set(sg, operators=sg.operators[::-1]),
                     MalformedModelError, "read before"),
    "written_twice": (two_relus, lambda m, sg: _set(sg.operators[1], outputs=[1]),
                      MalformedModelError, "also written by operator #0"),
    "output_never_written": (two_relus, lambda m, sg: _set(sg, operators=sg.operators[:1]),
                             MalformedModelError, "never written"),
    "no_outputs": (two_relus, lambda m, sg: _set(sg, outputs=[]),
                   MalformedModelError, "declares no outputs"),
    "opcode_index": (two_relus, lambda m, sg: _set(sg.operators[0], opcodeIndex=5),
                     MalformedModelError, "opcode index 5, out of range"),
    "buffer_index": (conv, lambda m, sg: _set(_filter(sg), buffer=999),
                     MalformedModelError, "buffer 999, out of range"),
    "const_data_short": (conv, lambda m, sg: _set(m.buffers[_filter(sg).buffer],
                                                  data=m.buffers[_filter(sg).buffer].data[:-3]),
                         MalformedModelError, "constant data has"),
    "filter_no_quantization": (conv, lambda m, sg: _set(_filter(sg), quantization=None),
                               MalformedModelError, "has no quantization"),
    "activation_no_quantization": (two_relus, lambda m, sg: _set(_t(sg, "y"), quantization=None),
                                   MalformedModelError, "'y' (tensor #1) has no quantization"),
    "scale_zero": (two_relus, lambda m, sg: _set(_t(sg, "y").quantization, scale=[0.0]),
                   MalformedModelError, "scale 0.0"),
    "scale_nan": (two_relus, lambda m, sg: _set(_t(sg, "y").quantization, scale=[float("nan")]),
                  MalformedModelError, "scale nan"),
    "scale_negative": (two_relus, lambda m, sg: _set(_t(sg, "x").quantization, scale=[-0.1]),
                       MalformedModelError, "scales must be finite and positive"),
    "zero_point_range": (two_relus, lambda m, sg: _set(_t(sg, "y").quantization, zeroPoint=[300]),
                         MalformedModelError, "zero point 300, outside int8"),
    "per_channel_short": (conv, lambda m, sg: _set(_filter(sg).quantization,
                                                   scale=list(_filter(sg).quantization.scale[:2]),
                                                   zeroPoint=[0, 0]),
                          MalformedModelError, "2 per-channel scales"),
    "per_channel_axis": (conv, lambda m, sg: _set(_filter(sg).quantization, quantizedDimension=3),
                         MalformedModelError, "along dimension 3, expected 0"),
    "rank_too_low": (conv, lambda m, sg: _set(sg.tensors[sg.inputs[0]], shape=[1, 6, 18]),
                     MalformedModelError, "rank 3"),
    "too_few_inputs": (conv, lambda m, sg: _set(sg.operators[0], inputs=sg.operators[0].inputs[:1]),
                       MalformedModelError, "it has 1 inputs, CONV_2D takes 2 to 3"),
    "empty_dimension": (conv, lambda m, sg: [_set(sg.tensors[i], shape=[1, 6, 6, 0])
                                             for i in (sg.inputs[0],)],
                        UnsupportedError, "is empty (shape [1, 6, 6, 0])"),
    "conv_output_size": (conv, lambda m, sg: _set(sg.tensors[sg.outputs[0]], shape=[1, 9, 6, 4]),
                         MalformedModelError, "but the operator computes [1, 6, 6, 4]"),
    "stride_zero": (conv, lambda m, sg: _set(sg.operators[0].builtinOptions, strideH=0),
                    MalformedModelError, "stride_h is 0"),
    "activation_enum": (conv, lambda m, sg: _set(sg.operators[0].builtinOptions,
                                                 fusedActivationFunction=42),
                        MalformedModelError, "ACTIVATION_42 is not a TFLite activation"),
    "fc_output_shape": (fc, lambda m, sg: _set(sg.tensors[sg.outputs[0]], shape=[1, 9]),
                        MalformedModelError, "expected 1 batch(es) x 5 units"),
    "fc_bias_overflow": (fc, lambda m, sg: _set(m.buffers[sg.tensors[sg.operators[0].inputs[2]]
                                                          .buffer],
                                                data=np.full(5, 2**31 - 1, "<i4").view(np.uint8)),
                         UnsupportedError, "overflow the int32 accumulator"),
    "dequantize_shape": (lambda: opmodels.dequantize_model(shape=(1, 10)),
                         lambda m, sg: _set(sg.tensors[sg.outputs[0]], shape=[1, 20]),
                         MalformedModelError, "has shape [1, 20], but the operator computes [1, 10]"),
    "quantize_shape": (lambda: opmodels.quantize_model(shape=(1, 10)),
                       lambda m, sg: _set(sg.tensors[sg.outputs[0]], shape=[2, 10]),
                       MalformedModelError, "computes [1, 10]"),
    "add_multiplier": (lambda: opmodels.binary("ADD"),
                       lambda m, sg: _set(sg.tensors[sg.outputs[0]].quantization, scale=[1e-30]),
                       MalformedModelError, "not in (0, 1)"),
    "huge_tensor": (two_relus, lambda m, sg: [_set(_t(sg, n), shape=[1 << 20, 1 << 10])
                                              for n in "xyz"],
                    LimitError, "above the limit of 67,108,864 B"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_malformed_model_named_error(name):
    build, mutate, cls, fragment = CASES[name]
    data = edit(build(), mutate)
    with pytest.raises(cls) as e:
        compile_model(data, name="m.tflite")
    assert fragment in str(e.value), str(e.value)


@pytest.mark.parametrize("name", sorted(CASES))
def test_unmutated_models_compile(name):
    """The control: each case's model is valid before its one mutation."""
    compile_model(edit(CASES[name][0](), lambda m, sg: None))


def test_limit_is_configurable(tmp_path, capsys):
    data = opmodels.conv2d(in_shape=(1, 64, 64, 8), out_channels=16)
    with pytest.raises(LimitError, match="above the limit of 40,000 B"):
        compile_model(data, limits=Limits(max_bytes=40_000))
    p = tmp_path / "m.tflite"
    p.write_bytes(data)
    assert main(["compile", str(p), "--out", str(tmp_path / "o"), "--max-bytes", "40K"]) == 2
    assert "above the limit of 40,960 B" in capsys.readouterr().err
    assert main(["compile", str(p), "--out", str(tmp_path / "o"), "--max-bytes", "1M"]) == 0


def test_every_unsupported_operator_is_named_at_once():
    mb = ModelBuilder()
    x = mb.tensor([1, 4], "int8", scale=0.1, zero_point=0)
    y = mb.tensor([1, 4], "int8", scale=0.1, zero_point=0)
    z = mb.tensor([1, 4], "int8", scale=0.1, zero_point=0)
    w = mb.tensor([1, 4], "int8", scale=0.1, zero_point=0)
    mb.op("ELU", [x], [y])
    mb.op("RELU", [y], [z])
    mb.op("SIN", [z], [w])
    with pytest.raises(UnsupportedError) as e:
        compile_model(mb.build([x], [w]))
    msg = str(e.value)
    assert "2 operators cannot be compiled (ELU, SIN):" in msg
    assert "  #0 ELU (int8): this operator is not supported [TFLM runs it]" in msg
    assert "  #2 SIN (int8): input 0 (input) 't2' (tensor #2) is int8, expected float32 [TFLM " \
           "does not run it either]" in msg


def test_every_refusal_of_a_known_operator_is_listed_too():
    """Unsupported dtypes of known operators and unknown operators in one list."""
    mb = ModelBuilder()
    x = mb.tensor([1, 4], "int16", scale=0.1, zero_point=0)
    y = mb.tensor([1, 4], "int16", scale=0.1, zero_point=0)
    z = mb.tensor([1, 4], "int16", scale=0.1, zero_point=0)
    mb.op("ZEROS_LIKE", [x], [y])
    mb.op("HARD_SWISH", [y], [z])
    with pytest.raises(UnsupportedError) as e:
        compile_model(mb.build([x], [z]))
    msg = str(e.value)
    assert "#0 ZEROS_LIKE (int16): this operator is not supported [TFLM does not run it" in msg
    assert "#1 HARD_SWISH (int16): input 0" in msg and "is int16, expected" in msg


def test_unexpected_exception_is_an_internal_error_line(tmp_path, capsys, monkeypatch):
    """A bug (here: a pass that raises) prints one line naming the site, saves the traceback to a
    file, exits 3 and writes nothing."""
    from tinyengine_pio import compiler

    def broken(_g):
        raise RuntimeError("simulated bug")
    monkeypatch.setattr(compiler, "run_pipeline", broken)
    p = tmp_path / "m.tflite"
    p.write_bytes(two_relus())
    rc = main(["compile", str(p), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert rc == 3 and not (tmp_path / "out").exists()
    assert "internal error while running compile: RuntimeError: simulated bug" in err
    assert "please report it" in err and "Traceback" not in err
    saved = err.split("the traceback is in ")[1].split()[0]
    with open(saved) as f:
        assert "simulated bug" in f.read()
    os.remove(saved)


def test_named_errors_are_tinyengine_errors():
    for cls in (MalformedModelError, LimitError):
        assert issubclass(cls, TinyEngineError)


@pytest.mark.parametrize("op", ["AVERAGE_POOL_2D", "MAX_POOL_2D"])
def test_window_far_larger_than_the_input(op, tflm_check):
    """SAME padding allows a filter far larger than the input: valid, run as TFLM does, and the
    planner's access pattern costs time in the input's size, not the filter's (was a hang)."""
    tflm_check(opmodels.pool(op, in_shape=(1, 5, 7, 3), filt=(40000, 3000), stride=(2, 1),
                             padding="SAME"))


def test_options_of_another_type_are_named():
    def wrong(m, sg):
        op = sg.operators[0]
        op.builtinOptionsType = fb.BuiltinOptions.Pool2DOptions
        op.builtinOptions = fb.Pool2DOptionsT()
    with pytest.raises(MalformedModelError, match="operator #0 CONV_2D: its options table is of type"):
        compile_model(edit(conv(), wrong))


def test_missing_options_are_named():
    with pytest.raises(MalformedModelError, match="operator #0 CONV_2D: its builtin options are missing"):
        compile_model(edit(conv(), lambda m, sg: _set(sg.operators[0], builtinOptionsType=0,
                                                       builtinOptions=None)))


def test_hostile_tensor_names_cannot_reach_the_c(tmp_path):
    """A tensor name is model data: one that closes a C comment, opens one, or holds a newline
    or a trigraph must not inject code into model.h/model.c (it is escaped at read time)."""
    from tests.helpers.hostrun import HostModel
    from tinyengine_pio.emitter import write_files
    evil = "x */ int injected(void) { return 1; } /* \n#error boom ??/"

    def rename(m, sg):
        for t in sg.tensors:
            t.name = (evil + t.name.decode()).encode()
    cm = compile_model(edit(two_relus(), rename))
    for fname in ("model.h", "model.c"):
        code = re.sub(r"/\*.*?\*/", "", cm.files[fname], flags=re.S)   # what the compiler sees
        assert "injected" not in code and "#error" not in code, fname
    write_files(str(tmp_path / "gen"), cm.files)
    with HostModel(tmp_path / "gen", "model"):       # builds with -Wall -Wextra -Werror
        pass


def test_hostile_file_name_cannot_reach_the_c():
    cm = compile_model(two_relus(), name="m */ int injected; /* .tflite")
    for fname in ("model.h", "model.c"):
        code = re.sub(r"/\*.*?\*/", "", cm.files[fname], flags=re.S)
        assert "injected" not in code, fname
