"""benchmarks/measure.py: the harness latencies converted back to SysTick ticks and to the
per-layer figures the printf benchmark firmware reported (no QEMU needed)."""
from __future__ import annotations

import pytest

from benchmarks.measure import layer_instructions, ticks_of


def harness_latency(ticks: int, hz: int) -> int:
    """What te_harness_port_timer_elapsed() reports for ``ticks`` SysTick ticks."""
    return ticks * 10**9 // hz


@pytest.mark.parametrize("hz", [25_000_000, 32_000_000, 48_000_000])
def test_ticks_recovered_from_the_reported_latency(hz):
    for ticks in (0, 1, 2, 3, 7, 20, 21, 1_000_003, 0xFFFFFF * 3 + 5):
        assert ticks_of(harness_latency(ticks, hz), hz) == ticks


@pytest.mark.parametrize("hz", [25_000_000, 32_000_000])
def test_layers_as_the_printf_firmware_computed_them(hz):
    marks = [3, 10, 11, 50, 51, 52, 400]          # cumulative ticks after each layer
    # the harness: differences of floor-converted cumulative marks
    reported, prev = [], 0
    for m in marks:
        reported.append(harness_latency(m, hz) - prev)
        prev = harness_latency(m, hz)
    # the printf firmware: each layer's ticks converted on its own
    ticks = [b - a for a, b in zip([0] + marks, marks)]
    assert layer_instructions(reported, hz) == [t * 10**9 // hz for t in ticks]
