"""QUANTIZE against TFLM: int8 -> int8 requantization on all 256 input values, and float32 -> int8
at the model input (random values, exact halves for the rounding, saturation, and the values
whose float -> int32 conversion TFLM leaves to the x86 build: NaN, inf, beyond int32); uint8 at the
model's edges: uint8 -> int8 (input) and int8 -> uint8 (output) on all 256 values over several
scale / zero-point pairs (including the same-scale +-128 shift TFLM runs as an xor), a uint8 image
model (uint8 -> QUANTIZE -> CONV_2D -> QUANTIZE -> uint8), and the combinations TFLM refuses."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import opmodels
from tests.helpers.sweeps import ALL_INT8, unary_model
from tinyengine_pio.errors import UnsupportedError


@pytest.mark.parametrize("qi,qo", [((0.05, -3), (0.1, 20)), ((0.1, 0), (0.01, -5)),
                                   ((1e-3, 100), (0.5, -100)), ((0.02, 5), (0.02, 5))])
def test_requantize(tflm_check, qi, qo):
    tflm_check(unary_model("QUANTIZE", qi, qo), [[ALL_INT8]])


@pytest.mark.parametrize("scale,zp", [(0.02, 3), (1e-3, -128), (0.5, 127), (0.1, 0)])
def test_quantize_float_input(tflm_check, scale, zp):
    rng = np.random.default_rng(5)
    x = (rng.standard_normal((1, 300)) * 3).astype(np.float32)
    halves = ((np.arange(300, dtype=np.float32) - 150) * np.float32(scale) * np.float32(0.5))
    tflm_check(opmodels.quantize_model((1, 300), scale, zp),
               [[x], [halves.reshape(1, 300)], [np.full((1, 300), 1e6, np.float32)]])


EDGES = np.array([np.nan, -np.nan, np.inf, -np.inf, 1e30, -1e30, 3e9, -3e9, 2.1e9, -2.1e9,
                  2147483520.0, 2147483648.0, -2147483648.0, -2147483904.0, 8388607.5, -8388607.5,
                  8388608.0, 8388609.0, -8388609.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 126.5, -127.5,
                  0.49999997, -0.49999997, 0.50000006, 1e-45, -1e-45, 0.0, -0.0, 3.4028235e38],
                 np.float32)


@pytest.mark.parametrize("scale,zp", [(1.0, 0), (1.0, 5), (1.0, -5), (1.0, 127), (1.0, -128),
                                      (0.02, 3), (3e-39, 0), (1e30, -7)])
def test_quantize_float_edges(tflm_check, scale, zp):
    """Ties, the 2^23 boundary, denormals, NaN, inf and values beyond int32, as TFLM gives them."""
    x = EDGES.reshape(1, -1)
    tflm_check(opmodels.quantize_model(x.shape, scale, zp), [[x], [-x], [x * np.float32(0.75)]])


ALL_UINT8 = np.arange(256, dtype=np.uint8).reshape(1, 256)
PAIRS = [((0.05, 128), (0.05, 0)), ((0.05, 0), (0.05, -128)), ((0.02, 100), (0.1, -20)),
         ((1 / 255, 0), (0.0078125, -128)), ((0.5, 255), (0.01, 5)), ((1e-3, 7), (0.3, 127)),
         ((0.07, 131), (0.07, 3))]


@pytest.mark.parametrize("qi,qo", PAIRS)
def test_quantize_uint8_to_int8(tflm_check, qi, qo):
    tflm_check(opmodels.requantize_model(qi=qi, qo=qo, in_dtype="uint8", out_dtype="int8"),
               [[ALL_UINT8], [ALL_UINT8[:, ::-1].copy()]])


@pytest.mark.parametrize("qi,qo", [(b, a) for a, b in PAIRS])
def test_quantize_int8_to_uint8(tflm_check, qi, qo):
    tflm_check(opmodels.requantize_model(qi=qi, qo=qo, in_dtype="int8", out_dtype="uint8"),
               [[ALL_INT8]])


@pytest.mark.parametrize("in_q,out_q", [((0.02, 128), (0.03, 120)), ((1 / 255, 0), (0.05, 0)),
                                        ((0.1, 10), (0.02, 250))])
def test_uint8_image_model(tflm_check, in_q, out_q):
    data = opmodels.uint8_conv(in_q=in_q, out_q=out_q)
    cm = tflm_check(data)     # seeds 0-2, all 0, all 255
    assert [cm.graph.t(i).dtype for i in cm.graph.inputs] == ["uint8"]
    assert [cm.graph.t(i).dtype for i in cm.graph.outputs] == ["uint8"]


def test_odd_sizes_in_place(tflm_check):
    rng = np.random.default_rng(3)
    x = rng.integers(0, 256, (1, 3, 5, 7)).astype(np.uint8)
    tflm_check(opmodels.requantize_model(shape=(1, 3, 5, 7), qi=(0.03, 77), qo=(0.02, -9)),
               [[x]])


@pytest.mark.parametrize("in_dtype,out_dtype", [("uint8", "uint8"), ("float32", "uint8")])
def test_refuses_what_tflm_refuses(compile_to, in_dtype, out_dtype):
    """TFLM's EvalQuantizeReference has no uint8 -> uint8 nor float32 -> uint8."""
    data = opmodels.requantize_model(qi=(0.05, 3), qo=(0.05, 128), in_dtype=in_dtype,
                                     out_dtype=out_dtype)
    with pytest.raises(UnsupportedError, match=f"QUANTIZE: {in_dtype} -> uint8 is not supported"):
        compile_to(data)


def test_uint8_elsewhere_refused(compile_to):
    """uint8 reaches only QUANTIZE / DEQUANTIZE: an int8 operator given uint8 is refused by the
    signature."""
    from tests.helpers.builder import ModelBuilder
    mb = ModelBuilder()
    x = mb.tensor([1, 8], "uint8", scale=0.1, zero_point=128, name="x")
    y = mb.tensor([1, 8], "uint8", scale=0.1, zero_point=128, name="y")
    mb.op("RELU", [x], [y])
    with pytest.raises(UnsupportedError, match="RELU: input 0 .* is uint8, expected int8"):
        compile_to(mb.build([x], [y]))


# --- float32 -> int16 (ops/float32/quantize.py) ----------------------------------------------

def quantize_s16_model(shape, scale, zp) -> bytes:
    from tests.helpers.builder import ModelBuilder
    mb = ModelBuilder()
    x = mb.tensor(shape, "float32", name="x")
    y = mb.tensor(shape, "int16", scale=scale, zero_point=zp, name="y")
    mb.op("QUANTIZE", [x], [y])
    return mb.build([x], [y])


@pytest.mark.parametrize("scale,zp", [(1.0, 0), (1.0, 5), (1.0, -32768), (1.0, 32767),
                                      (3e-5, 0), (1e-3, -7), (0.02, 300), (3e-39, 0),
                                      (1e30, -7)])
def test_quantize_float_to_int16(tflm_check, scale, zp):
    """Random values, ties at every scale, saturation at both ends, and EDGES (NaN, inf, the
    int32 and 2^23 boundaries) as TFLM's AffineQuantize<float, int16_t> gives them."""
    rng = np.random.default_rng(9)
    x = (rng.standard_normal((1, 300)) * 4).astype(np.float32)
    halves = ((np.arange(300, dtype=np.float32) - 150) * np.float32(scale) * np.float32(0.5))
    sat = np.linspace(-40000.0, 40000.0, 300).astype(np.float32) * np.float32(scale)
    edges = np.resize(EDGES, 300).astype(np.float32)
    cm = tflm_check(quantize_s16_model((1, 300), scale, zp),
                    [[x], [halves.reshape(1, 300)], [sat.reshape(1, 300)],
                     [edges.reshape(1, 300)], [-edges.reshape(1, 300)]])
    assert [op.dtype for op in cm.graph.operators] == ["float32"]


def test_quantize_float_to_int16_folds():
    """A constant float32 -> int16 QUANTIZE folds on the host with TFLM's rounding."""
    from tests.helpers.tflm import run_tflm_many
    from tinyengine_pio.ir import Graph, Operator, Tensor
    from tinyengine_pio.ops.float32.quantize import evaluate
    x = np.concatenate([EDGES, -EDGES, np.float32(0.75) * EDGES]).reshape(1, -1)
    for scale, zp in [(1.0, 0), (1.0, -32768), (0.02, 300), (1e30, -7)]:
        g = Graph(tensors=[Tensor(index=0, name="x", shape=x.shape, dtype="float32", data=x),
                           Tensor(index=1, name="y", shape=x.shape, dtype="int16",
                                  scale=np.array([scale], np.float32),
                                  zero_point=np.array([zp]))],
                  operators=[], inputs=[], outputs=[])
        got = evaluate(g, Operator(index=0, kind="QUANTIZE", inputs=[0], outputs=[1]))[0]
        want = run_tflm_many(quantize_s16_model(x.shape, scale, zp), [[x]])[0][0]
        assert got.tolist() == want.tolist()


# --- int16 requantization (ops/int16/quantize.py) --------------------------------------------

ALL_INT16 = np.arange(-32768, 32768, dtype=np.int16).reshape(1, 256, 256)


def requant_model(shape, in_dtype, qi, out_dtype, qo) -> bytes:
    from tests.helpers.builder import ModelBuilder
    mb = ModelBuilder()
    x = mb.tensor(shape, in_dtype, scale=qi[0], zero_point=qi[1])
    y = mb.tensor(shape, out_dtype, scale=qo[0], zero_point=qo[1])
    mb.op("QUANTIZE", [x], [y])
    return mb.build([x], [y])


def _check_int16(tflm_check, data, sets):
    cm = tflm_check(data, sets)
    assert [op.dtype for op in cm.graph.operators] == ["int16"]


@pytest.mark.parametrize("qi,qo", [((1e-4, 0), (0.02, 0)), ((3e-4, 0), (0.05, -7)),
                                   ((1 / 32768, 0), (1 / 128, 0)), ((0.01, 100), (0.003, 127)),
                                   ((1e-5, -32768), (0.5, -128)), ((0.05, 0), (0.01, 3))])
def test_int16_to_int8(tflm_check, qi, qo):
    """Every int16 value, down to int8 (the tail of an int16 graph)."""
    _check_int16(tflm_check, requant_model((1, 256, 256), "int16", qi, "int8", qo), [[ALL_INT16]])


@pytest.mark.parametrize("qi,qo", [((0.02, 0), (1e-4, 0)), ((0.05, -7), (3e-4, 0)),
                                   ((1 / 128, 0), (1 / 32768, 0)), ((0.5, 127), (1e-5, -300)),
                                   ((1e-3, -128), (0.01, 32767)), ((0.1, 3), (0.1, 3))])
def test_int8_to_int16(tflm_check, qi, qo):
    """Every int8 value, up to int16 (the head of an int16 graph)."""
    _check_int16(tflm_check, requant_model((1, 256), "int8", qi, "int16", qo), [[ALL_INT8]])


@pytest.mark.parametrize("qi,qo", [((1e-4, 0), (3e-4, 0)), ((3e-4, 0), (1e-4, 0)),
                                   ((1e-4, 0), (1e-4, 0)), ((0.01, 5), (1e-6, -9)),
                                   ((1e-6, 0), (1.0, 0))])
def test_int16_to_int16(tflm_check, qi, qo):
    _check_int16(tflm_check, requant_model((1, 256, 256), "int16", qi, "int16", qo), [[ALL_INT16]])


@pytest.mark.parametrize("qi,qo", [((1e-4, 0), (1e-6, 0)), ((0.01, 7), (0.003, -1000)),
                                   ((1e-3, 0), (1e-12, 0))])
def test_int16_to_int32(tflm_check, qi, qo):
    _check_int16(tflm_check, requant_model((1, 256, 256), "int16", qi, "int32", qo), [[ALL_INT16]])


@pytest.mark.parametrize("qi,qo", [((1e-6, 0), (1e-4, 0)), ((1e-9, 0), (1e-4, 3)),
                                   ((1e-3, 0), (1e-3, 0))])
def test_int32_to_int16(tflm_check, qi, qo):
    rng = np.random.default_rng(0)
    big = rng.integers(-(1 << 31), 1 << 31, size=(1, 4096)).astype(np.int32)
    small = rng.integers(-(1 << 20), 1 << 20, size=(1, 4096)).astype(np.int32)
    ext = np.resize(np.array([-(1 << 31), (1 << 31) - 1, 0, -1, 1], np.int32), (1, 4096))
    _check_int16(tflm_check, requant_model((1, 4096), "int32", qi, "int16", qo),
                 [[big], [small], [ext]])


def test_int16_requantize_refusals(compile_to):
    from tinyengine_pio.errors import MalformedModelError
    with pytest.raises(UnsupportedError, match="int8 -> int32 is not supported"):
        compile_to(requant_model((1, 8), "int8", (0.1, 0), "int32", (0.01, 0)))
    with pytest.raises(MalformedModelError, match="left shift"):
        compile_to(requant_model((1, 8), "int16", (1.0, 0), "int16", (1e-10, 0)))
