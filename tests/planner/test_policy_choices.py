"""The memory policy's choices between kernel variants (planner/policy.py): an op with several
fallbacks takes the fastest one the last would not beat by 10% of the arena (_fall_back: the
padded rows' two-pixel kernel before the direct loops)."""
from __future__ import annotations

from tests.helpers.sweeps import conv_model
from tinyengine_pio import compile_model


def test_middle_fallback_keeps_the_rows_kernel():
    """micro_speech's first layer: the four pixels' columns cost the arena over 10%, the
    two-pixel kernel does not; without that middle fallback the direct loops run."""
    from tinyengine_pio.ops.conv_2d import reads_rows, rows_quads
    data = conv_model((1, 49, 40, 1), 8, k=(10, 8), stride=(2, 2))
    op = compile_model(data, emit=False).graph.operators[0]
    assert reads_rows(op) and not rows_quads(op) and op.memory.role == "fallback"
    arena = compile_model(data, emit=False).plan.arena_bytes
    direct = compile_model(data, emit=False, optimize="memory").plan.arena_bytes
    assert direct * 10 > arena * 9          # within 10% of the smallest arena
