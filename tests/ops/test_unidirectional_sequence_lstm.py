"""UNIDIRECTIONAL_SEQUENCE_LSTM against TFLM (ops/unidirectional_sequence_lstm.py: int8 with an
int16 cell state, byte for byte; float32: ops/float32/unidirectional_sequence_lstm.py).

State: the hidden and cell states are variable tensors. The generated code keeps them across
invokes (reset by <prefix>_reset(), which the first invoke calls), as TFLM's interpreter does;
tflm_check's harness resets them before each input set, as run_tflm_many resets TFLM's
interpreter, and test_*_state_persists runs several sets without any reset on both sides."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.builder import ModelBuilder
from tests.helpers.hostrun import assert_sequence_matches_tflm
from tinyengine_pio.errors import MalformedModelError, UnsupportedError

OPTIONAL = None


def lstm_model(batch=1, steps=3, n_in=4, n_state=5, time_major=False, cell_clip=0.0,
               act="TANH", seed=0, w_scale=0.5, cifg=False, peephole=False, projection=False,
               layer_norm=False, variable=True, n_inputs=24) -> bytes:
    """A float32 LSTM with N(0, w_scale) weights and biases."""
    rng = np.random.default_rng(seed)
    mb = ModelBuilder()

    def const(*shape):
        return mb.const((rng.standard_normal(shape) * w_scale).astype(np.float32))

    x = mb.tensor([steps, batch, n_in] if time_major else [batch, steps, n_in], "float32",
                  name="x")
    ins = [x] + [const(n_state, n_in) for _ in range(4)] + \
        [const(n_state, n_state) for _ in range(4)]
    ins += [const(n_state) for _ in range(3)] if peephole else [OPTIONAL] * 3
    ins += [const(n_state) for _ in range(4)]
    ins += [const(n_state, n_state), const(n_state)] if projection else [OPTIONAL] * 2
    ins += [mb.tensor([batch, n_state], "float32", name="h", variable=variable),
            mb.tensor([batch, n_state], "float32", name="c", variable=variable)]
    ins += [const(n_state) for _ in range(4)] if layer_norm else [OPTIONAL] * 4
    if cifg:
        ins[1] = ins[5] = ins[12] = OPTIONAL
    y = mb.tensor([steps, batch, n_state] if time_major else [batch, steps, n_state], "float32",
                  name="y")
    mb.op("UNIDIRECTIONAL_SEQUENCE_LSTM", ins[:n_inputs], [y],
          dict(fused_activation_function=act, cell_clip=cell_clip, time_major=time_major))
    return mb.build([x], [y])


def float_sets(shape, n=3, special=True):
    rng = np.random.default_rng(42)
    sets = [[rng.standard_normal(shape).astype(np.float32) * s] for s in (1.0, 3.0, 0.1)[:n]]
    if special:
        sets += [[np.zeros(shape, np.float32)], [np.full(shape, -0.0, np.float32)],
                 [np.full(shape, 1e30, np.float32)], [np.full(shape, -1e-39, np.float32)],
                 [np.where(rng.random(shape) < 0.5, 50.0, -50.0).astype(np.float32)]]
    return sets


def in_shape(batch, steps, n_in, time_major):
    return (steps, batch, n_in) if time_major else (batch, steps, n_in)


# --- float32 ----------------------------------------------------------------------------------

@pytest.mark.parametrize("batch,steps,n_in,n_state", [
    (1, 1, 1, 1), (1, 3, 4, 5), (2, 4, 3, 6), (3, 2, 7, 2), (1, 8, 16, 12), (4, 5, 2, 3)])
@pytest.mark.parametrize("time_major", [False, True])
def test_float32_sizes(tflm_check, batch, steps, n_in, n_state, time_major):
    cm = tflm_check(lstm_model(batch, steps, n_in, n_state, time_major),
                    float_sets(in_shape(batch, steps, n_in, time_major)))
    assert [op.dtype for op in cm.graph.operators] == ["float32"]
    assert "MODEL_STATE_BYTES" in cm.files["model.h"]


@pytest.mark.parametrize("cell_clip", [0.0, 0.25, 3.0, -1.0])
@pytest.mark.parametrize("w_scale", [0.3, 3.0])
def test_float32_cell_clip_and_saturation(tflm_check, cell_clip, w_scale):
    tflm_check(lstm_model(2, 6, 5, 4, cell_clip=cell_clip, w_scale=w_scale, seed=3),
               float_sets((2, 6, 5)))


@pytest.mark.parametrize("time_major", [False, True])
def test_float32_state_persists(compile_to, time_major):
    """Without a reset between invokes both sides continue from the last state."""
    data = lstm_model(2, 3, 4, 5, time_major, cell_clip=2.0, seed=7)
    sets = float_sets(in_shape(2, 3, 4, time_major), special=False)
    _, out = compile_to(data)
    refs = assert_sequence_matches_tflm(data, out, sets + sets[:1])
    assert not np.allclose(refs[0][0], refs[-1][0])    # the same input, another state


def test_float32_two_lstms_share_nothing(tflm_check):
    """Two LSTMs in a row: each keeps its own state."""
    rng = np.random.default_rng(1)
    mb = ModelBuilder()
    x = mb.tensor([1, 4, 3], "float32", name="x")
    prev = x
    for layer, (n_in, n_state) in enumerate([(3, 5), (5, 2)]):
        def const(*shape):
            return mb.const((rng.standard_normal(shape) * 0.5).astype(np.float32))
        ins = [prev] + [const(n_state, n_in) for _ in range(4)] + \
            [const(n_state, n_state) for _ in range(4)] + [None] * 3 + \
            [const(n_state) for _ in range(4)] + [None] * 2 + \
            [mb.tensor([1, n_state], "float32", variable=True),
             mb.tensor([1, n_state], "float32", variable=True)] + [None] * 4
        y = mb.tensor([1, 4, n_state], "float32", name=f"y{layer}")
        mb.op("UNIDIRECTIONAL_SEQUENCE_LSTM", ins, [y], dict(cell_clip=0.0))
        prev = y
    tflm_check(mb.build([x], [prev]), float_sets((1, 4, 3)))


@pytest.mark.parametrize("kw,why", [
    (dict(cifg=True), "CIFG"),
    (dict(peephole=True), "peephole"),
    (dict(projection=True), "projection"),
    (dict(layer_norm=True), "layer normalization"),
    (dict(act="RELU"), "cell activation RELU"),
    (dict(act="NONE"), "cell activation NONE"),
])
def test_float32_refused(compile_to, kw, why):
    with pytest.raises(UnsupportedError, match=why):
        compile_to(lstm_model(**kw))


@pytest.mark.parametrize("kw,why", [
    (dict(variable=False), "not a variable tensor|neither a constant"),
    (dict(n_inputs=20), "takes exactly 24"),
])
def test_float32_malformed(compile_to, kw, why):
    with pytest.raises(MalformedModelError, match=why):
        compile_to(lstm_model(**kw))


def test_float32_sanitized(tmp_path):
    """ASan/UBSan and the per-layer write check (the state lies outside the arena)."""
    from tests.helpers.hostrun import assert_matches_tflm, write_checked
    from tinyengine_pio import compile_model
    data = lstm_model(2, 3, 4, 5, True, cell_clip=1.0)
    out = write_checked(compile_model(data), tmp_path / "gen")
    assert_matches_tflm(data, out, float_sets((3, 2, 4)), sanitize=True)


# --- int8 (int16 cell state) --------------------------------------------------------------------

def lstm_int8_model(batch=1, steps=3, n_in=4, n_state=5, time_major=False, cell_clip=0.0,
                    seed=0, w_scale=0.5, x_scale=1 / 32, x_zp=3, h_scale=1 / 128, h_zp=-2,
                    cell_scale=2.0 ** -11, w_zp=0, per_channel=False, cell_dtype="int16",
                    cifg=False, gate_bias=(0.0, 0.0, 0.0, 0.0)) -> bytes:
    """An int8 LSTM quantized as TFLM's integer kernel expects: symmetric int8 weights (scale
    max|w| / 127), int32 biases at input x weight scale (plus gate_bias per gate), int8 hidden
    state (and output) of scale h_scale, an int16 cell state of scale cell_scale (a power of two
    in practice)."""
    rng = np.random.default_rng(seed)
    mb = ModelBuilder()

    def weight(*shape):
        w = rng.standard_normal(shape) * w_scale
        if per_channel:
            s = (np.abs(w).max(axis=1) / 127).astype(np.float32)
            q = np.clip(np.round(w / s[:, None]), -127, 127)
        else:
            s = float(np.float32(np.abs(w).max() / 127))
            q = np.clip(np.round(w / s) + w_zp, -128, 127)
        return mb.const(q.astype(np.int8), scale=s, zero_point=w_zp), np.max(s)

    x = mb.tensor(in_shape(batch, steps, n_in, time_major), "int8", scale=x_scale,
                  zero_point=x_zp, name="x")
    w_in = [weight(n_state, n_in) for _ in range(4)]
    w_rec = [weight(n_state, n_state) for _ in range(4)]
    biases = []
    for (_, s_w), shift in zip(w_in, gate_bias):
        s = float(np.float32(x_scale) * np.float32(s_w))
        b = (rng.standard_normal(n_state) * w_scale + shift) / s
        biases.append(mb.const(np.clip(np.round(b), -2 ** 31, 2 ** 31 - 1).astype(np.int32),
                               scale=s, zero_point=0))
    h = mb.tensor([batch, n_state], "int8", scale=h_scale, zero_point=h_zp, name="h",
                  variable=True)
    c = mb.tensor([batch, n_state], cell_dtype, scale=cell_scale, zero_point=0, name="c",
                  variable=True)
    ins = [x] + [w for w, _ in w_in] + [w for w, _ in w_rec] + [OPTIONAL] * 3 + biases + \
        [OPTIONAL] * 2 + [h, c] + [OPTIONAL] * 4
    if cifg:
        ins[1] = ins[5] = ins[12] = OPTIONAL
    y = mb.tensor([steps, batch, n_state] if time_major else [batch, steps, n_state], "int8",
                  scale=h_scale, zero_point=h_zp, name="y")
    mb.op("UNIDIRECTIONAL_SEQUENCE_LSTM", ins, [y],
          {"cell_clip": cell_clip, "time_major": time_major})
    return mb.build([x], [y])


def int8_sets(shape, n=6, seed=3):
    rng = np.random.default_rng(seed)
    return [[rng.integers(-128, 128, shape).astype(np.int8)] for _ in range(n)] + \
        [[np.full(shape, v, np.int8)] for v in (-128, 127, 0)]


@pytest.mark.parametrize("batch,steps,n_in,n_state", [
    (1, 1, 1, 1), (1, 3, 4, 5), (2, 4, 3, 6), (3, 2, 7, 2), (1, 12, 16, 12), (4, 5, 2, 3)])
@pytest.mark.parametrize("time_major", [False, True])
def test_int8_sizes(tflm_check, compile_to, batch, steps, n_in, n_state, time_major):
    data = lstm_int8_model(batch, steps, n_in, n_state, time_major)
    cm = tflm_check(data)
    assert [op.dtype for op in cm.graph.operators] == ["int8"]
    _, out = compile_to(data, prefix="seq")
    assert_sequence_matches_tflm(data, out, int8_sets(in_shape(batch, steps, n_in, time_major)),
                                 prefix="seq")


@pytest.mark.parametrize("cell_scale", [2.0 ** -15, 2.0 ** -13, 2.0 ** -11, 2.0 ** -8,
                                        2.0 ** -4, 2.0 ** 2, 3.1e-4, 0.0007])
def test_int8_cell_scales(compile_to, cell_scale):
    """Powers of two (TFLM's integer tanh shifts by log2 of the scale) and two that are not
    (TFLM rounds the log2 for its tanh, the cell multiplications use the scale itself)."""
    data = lstm_int8_model(2, 6, 5, 4, cell_scale=cell_scale, w_scale=1.5, seed=5)
    _, out = compile_to(data)
    assert_sequence_matches_tflm(data, out, int8_sets((2, 6, 5)))


@pytest.mark.parametrize("cell_clip", [0.0, 1e-5, 0.3, 2.5, 1000.0, -1.0])
def test_int8_cell_clip(compile_to, cell_clip):
    data = lstm_int8_model(1, 8, 4, 6, cell_clip=cell_clip, w_scale=2.0, seed=6)
    _, out = compile_to(data)
    assert_sequence_matches_tflm(data, out, int8_sets((1, 8, 4)))


@pytest.mark.parametrize("x_zp,h_zp", [(-128, 127), (127, -128), (0, 0), (-5, 60)])
@pytest.mark.parametrize("w_scale", [0.05, 0.5, 4.0])
def test_int8_zero_points_and_saturation(compile_to, x_zp, h_zp, w_scale):
    """The hidden state resets to its zero point; small weights keep the gates near their
    midpoint, large ones saturate the FCs, the gate sums and the cell."""
    data = lstm_int8_model(2, 5, 6, 5, x_zp=x_zp, h_zp=h_zp, w_scale=w_scale, seed=8)
    _, out = compile_to(data)
    assert_sequence_matches_tflm(data, out, int8_sets((2, 5, 6)))


@pytest.mark.parametrize("x_scale,h_scale", [(1.0, 1 / 128), (1e-3, 1 / 256), (0.05, 0.02)])
def test_int8_scales(compile_to, x_scale, h_scale):
    data = lstm_int8_model(1, 6, 8, 7, x_scale=x_scale, h_scale=h_scale, time_major=True, seed=2)
    _, out = compile_to(data)
    assert_sequence_matches_tflm(data, out, int8_sets((6, 1, 8)))


@pytest.mark.parametrize("cell_scale", [2.0 ** -15, 2.0 ** -12])
@pytest.mark.parametrize("time_major", [False, True])
def test_int8_sensitive(compile_to, cell_scale, time_major):
    """An almost closed output gate (bias -8: o is a few Q0.15 steps) and a hidden scale of
    2^-16: the output then resolves single steps of the sigmoid table's tail, of tanh(cell) and
    of the cell itself (a one-step rounding difference anywhere shows)."""
    data = lstm_int8_model(2, 10, 5, 6, time_major, cell_scale=cell_scale, w_scale=1.0,
                           h_scale=2.0 ** -16, h_zp=-100, gate_bias=(0.0, 1.0, 0.0, -8.0),
                           seed=11)
    _, out = compile_to(data)
    assert_sequence_matches_tflm(data, out, int8_sets(in_shape(2, 10, 5, time_major), n=10))


def test_int8_weight_zero_point(compile_to):
    """TFLM applies the weights' offset (-zero point) in its FC; so does the kernel."""
    data = lstm_int8_model(1, 4, 3, 4, w_zp=3, seed=4)
    _, out = compile_to(data)
    assert_sequence_matches_tflm(data, out, int8_sets((1, 4, 3)))


def test_int8_sanitized(tmp_path):
    from tests.helpers.hostrun import assert_matches_tflm, write_checked
    from tinyengine_pio import compile_model
    data = lstm_int8_model(2, 3, 4, 5, True, cell_clip=1.0)
    out = write_checked(compile_model(data), tmp_path / "gen")
    assert_matches_tflm(data, out, sanitize=True)


@pytest.mark.parametrize("kw,why", [
    ({"per_channel": True}, "per-tensor"),
    ({"cell_dtype": "int8"}, "expected int16"),
    ({"cell_scale": 8.0}, "cell state scale"),
    ({"cifg": True}, "CIFG"),
])
def test_int8_refused(compile_to, kw, why):
    with pytest.raises(UnsupportedError, match=why):
        compile_to(lstm_int8_model(**kw))


@pytest.mark.qemu
@pytest.mark.platformio
@pytest.mark.parametrize("dtype", ["int8", "float32"])
def test_on_cortex_m4(tmp_path, dtype):
    """On the emulated Cortex-M4F through the HIL harness, which resets the state before each
    run (as its reference, a fresh TFLM interpreter, starts from it)."""
    import shutil
    if not (shutil.which("arm-none-eabi-gcc") and shutil.which("qemu-system-arm")):
        pytest.skip("needs arm-none-eabi-gcc and qemu-system-arm")
    from tinyengine_pio.harness.dut import Dut
    if dtype == "int8":
        data = lstm_int8_model(2, 10, 5, 6, True, cell_scale=2.0 ** -15, w_scale=1.0,
                               h_scale=2.0 ** -16, h_zp=-100, gate_bias=(0.0, 1.0, 0.0, -8.0),
                               seed=11)
        sets = int8_sets((10, 2, 5), n=3)
    else:
        data, sets = lstm_model(2, 4, 3, 5), float_sets((2, 4, 3))
    with Dut.qemu(data, board="mps2-an386", name="lstm.tflite", cache_dir=tmp_path) as dut:
        for k, inputs in enumerate(sets + sets[:1]):
            r = dut.infer(inputs)
            assert r.matches_reference, f"set {k}: {r.mismatch}"
