"""UNIDIRECTIONAL_SEQUENCE_LSTM against TFLM (ops/unidirectional_sequence_lstm.py, float32:
ops/float32/unidirectional_sequence_lstm.py).

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
