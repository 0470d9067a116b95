"""PAD and PADV2 against TFLM: H/W, channels, 2-D, all dims, a PADV2 constant value; float32,
int16 and int32 (bytes, ops/movement.py) over 1-D to 4-D paddings, PADV2 constants (signed
zero, infinity, NaN, denormal, integer extremes), int16 padding 0 whatever its zero point;
rank 5 refused."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import movement, opmodels
from tests.helpers.builder import ModelBuilder
from tinyengine_pio import compile_model
from tinyengine_pio.errors import UnsupportedError


@pytest.mark.parametrize("case", [dict(), dict(paddings=((0, 0), (0, 0), (0, 0), (2, 3))),
                                  dict(in_shape=(2, 3), paddings=((1, 0), (2, 2))),
                                  dict(v2_value=17), dict(paddings=((1, 1), (0, 1), (1, 0), (1, 1)))],
                         ids=["hw", "channels", "2d", "padv2", "all_dims"])
def test_pad(tflm_check, case):
    tflm_check(opmodels.pad(**case))


# --- float32 / int16 / int32: the int8 implementation on bytes (ops/movement.py) -------------
# TFLM's pad value: PADV2's constant_values, else 0 (0.0f) whatever the zero point (int16 too)

def _model(dtype, in_shape, paddings, value=None, q=None):
    q = movement.quant(dtype) if q is None else q
    mb = ModelBuilder()
    x = mb.tensor(list(in_shape), dtype, **q)
    out = [d + lo + hi for d, (lo, hi) in zip(in_shape, paddings)]
    y = mb.tensor(out, dtype, **q)
    p = mb.int32(np.asarray(paddings, dtype=np.int32))
    if value is None:
        mb.op("PAD", [x, p], [y])
    else:
        cv = mb.const(np.array([value], movement.NP[dtype]), dtype, **q)
        mb.op("PADV2", [x, p, cv], [y])
    return mb.build([x], [y])


PADS = [((1, 5, 5, 3), ((0, 0), (1, 2), (2, 1), (0, 0))),
        ((1, 5, 5, 3), ((0, 0), (0, 0), (0, 0), (2, 3))),
        ((2, 3), ((1, 0), (2, 2))), ((1, 2, 3, 4), ((1, 1), (0, 1), (1, 0), (1, 1))),
        ((7,), ((3, 0),)), ((2, 1, 3), ((0, 0), (4, 4), (0, 0)))]


@pytest.mark.parametrize("dtype", movement.DTYPES)
@pytest.mark.parametrize("in_shape,paddings", PADS)
def test_dtypes_pad(compile_to, dtype, in_shape, paddings):
    movement.check(compile_to, _model(dtype, in_shape, paddings), "PAD", dtype)


@pytest.mark.parametrize("dtype,value", [
    ("float32", 1.5), ("float32", -0.0), ("float32", np.inf), ("float32", -3.0e38),
    ("float32", 1e-45), ("float32", np.nan), ("int16", -32768), ("int16", 1234),
    ("int32", -123456789), ("int32", 2147483647)])
@pytest.mark.parametrize("in_shape,paddings", PADS[::2])
def test_dtypes_padv2_constant(compile_to, dtype, value, in_shape, paddings):
    movement.check(compile_to, _model(dtype, in_shape, paddings, value), "PADV2", dtype)


def test_int16_pads_zero_whatever_the_zero_point(compile_to):
    """TFLM's int16 PAD writes 0, not the zero point (its int16 tensors are symmetric)."""
    cm = movement.check(compile_to, _model("int16", (1, 3, 3, 2), PADS[0][1],
                                           q=dict(scale=0.5, zero_point=7)), "PAD", "int16")
    assert cm.graph.operators[0].params.value == 0


@pytest.mark.parametrize("dtype", ["int8", *movement.DTYPES])
def test_rank_5_is_refused(dtype):
    with pytest.raises(UnsupportedError, match="PAD: paddings must match an input of rank <= 4"):
        compile_model(_model(dtype, (1, 2, 2, 2, 2), ((0, 0),) * 4 + ((1, 1),)))
