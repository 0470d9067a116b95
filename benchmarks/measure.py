"""One benchmark measurement through the harness: build the harness firmware of a model
for a board (tinyengine-qemu PlatformIO platform), run it in QEMU (``-icount shift=0``) as
``TARGETS["qemu"]``, send the seed-0 input, invoke twice and read the figures of the
second run over the harness protocol (no printf parsing).

What the harness gives (:class:`tinyengine_pio.harness.dut.InferenceResult`):

* ``instructions``: ``latency`` of the last of two runs (unit "instructions": SysTick ticks
  since a phase-aligned restart of SysTick x 1e9 / f_systick, see te_harness_port.c);
* ``crc32``: zlib CRC-32 of output 0 as read back over the link;
* ``stack_peak_bytes``: the deepest stack use since boot, from the top of the stack (the
  harness's serve loop + its INVOKE handler + model_invoke); ``invoke_stack_bytes`` is the
  part below the INVOKE handler (model_invoke alone);
* ``arena_bytes`` (MODEL_ARENA_BYTES of the firmware) and per-layer latencies (GET_LAYERS,
  firmware built with per_layer=True).

The firmware's ELF (``Firmware.elf``) gives flash/text/data/bss/rodata (arm-none-eabi-size,
as before) and its model.json MACs, weights and per-layer ops.
"""
from __future__ import annotations

import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RUNS = 2          # the second of two invokes is timed (the baseline method)


def elf_sizes(elf: Path) -> dict:
    """text, data, bss, rodata and flash (= text + data) of ``elf`` (arm-none-eabi-size)."""
    berk = subprocess.run(["arm-none-eabi-size", "-B", "-d", str(elf)], capture_output=True,
                          text=True, check=True).stdout.splitlines()[1].split()
    text, data, bss = (int(v) for v in berk[:3])
    sysv = subprocess.run(["arm-none-eabi-size", "-A", "-d", str(elf)], capture_output=True,
                          text=True, check=True).stdout
    rodata = sum(int(m.group(1)) for m in re.finditer(r"^\.rodata\s+(\d+)", sysv, re.M))
    return dict(text=text, data=data, bss=bss, rodata=rodata, flash=text + data)


class DoesNotLink(Exception):
    """The firmware does not link (weights fit, but weights + code + input do not)."""


@dataclass
class Measurement:
    """The figures of one model on one board, as the report needs them."""
    instructions: int
    ticks: int
    hz: int
    crc32: str
    tflm_host_crc32: str | None
    stack_peak_bytes: int
    invoke_stack_bytes: int
    arena_bytes: int
    sizes: dict
    model_json_dir: Path                 # the firmware's generated model.json
    build_seconds: float
    run_seconds: float
    layer_instructions: list | None = None   # [(step, instructions)] when per_layer
    matches_tflm: bool | None = None      # the harness's check against TFLM on the host
    mismatch: str | None = None           # (float32 within rtol 1e-4 / atol 1e-5)


def ticks_of(instructions: int, hz: int) -> int:
    """SysTick ticks behind a harness latency (the target reports floor(ticks x 1e9 / hz);
    one instruction is less than one tick, so rounding up recovers the ticks)."""
    return -(-instructions * hz // 10**9)


def layer_instructions(latencies: list[int], hz: int) -> list[int]:
    """Per-layer instructions as the printf firmware computed them (layer ticks x 1e9 // hz).

    The harness reports each layer as the difference of floor-converted cumulative marks;
    the cumulative ticks are recovered (see :func:`ticks_of`) and converted per layer, so a
    board whose 1e9 / hz is not whole (mps3-an547: 31.25) gives the same figures."""
    out, cum, prev_ticks = [], 0, 0
    for lat in latencies:
        cum += lat
        t = ticks_of(cum, hz)
        out.append((t - prev_ticks) * 10**9 // hz)
        prev_ticks = t
    return out


def measure(model: bytes, board: str, x, work: Path, core_dir: str | None,
            per_layer: bool = False, optimize: str = "speed",
            invoke_timeout: float = 1800.0, io: str = "model") -> Measurement:
    """Build, run, read: see the module docstring.  ``x``: the input array, or a list of one
    array per input.  DoesNotLink when the image does not fit the board's memory regions."""
    from tinyengine_pio.errors import TinyEngineError
    from tinyengine_pio.harness.dut import Dut
    from tinyengine_pio.harness.firmware import build_firmware
    from tinyengine_pio.harness.targets import TARGETS
    t0 = time.time()
    try:
        fw = build_firmware(model, board, cache_dir=work / "fw", core_dir=core_dir,
                            per_layer=per_layer, optimize=optimize, io=io)
    except TinyEngineError as exc:
        over = re.search(r"region `(\w+)' overflowed by (\d+) bytes", str(exc))
        if not over:
            raise
        raise DoesNotLink("does not link: region %s overflowed by %s bytes"
                          % over.groups()) from exc
    t_build = time.time() - t0
    t0 = time.time()
    target = TARGETS["qemu"](model, board, firmware=fw)
    target.optimize = optimize          # the host compile Dut checks the identity against
    target.io = io
    dut = Dut.attach(target, model, "model.tflite", invoke_timeout=invoke_timeout)
    try:
        res = dut.infer(list(x) if isinstance(x, (list, tuple)) else [x], runs=RUNS,
                        per_layer=per_layer)
        hz = dut.identity.clock_hz
    finally:
        dut.close()
    t_run = time.time() - t0
    if res.latency_unit != "instructions" or res.runs != RUNS:
        raise RuntimeError("the harness measured %d run(s) in %s, not %d in instructions"
                           % (res.runs, res.latency_unit, RUNS))
    host_crc = None
    if res.reference_outputs:
        host_crc = "%08x" % (zlib_crc(res.reference_outputs[0]))
    layers = None
    if per_layer:
        if res.layers is None:
            raise RuntimeError("no per-layer figures: %s" % res.layers_error)
        layers = list(zip([L["step"] for L in res.layers],
                          layer_instructions([L["latency"] for L in res.layers], hz)))
    return Measurement(
        instructions=res.latency, ticks=ticks_of(res.latency, hz), hz=hz,
        crc32="%08x" % res.output_crc32[0], tflm_host_crc32=host_crc,
        stack_peak_bytes=res.stack_peak_bytes, invoke_stack_bytes=res.invoke_stack_bytes,
        arena_bytes=res.arena_bytes, sizes=elf_sizes(fw.elf),
        model_json_dir=Path(fw.elf).parent / "tinyengine" / "src",
        build_seconds=t_build, run_seconds=t_run, layer_instructions=layers,
        matches_tflm=res.matches_reference, mismatch=res.mismatch)


def zlib_crc(a) -> int:
    import zlib
    return zlib.crc32(np.ascontiguousarray(a).tobytes()) & 0xFFFFFFFF


__all__ = ["measure", "Measurement", "DoesNotLink", "elf_sizes", "ticks_of",
           "layer_instructions", "RUNS"]
