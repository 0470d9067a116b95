"""L2_NORMALIZATION (ops/l2_normalization.py, kernels/portable/l2_normalization.c) against TFLM:
rows of 1 to 300 elements, 1-D to 4-D, input zero points at both ends, random, constant (all at
the zero point: a zero norm), single-spike and extreme rows; the refusals (output quantization,
fused activation, rank)."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.builder import OP_OPTIONS, ModelBuilder, fb
from tinyengine_pio import compile_model
from tinyengine_pio.errors import MalformedModelError, UnsupportedError

OP_OPTIONS.setdefault("L2_NORMALIZATION", ("L2NormOptions", fb.L2NormOptionsT))


def l2norm_model(shape, qi, qo=(1 / 128, 0), act="NONE") -> bytes:
    mb = ModelBuilder()
    x = mb.tensor(list(shape), "int8", scale=qi[0], zero_point=qi[1])
    y = mb.tensor(list(shape), "int8", scale=qo[0], zero_point=qo[1])
    mb.op("L2_NORMALIZATION", [x], [y], dict(fused_activation_function=act))
    return mb.build([x], [y])


def input_sets(shape, zp, seed=0, n=4):
    rng = np.random.default_rng(seed)
    sets = [[rng.integers(-128, 128, size=shape, dtype=np.int8)] for _ in range(n)]
    sets.append([np.full(shape, 127, np.int8)])
    sets.append([np.full(shape, -128, np.int8)])
    sets.append([np.full(shape, zp, np.int8)])                                  # zero norm
    near = np.clip(zp + rng.integers(-2, 3, size=shape), -128, 127).astype(np.int8)
    sets.append([near])                                                         # tiny norms
    spike = np.full(shape, zp, np.int8)
    spike[..., -1] = 127 if zp < 0 else -128
    sets.append([spike])
    return sets


@pytest.mark.parametrize("shape", [(1, 10), (1, 1), (3, 7), (1, 256), (1, 300), (10,),
                                   (1, 3, 5), (1, 2, 3, 17), (2, 2, 2, 64)])
@pytest.mark.parametrize("qi", [(0.1, 0), (0.05, -128), (0.02, 127), (1.0, -3), (1e-3, 40)])
def test_matches_tflm(tflm_check, shape, qi):
    tflm_check(l2norm_model(shape, qi), input_sets(shape, qi[1], seed=shape[-1]))


def test_output_quantization_is_required():
    with pytest.raises(UnsupportedError, match="scale 1/128 and zero point 0"):
        compile_model(l2norm_model((1, 8), (0.1, 0), qo=(0.1, 0)))


def test_fused_activation_is_malformed():
    with pytest.raises(MalformedModelError, match="fused activation RELU"):
        compile_model(l2norm_model((1, 8), (0.1, 0), act="RELU"))


def test_rank_5_is_malformed():
    with pytest.raises(MalformedModelError, match="rank above 4"):
        compile_model(l2norm_model((1, 1, 2, 2, 8), (0.1, 0)))


# --- float32 (ops/float32/l2_normalization.py) -----------------------------------------------

def float_l2norm_model(shape, act="NONE") -> bytes:
    mb = ModelBuilder()
    x = mb.tensor(list(shape), "float32")
    y = mb.tensor(list(shape), "float32")
    mb.op("L2_NORMALIZATION", [x], [y], dict(fused_activation_function=act))
    return mb.build([x], [y])


def float_input_sets(shape, seed=0):
    """Random rows at several magnitudes, zero rows (the norm is epsilon), rows whose norm is
    below epsilon or subnormal, squares that overflow to inf, signed zeros and infinities."""
    from tests.helpers.sweeps import float_sets
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    sets = float_sets([shape], seed=seed)
    sets += [[(rng.standard_normal(shape) * m).astype(np.float32)] for m in (1e-8, 1e-3, 1e15)]
    for v in ([0.0], [-0.0, 0.0], [1e-7, -3e-7], [1e-20, 2e-21], [1e-30], [3e38, 1.0],
              [1e19, -1e19], [np.inf, 1.0], [2.0, -np.inf, 0.0]):
        sets.append([np.resize(np.asarray(v, np.float32), n).reshape(shape)])
    return sets


@pytest.mark.parametrize("shape", [(1, 10), (1, 1), (3, 7), (1, 300), (10,), (1, 3, 5),
                                   (1, 2, 3, 17), (2, 2, 2, 64)])
def test_float32_bit_equal(tflm_check, shape):
    cm = tflm_check(float_l2norm_model(shape), float_input_sets(shape), float_exact=True)
    assert [op.dtype for op in cm.graph.operators] == ["float32"]


def test_float32_fused_activation_is_malformed():
    with pytest.raises(MalformedModelError, match="fused activation RELU6"):
        compile_model(float_l2norm_model((1, 8), act="RELU6"))


def test_float32_rank_5_is_malformed():
    with pytest.raises(MalformedModelError, match="rank above 4"):
        compile_model(float_l2norm_model((1, 1, 2, 2, 8)))
