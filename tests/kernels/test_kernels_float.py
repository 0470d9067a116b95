"""The float32 kernels (kernels/float32/) on the emulated cores' FPUs through the HIL harness:
Cortex-M4F (mps2-an386, fpv4-sp-d16), Cortex-M7 (mps2-an500) and Cortex-M55 (mps3-an547). Their
outputs match TFLM's within rtol 1e-4 / atol 1e-5 (bit for bit where the order of accumulation
is TFLM's and the build does not fuse multiply-adds: the hook builds with -ffp-contract=off),
and the firmware does its float arithmetic on the FPU (no soft-float helper linked)."""
from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest

from tests.helpers import float_windows
from tests.helpers.builder import ModelBuilder
from tests.helpers.sweeps import float_binary_model, float_sets

pytestmark = pytest.mark.skipif(
    not (shutil.which("arm-none-eabi-gcc") and shutil.which("qemu-system-arm")),
    reason="needs arm-none-eabi-gcc and qemu-system-arm")


def _mlp() -> bytes:
    """FC 40 -> 24 (RELU) -> ADD of a constant -> FC 7: float32 throughout."""
    rng = np.random.default_rng(3)
    mb = ModelBuilder()
    x = mb.tensor([2, 40], "float32")
    h = mb.tensor([2, 24], "float32")
    h2 = mb.tensor([2, 24], "float32")
    y = mb.tensor([2, 7], "float32")
    mb.op("FULLY_CONNECTED", [x, mb.const(rng.standard_normal((24, 40)).astype(np.float32)),
                              mb.const(rng.standard_normal(24).astype(np.float32))], [h],
          {"fused_activation_function": "RELU"})
    mb.op("ADD", [h, mb.const(rng.standard_normal(24).astype(np.float32))], [h2],
          {"fused_activation_function": "NONE"})
    mb.op("FULLY_CONNECTED", [h2, mb.const(rng.standard_normal((7, 24)).astype(np.float32)),
                              None], [y])
    return mb.build([x], [y])


def _elementwise() -> bytes:
    """The bit-exact float32 element-wise operators side by side, one output each: unary ones
    of x (SQRT / RSQRT of |x|), binary ones of x and y, DIV by a constant (no NaN anywhere:
    x86's default NaN and the FPU's differ in sign, and this test compares bytes)."""
    n = 24
    mb = ModelBuilder()
    x, y = mb.tensor([n], "float32"), mb.tensor([n], "float32")
    outs = []

    def op(kind, ins, opts=None):
        t = mb.tensor([n], "float32")
        mb.op(kind, ins, [t], opts or {})
        outs.append(t)
        return t

    a = op("ABS", [x])
    for kind in ("SQRT", "RSQRT"):
        op(kind, [a])
    for kind in ("NEG", "SQUARE", "FLOOR", "CEIL", "ROUND", "RELU", "RELU6", "HARD_SWISH"):
        op(kind, [x])
    op("LEAKY_RELU", [x], {"alpha": 0.3})
    for kind in ("SUB", "MUL"):
        op(kind, [x, y], {"fused_activation_function": "RELU6"})
    c = np.linspace(-3, 3, n + 1, dtype=np.float32)
    op("DIV", [x, mb.const(c[c != 0])], {"fused_activation_function": "NONE"})
    for kind in ("MAXIMUM", "MINIMUM", "SQUARED_DIFFERENCE", "PRELU"):
        op(kind, [x, y])
    return mb.build([x, y], outs)


CASES = {
    "add_broadcast_relu6": (lambda: float_binary_model("ADD", (1, 4, 4, 8), (1, 1, 1, 8),
                                                       act="RELU6"),
                            [(1, 4, 4, 8), (1, 1, 1, 8)]),
    "mlp": (_mlp, [(2, 40)]),
    "cnn": (lambda: float_windows.cnn_model(), [(1, 12, 12, 3)]),    # conv, depthwise, pools, FC
    "elementwise": (_elementwise, [(24,), (24,)]),
}

SOFT_FLOAT = ("__aeabi_fadd", "__aeabi_fmul", "__aeabi_fdiv", "__aeabi_fsub", "__addsf3",
              "__mulsf3")


@pytest.mark.qemu
@pytest.mark.platformio
@pytest.mark.parametrize("board", ["mps2-an386", "mps2-an500", "mps3-an547"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_float_kernel_matches_tflm_on_the_fpu(name, board, tmp_path_factory):
    from tinyengine_pio.harness.dut import Dut
    build, shapes = CASES[name]
    data = build()
    cache = tmp_path_factory.getbasetemp() / "float_fw_cache"
    with Dut.qemu(data, board=board, name=f"{name}.tflite", cache_dir=cache) as dut:
        for k, inputs in enumerate(float_sets(shapes)):
            r = dut.infer(inputs)
            assert r.matches_reference, f"{name} / set {k}: {r.mismatch}"
            # bit for bit: the same operation order as TFLM's, no fused multiply-add
            ref = np.concatenate([np.asarray(o).reshape(-1) for o in r.reference_outputs])
            got = np.concatenate([np.asarray(o).reshape(-1) for o in r.outputs])
            assert got.tobytes() == ref.tobytes(), f"{name} / set {k}: not bit-equal"
        elf = dut.firmware.elf
    syms = subprocess.run(["arm-none-eabi-nm", str(elf)], capture_output=True, text=True,
                          check=True).stdout
    assert " model_invoke" in syms
    assert not [s for s in SOFT_FLOAT if f" {s}" in syms], "soft-float helpers linked"
    code = subprocess.run(["arm-none-eabi-objdump", "-d", str(elf)], capture_output=True,
                          text=True, check=True).stdout
    assert "vadd.f32" in code and "vfma" not in code     # the FPU, and no fused multiply-add
