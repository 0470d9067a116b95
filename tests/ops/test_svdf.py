"""SVDF against TFLM (ops/svdf.py int8 with int16 or int8 state, ops/float32/svdf.py).

The state is a variable tensor: tflm_check resets it before each input set on both sides (one
invoke fills only the newest memory column); the *_sequence tests run many sets one after
another without a reset (tests/helpers/hostrun.assert_sequence_matches_tflm), so the whole
memory, its shift and the time weights are exercised, as a keyword spotter runs it."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.builder import ModelBuilder
from tests.helpers.hostrun import assert_sequence_matches_tflm
from tinyengine_pio.errors import MalformedModelError, UnsupportedError


def svdf_int8(batch=1, n_in=8, n_filters=6, n_memory=4, rank=2, state="int16", seed=0,
              in_zp=-3, out_zp=5, state_zp=0, bias=True, act="NONE", bias_scale=None,
              time_type=None, variable=True, headroom=1.0) -> bytes:
    """An int8 SVDF whose state and output scales fit the values random inputs give (times
    `headroom`: below 1 saturates)."""
    rng = np.random.default_rng(seed)
    units = n_filters // rank
    s_in, s_wf = 0.05, 0.01
    ttype = time_type or state
    t_max = 32767 if ttype == "int16" else 127
    s_max = 32767 if state == "int16" else 127
    wf = rng.integers(-127, 128, (n_filters, n_in)).astype(np.int8)
    wt = rng.integers(-t_max, t_max + 1, (n_filters, n_memory))
    # a feature value is about sqrt(n_in) * 73 * 64 input-weight steps
    feat = np.sqrt(n_in) * 73 * 64 * s_in * s_wf
    s_st = float(np.float32(3 * feat / s_max / headroom))
    s_wt = 1.0 / t_max
    time_real = np.sqrt(n_memory * rank) * 0.6 * feat
    s_out = float(np.float32(3 * time_real / 127 / headroom))
    mb = ModelBuilder()
    x = mb.tensor([batch, n_in], "int8", scale=s_in, zero_point=in_zp, name="x")
    w1 = mb.const(wf, scale=s_wf, zero_point=0, name="weights_feature")
    w2 = mb.const(wt.astype(np.int16 if ttype == "int16" else np.int8), scale=s_wt, zero_point=0,
                  name="weights_time")
    b = None
    if bias:
        bs = bias_scale if bias_scale is not None else float(np.float32(s_st) * np.float32(s_wt))
        b = mb.const(rng.integers(-3000, 3001, units).astype(np.int32), scale=bs,
                     zero_point=0, name="bias")
    st = mb.tensor([batch, n_memory * n_filters], state, scale=s_st, zero_point=state_zp,
                   name="state", variable=variable)
    y = mb.tensor([batch, units], "int8", scale=s_out, zero_point=out_zp, name="y")
    mb.op("SVDF", [x, w1, w2, b, st], [y], {"rank": rank, "fused_activation_function": act})
    return mb.build([x], [y])


def int8_sets(shape, n=8, seed=1):
    rng = np.random.default_rng(seed)
    sets = [[rng.integers(-128, 128, shape).astype(np.int8)] for _ in range(n)]
    return sets + [[np.full(shape, -128, np.int8)], [np.full(shape, 127, np.int8)],
                   [np.zeros(shape, np.int8)]]


SHAPES = [  # batch, input, filters, memory, rank
    (1, 8, 6, 4, 2), (1, 1, 1, 1, 1), (2, 5, 3, 10, 1), (3, 16, 8, 3, 4), (1, 40, 12, 8, 3),
    (2, 7, 4, 2, 4)]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("state", ["int16", "int8"])
def test_int8_sequence(compile_to, shape, state):
    batch, n_in, n_filters, n_memory, rank = shape
    data = svdf_int8(batch, n_in, n_filters, n_memory, rank, state=state)
    _, out = compile_to(data)
    assert_sequence_matches_tflm(data, out, int8_sets((batch, n_in)))


@pytest.mark.parametrize("shape", SHAPES[:3])
def test_int8_fresh_state(tflm_check, shape):
    batch, n_in, n_filters, n_memory, rank = shape
    cm = tflm_check(svdf_int8(batch, n_in, n_filters, n_memory, rank))
    assert "MODEL_STATE_BYTES" in cm.files["model.h"]


@pytest.mark.parametrize("in_zp,out_zp,state_zp", [(-128, 127, 0), (127, -128, 0), (0, 0, 0),
                                                   (5, -7, 9), (-20, 3, -30)])
@pytest.mark.parametrize("state", ["int16", "int8"])
def test_int8_zero_points(compile_to, in_zp, out_zp, state_zp, state):
    """A non-zero state zero point: TFLM resets an int8 state to it, an int16 one to 0."""
    data = svdf_int8(2, 6, 4, 5, 2, state=state, in_zp=in_zp, out_zp=out_zp, state_zp=state_zp,
                     seed=4)
    _, out = compile_to(data)
    assert_sequence_matches_tflm(data, out, int8_sets((2, 6), seed=in_zp & 0xff))


@pytest.mark.parametrize("headroom", [0.05, 0.3, 20.0])
@pytest.mark.parametrize("state", ["int16", "int8"])
def test_int8_saturation_and_tiny_scales(compile_to, headroom, state):
    data = svdf_int8(1, 12, 6, 6, 2, state=state, headroom=headroom, seed=9)
    _, out = compile_to(data)
    assert_sequence_matches_tflm(data, out, int8_sets((1, 12)))


@pytest.mark.parametrize("act", ["RELU", "RELU6", "TANH"])
def test_int8_ignores_activation(compile_to, act):
    """TFLM's integer SVDF applies no fused activation, only the int8 clamp."""
    data = svdf_int8(1, 8, 6, 4, 2, act=act)
    _, out = compile_to(data)
    ours = assert_sequence_matches_tflm(data, out, int8_sets((1, 8)))
    plain = svdf_int8(1, 8, 6, 4, 2)
    _, out2 = compile_to(plain, prefix="plain")
    assert_sequence_matches_tflm(plain, out2, int8_sets((1, 8)), prefix="plain")
    assert min(int(o[0].min()) for o in ours) < 5       # negative values not clamped away


@pytest.mark.parametrize("kw,why", [
    ({"bias": False}, "bias .input 3. is omitted"),
    ({"time_type": "int8"}, "must match"),
    ({"bias_scale": 0.5}, "bias scale"),
])
def test_int8_refused(compile_to, kw, why):
    with pytest.raises(UnsupportedError, match=why):
        compile_to(svdf_int8(**kw))


@pytest.mark.parametrize("kw,why", [
    ({"rank": 4}, "does not divide"),
    ({"variable": False}, "not a variable tensor|neither a constant"),
])
def test_malformed(compile_to, kw, why):
    with pytest.raises(MalformedModelError, match=why):
        compile_to(svdf_int8(**kw))


# --- float32 ----------------------------------------------------------------------------------

def svdf_f32(batch=1, n_in=8, n_filters=6, n_memory=4, rank=2, act="NONE", bias=True, seed=0):
    rng = np.random.default_rng(seed)
    mb = ModelBuilder()
    x = mb.tensor([batch, n_in], "float32", name="x")
    w1 = mb.const(rng.standard_normal((n_filters, n_in)).astype(np.float32))
    w2 = mb.const(rng.standard_normal((n_filters, n_memory)).astype(np.float32))
    b = mb.const(rng.standard_normal(n_filters // rank).astype(np.float32)) if bias else None
    st = mb.tensor([batch, n_memory * n_filters], "float32", name="state", variable=True)
    y = mb.tensor([batch, n_filters // rank], "float32", name="y")
    mb.op("SVDF", [x, w1, w2, b, st], [y], {"rank": rank, "fused_activation_function": act})
    return mb.build([x], [y])


def float_sets(shape, n=6, seed=2):
    rng = np.random.default_rng(seed)
    sets = [[rng.standard_normal(shape).astype(np.float32) * s] for s in (1.0, 0.3, 3.0) * 2][:n]
    return sets + [[np.zeros(shape, np.float32)], [np.full(shape, -0.0, np.float32)],
                   [np.full(shape, 1e-39, np.float32)], [np.full(shape, 1e30, np.float32)],
                   [np.full(shape, 1e38, np.float32)], [np.full(shape, -3.0, np.float32)]]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("act", ["NONE", "RELU", "RELU6", "RELU_N1_TO_1", "SIGN_BIT"])
def test_float32_bit_equal(compile_to, shape, act):
    batch, n_in, n_filters, n_memory, rank = shape
    data = svdf_f32(batch, n_in, n_filters, n_memory, rank, act=act)
    cm, out = compile_to(data)
    assert [op.dtype for op in cm.graph.operators] == ["float32"]
    assert_sequence_matches_tflm(data, out, float_sets((batch, n_in)), float_exact=True)


def test_float32_tanh(compile_to, tflm_check):
    data = svdf_f32(2, 5, 6, 3, 3, act="TANH", seed=3)
    _, out = compile_to(data)
    assert_sequence_matches_tflm(data, out, float_sets((2, 5)))
    tflm_check(data, float_sets((2, 5)))


def test_float32_refuses_no_bias(compile_to):
    """TFLM's Eval reads input 3 even when it is -1 (it crashes): refused."""
    with pytest.raises(UnsupportedError, match="bias .input 3. is omitted"):
        compile_to(svdf_f32(bias=False))


@pytest.mark.parametrize("state", ["int16", "int8"])
def test_sanitized(tmp_path, state):
    """ASan/UBSan and the per-layer write check (the state lies outside the arena)."""
    from tests.helpers.hostrun import assert_matches_tflm, write_checked
    from tinyengine_pio import compile_model
    for k, data in enumerate([svdf_int8(2, 6, 4, 5, 2, state=state, state_zp=3), svdf_f32()]):
        out = write_checked(compile_model(data), tmp_path / f"gen{k}")
        assert_matches_tflm(data, out, sanitize=True)


@pytest.mark.qemu
@pytest.mark.platformio
@pytest.mark.parametrize("state", ["int16", "int8"])
def test_on_cortex_m4(tmp_path, state):
    """On the emulated Cortex-M4F through the HIL harness (state reset before each run)."""
    import shutil
    if not (shutil.which("arm-none-eabi-gcc") and shutil.which("qemu-system-arm")):
        pytest.skip("needs arm-none-eabi-gcc and qemu-system-arm")
    from tinyengine_pio.harness.dut import Dut
    data = svdf_int8(2, 6, 4, 5, 2, state=state, state_zp=3, headroom=0.3)
    with Dut.qemu(data, board="mps2-an386", name="svdf.tflite", cache_dir=tmp_path) as dut:
        for k, inputs in enumerate(int8_sets((2, 6), n=4)):
            r = dut.infer(inputs)
            assert r.matches_reference, f"set {k}: {r.mismatch}"
