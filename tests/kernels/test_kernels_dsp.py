"""The DSP (SXTB16/SMLAD) kernel paths, byte-exact with TFLM, run on the emulated Cortex-M4
(QEMU mps2-an386) through the HIL harness, and the Helium (MVE) ones on the Cortex-M55
(mps3-an547): every specialization and its fallbacks
(pointwise GEMM, two-column im2col in int16 and int8 (lean) columns, implicit GEMM, pruned rows,
grouped direct conv, depthwise 3x3 interior path with border taps and channel tails, in-place
depthwise, generic depth multiplier, folded FC, ADD through tables, the activation clamps)."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

from tests.helpers.builder import ModelBuilder, random_bias, random_conv_weights
from tests.helpers.opmodels import (
    conv_dw_conv,
    dw_chain,
    dw_then_wide,
    first_layer_then_wide,
    pool,
    wide_then_conv_fc,
)
from tests.helpers.sweeps import binary_model, conv_model, dw_model, fc_model
from tests.helpers.tflm import deterministic_inputs
from tests.kernels.test_conv_winograd import conv_chain

pytestmark = pytest.mark.skipif(
    not (shutil.which("arm-none-eabi-gcc") and shutil.which("qemu-system-arm")),
    reason="needs arm-none-eabi-gcc and qemu-system-arm (apt-get install gcc-arm-none-eabi "
           "libnewlib-arm-none-eabi qemu-system-arm)")


def _conv(mb, rng, src, oc, k=(1, 1), stride=(1, 1), padding="VALID", dil=(1, 1), act="NONE",
          out_q=(0.05, -20), per_channel=True):
    """A CONV_2D from `src` (scale 0.05) to `oc` channels; returns its output tensor."""
    n, h, w, c = src.shape
    oh = _out(h, k[0], stride[0], padding, dil[0])
    ow = _out(w, k[1], stride[1], padding, dil[1])
    wq, ws = random_conv_weights(rng, [oc, k[0], k[1], c], per_channel,
                                 scale_range=(0.001, 0.004))
    bq, bs = random_bias(rng, oc, 0.05, ws)
    y = mb.tensor([n, oh, ow, oc], "int8", scale=out_q[0], zero_point=out_q[1])
    mb.op("CONV_2D", [src, mb.const(wq, scale=ws, zero_point=0,
                                    quant_dim=0 if per_channel else None),
                      mb.const(bq, scale=bs, zero_point=0)], [y],
          dict(padding=padding, stride_h=stride[0], stride_w=stride[1],
               dilation_h_factor=dil[0], dilation_w_factor=dil[1],
               fused_activation_function=act))
    return y


def _padded(mb, y, pad: int):
    """A PAD of `y` by `pad` pixels on every side (it holds the arena's peak)."""
    n, h, w, c = y.shape
    z = mb.tensor([n, h + 2 * pad, w + 2 * pad, c], "int8", scale=float(y.scale),
                  zero_point=int(y.zero_point))
    mb.op("PAD", [y, mb.int32([[0, 0], [pad, pad], [pad, pad], [0, 0]])], [z])
    return z


def _out(n: int, k: int, s: int, padding: str, d: int = 1) -> int:
    return -(-n // s) if padding == "SAME" else (n - (k - 1) * d - 1) // s + 1


def pointwise_off_peak(in_shape, oc, act="NONE", out_q=(0.05, -20), pad=4, seed=0) -> bytes:
    """A 1x1 CONV_2D (the case under test) followed by a PAD by `pad` pixels on every side,
    which holds the arena's peak: the conv gets the wide TE_FAST variant (four int16 columns,
    te_conv_2d_1x1_fast's 2x4 GEMM)."""
    rng = np.random.default_rng(seed)
    mb = ModelBuilder()
    x = mb.tensor(in_shape, "int8", scale=0.05, zero_point=-3)
    y = _conv(mb, rng, x, oc, act=act, out_q=out_q)
    return mb.build([x], [_padded(mb, y, pad)])


def conv_after_peak(in_shape, first, oc, k=(3, 3), stride=(1, 1), padding="SAME", dil=(1, 1),
                    act="NONE", out_q=(0.05, -20), per_channel=True, pad=0, seed=0) -> bytes:
    """A 1x1 CONV_2D from `in_shape` to `first` channels (it holds the arena's peak when the
    input is the larger tensor), then the k x k CONV_2D under test, then optionally a PAD by
    `pad` pixels (a peak after it: room for four int16 columns)."""
    rng = np.random.default_rng(seed)
    mb = ModelBuilder()
    x = mb.tensor(in_shape, "int8", scale=0.05, zero_point=-3)
    a = _conv(mb, rng, x, first, out_q=(0.05, 7))
    y = _conv(mb, rng, a, oc, k, stride, padding, dil, act, out_q, per_channel)
    return mb.build([x], [_padded(mb, y, pad) if pad else y])


# the wide pointwise's 2x4 GEMM (te_conv_2d_1x1_fast4): pixels % 4 = 0..3 (the rest in 2x2
# pairs, a lone last pixel), fewer than four pixels, odd out_c, in_c % 4 != 0, every clamp mode
# (NONE, RELU with only a lower bound, RELU6 with both)
POINTWISE4 = {
    "pw4_rest1_c5_odd7_relu6": lambda: pointwise_off_peak((1, 3, 3, 5), 7, "RELU6", (0.1, -20)),
    "pw4_rest2_c8_relu_low": lambda: pointwise_off_peak((1, 2, 5, 8), 6, "RELU", (0.05, 10)),
    "pw4_rest3_c20_odd5": lambda: pointwise_off_peak((1, 3, 5, 20), 5),
    "pw4_exact_c20_odd9_relu6": lambda: pointwise_off_peak((1, 4, 4, 20), 9, "RELU6",
                                                           (0.1, -20)),
    "pw4_exact_c8_odd3_relu_low": lambda: pointwise_off_peak((1, 2, 4, 8), 3, "RELU",
                                                             (0.05, 10)),
    "pw4_three_px_c5": lambda: pointwise_off_peak((1, 1, 3, 5), 4),
    "pw4_c16_odd_blocks_relu6": lambda: pointwise_off_peak((1, 3, 4, 12), 10, "RELU6",
                                                           (0.1, -20)),
    # weights over the int16 weights' budget (ops/conv_2d.py choose_w16): int8 weights; the
    # cases above take int16 ones (te_gemm2x4_w16 / te_gemm2x2_w16)
    "pw4_i8_rest1_c72_odd71_relu6": lambda: pointwise_off_peak((1, 3, 3, 72), 71, "RELU6",
                                                               (0.1, -20)),
    "pw4_i8_rest2_c64_oc66": lambda: pointwise_off_peak((1, 2, 5, 64), 66),
}

CASES = {
    "pointwise_8to16": lambda: conv_model((1, 6, 6, 8), 16, (1, 1), padding="VALID"),
    "pointwise_odd_7to5": lambda: conv_model((1, 5, 3, 7), 5, (1, 1), padding="VALID"),
    "im2col_3x3_same": lambda: conv_model((1, 7, 7, 3), 8, (3, 3), act="RELU6"),
    "im2col_5x5_s2_odd": lambda: conv_model((1, 9, 9, 4), 7, (5, 5), (2, 2), "VALID"),
    "im2col_dilated_pertensor": lambda: conv_model((1, 9, 9, 6), 4, dil=(2, 2),
                                                   per_channel=False),
    "conv_grouped": lambda: conv_model((1, 6, 6, 8), 6, groups=2),
    "dw_3x3_interior_and_border": lambda: dw_model((1, 8, 8, 8), act="RELU6"),
    "dw_3x3_channel_tail": lambda: dw_model((1, 7, 7, 6)),
    "dw_3x3_s2": lambda: dw_model((1, 9, 9, 8), stride=(2, 2)),
    "dw_k10x1": lambda: dw_model((1, 30, 1, 8), k=(10, 1)),
    "dw_mult2": lambda: dw_model((1, 6, 6, 3), mult=2),
    "dw_single_channel_as_conv": lambda: dw_model((1, 9, 9, 1), mult=8, stride=(2, 2)),
    "dw_inplace": conv_dw_conv,
    # the four-channel 3x3 kernel's asm loops (TE_DW3_GROUPS: every group of a pixel;
    # TE_DW3_ROW_PIXELS: a row of one group in place): word stores at c % 4 != 0, every clamp
    # mode, stride 2, dilation, 3x3 maps
    "dw4_3x3_s2_relu_c10": lambda: dw_model((1, 11, 11, 10), stride=(2, 2), act="RELU",
                                            out_q=(0.05, 10)),
    "dw4_3x3_dil2_relu6_c12": lambda: dw_model((1, 10, 10, 12), dil=(2, 2), act="RELU6"),
    "dw4_inplace_3x3_s2_relu6_c10": lambda: conv_dw_conv(8, 10, stride=(2, 2), act="RELU6",
                                                         cin=16),
    "dw4_inplace_3x3_map_c128_relu": lambda: conv_dw_conv(3, 128, act="RELU"),
    # in place, 3x3 stride 1, planar (one channel's int16 plane): rows along the longer side
    "inplace_planar_tall_10x4": lambda: conv_dw_conv(10, 64, w=4, cin=64, cout=64),
    "inplace_planar_tall_12x3_relu6": lambda: conv_dw_conv(12, 48, w=3, cin=48, cout=48,
                                                           act="RELU6"),
    "inplace_planar_wide_4x10_c67_relu": lambda: conv_dw_conv(4, 67, w=10, act="RELU"),
    # planar 3x3 first layers (in_c 1-3: te_conv_2d_planar_dsp): stride 1 and 2, SAME and
    # VALID, odd widths and out_c, every clamp mode, per-tensor
    "planar_3x3x3_s2_odd_relu6": lambda: first_layer_then_wide(act="RELU6"),
    "planar_3x3x1_s2_same": lambda: first_layer_then_wide((1, 12, 10, 1)),
    "planar_3x3x2_s1_valid_pertensor": lambda: first_layer_then_wide(
        (1, 7, 8, 2), 5, stride=1, padding="VALID", per_channel=False),
    "planar_3x3x1_s1_same_relu_oc5": lambda: first_layer_then_wide((1, 9, 14, 1), 5, 3, 1,
                                                                  act="RELU"),
    "planar_3x3x3_s2_valid_w7_oc7": lambda: first_layer_then_wide((1, 12, 15, 3), 7, 3, 2,
                                                                 "VALID"),
    # padded kernel rows read in place (first layers: in_c 1-3 into few channels)
    "rows_3x3x3_dil_h2": lambda: conv_model((1, 15, 13, 3), 16, (3, 3), dil=(2, 1)),
    # padded rows two pixels at a time (the four pixels' columns would cost the small arena
    # 10%: micro_speech's 10x8 window), windows cut by every side of the padding, dilation_h,
    # odd out_c, clamps; and wider windows (7x7: 49 taps) four pixels at a time
    "rows_pairs_10x8x1_s2_same": lambda: conv_model((1, 49, 40, 1), 8, k=(10, 8), stride=(2, 2)),
    "rows_pairs_10x8_relu6_pertensor_zp17": lambda: conv_model(
        (1, 49, 40, 1), 8, k=(10, 8), stride=(2, 2), act="RELU6", per_channel=False,
        in_q=(0.05, 17)),
    "rows_pairs_10x8_relu_odd_rows": lambda: conv_model((1, 48, 39, 1), 8, k=(10, 8),
                                                        stride=(2, 2), act="RELU",
                                                        out_q=(0.05, 10)),
    "rows_pairs_dil_h2_oc7": lambda: conv_model((1, 49, 40, 1), 7, k=(10, 8), stride=(2, 2),
                                                dil=(2, 1)),
    "rows_7x7x3_s2": lambda: first_layer_then_wide((1, 15, 13, 3), 8, 7, 2),
    "rows_7x7x1_s1_relu": lambda: first_layer_then_wide((1, 12, 11, 1), 12, 7, 1, "SAME",
                                                        act="RELU"),
    # the cases above read int16 weights (ops/conv_2d.py choose_w16), these int8 ones (over
    # its budget): four pixels, and two
    "rows_i8_5x5x3_s2_oc63_relu6": lambda: first_layer_then_wide((1, 13, 12, 3), 63, 5, 2,
                                                                 act="RELU6", wide=96),
    "rows_i8_pairs_10x8_oc53_relu6": lambda: conv_model((1, 19, 16, 1), 53, k=(10, 8),
                                                        stride=(2, 2), act="RELU6"),
    # depthwise 3x3 stride 1 on wide rows: planar through a ring of three input rows
    "ring_3x3_tail_c7_valid": lambda: dw_then_wide((1, 12, 20, 7), padding="VALID"),
    # (the input kept to the end: the planner would otherwise run these small layers in place)
    "ring_3x3_c12_odd_w_pertensor": lambda: dw_then_wide((1, 10, 9, 12), per_channel=False,
                                                         keep_input=True),
    "ring_3x3_relu6": lambda: dw_then_wide((1, 9, 16, 8), act="RELU6", keep_input=True),
    "ring_3x3_relu_lower_bound": lambda: dw_then_wide((1, 8, 10, 4), act="RELU",
                                                      keep_input=True),
    "ring_3x3_w6_c8_relu6": lambda: dw_then_wide((1, 7, 6, 8), act="RELU6", keep_input=True),
    # in-place pins withheld for the ring (planner/policy.py _keep_planar; the Helium build
    # moves the input and runs in place: te_depthwise_conv_2d_moved_mve), beside pinned ones
    "unpinned_ring_6x6_c32": lambda: dw_chain(6, 32, 64, 4, 2),
    "unpinned_ring_mixed_3_blocks": lambda: dw_chain(6, 32, 4, 64, 3),
    # AVERAGE_POOL_2D four channels at a time (SXTAB16), windows cut by padding, channel tails
    "avg_pool_global_c67": lambda: pool("AVERAGE_POOL_2D", (1, 5, 5, 67), (5, 5), (1, 1),
                                        "VALID"),
    "avg_pool_3x3_s2_same": lambda: pool("AVERAGE_POOL_2D", (1, 9, 7, 8), (3, 3), (2, 2),
                                         "SAME"),
    "fc_folded": lambda: fc_model((1, 37), 11),
    "fc_pruned_rows": lambda: fc_model((1, 40), 9, per_channel=True, pruned=(0, 5)),
    "pointwise_pruned_rows": lambda: conv_model((1, 6, 6, 8), 16, (1, 1), padding="VALID",
                                                pruned=(3, 8)),
    # TE_FAST int16 columns off the arena's peak, int8 (lean) variants on it; every
    # specialization: (pointwise, im2col, FC) x (fast, lean), im2col in_c % 4 == 0 or not
    "fast_1x1_im2col_lean_words_fc": lambda: wide_then_conv_fc(),
    "fast_im2col_staged_1x1_lean": lambda: wide_then_conv_fc((1, 16, 16, 12), wide=6),
    "fast_im2col_words": lambda: wide_then_conv_fc((1, 16, 16, 16), wide=8, stride=3),
    "lean_im2col_bytes_fc": lambda: wide_then_conv_fc((1, 16, 16, 4), wide=6, stride=1,
                                                      second=3),
    "fc_per_channel_batch3": lambda: fc_model((3, 20), 6, per_channel=True),
    # implicit GEMM (im2col columns would grow the arena): border taps from the zero-point
    # row, whole kernel rows inside, dilation, odd rows; RELU's lower-bound-only clamp
    "implicit_5x5_same": lambda: conv_model((1, 8, 8, 8), 8, (5, 5)),
    "implicit_dilated_relu6": lambda: conv_model((1, 9, 9, 8), 5, dil=(2, 2), act="RELU6"),
    "pointwise_relu_low_clamp": lambda: conv_model((1, 6, 6, 8), 16, (1, 1), padding="VALID",
                                                   act="RELU", out_q=(0.05, 10)),
    "fc_relu_low_clamp": lambda: fc_model((1, 64), 10, act="RELU"),
    # FC quads: fewer than four units, both clamp bounds, blocks % 8 entry, batches, the int16
    # column path with a partial last quad
    "fc_units3_relu6": lambda: fc_model((1, 21), 3, act="RELU6"),
    "fc_long_k_relu6_batch2": lambda: fc_model((2, 300), 13, per_channel=True, act="RELU6"),
    "fast_fc_units7": lambda: wide_then_conv_fc(units=7),
    # ADD through the per-input tables: same shapes, broadcast with strides, clamp
    "add_tables": lambda: binary_model("ADD", (1, 5, 5, 6), (1, 5, 5, 6)),
    "add_tables_broadcast_relu": lambda: binary_model("ADD", (1, 4, 4, 8), (1, 1, 1, 8),
                                                      act="RELU"),
}
# depthwise on one-dimensional maps (1 x L x 1 x C, 1 x 1 x L x C): the FIR kernel
# (te_depthwise_conv_2d_fir_dsp), in place or not: channel tails, per-tensor, RELU / RELU6,
# SAME, stride 2, dilation, k 1 to 16, L up to 64
FIR = {
    "fir_w_k5_c7_same_relu6": lambda: dw_then_wide((1, 1, 20, 7), k=(1, 5), act="RELU6"),
    "fir_k4_s2_dil2_c5_pertensor": lambda: dw_then_wide((1, 33, 1, 5), k=(4, 1), stride=(2, 1),
                                                        dil=(2, 1), per_channel=False),
    "fir_k16_l64_c6_relu": lambda: dw_then_wide((1, 64, 1, 6), k=(16, 1), act="RELU"),
    "fir_k1_c9_valid": lambda: dw_then_wide((1, 12, 1, 9), k=(1, 1), padding="VALID"),
    "fir_k15_l16_c8_valid": lambda: dw_then_wide((1, 16, 1, 8), k=(15, 1), padding="VALID",
                                                 wide=128),
    "fir_inplace_k5_c67_relu": lambda: conv_dw_conv(28, 67, w=1, k=(5, 1), padding="VALID",
                                                    act="RELU"),
    "fir_inplace_k10_c128": lambda: conv_dw_conv(24, 128, w=1, k=(10, 1), padding="VALID"),
    "fir_inplace_w_k3_s2_c13_relu6": lambda: conv_dw_conv(1, 13, w=31, k=(1, 3), stride=(1, 2),
                                                          act="RELU6", cin=32),
    "fir_inplace_k7_dil3_c20_pertensor": lambda: conv_dw_conv(30, 20, w=1, k=(7, 1), dil=(3, 1),
                                                              per_channel=False),
}
CASES.update(POINTWISE4)

# lean pointwise with in_c 4, 8, 12: the pixel in registers (te_conv_2d_1x1_regs): odd out_c,
# fewer than four rows, every clamp mode, per-tensor, an output smaller than its input
REGS = {
    "regs_c4_oc5_relu6": lambda: conv_model((1, 5, 7, 4), 5, (1, 1), padding="VALID",
                                            act="RELU6"),
    "regs_c12_oc13_relu_low": lambda: conv_model((1, 3, 5, 12), 13, (1, 1), padding="VALID",
                                                 act="RELU", out_q=(0.05, 10)),
    "regs_c8_oc3_pertensor": lambda: conv_model((1, 4, 4, 8), 3, (1, 1), padding="VALID",
                                                per_channel=False),
    "regs_c12_to_c4": lambda: conv_model((1, 6, 6, 12), 4, (1, 1), padding="VALID"),
}
CASES.update(REGS)


@pytest.mark.parametrize("name", sorted(n for n in CASES if n.startswith("rows_")))
def test_rows_cases_reach_their_kernel(name):
    """The rows_ cases run te_conv_2d_rows_fast (ops/conv_2d.py rows_first): four pixels at a
    time but for the pairs_ ones (the planner's middle fallback), int16 weights but for the
    i8_ ones."""
    from tinyengine_pio.compiler import compile_model
    from tinyengine_pio.ops.conv_2d import reads_rows, rows_quads
    op = compile_model(CASES[name](), emit=False).graph.operators[0]
    assert reads_rows(op) and rows_quads(op) == ("pairs" not in name)
    assert op.w16 == ("_i8_" not in name)


@pytest.mark.parametrize("name", sorted(n for n in CASES if n.startswith("planar_3x3")))
def test_planar_cases_reach_their_kernel(name):
    from tinyengine_pio.compiler import compile_model
    op = compile_model(CASES[name](), emit=False).graph.operators[0]
    assert op.memory.variant == "planar"


@pytest.mark.parametrize("name", ["unpinned_ring_6x6_c32", "unpinned_ring_mixed_3_blocks"])
def test_unpinned_cases_withhold_pins(name):
    from tinyengine_pio.compiler import compile_model
    roles = [op.memory.role for op in compile_model(CASES[name](), emit=False).graph.operators
             if op.kind == "DEPTHWISE_CONV_2D"]
    assert "unpinned" in roles and ("pinned" in roles) == ("mixed" in name)


@pytest.mark.parametrize("name", sorted(REGS))
def test_regs_cases_reach_their_kernel(name):
    from tinyengine_pio.compiler import compile_model
    from tinyengine_pio.ops.conv_2d import reads_regs
    assert reads_regs(compile_model(CASES[name](), emit=False).graph.operators[0])

# im2col after the arena's peak (in_c % 4 == 0): four int16 columns through the 2x4 GEMM where
# they fit (pixels % 4 = 0..3, the rest in pairs), else one column against int16 weights
# (te_conv_2d_im2col_w16: odd out_c in a partial row quad, padding, stride, dilation, clamps)
IM2COL = {
    "im2col_w16_same_relu6_pertensor_oc5": lambda: conv_after_peak(
        (1, 6, 6, 16), 8, 5, act="RELU6", per_channel=False),
    "im2col_w16_s2_relu_low_oc7": lambda: conv_after_peak(
        (1, 6, 6, 16), 12, 7, stride=(2, 2), act="RELU", out_q=(0.05, 10)),
    "im2col_w16_dil_h2_oc6": lambda: conv_after_peak((1, 7, 6, 16), 8, 6, dil=(2, 1)),
    "im2col_w16_valid_c12_oc16": lambda: conv_after_peak((1, 6, 7, 24), 12, 16,
                                                         padding="VALID"),
    "im2col_x4_rest1_s2_relu6": lambda: conv_after_peak((1, 6, 6, 32), 8, 5, stride=(2, 2),
                                                        act="RELU6"),
    "im2col_x4_rest2_c8": lambda: conv_after_peak((1, 5, 6, 48), 8, 6, stride=(2, 1)),
    "im2col_x4_rest3_c12_dil_relu_low": lambda: conv_after_peak(
        (1, 5, 7, 48), 12, 7, dil=(1, 2), act="RELU", out_q=(0.05, 10)),
    "im2col_x4_exact_pertensor": lambda: conv_after_peak((1, 6, 6, 48), 8, 9,
                                                         per_channel=False),
    # int8 weights (over choose_w16's budget; the x4 cases above take int16 ones)
    "im2col_x4_i8_rest1_oc60": lambda: conv_after_peak((1, 6, 6, 64), 8, 60, stride=(2, 2)),
    "im2col_x4_i8_rest2_oc61_relu6": lambda: conv_after_peak((1, 6, 11, 64), 8, 61,
                                                             stride=(2, 2), act="RELU6"),
}
CASES.update(IM2COL)


@pytest.mark.parametrize("name", sorted(IM2COL))
def test_im2col_cases_reach_their_kernel(name):
    """The im2col_w16_ cases run te_conv_2d_im2col_w16, the im2col_x4_ ones
    te_conv_2d_im2col_fast4 (DSP builds)."""
    from tinyengine_pio.compiler import compile_model
    from tinyengine_pio.ops.conv_2d import pointwise_fours, reads_w16
    op = compile_model(CASES[name](), emit=False).graph.operators[1]
    assert op.memory.variant == "im2col"
    assert (reads_w16(op), pointwise_fours(op)) == (("w16" in name), ("x4" in name))
    assert op.w16 == ("x4" in name and "_i8_" not in name)      # the 2x4 GEMM's int16 weights
CASES.update(FIR)
CASES["winograd_auto_chain"] = conv_chain   # unforced: Winograd one tile at a time (wide)

# cases that must reach a given kernel variant (op index, variant) when compiled for speed
VARIANTS = {"inplace_planar_tall_10x4": (1, "inplace"),
            "inplace_planar_tall_12x3_relu6": (1, "inplace"),
            "inplace_planar_wide_4x10_c67_relu": (1, "inplace"),
            "ring_3x3_tail_c7_valid": (0, "ring"), "ring_3x3_c12_odd_w_pertensor": (0, "ring"),
            "ring_3x3_relu6": (0, "ring"), "ring_3x3_relu_lower_bound": (0, "ring"),
            "ring_3x3_w6_c8_relu6": (0, "ring"),
            "implicit_5x5_same": (0, "implicit"), "implicit_dilated_relu6": (0, "implicit"),
            "im2col_5x5_s2_odd": (0, "implicit"), "pointwise_relu_low_clamp": (0, "pointwise"),
            "winograd_auto_chain": (2, "winograd"),
            "dw4_3x3_s2_relu_c10": (0, None), "dw4_3x3_dil2_relu6_c12": (0, None),
            "dw4_inplace_3x3_s2_relu6_c10": (1, "inplace"),
            "dw4_inplace_3x3_map_c128_relu": (1, "inplace")}
VARIANTS.update({name: (1, "inplace") if "inplace" in name else (0, "fir") for name in FIR})


@pytest.mark.parametrize("name", sorted(POINTWISE4))
def test_pointwise4_cases_reach_the_wide_variant(name):
    """These cases run te_conv_2d_1x1_fast4 (the wide option with four columns, TE_FAST
    constants exact), the one with fewer than four pixels te_conv_2d_1x1_fast."""
    from tinyengine_pio.compiler import compile_model
    from tinyengine_pio.ops.conv_2d import pointwise_fours
    op = compile_model(CASES[name](), emit=False).graph.operators[0]
    assert op.memory.variant == "pointwise" and op.memory.role == "wide"
    assert op.params.fast is not None
    assert pointwise_fours(op) == (name != "pw4_three_px_c5")
    assert op.w16 == ("_i8_" not in name)      # two columns (pw4_three_px_c5) too


@pytest.mark.parametrize("name", sorted(FIR))
def test_fir_cases_reach_the_fir_kernel(name):
    """These cases' depthwise op runs te_depthwise_conv_2d_fir_dsp in DSP builds."""
    from tinyengine_pio.compiler import compile_model
    from tinyengine_pio.ops.depthwise_conv_2d import uses_fir
    op = compile_model(CASES[name](), emit=False).graph.operators[VARIANTS[name][0]]
    assert op.kind == "DEPTHWISE_CONV_2D" and uses_fir(op.params)


# mps2-an386: the DSP kernels (Cortex-M4); mps3-an547: Cortex-M55, whose builds run the Helium
# (TE_MVE) GEMM and depthwise kernels and the DSP ones elsewhere
@pytest.mark.qemu
@pytest.mark.platformio
@pytest.mark.parametrize("board", ["mps2-an386", "mps3-an547"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_simd_kernel_matches_tflm(name, board, tmp_path_factory):
    from tinyengine_pio.harness.dut import Dut
    data = CASES[name]()
    cache = tmp_path_factory.getbasetemp() / "dsp_fw_cache"
    with Dut.qemu(data, board=board, name=f"{name}.tflite", cache_dir=cache) as dut:
        for set_name, inputs in deterministic_inputs(data):
            r = dut.infer(inputs)
            assert r.matches_reference, f"{name} / {set_name}: {r.mismatch}"



@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_case_reaches_its_kernel_variant(name):
    from tinyengine_pio.compiler import compile_model
    step, variant = VARIANTS[name]
    cm = compile_model(CASES[name](), emit=False)
    assert cm.graph.operators[step].memory.variant == variant


# Winograd F(2x2, 3x3) (ops/conv_winograd.py), forced through TE_CONV_ALGORITHM (tile pairs,
# and one tile at a time): partial tiles at the right and bottom, SAME and VALID, in_c % 4 in
# 1..3 (byte-gathered last block), odd out_c (part of a row quad), per-tensor, RELU6 / RELU
# clamps, non-zero input zero points, the output partly over its input
WINOGRAD = {
    "winograd_same_odd_c3": lambda: conv_model((1, 7, 9, 3), 5),
    "winograd_valid_c5_relu6": lambda: conv_model((1, 8, 7, 5), 4, padding="VALID",
                                                  act="RELU6"),
    "winograd_c8_pertensor": lambda: conv_model((1, 6, 6, 8), 7, per_channel=False),
    "winograd_c16_zp77": lambda: conv_model((1, 5, 5, 16), 16, in_q=(0.05, 77)),
    "winograd_c6_relu": lambda: conv_model((1, 4, 5, 6), 9, act="RELU", out_q=(0.05, 10)),
    "winograd_chain_overlap": lambda: conv_chain(),      # output partly over its input
}


@pytest.mark.qemu
@pytest.mark.platformio
@pytest.mark.parametrize("board", ["mps2-an386", "mps3-an547"])
@pytest.mark.parametrize("mode", ["winograd", "winograd1"])
@pytest.mark.parametrize("name", sorted(WINOGRAD))
def test_winograd_matches_tflm(name, mode, board, tmp_path_factory, monkeypatch):
    from tinyengine_pio.compiler import compile_model
    from tinyengine_pio.harness.dut import Dut
    if mode == "winograd1" and board != "mps2-an386":
        pytest.skip("the Helium build runs the im2col GEMM either way")
    monkeypatch.setenv("TE_CONV_ALGORITHM", mode)
    data = WINOGRAD[name]()
    ops = compile_model(data, emit=False).graph.operators
    assert any(op.memory.variant == "winograd" for op in ops)
    cache = tmp_path_factory.getbasetemp() / f"dsp_fw_cache_{mode}"
    with Dut.qemu(data, board=board, name=f"{name}.tflite", cache_dir=cache) as dut:
        for set_name, inputs in deterministic_inputs(data):
            r = dut.infer(inputs)
            assert r.matches_reference, f"{name} / {set_name}: {r.mismatch}"


@pytest.mark.parametrize("name", ["inplace_planar_tall_10x4", "inplace_planar_tall_12x3_relu6",
                                  "inplace_planar_wide_4x10_c67_relu"])
def test_inplace_cases_take_the_planar_kernel(name):
    """These in-place cases run te_depthwise_conv_2d_inplace_planar_dsp in DSP builds."""
    from tinyengine_pio.compiler import compile_model
    from tinyengine_pio.ops.depthwise_conv_2d import planar_inplace
    op = compile_model(CASES[name](), emit=False).graph.operators[1]
    assert op.memory.variant == "inplace" and planar_inplace(op.params)
