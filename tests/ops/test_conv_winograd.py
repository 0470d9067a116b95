"""CONV_2D's Winograd F(2x2, 3x3) variant (ops/conv_winograd.py), forced through
TE_CONV_ALGORITHM: byte-exact with TFLM on the host (portable kernel) for odd sizes (partial
tiles at the right and bottom), SAME and VALID, in_c not a multiple of 2 or 4, per-tensor and
per-channel, RELU6, non-zero input zero points; the bounds check and the integer transforms."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.sweeps import conv_model

CASES = {
    "same_odd_7x9_c3": dict(in_shape=(1, 7, 9, 3), oc=5),
    "valid_odd_c5_relu6": dict(in_shape=(1, 8, 7, 5), oc=4, padding="VALID", act="RELU6"),
    "same_c8_pertensor": dict(in_shape=(1, 6, 6, 8), oc=7, per_channel=False),
    "same_c16_zp": dict(in_shape=(1, 5, 5, 16), oc=16, in_q=(0.05, 77)),
    "valid_c1_tiny": dict(in_shape=(1, 3, 4, 1), oc=3, padding="VALID", in_q=(0.02, -128)),
    "same_c6_relu_out": dict(in_shape=(1, 4, 5, 6), oc=9, act="RELU", out_q=(0.05, 10)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_winograd_matches_tflm(tflm_check, monkeypatch, name):
    monkeypatch.setenv("TE_CONV_ALGORITHM", "winograd")
    cm = tflm_check(conv_model(**CASES[name]))
    assert cm.graph.operators[0].memory.variant == "winograd"


def test_integer_transforms_exact():
    from tinyengine_pio.ops.conv_winograd import AT, BT, transformed_filter
    rng = np.random.default_rng(1)
    for _ in range(20):
        ic, oc = rng.integers(1, 9, 2)
        w = rng.integers(-128, 128, (oc, 3, 3, ic))
        d = rng.integers(-128, 128, (4, 4, ic))
        v = np.einsum("ik,klc,jl->ijc", BT, d, BT).reshape(16, ic)
        m = np.einsum("poc,pc->op", transformed_filter(w), v).reshape(oc, 4, 4)
        y = np.einsum("ik,okl,jl->oij", AT, m, AT)
        ref = np.array([[[(d[r:r + 3, c:c + 3] * w[o]).sum() for c in range(2)]
                         for r in range(2)] for o in range(oc)])
        assert (y % 4 == 0).all() and (y // 4 == ref).all()


def test_bounds_refuse_overflow():
    from tinyengine_pio.ops.conv_winograd import bounds_ok, transformed_filter
    assert bounds_ok(transformed_filter(np.full((4, 3, 3, 64), -128)), -128)
    assert not bounds_ok(transformed_filter(np.full((1, 3, 3, 2048), -128)), 0)
