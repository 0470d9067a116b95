"""ROUND float32 (ops/float32/round.py) against TFLM bit for bit: TFLM's RoundToNearest,
half to even by hand (floor, difference, parity), so -0.3 and -0.5 round to +0."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.sweeps import float_unary_check
from tinyengine_pio import compile_model


@pytest.mark.parametrize("scale", [1.0, 30.0])
def test_float32(tflm_check, scale):
    float_unary_check(tflm_check, "ROUND", scale=scale, exact=True)


def test_float32_every_half_and_near_half(tflm_check):
    from tests.helpers.sweeps import float_unary_model
    k = np.arange(-40, 41, dtype=np.float32) * np.float32(0.5)
    v = np.concatenate([k, np.nextafter(k, np.float32(np.inf)),
                        np.nextafter(k, np.float32(-np.inf))]).astype(np.float32)
    tflm_check(float_unary_model("ROUND", v.shape), [[v]], float_exact=True)


def test_float32_constants_fold_as_tflm():
    """The host twin keeps TFLM's +0 for -0.3 and -0.5 (numpy's round gives -0)."""
    from tests.helpers.builder import ModelBuilder
    mb = ModelBuilder()
    x = mb.tensor([4], "float32")
    r = mb.tensor([4], "float32")
    y = mb.tensor([4], "float32")
    mb.op("ROUND", [mb.const(np.array([-0.3, -0.5, -0.0, 2.5], np.float32))], [r])
    mb.op("MUL", [x, r], [y], {"fused_activation_function": "NONE"})
    cm = compile_model(mb.build([x], [y]))
    (mul,) = cm.graph.operators
    want = np.array([0.0, 0.0, -0.0, 2.0], np.float32)
    assert cm.graph.t(mul.inputs[1]).data.view(np.uint32).tolist() == \
        want.view(np.uint32).tolist()
