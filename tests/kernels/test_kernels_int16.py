"""The int16x8 kernels (kernels/int16/) on the emulated Cortex-M4 (mps2-an386) and Cortex-M55
(mps3-an547) through the HIL harness, byte-exact with TFLM: the int64-accumulator CONV_2D,
DEPTHWISE_CONV_2D and FULLY_CONNECTED, ADD, pools, SOFTMAX and LOGISTIC / TANH (the measured
sigmoid table), and two multi-operator int16 graphs."""
from __future__ import annotations

import shutil

import pytest

from tests.helpers import int16models as m16
from tests.helpers.tflm import deterministic_inputs
from tests.ops.test_int16_models import conv_dw_fc_softmax, int8_edges_residual

pytestmark = pytest.mark.skipif(
    not (shutil.which("arm-none-eabi-gcc") and shutil.which("qemu-system-arm")),
    reason="needs arm-none-eabi-gcc and qemu-system-arm")

CASES = {
    "conv_dw_fc_softmax": conv_dw_fc_softmax,
    "int8_edges_residual": int8_edges_residual,
    "fc_per_channel_int64_bias": lambda: m16.fc16_model((2, 37), 11, per_channel=True),
    "conv_5x5_s2": lambda: m16.conv16_model((1, 9, 9, 3), 5, k=(5, 5), stride=(2, 2)),
    "add_broadcast": lambda: m16.binary16_model("ADD", (1, 4, 4, 6), (1, 1, 1, 6)),
    "logistic": lambda: m16.unary16_model("LOGISTIC", (1, 256), qi=(1 / 4096, 0)),
    "tanh": lambda: m16.unary16_model("TANH", (1, 256), qi=(3e-4, 0)),
}


@pytest.mark.qemu
@pytest.mark.platformio
@pytest.mark.parametrize("board", ["mps2-an386", "mps3-an547"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_int16_kernel_matches_tflm(name, board, tmp_path_factory):
    from tinyengine_pio.harness.dut import Dut
    data = CASES[name]()
    cache = tmp_path_factory.getbasetemp() / "int16_fw_cache"
    with Dut.qemu(data, board=board, name=f"{name}.tflite", cache_dir=cache) as dut:
        for set_name, inputs in deterministic_inputs(data):
            r = dut.infer(inputs)
            assert r.matches_reference, f"{name} / {set_name}: {r.mismatch}"
