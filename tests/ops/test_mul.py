"""MUL against TFLM: broadcasting (incl. 5-D), fused activations, extreme scales and zero points."""
from __future__ import annotations

import pytest

from tests.helpers.sweeps import BINARY_SCALES, BINARY_SHAPES, binary_model


@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=lambda s: f"{s[0]}-{s[1]}")
def test_broadcast(tflm_check, shapes):
    tflm_check(binary_model("MUL", *shapes, qo=(0.02, 1)))


@pytest.mark.parametrize("act", ["RELU", "RELU6", "RELU_N1_TO_1"])
def test_activation(tflm_check, act):
    tflm_check(binary_model("MUL", (1, 3, 3, 5), (1, 3, 3, 5), act=act, qo=(0.02, -4)))


@pytest.mark.parametrize("q", BINARY_SCALES)
def test_scales(tflm_check, q):
    tflm_check(binary_model("MUL", (1, 4, 4, 6), (1, 4, 4, 6), qa=q[0], qb=q[1], qo=q[2]))
