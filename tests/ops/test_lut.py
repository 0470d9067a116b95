"""LOGISTIC, TANH, HARD_SWISH (host-tabulated) against TFLM on all 256 input values."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.builder import ModelBuilder

ALL_INT8 = [[np.arange(-128, 128, dtype=np.int8).reshape(1, 256)]]


def unary(op, qi, qo):
    mb = ModelBuilder()
    x = mb.tensor([1, 256], "int8", scale=qi[0], zero_point=qi[1])
    y = mb.tensor([1, 256], "int8", scale=qo[0], zero_point=qo[1])
    mb.op(op, [x], [y])
    return mb.build([x], [y])


IN_Q = [(0.05, -3), (1e-3, 0), (0.1, 100), (1.0, -128), (0.0625, 0), (0.37, 17)]


@pytest.mark.parametrize("qi", IN_Q)
def test_logistic(tflm_check, qi):
    tflm_check(unary("LOGISTIC", qi, (1 / 256, -128)), ALL_INT8)


@pytest.mark.parametrize("qi", IN_Q)
def test_tanh(tflm_check, qi):
    tflm_check(unary("TANH", qi, (1 / 128, 0)), ALL_INT8)


@pytest.mark.parametrize("qi,qo", [((0.05, -3), (0.05, -100)), ((0.1, 10), (0.02, -128)),
                                   ((1e-2, 0), (1e-2, 0)), ((0.5, -50), (0.3, 20)),
                                   ((0.03, 127), (0.04, -20))])
def test_hard_swish(tflm_check, qi, qo):
    tflm_check(unary("HARD_SWISH", qi, qo), ALL_INT8)
