"""Self-tests of the test helpers (model builder, TFLM oracle, host runner)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import tflite

from tests.helpers import opmodels
from tests.helpers.builder import ModelBuilder, dequantize, quantize
from tests.helpers.hostrun import (HostModel, HostRunError, assert_matches_tflm,
                                   have_cc)
from tests.helpers.tflm import (capture_fd_stderr, deterministic_inputs,
                                model_io, run_tflm, run_tflm_many,
                                tflm_arena_bytes)

SHARED_MODELS = Path(__file__).resolve().parents[2] / "shared" / "models"
needs_cc = pytest.mark.skipif(not have_cc(), reason="no host C compiler (gcc)")


def _seed0(model):
    return dict(deterministic_inputs(model))["seed0"]


# -- builder ------------------------------------------------------------------


def test_builder_flatbuffer_conventions():
    data = opmodels.conv2d()
    assert data[4:8] == b"TFL3"
    m = tflite.Model.GetRootAs(data, 0)
    assert m.Version() == 3
    assert m.SubgraphsLength() == 1
    assert m.Buffers(0).DataLength() == 0
    oc = m.OperatorCodes(0)
    assert oc.BuiltinCode() == tflite.BuiltinOperator.CONV_2D
    assert oc.DeprecatedBuiltinCode() == tflite.BuiltinOperator.CONV_2D
    base = np.frombuffer(data, np.uint8).ctypes.data
    for i in range(1, m.BuffersLength()):
        assert (m.Buffers(i).DataAsNumpy().ctypes.data - base) % 16 == 0


def test_builder_per_channel_quant_and_options():
    data = opmodels.conv2d(stride=(2, 1), padding="VALID", activation="RELU6")
    m = tflite.Model.GetRootAs(data, 0)
    sg = m.Subgraphs(0)
    op = sg.Operators(0)
    w = sg.Tensors(op.Inputs(1))
    assert w.Type() == tflite.TensorType.INT8
    assert w.Quantization().ScaleLength() == 4
    assert w.Quantization().QuantizedDimension() == 0
    assert list(w.Quantization().ZeroPointAsNumpy()) == [0, 0, 0, 0]
    b = sg.Tensors(op.Inputs(2))
    assert b.Type() == tflite.TensorType.INT32
    x_scale = sg.Tensors(op.Inputs(0)).Quantization().Scale(0)
    np.testing.assert_allclose(b.Quantization().ScaleAsNumpy(),
                               x_scale * w.Quantization().ScaleAsNumpy(), rtol=1e-6)
    assert op.BuiltinOptionsType() == tflite.BuiltinOptions.Conv2DOptions
    opts = tflite.Conv2DOptions()
    opts.Init(op.BuiltinOptions().Bytes, op.BuiltinOptions().Pos)
    assert (opts.StrideH(), opts.StrideW()) == (2, 1)
    assert opts.Padding() == tflite.Padding.VALID
    assert opts.FusedActivationFunction() == tflite.ActivationFunctionType.RELU6
    assert (opts.DilationHFactor(), opts.DilationWFactor()) == (1, 1)


def test_builder_depthwise_quant_dim_3():
    sg = tflite.Model.GetRootAs(opmodels.depthwise_conv2d(), 0).Subgraphs(0)
    w = sg.Tensors(sg.Operators(0).Inputs(1))
    assert w.ShapeAsNumpy().tolist() == [1, 3, 3, 6]
    assert w.Quantization().QuantizedDimension() == 3
    assert w.Quantization().ScaleLength() == 6


def test_builder_rejects_bad_options():
    mb = ModelBuilder()
    x = mb.tensor([1, 4], "int8", scale=0.1, zero_point=0)
    y = mb.tensor([1, 4], "int8", scale=0.1, zero_point=0)
    with pytest.raises(ValueError, match="unknown option"):
        mb.op("ADD", [x, x], [y], dict(stride_w=1))
    with pytest.raises(ValueError, match="not a member"):
        mb.op("ADD", [x, x], [y], dict(fused_activation_function="RELU7"))
    with pytest.raises(ValueError, match="takes no options"):
        mb.op("RELU", [x], [y], dict(beta=1.0))
    with pytest.raises(ValueError, match="unknown builtin"):
        mb.op("NOT_AN_OP", [x], [y])
    with pytest.raises(ValueError, match="scales"):
        mb.const(np.zeros((4, 3), np.int8), scale=np.ones(3), quant_dim=0)


def test_builder_extra_subgraph_and_dynamic_shape():
    mb = ModelBuilder()
    x = mb.tensor([1, 4], "int8", scale=0.1, zero_point=0,
                  shape_signature=[-1, 4], name="x")
    y = mb.tensor([1, 4], "int8", scale=0.1, zero_point=0, name="y")
    mb.op("RELU", [x], [y])
    m = tflite.Model.GetRootAs(mb.build([x], [y], extra_subgraph=True), 0)
    assert m.SubgraphsLength() == 2
    t = m.Subgraphs(0).Tensors(x.index)
    assert t.ShapeSignatureAsNumpy().tolist() == [-1, 4]
    assert t.ShapeAsNumpy().tolist() == [1, 4]


def test_builder_all_dtypes_roundtrip():
    mb = ModelBuilder()
    refs = {}
    for dt in ["int8", "int16", "int32", "float32", "uint8"]:
        refs[dt] = mb.const(np.arange(6).reshape(2, 3).astype(dt), name=dt)
    x = mb.tensor([2], "float32")
    data = mb.build([x], [x])
    sg = tflite.Model.GetRootAs(data, 0).Subgraphs(0)
    m = tflite.Model.GetRootAs(data, 0)
    for dt, ref in refs.items():
        t = sg.Tensors(ref.index)
        raw = m.Buffers(t.Buffer()).DataAsNumpy().tobytes()
        np.testing.assert_array_equal(np.frombuffer(raw, dt).reshape(2, 3),
                                      np.arange(6).reshape(2, 3))


# -- TFLM oracle on single-op models ------------------------------------------


@pytest.mark.parametrize("name", sorted(opmodels.SINGLE_OP_MODELS))
def test_tflm_runs_single_op_model(name):
    model = opmodels.SINGLE_OP_MODELS[name]()
    io = model_io(model)
    sets = list(deterministic_inputs(model))
    assert [n for n, _ in sets] == ["seed0", "seed1", "seed2", "all_min", "all_max"]
    outs = run_tflm_many(model, [ins for _, ins in sets])
    for o, desc in zip(outs[0], io["outputs"]):
        assert o.shape == desc["shape"] and o.dtype == desc["dtype"]
        assert len(np.unique(o)) > 1, "random input gave a constant output"
    # Outputs differ between random seeds.
    assert not np.array_equal(outs[0][0], outs[1][0])


def test_conv_relu6_range_and_shape():
    model = opmodels.conv2d()  # per-channel, SAME, RELU6
    (y,) = run_tflm(model, _seed0(model))
    assert y.shape == (1, 8, 8, 4)
    out = model_io(model)["outputs"][0]
    lo, hi = out["zero_point"], out["zero_point"] + round(6 / out["scale"])
    assert y.min() >= lo and y.max() <= hi


def test_depthwise_and_fc_shapes():
    (y,) = run_tflm(opmodels.depthwise_conv2d(), _seed0(opmodels.depthwise_conv2d()))
    assert y.shape == (1, 8, 8, 6)
    fc = opmodels.fully_connected(in_features=20, out_features=7)
    (y,) = run_tflm(fc, np.zeros((1, 20), np.int8))
    assert y.shape == (1, 7)


def test_add_broadcast_two_inputs():
    model = opmodels.binary("ADD", (1, 4, 4, 8), (1, 1, 1, 8))
    io = model_io(model)
    assert [d["shape"] for d in io["inputs"]] == [(1, 4, 4, 8), (1, 1, 1, 8)]
    a = np.full((1, 4, 4, 8), -3, np.int8)          # real 0.0
    b = np.arange(8, dtype=np.int8).reshape(1, 1, 1, 8) + 7   # real 0.03*k
    (y,) = run_tflm(model, [a, b])
    expect = quantize(dequantize(b, 0.03, 7), 0.1, 1)
    np.testing.assert_array_equal(y, np.broadcast_to(expect, y.shape))


def test_softmax_and_mean():
    sm = opmodels.unary("SOFTMAX")
    (y,) = run_tflm(sm, _seed0(sm))
    probs = dequantize(y, 1 / 256, -128)
    assert abs(probs.sum() - 1.0) < 0.05
    mn = opmodels.mean()
    (y,) = run_tflm(mn, _seed0(mn))
    assert y.shape == (1, 1, 1, 8)


def test_pad_resize_transpose_match_numpy():
    x = _seed0(opmodels.pad())[0]
    (y,) = run_tflm(opmodels.pad(), [x])
    expect = np.pad(x, ((0, 0), (1, 2), (2, 1), (0, 0)), constant_values=opmodels.IN_ZP)
    np.testing.assert_array_equal(y, expect)

    x = _seed0(opmodels.resize_nearest())[0]
    (y,) = run_tflm(opmodels.resize_nearest(), [x])
    rows = np.floor(np.arange(8) * 4 / 8).astype(int)
    cols = np.floor(np.arange(12) * 4 / 12).astype(int)
    np.testing.assert_array_equal(y, x[:, rows][:, :, cols])

    x = _seed0(opmodels.transpose())[0]
    (y,) = run_tflm(opmodels.transpose(), [x])
    np.testing.assert_array_equal(y, x.transpose(0, 3, 1, 2))


def test_quantize_dequantize():
    q = opmodels.quantize_model(scale=0.02, zero_point=3)
    x = np.array([[-3.0, -1.0, -0.01, 0.0, 0.01, 0.5, 1.0, 2.0, 2.5, 3.0]], np.float32)
    (y,) = run_tflm(q, [x])
    assert y.dtype == np.int8
    np.testing.assert_array_equal(y, quantize(x, 0.02, 3))
    dq = opmodels.dequantize_model(scale=0.02, zero_point=3)
    xi = np.arange(-128, 127, 26, dtype=np.int8)[None, :10]
    (y,) = run_tflm(dq, [xi])
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, dequantize(xi, 0.02, 3), rtol=1e-6)


def test_multi_output_model():
    mb = ModelBuilder()
    x = mb.tensor([1, 6], "int8", scale=0.05, zero_point=-3, name="x")
    y1 = mb.tensor([1, 6], "int8", scale=0.05, zero_point=-3, name="relu")
    y2 = mb.tensor([1, 3, 2], "int8", scale=0.05, zero_point=-3, name="reshaped")
    mb.op("RELU", [x], [y1])
    mb.op("RESHAPE", [x, mb.int32([1, 3, 2])], [y2], dict(new_shape=[1, 3, 2]))
    model = mb.build([x], [y2, y1])
    xin = np.arange(-3, 3, dtype=np.int8).reshape(1, 6)
    r, relu = run_tflm(model, [xin])
    np.testing.assert_array_equal(r, xin.reshape(1, 3, 2))
    np.testing.assert_array_equal(relu, np.maximum(xin, -3))
    assert [d["shape"] for d in model_io(model)["outputs"]] == [(1, 3, 2), (1, 6)]


def test_deterministic_inputs_float_and_extremes():
    sets = dict(deterministic_inputs(opmodels.quantize_model()))
    assert sets["seed0"][0].dtype == np.float32
    np.testing.assert_array_equal(
        sets["seed1"][0],
        np.random.default_rng(1).standard_normal((1, 10)).astype(np.float32))
    assert (sets["all_min"][0] == -3.0).all() and (sets["all_max"][0] == 3.0).all()
    sets = dict(deterministic_inputs(opmodels.conv2d()))
    np.testing.assert_array_equal(
        sets["seed2"][0],
        np.random.default_rng(2).integers(-128, 128, size=(1, 8, 8, 3)).astype(np.int8))
    assert (sets["all_min"][0] == -128).all() and (sets["all_max"][0] == 127).all()


def test_run_tflm_rejects_bad_inputs():
    model = opmodels.conv2d()
    with pytest.raises(ValueError, match="inputs"):
        run_tflm(model, [])
    with pytest.raises(TypeError):
        run_tflm(model, [np.zeros((1, 8, 8, 3), np.float32)])
    # A lossless reshape/cast is accepted.
    (y,) = run_tflm(model, [np.zeros(192, np.int32)])
    assert y.shape == (1, 8, 8, 4)


def test_capture_fd_stderr():
    import os
    with capture_fd_stderr() as cap:
        os.write(2, b"hello fd2\n")
    assert cap == ["hello fd2\n"]


def test_tflm_arena_bytes_single_op():
    r = tflm_arena_bytes(opmodels.conv2d())
    assert r["total"] == r["head"] + r["tail"] and r["head"] > 0


def test_tflm_arena_bytes_kws():
    path = SHARED_MODELS / "kws_dscnn_int8.tflite"
    if not path.is_file():
        pytest.skip(f"shared model zoo not found at {SHARED_MODELS}")
    r = tflm_arena_bytes(path.read_bytes())
    assert r["total"] > 0 and r["head"] > 0 and r["tail"] > 0
    assert r["total"] == r["head"] + r["tail"]


# -- host runner (against a hand-written fake "generated" directory) ----------


def write_fake_identity_model(out_dir: Path, prefix: str = "model",
                              sizes=(16,), fail: bool = False,
                              corrupt_byte: int | None = None) -> Path:
    """A fake generated dir whose model copies input i to output i.

    ``fail`` makes invoke return 7; ``corrupt_byte`` flips that byte of
    output 0 (for mismatch reporting tests).  Includes a separate "kernel"
    source file to exercise multi-file builds.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    P, p, n = prefix.upper(), prefix, len(sizes)
    half = sum(sizes)
    corrupt = (f"arena[{half} + {corrupt_byte}] ^= 0x55;"
               if corrupt_byte is not None else "")
    (out_dir / f"{p}.h").write_text(f"""#ifndef {P}_H
#define {P}_H
#include <stddef.h>
#define {P}_ARENA_BYTES {2 * half}
int {p}_invoke(void);
void *{p}_input(int i);
const void *{p}_output(int i);
size_t {p}_input_bytes(int i);
size_t {p}_output_bytes(int i);
int {p}_num_inputs(void);
int {p}_num_outputs(void);
#endif
""")
    (out_dir / f"{p}.c").write_text(f"""#include "{p}.h"
#include "kern_copy.h"
static const size_t sizes[{n}] = {{{", ".join(map(str, sizes))}}};
static signed char arena[{P}_ARENA_BYTES];
static size_t offset(int i) {{
    size_t o = 0; int k;
    for (k = 0; k < i; ++k) o += sizes[k];
    return o;
}}
int {p}_invoke(void) {{
    int i;
    for (i = 0; i < {n}; ++i)
        kern_copy(arena + {half} + offset(i), arena + offset(i), sizes[i]);
    {corrupt}
    return {7 if fail else 0};
}}
void *{p}_input(int i) {{ return arena + offset(i); }}
const void *{p}_output(int i) {{ return arena + {half} + offset(i); }}
size_t {p}_input_bytes(int i) {{ return sizes[i]; }}
size_t {p}_output_bytes(int i) {{ return sizes[i]; }}
int {p}_num_inputs(void) {{ return {n}; }}
int {p}_num_outputs(void) {{ return {n}; }}
""")
    (out_dir / "kern_copy.h").write_text(
        "#include <stddef.h>\n"
        "void kern_copy(signed char *d, const signed char *s, size_t n);\n")
    (out_dir / "kern_copy.c").write_text(
        '#include "kern_copy.h"\n'
        "void kern_copy(signed char *d, const signed char *s, size_t n) {\n"
        "    size_t i;\n    for (i = 0; i < n; ++i) d[i] = s[i];\n}\n")
    return out_dir


@needs_cc
def test_hostrun_identity_many_sets(tmp_path):
    out = write_fake_identity_model(tmp_path / "gen", prefix="net", sizes=(16, 5))
    before = sorted(p.name for p in out.iterdir())
    with HostModel(out, prefix="net") as hm:
        assert hm.info() == {"inputs": [16, 5], "outputs": [16, 5], "arena": 42}
        rng = np.random.default_rng(0)
        sets = [[rng.integers(-128, 128, 16).astype(np.int8),
                 rng.integers(-128, 128, 5).astype(np.int8).tobytes()]
                for _ in range(50)]
        res = hm.run(sets)
        assert len(res) == 50
        for ins, outs in zip(sets, res):
            assert outs == [ins[0].tobytes(), ins[1]]
        exe = hm.exe
        assert hm.build() == exe  # cached
        assert hm.run([]) == []
        with pytest.raises(ValueError, match="expects 16"):
            hm.run([[np.zeros(15, np.int8), np.zeros(5, np.int8)]])
    assert sorted(p.name for p in out.iterdir()) == before  # OUT untouched


@needs_cc
def test_hostrun_reuses_an_object_only_when_its_headers_are_identical(tmp_path):
    """The per-process object cache: the same kern_copy.c under a header that changes what it
    computes must be recompiled; under the same header it is reused, not rebuilt."""
    from tests.helpers import hostrun
    kern_c = ('#include "kern_copy.h"\n'
              "void kern_copy(signed char *d, const signed char *s, size_t n) {\n"
              "    size_t i;\n    for (i = 0; i < n; ++i) d[i] = (signed char)KERN_MAP(s[i]);\n}\n")
    def kern_entries():
        return {(key, str(e["obj"])) for key, entries in hostrun._OBJECTS.entries.items()
                for e in entries if e["source"] == "kern_copy.c"}

    before = kern_entries()
    x = np.arange(16, dtype=np.int8)
    got = {}
    for name, op in (("plain", "(v)"), ("xor", "((v) ^ 1)"), ("plain_again", "(v)")):
        out = write_fake_identity_model(tmp_path / name)
        (out / "kern_copy.h").write_text("#include <stddef.h>\n#define KERN_MAP(v) %s\n"
                                         "void kern_copy(signed char *d, const signed char *s, "
                                         "size_t n);\n" % op)
        (out / "kern_copy.c").write_text(kern_c)
        with HostModel(out, extra_cflags=["-DHOSTRUN_CACHE_TEST"]) as hm:
            got[name] = hm.run([[x]])[0][0]
    assert got["plain"] == got["plain_again"] == x.tobytes()
    assert got["xor"] == (x ^ 1).tobytes()
    new = kern_entries() - before
    assert len(new) == 2 and len({key for key, _ in new}) == 1   # plain and xor, one source key


@needs_cc
def test_hostrun_invoke_failure_and_truncation(tmp_path):
    out = write_fake_identity_model(tmp_path / "gen", fail=True)
    with HostModel(out) as hm:
        with pytest.raises(HostRunError) as ei:
            hm.run([[np.zeros(16, np.int8)]])
        assert ei.value.returncode == 3 and "returned 7" in ei.value.stderr
    out = write_fake_identity_model(tmp_path / "ok")
    with HostModel(out) as hm:
        import subprocess
        proc = subprocess.run([str(hm.build())], input=b"\0" * 20, capture_output=True)
        assert proc.returncode == 2 and len(proc.stdout) == 16


@needs_cc
def test_hostrun_sanitized_build(tmp_path):
    out = write_fake_identity_model(tmp_path / "gen", sizes=(8,))
    with HostModel(out, sanitize=True) as hm:
        x = np.arange(8, dtype=np.int8)
        assert hm.run([[x], [-x]]) == [[x.tobytes()], [(-x).tobytes()]]


@needs_cc
def test_hostrun_build_error_is_reported(tmp_path):
    out = write_fake_identity_model(tmp_path / "gen")
    (out / "bad.c").write_text("static int unused_fn(void) { return 1; }\n")
    with pytest.raises(HostRunError, match="host build failed") as ei:
        HostModel(out).build()
    assert "unused" in ei.value.stderr  # -Werror active


@needs_cc
def test_assert_matches_tflm(tmp_path):
    # RESHAPE with identical in/out quantization is a byte-identity in TFLM.
    model = opmodels.reshape(in_shape=(1, 4, 4, 1), new_shape=(1, 16))
    out = write_fake_identity_model(tmp_path / "good", sizes=(16,))
    assert_matches_tflm(model, out)  # default deterministic_inputs
    assert_matches_tflm(model, out, {"zeros": [np.zeros((1, 4, 4, 1), np.int8)]})

    bad = write_fake_identity_model(tmp_path / "bad", sizes=(16,), corrupt_byte=5)
    with pytest.raises(AssertionError) as ei:
        assert_matches_tflm(model, bad, deterministic_inputs(model))
    msg = str(ei.value)
    assert "'seed0'" in msg and "output 0" in msg and "flat index 5" in msg
    assert "1 of 16 elements differ" in msg and "ours=" in msg and "tflm=" in msg

    # Byte-count mismatch: TFLM output is float32 (64 bytes), ours 16 bytes.
    with pytest.raises(AssertionError, match="produced 16 bytes"):
        assert_matches_tflm(opmodels.dequantize_model(shape=(1, 16)), out,
                            [[np.zeros((1, 16), np.int8)]])
