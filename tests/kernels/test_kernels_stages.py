"""Fused line-buffered stages (--optimize memory) on the emulated cores: the DSP kernels on the
Cortex-M4 (QEMU mps2-an386) and the Helium ones on the Cortex-M55 (mps3-an547) called on one-row
slices, byte-exact with TFLM through the HIL harness. The host tests (tests/stages/) run the
portable kernels only; these reach the SIMD paths: im2col with an int8 staging buffer (in_c % 4),
the depthwise interior/border split on a three-row window, the pointwise GEMM on one row of pixels,
ADD through its tables, pools, and the line buffers' moves."""
from __future__ import annotations

import shutil

import pytest

from tests.helpers.chains import Chain
from tests.helpers.tflm import deterministic_inputs

pytestmark = pytest.mark.skipif(
    not (shutil.which("arm-none-eabi-gcc") and shutil.which("qemu-system-arm")),
    reason="needs arm-none-eabi-gcc and qemu-system-arm")


def mobilenet_v1_head() -> bytes:
    c = Chain((1, 32, 32, 3), seed=11)
    a = c.conv(c.x, 16, k=3, stride=2)
    a = c.dw(a, k=3)
    a = c.conv(a, 32, k=1)
    a = c.dw(a, k=3, stride=2)
    return c.build([c.conv(a, 16, k=1)])


def residual_blocks() -> bytes:
    c = Chain((1, 16, 16, 8), seed=12)
    a = c.conv(c.x, 8, k=3)
    a = c.add(c.conv(a, 8, k=3), c.x)
    b = c.conv(a, 16, k=3, stride=2)
    b = c.conv(b, 16, k=3)
    skip = c.conv(a, 16, k=1, stride=2)
    return c.build([c.conv(c.add(b, skip, act="RELU"), 4, k=1)])


def inverted_residual() -> bytes:
    c = Chain((1, 20, 20, 8), seed=13)
    a = c.conv(c.x, 24, k=1)
    a = c.dw(a, k=3)
    a = c.add(c.conv(a, 8, k=1), c.x)
    a = c.dw(a, k=3, stride=2)
    return c.build([c.conv(a, 12, k=1)])


def odd_windows() -> bytes:
    c = Chain((1, 19, 13, 5), seed=14)
    a = c.conv(c.x, 7, k=5, dil=1)
    a = c.pool(a, "MAX", filt=2, stride=1, padding="SAME")
    a = c.dw(a, mult=2, k=3, dil=2)
    a = c.pool(a, "AVG", filt=3, stride=2, padding="VALID")
    return c.build([c.conv(a, 6, k=(1, 3), padding="VALID")])


CASES = {"mobilenet_v1_head": mobilenet_v1_head, "residual_blocks": residual_blocks,
         "inverted_residual": inverted_residual, "odd_windows": odd_windows}


@pytest.mark.parametrize("name", sorted(CASES))
def test_memory_schedule_fuses_the_case(name):
    from tinyengine_pio.compiler import compile_model
    data = CASES[name]()
    speed = compile_model(data, emit=False)
    memory = compile_model(data, emit=False, optimize="memory")
    assert memory.graph.stages, f"{name}: --optimize memory fused nothing"
    assert memory.arena_bytes < speed.arena_bytes


@pytest.mark.qemu
@pytest.mark.platformio
@pytest.mark.parametrize("board", ["mps2-an386", "mps3-an547"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_fused_stages_match_tflm_on_the_core(name, board, tmp_path_factory):
    from tinyengine_pio.harness.dut import Dut
    from tinyengine_pio.harness.firmware import build_firmware
    from tinyengine_pio.harness.targets import TARGETS
    data = CASES[name]()
    cache = tmp_path_factory.getbasetemp() / "stage_fw_cache"
    fw = build_firmware(data, board, cache_dir=cache, optimize="memory")
    target = TARGETS["qemu"](data, board, firmware=fw)
    target.optimize = "memory"          # the host compile the Dut checks the identity against
    with Dut.attach(target, data, f"{name}.tflite") as dut:
        for set_name, inputs in deterministic_inputs(data):
            r = dut.infer(inputs)
            assert r.matches_reference, f"{name} / {set_name} on {board}: {r.mismatch}"


@pytest.mark.qemu
@pytest.mark.platformio
def test_harness_finds_the_builds_schedule(tmp_path_factory):
    """A build whose schedule the Dut was not told (an automatic fit, a RAM budget): it reads
    the fused stages from the firmware's model.json, so its host compile (the identity check
    and the reference) is the build's."""
    from tinyengine_pio.harness.dut import Dut, build_stages
    from tinyengine_pio.harness.firmware import build_firmware
    from tinyengine_pio.harness.targets import TARGETS
    data = CASES["inverted_residual"]()
    fw = build_firmware(data, "mps2-an386", cache_dir=tmp_path_factory.getbasetemp()
                        / "stage_fw_cache", optimize="memory")
    assert build_stages(fw)
    target = TARGETS["qemu"](data, "mps2-an386", firmware=fw)    # optimize left at "speed"
    with Dut.attach(target, data, "inverted_residual.tflite") as dut:
        assert dut.cm.graph.stages
        for set_name, inputs in deterministic_inputs(data):
            r = dut.infer(inputs)
            assert r.matches_reference, f"{set_name}: {r.mismatch}"


@pytest.mark.qemu
@pytest.mark.platformio
def test_bench_cli_measures_a_fused_build(tmp_path, capsys):
    """`tinyengine-pio bench MODEL --optimize memory`: the firmware it builds runs the fused
    stages, and its outputs equal TFLM's."""
    import json

    from tinyengine_pio.harness.cli import main
    model = tmp_path / "inverted_residual.tflite"
    model.write_bytes(CASES["inverted_residual"]())
    rc = main([str(model), "--optimize", "memory", "--runs", "1", "--json",
               "--cache-dir", str(tmp_path / "cache")])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0 and out["matches_reference"] is True, out
