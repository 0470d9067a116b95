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


def conv_chain(hw: int = 10, c: int = 32, seed: int = 2) -> bytes:
    """1x1 conv on a plane twice as large (the arena's peak), 2x2 max pool, then two 3x3 convs
    (c channels): they win with Winograd on the M4 (the automatic choice), off the peak, and
    the last one may write over its dying input. M4 per layer at 10 x 10 x 32: Winograd's one
    tile 865,880 instructions against 1,016,040 for the four-column im2col; at 9 x 9 x 24 the
    im2col wins (499,600 against 531,480) and is chosen."""
    from tests.helpers.builder import ModelBuilder
    from tests.helpers.sweeps import random_bias, random_conv_weights
    rng = np.random.default_rng(seed)
    mb = ModelBuilder()
    x = mb.tensor([1, 2 * hw, 2 * hw, 8], "int8", scale=0.05, zero_point=-3)
    w, s = random_conv_weights(rng, [c, 1, 1, 8], True)
    big = mb.tensor([1, 2 * hw, 2 * hw, c], "int8", scale=0.05, zero_point=5)
    mb.op("CONV_2D", [x, mb.const(w, scale=s, quant_dim=0), None], [big],
          dict(padding="SAME", stride_h=1, stride_w=1))
    src = mb.tensor([1, hw, hw, c], "int8", scale=0.05, zero_point=5)
    mb.op("MAX_POOL_2D", [big], [src], dict(padding="VALID", stride_h=2, stride_w=2,
                                            filter_height=2, filter_width=2))
    for i in range(2):
        w, s = random_conv_weights(rng, [c, 3, 3, c], True)
        b, bs = random_bias(rng, c, 0.05, s)
        y = mb.tensor([1, hw, hw, c], "int8", scale=0.05, zero_point=4 - 3 * i)
        mb.op("CONV_2D", [src, mb.const(w, scale=s, quant_dim=0), mb.const(b, scale=bs)], [y],
              dict(padding="SAME", stride_h=1, stride_w=1, fused_activation_function="RELU6"))
        src = y
    return mb.build([x], [src])


def test_automatic_choice_and_overlap(tflm_check):
    """Unforced: both 3x3 convs take Winograd; byte-exact with whatever overlap the planner
    found safe from the tile access pattern."""
    cm = tflm_check(conv_chain())
    assert [op.memory.variant for op in cm.graph.operators] == [
        "pointwise", None, "winograd", "winograd"]


def test_access_pattern_allows_overlap():
    from tinyengine_pio.compiler import compile_model
    from tinyengine_pio.ops.conv_winograd import access
    from tinyengine_pio.planner.overlap import best_delta, hazard_free
    cm = compile_model(conv_chain(), emit=False)
    pattern = access(cm.graph, cm.graph.operators[3])[0].pattern
    assert best_delta(pattern, 4) is not None        # a partial overlap is safe
    assert not hazard_free(pattern, 0)               # in place is not: tiles read ahead
