"""The DSP (SXTB16/SMLAD) kernel paths, byte-exact with TFLM, run on the emulated Cortex-M4
(QEMU mps2-an386) through the HIL harness: every specialization and its fallbacks
(pointwise GEMM, two-column im2col, grouped direct conv, depthwise 3x3 interior path with
border taps and channel tails, in-place depthwise, generic depth multiplier, folded FC)."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

from tests.helpers.tflm import deterministic_inputs
from tests.test_op_conv_2d import conv_model
from tests.test_op_depthwise_conv_2d import dw_model
from tests.test_op_fully_connected import fc_model

pytestmark = pytest.mark.skipif(
    not (shutil.which("arm-none-eabi-gcc") and shutil.which("qemu-system-arm")),
    reason="needs arm-none-eabi-gcc and qemu-system-arm (apt-get install gcc-arm-none-eabi "
           "libnewlib-arm-none-eabi qemu-system-arm)")


def _inplace_dw_model() -> bytes:
    from tests.helpers.builder import ModelBuilder, random_bias, random_conv_weights
    rng = np.random.default_rng(1)
    mb = ModelBuilder()
    x = mb.tensor([1, 4, 4, 2], "int8", scale=0.05, zero_point=-3)
    w1, s1 = random_conv_weights(rng, [64, 1, 1, 2], True)
    a = mb.tensor([1, 4, 4, 64], "int8", scale=0.05, zero_point=2)
    mb.op("CONV_2D", [x, mb.const(w1, scale=s1, quant_dim=0), None], [a],
          dict(padding="SAME", stride_h=1, stride_w=1))
    w2, s2 = random_conv_weights(rng, [1, 3, 3, 64], True, quant_dim=3)
    b2, bs2 = random_bias(rng, 64, 0.05, s2)
    b = mb.tensor([1, 4, 4, 64], "int8", scale=0.04, zero_point=-1)
    mb.op("DEPTHWISE_CONV_2D", [a, mb.const(w2, scale=s2, quant_dim=3), mb.const(b2, scale=bs2)],
          [b], dict(padding="SAME", stride_h=1, stride_w=1, depth_multiplier=1))
    w3, s3 = random_conv_weights(rng, [4, 1, 1, 64], True)
    y = mb.tensor([1, 4, 4, 4], "int8", scale=0.1, zero_point=0)
    mb.op("CONV_2D", [b, mb.const(w3, scale=s3, quant_dim=0), None], [y],
          dict(padding="SAME", stride_h=1, stride_w=1))
    return mb.build([x], [y])


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
    "dw_inplace": _inplace_dw_model,
    "fc_folded": lambda: fc_model((1, 37), 11),
    "fc_per_channel_batch3": lambda: fc_model((3, 20), 6, per_channel=True),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_dsp_kernel_matches_tflm_on_cortex_m4(name, tmp_path_factory):
    from tinyengine_pio.harness.dut import Dut
    data = CASES[name]()
    cache = tmp_path_factory.getbasetemp() / "dsp_fw_cache"
    with Dut.qemu(data, board="mps2-an386", name=f"{name}.tflite", cache_dir=cache) as dut:
        for set_name, inputs in deterministic_inputs(data):
            r = dut.infer(inputs)
            assert r.matches_reference, f"{name} / {set_name}: {r.mismatch}"

