"""Hardware-in-the-loop harness on real QEMU (mps2-an386, UART on a real TCP socket).

Builds the measurement firmware through the tinyengine-qemu PlatformIO platform
(offline, temporary core dir), runs it in qemu-system-arm -icount shift=0 and
talks protocol v1 to it.  Outputs are checked byte for byte against TFLM.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import shared_model
from tests.helpers import opmodels
from tests.helpers.tflm import run_tflm
from tinyengine_pio import compile_model
from tinyengine_pio.harness import RUNTIME_DIR, code_sha256
from tinyengine_pio.harness import protocol as P
from tinyengine_pio.harness.errors import TargetDisconnected, TargetError
from tinyengine_pio.harness.firmware import build_firmware, elf_sizes, have_toolchain
from tinyengine_pio.harness.dut import Dut

pytestmark = pytest.mark.skipif(bool(have_toolchain()),
                                reason="harness tests need: " + ", ".join(have_toolchain()))

BOARD = "mps2-an386"


@pytest.fixture(scope="module")
def small_model():
    return opmodels.fully_connected(in_features=32, out_features=10)          # 320 MACs


@pytest.fixture(scope="module")
def big_model():
    return opmodels.conv2d(in_shape=(1, 12, 12, 8), out_channels=16)        # 165,888 MACs


@pytest.fixture(scope="module")
def small_fw(small_model, dirs):
    return build_firmware(small_model, BOARD, **dirs)


@pytest.fixture(scope="module")
def big_fw(big_model, dirs):
    return build_firmware(big_model, BOARD, **dirs)


@pytest.fixture
def small_dut(small_model, small_fw):
    with Dut.qemu(small_model, BOARD, firmware=small_fw, timeout=10) as d:
        yield d


@pytest.mark.qemu
@pytest.mark.platformio
def test_identity_matches_host_compiler(small_dut, small_model):
    cm = compile_model(small_model, prefix="model", name="model.tflite")
    idn = small_dut.identity
    assert idn.protocol_version == 1
    assert idn.board == BOARD
    assert idn.model_sha256 == hashlib.sha256(small_model).hexdigest() == cm.sha256
    assert idn.code_sha256 == code_sha256(cm.files)
    assert idn.arena_bytes == cm.arena_bytes
    assert idn.latency_unit == "instructions"
    assert idn.clock_hz == 25_000_000
    assert idn.input_bytes == [32] and idn.output_bytes == [10]


@pytest.mark.qemu
@pytest.mark.platformio
def test_outputs_byte_exact_vs_tflm(small_dut, small_model):
    for seed in range(3):
        res = small_dut.infer(seed=seed)
        x = small_dut.random_inputs(seed)
        ref = run_tflm(small_model, x)
        assert res.outputs[0].tobytes() == ref[0].tobytes()
        assert res.matches_reference is True and res.mismatch is None
        assert res.output_crc32 == [P.crc32(ref[0].tobytes())]
    # all-min / all-max inputs too
    for v in (-128, 127):
        x = np.full((1, 32), v, np.int8)
        res = small_dut.infer(x)
        assert res.outputs[0].tobytes() == run_tflm(small_model, x)[0].tobytes()


@pytest.mark.qemu
@pytest.mark.platformio
def test_latency_deterministic_and_memory(small_dut, small_model, small_fw):
    a = small_dut.infer(seed=0, runs=3)
    b = small_dut.infer(seed=0, runs=1)
    assert a.latency_unit == "instructions"
    assert a.runs == 3 and a.latency_min == a.latency_max == a.latency == b.latency > 0
    assert a.latency_mean == a.latency
    cm = compile_model(small_model, prefix="model", name="model.tflite")
    assert a.arena_bytes == cm.arena_bytes
    assert 0 < a.invoke_stack_bytes < a.stack_peak_bytes < a.stack_size_bytes == 65536
    elf = elf_sizes(small_fw.elf)
    assert a.data_bytes == elf["data_bytes"] and a.bss_bytes == elf["bss_bytes"]
    assert a.static_ram_bytes == a.data_bytes + a.bss_bytes - a.harness_ram_bytes
    assert a.static_ram_bytes >= a.arena_bytes
    assert a.peak_sram_bytes == a.static_ram_bytes + a.stack_peak_bytes
    assert a.flash_bytes == elf["flash_bytes"] > 1000
    if shutil.which("arm-none-eabi-size"):
        out = subprocess.run(["arm-none-eabi-size", "-A", "-d", str(small_fw.elf)],
                             capture_output=True, text=True, check=True).stdout
        sec = {ln.split()[0]: int(ln.split()[1]) for ln in out.splitlines()
               if ln.startswith(".") and len(ln.split()) >= 2}
        assert sec[".bss"] == a.bss_bytes and sec[".data"] == a.data_bytes


@pytest.mark.qemu
@pytest.mark.platformio
def test_more_macs_more_instructions_same_count_across_boots(big_model, big_fw, small_dut,
                                                             small_model):
    small = small_dut.infer(seed=0)
    counts = []
    for _ in range(2):   # two separate QEMU boots
        with Dut.qemu(big_model, BOARD, firmware=big_fw) as d:
            r = d.infer(seed=0)
            assert r.matches_reference, r.mismatch
            counts.append(r.latency)
    assert counts[0] == counts[1]
    assert counts[0] > 100 * small.latency   # 165,888 vs 320 MACs
    assert r.stack_peak_bytes > 0


@pytest.mark.qemu
@pytest.mark.platformio
def test_device_rejects_bad_requests(small_dut):
    c = small_dut.client
    with pytest.raises(TargetError, match="no successful inference yet"):
        c.get_output(0)
    with pytest.raises(TargetError, match=r"rejected INVOKE: input not set \(error 6"):
        c.invoke(1)
    with pytest.raises(TargetError, match="payload size differs from the input tensor"):
        c.set_input(0, bytes(31))
    with pytest.raises(TargetError, match="no such input"):
        c.set_input(3, bytes(32))
    with pytest.raises(TargetError, match="unknown command"):
        c.request(0x33)
    with pytest.raises(TargetError, match="run count out of range"):
        c.set_input(0, bytes(32)) or c.invoke(0)
    # a request with a corrupted CRC: the device says so and stays in sync
    frame = bytearray(P.encode(P.GET_STATS))
    frame[-2] ^= 0x40
    c.t.write(bytes(frame))
    err = P.read_frame(c.t, 5.0, "the ERROR answer")
    assert err.command == P.ERROR and err.payload[:2] == bytes([2, P.GET_STATS])
    assert err.payload[2:] == b"CRC mismatch"
    # a bad SET_INPUT CRC invalidates that input
    frame = bytearray(P.encode(P.SET_INPUT, bytes([0]) + bytes(range(32))))
    frame[-1] ^= 1
    c.t.write(bytes(frame))
    err = P.read_frame(c.t, 5.0, "the ERROR answer")
    assert err.payload[:2] == bytes([2, P.SET_INPUT])
    with pytest.raises(TargetError, match="input not set"):
        c.invoke(1)
    # garbage between frames is skipped by the device
    c.t.write(b"\x00\x13\xa5\x00junk")
    assert c.get_stats().arena_bytes == small_dut.identity.arena_bytes
    assert small_dut.infer(seed=1).matches_reference


@pytest.mark.qemu
@pytest.mark.platformio
def test_target_gone_is_an_error_not_a_number(small_dut):
    small_dut.client.exit(0)          # firmware exits -> QEMU ends -> socket EOF
    assert small_dut.target.wait_exit(10) == 0
    with pytest.raises(TargetDisconnected) as e:
        small_dut.infer(seed=0)
    assert "closed" in str(e.value)


@pytest.mark.slow
def test_runtime_compiles_warning_free(tmp_path, small_model):
    """te_harness*.c with -Wall -Wextra -Werror -pedantic, QEMU port (M4F) and DWT port
    (M7, M33, M55)."""
    if not shutil.which("arm-none-eabi-gcc"):
        pytest.skip("arm-none-eabi-gcc missing")
    from tinyengine_pio.emitter import write_files
    from tinyengine_pio.platformio import PLATFORM_DIR
    write_files(str(tmp_path), compile_model(small_model).files)
    board_rt = str(Path(PLATFORM_DIR) / "runtime")
    for cpu, extra in (("cortex-m4", ["-mfpu=fpv4-sp-d16", "-mfloat-abi=hard",
                                      "-DTE_BOARD_QEMU", "-DF_CPU=25000000L"]),
                       ("cortex-m7", []), ("cortex-m33", []), ("cortex-m3", [])):
        for src, layers in (("te_harness.c", []), ("te_harness_port.c", []),
                            ("te_harness.c", ["-include", str(Path(RUNTIME_DIR) /
                                                              "te_harness_layers.h")])):
            r = subprocess.run(["arm-none-eabi-gcc", "-mcpu=" + cpu, "-mthumb", *extra, *layers,
                                "-O2",
                                "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic",
                                "-I", str(tmp_path), "-I", RUNTIME_DIR, "-I", board_rt, "-c",
                                str(Path(RUNTIME_DIR) / src), "-o", str(tmp_path / "x.o")],
                               capture_output=True, text=True)
            assert r.returncode == 0, (cpu, src, r.stderr)


@pytest.mark.qemu
@pytest.mark.platformio
def test_bench_cli_table_and_json(tmp_path, small_model, dirs, capsys):
    from tinyengine_pio.harness.cli import main
    model = tmp_path / "fc.tflite"
    model.write_bytes(small_model)
    out_json = tmp_path / "r.json"
    rc = main([str(model), "--board", BOARD, "--runs", "2", "--cache-dir", dirs["cache_dir"],
               "--core-dir", dirs["core_dir"], "--output", str(out_json)])
    cap = capsys.readouterr()
    assert rc == 0, cap.err
    for row in ("latency", "arena", "stack peak", "static RAM", "peak SRAM", "flash",
                "outputs byte-exact  yes"):
        assert row in cap.out
    assert "instructions (last of 2 runs" in cap.out
    assert "building firmware for mps2-an386" in cap.err and "running 2 inference" in cap.err
    data = json.loads(out_json.read_text())
    assert data["matches_reference"] is True and data["latency_unit"] == "instructions"
    rc = main([str(model), "--json", "--quiet", "--runs", "1", "--cache-dir", dirs["cache_dir"],
               "--core-dir", dirs["core_dir"]])
    cap = capsys.readouterr()
    assert rc == 0 and cap.err == ""
    assert json.loads(cap.out)["peak_sram_bytes"] == data["peak_sram_bytes"]


@pytest.mark.qemu
@pytest.mark.platformio
def test_kws_on_mps2_an386(dirs):
    path = shared_model("kws_dscnn_int8.tflite")
    model = path.read_bytes()
    with Dut.qemu(model, BOARD, name=path.name, timeout=10, **dirs) as d:
        res = d.infer(seed=0, runs=2)
        x = d.random_inputs(0)
    ref = run_tflm(model, x)
    assert res.outputs[0].tobytes() == ref[0].tobytes(), res.mismatch
    assert res.matches_reference
    cm = compile_model(model, prefix="model", name="model.tflite")
    assert res.arena_bytes == cm.arena_bytes
    assert res.latency_min == res.latency_max > 1_000_000
    assert 0 < res.stack_peak_bytes < res.stack_size_bytes


@pytest.mark.qemu
@pytest.mark.platformio
def test_bench_cli_port_to_running_emulator(tmp_path, small_model, small_fw, dirs, capsys):
    """--port socket://...: a target started outside the harness (as Renode or a
    hand-started QEMU would be)."""
    from tinyengine_pio.harness.cli import main
    from tinyengine_pio.harness.targets import QemuTarget, free_port
    port = free_port()
    proc = subprocess.Popen(QemuTarget(small_fw.elf, BOARD).command(port),
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        model = tmp_path / "fc.tflite"
        model.write_bytes(small_model)
        rc = main([str(model), "--port", "socket://127.0.0.1:%d" % port, "--json", "-q",
                   "--runs", "2", "--cache-dir", dirs["cache_dir"], "--core-dir",
                   dirs["core_dir"]])
        out = capsys.readouterr().out
        assert rc == 0
        data = json.loads(out)
        assert data["matches_reference"] and data["runs"] == 2
        assert proc.wait(timeout=10) == 0      # bench ended the target with EXIT
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.platformio
def test_bench_cli_unreachable_port(tmp_path, small_model, small_fw, dirs, capsys):
    from tinyengine_pio.harness.cli import main
    from tinyengine_pio.harness.targets import free_port
    model = tmp_path / "fc.tflite"
    model.write_bytes(small_model)
    rc = main([str(model), "--port", "socket://127.0.0.1:%d" % free_port(), "-q",
               "--cache-dir", dirs["cache_dir"], "--core-dir", dirs["core_dir"]])
    err = capsys.readouterr().err
    assert rc == 2
    assert "tinyengine-pio bench: error: cannot open the target connection socket://127.0.0.1:" \
        in err
