"""EXP float32 (ops/float32/exp.py, TFLM runs EXP in float32 only) against TFLM within the
float tolerance: te_expf for std::exp, incl. overflow to inf, underflow through the subnormals
to 0, NaN."""
from __future__ import annotations

import pytest

from tests.helpers.sweeps import float_unary_check
from tinyengine_pio import compile_model
from tinyengine_pio.errors import UnsupportedError


@pytest.mark.parametrize("scale", [1.0, 30.0])
def test_float32(tflm_check, scale):
    float_unary_check(tflm_check, "EXP", scale=scale, exact=False)


def test_float32_int8_is_refused():
    """TFLM's exp.cc has no int8 kernel, and neither has this compiler."""
    from tests.helpers.builder import ModelBuilder
    mb = ModelBuilder()
    x = mb.tensor([4], "int8", scale=0.1, zero_point=0)
    y = mb.tensor([4], "int8", scale=0.1, zero_point=0)
    mb.op("EXP", [x], [y])
    with pytest.raises(UnsupportedError, match="EXP"):
        compile_model(mb.build([x], [y]))
