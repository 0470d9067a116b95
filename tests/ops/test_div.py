"""DIV against TFLM: int8 (ops/div.py) over every byte pair in many quantizations (incl. the
ones that tell the double multiplier from the float one, the tiny quotients where TFLM's final
shift leaves [0, 31], divisors equal to their zero point, huge and tiny multipliers), fused
activations, broadcasting, constant folding of int32 and int8 constants; float32
(ops/float32/div.py) bit for bit, incl. division by +-0, inf and NaN."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.builder import ModelBuilder
from tests.helpers.sweeps import BINARY_SHAPES, binary_model
from tinyengine_pio import compile_model
from tinyengine_pio.errors import MalformedModelError, UnsupportedError

COLUMN = np.arange(-128, 128, dtype=np.int8).reshape(256, 1)
EVERY_PAIR = [[COLUMN, COLUMN.reshape(1, 256)]]

PAIR_SCALES = [
    ((0.05, 3), (0.05, -9), (0.1, 2)),            # multiplier 10
    ((0.03, 2), (0.03, -5), (0.1, 0)),            # double and float multipliers round apart
    ((0.7, 1), (0.2, 3), (0.7, -3)),
    ((1e-6, 0), (10.0, 0), (1e-6, 0)),            # exact ties of the quotient
    ((0.01, 0), (0.5, 0), (0.1, 0)),              # multiplier 0.2: mostly tiny quotients
    ((0.002, 100), (0.3, -100), (1.7, 0)),        # multiplier 0.004
    ((0.5, -128), (0.001, 127), (0.003, -5)),     # multiplier 1.7e5, extreme zero points
    ((1.0, 0), (1e-5, 0), (1.3e-4, 0)),           # multiplier 7.7e8 (shift 30)
    ((0.02, -128), (0.02, -128), (0.02, 127)),
]


def _pair_model(q, act="NONE"):
    return binary_model("DIV", (256, 1), (1, 256), act=act, qa=q[0], qb=q[1], qo=q[2])


@pytest.mark.parametrize("q", PAIR_SCALES, ids=lambda q: f"{q[0][0]:g}-{q[1][0]:g}-{q[2][0]:g}")
def test_every_pair_of_values(tflm_check, q):
    tflm_check(_pair_model(q), EVERY_PAIR)


@pytest.mark.parametrize("act", ["RELU", "RELU6", "RELU_N1_TO_1"])
def test_activation(tflm_check, act):
    tflm_check(_pair_model(((0.05, 3), (0.05, -9), (0.02, -20)), act), EVERY_PAIR)


@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=lambda s: f"{s[0]}-{s[1]}")
def test_broadcast(tflm_check, shapes):
    tflm_check(binary_model("DIV", *shapes, qa=(0.05, -3), qb=(0.03, 7), qo=(0.1, 1)))


@pytest.mark.parametrize("act", ["RELU", "RELU6"])
def test_a_following_activation_folds_into_the_clamp(tflm_check, act):
    mb = ModelBuilder()
    a = mb.tensor([256, 1], "int8", scale=0.05, zero_point=3)
    b = mb.tensor([1, 256], "int8", scale=0.05, zero_point=-9)
    d = mb.tensor([256, 256], "int8", scale=0.04, zero_point=-30)
    y = mb.tensor([256, 256], "int8", scale=0.04, zero_point=-30)
    mb.op("DIV", [a, b], [d], {"fused_activation_function": "NONE"})
    mb.op(act, [d], [y])
    cm = tflm_check(mb.build([a, b], [y]), EVERY_PAIR)
    assert [op.kind for op in cm.graph.operators] == ["DIV"]

def test_random_quantizations(tflm_check):
    """A few random (scale, zero point) triples, every pair of values each."""
    rng = np.random.default_rng(11)
    for _ in range(3):
        q = [(float(10 ** rng.uniform(-3, 0)), int(rng.integers(-128, 128))) for _ in range(3)]
        tflm_check(_pair_model(q), EVERY_PAIR)


def test_constant_divisor(tflm_check):
    rng = np.random.default_rng(3)
    mb = ModelBuilder()
    x = mb.tensor([2, 4, 8], "int8", scale=0.05, zero_point=-3)
    c = mb.const(rng.integers(-128, 128, (8,)).astype(np.int8), scale=0.02, zero_point=4)
    y = mb.tensor([2, 4, 8], "int8", scale=0.08, zero_point=0)
    mb.op("DIV", [x, c], [y], dict(fused_activation_function="NONE"))
    tflm_check(mb.build([x], [y]))


def test_int32_constants_fold(tflm_check):
    """RESHAPE(x, DIV([48, 6], [2, 6])): the new shape [24, 1] comes from constants."""
    mb = ModelBuilder()
    x = mb.tensor([1, 4, 6], "int8", scale=0.05, zero_point=-3)
    s = mb.tensor([2], "int32")
    y = mb.tensor([24, 1], "int8", scale=0.05, zero_point=-3)
    mb.op("DIV", [mb.const(np.array([48, 6], np.int32)), mb.const(np.array([2, 6], np.int32))],
          [s], dict(fused_activation_function="NONE"))
    mb.op("RESHAPE", [x, s], [y])
    cm = tflm_check(mb.build([x], [y]))
    assert "#0 DIV" in cm.graph.config["folded"]


def test_int32_folding_truncates_toward_zero():
    from tinyengine_pio.ir import Graph, Operator, Tensor
    from tinyengine_pio.ops.div import evaluate
    g = Graph(tensors=[Tensor(0, "a", (4,), "int32", data=np.array([7, -7, 7, -7], np.int32)),
                       Tensor(1, "b", (4,), "int32", data=np.array([2, 2, -2, -2], np.int32)),
                       Tensor(2, "y", (4,), "int32")], operators=[], inputs=[], outputs=[])
    op = Operator(0, "DIV", [0, 1], [2], {"activation": "NONE"})
    assert evaluate(g, op)[0].tolist() == [3, -3, -3, 3]
    op.options["activation"] = "RELU6"
    assert evaluate(g, op)[0].tolist() == [3, 0, 0, 3]


def test_int8_constants_fold_and_match_tflm(tflm_check):
    rng = np.random.default_rng(6)
    mb = ModelBuilder()
    x = mb.tensor([2, 3, 8], "int8", scale=0.05, zero_point=-3)
    ca = mb.const(rng.integers(-128, 128, (3, 8)).astype(np.int8), scale=0.04, zero_point=5)
    cb = mb.const(rng.integers(-128, 128, (1, 8)).astype(np.int8), scale=0.09, zero_point=-20)
    d = mb.tensor([3, 8], "int8", scale=0.02, zero_point=-1)
    y = mb.tensor([2, 3, 8], "int8", scale=0.12, zero_point=4)
    mb.op("DIV", [ca, cb], [d], dict(fused_activation_function="RELU"))
    mb.op("ADD", [x, d], [y], dict(fused_activation_function="NONE"))
    cm = tflm_check(mb.build([x], [y]))
    assert [op.kind for op in cm.graph.operators] == ["ADD"]


def test_int32_division_by_zero_is_malformed():
    mb = ModelBuilder()
    x = mb.tensor([1, 4, 6], "int8", scale=0.05, zero_point=-3)
    s = mb.tensor([2], "int32")
    y = mb.tensor([24, 1], "int8", scale=0.05, zero_point=-3)
    mb.op("DIV", [mb.const(np.array([48, 6], np.int32)), mb.const(np.array([2, 0], np.int32))],
          [s], dict(fused_activation_function="NONE"))
    mb.op("RESHAPE", [x, s], [y])
    with pytest.raises(MalformedModelError, match="#0 DIV: divides a constant by zero"):
        compile_model(mb.build([x], [y]))


def test_runtime_int32_is_refused():
    mb = ModelBuilder()
    a, b, y = (mb.tensor([4], "int32") for _ in range(3))
    mb.op("DIV", [a, b], [y], dict(fused_activation_function="NONE"))
    with pytest.raises(UnsupportedError, match="is int32, expected int8"):
        compile_model(mb.build([a, b], [y]))


def test_multiplier_beyond_a_30_bit_shift_is_refused():
    with pytest.raises(MalformedModelError, match="#0 DIV: its quantization .* left shift of 40"):
        compile_model(binary_model("DIV", (4,), (4,), qa=(1.0, 0), qb=(1e-6, 0), qo=(1e-6, 0)))


def test_reference_matches_the_kernel_on_the_host():
    """ops/div.py's host reference (constant folding) equals TFLM on every pair as well."""
    from tests.helpers.tflm import run_tflm
    from tinyengine_pio.frontend import read_model
    from tinyengine_pio.ops.div import div_int8, div_params
    from tinyengine_pio.quant import activation_range
    q = PAIR_SCALES[3]
    data = _pair_model(q)
    want = run_tflm(data, EVERY_PAIR[0])[0]
    g = read_model(data)
    p = div_params(g, g.operators[0], None, *activation_range("NONE", q[2][0], q[2][1]))
    got = np.array([[div_int8(p, x, y) for y in range(-128, 128)] for x in range(-128, 128)])
    assert (got == want).all()


# --- float32 (ops/float32/div.py) ------------------------------------------------------------

@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=lambda s: f"{s[0]}-{s[1]}")
@pytest.mark.parametrize("act", ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"])
def test_float32_bit_equal(tflm_check, shapes, act):
    from tests.helpers.sweeps import float_binary_model, float_sets
    cm = tflm_check(float_binary_model("DIV", *shapes, act=act), float_sets(shapes),
                    float_exact=True)
    assert [op.dtype for op in cm.graph.operators] == ["float32"]


def test_float32_special_values(tflm_check):
    """Every pair of +-0, +-1, +-tiny, +-huge, +-inf and NaN: x / 0 = +-inf, 0 / 0 = NaN."""
    from tests.helpers.sweeps import float_binary_model
    v = np.array([0.0, -0.0, 1.0, -1.0, 1e-45, -1e-38, 3e38, -3e38, np.inf, -np.inf, np.nan,
                  7.0], np.float32)
    tflm_check(float_binary_model("DIV", (12, 1), (1, 12)), [[v.reshape(12, 1), v.reshape(1, 12)]],
               float_exact=True)


def test_float32_constant_divisor(tflm_check):
    from tests.helpers.sweeps import float_binary_model, float_sets
    c = np.linspace(-2, 2, 8, dtype=np.float32)        # no zero among them
    tflm_check(float_binary_model("DIV", (2, 3, 8), None, const_b=c), float_sets([(2, 3, 8)]),
               float_exact=True)
