"""The memory policy's choices between kernel variants (planner/policy.py): an op with several
fallbacks takes the fastest one the last would not beat by 10% of the arena (_fall_back: the
padded rows' two-pixel kernel before the direct loops); in-place pins give way to the planar
ring where the arena does not need them (_keep_planar)."""
from __future__ import annotations

from tests.conftest import shared_model
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


def test_ring_depthwise_not_pinned_in_place_without_need(monkeypatch):
    """person_detect's 6 x 6 depthwise layers: the planner's in-place pins would run them on
    the in-place kernel (4.37 instructions/MAC on the M4, the ring 3.66); _keep_planar
    withholds those pins where the arena does not grow, and keeps the ones it needs."""
    from tinyengine_pio.planner import policy
    data = shared_model("person_detect_int8.tflite").read_bytes()
    cm = compile_model(data, emit=False)
    dw = {op.index: op.memory.variant for op in cm.graph.operators
          if op.kind == "DEPTHWISE_CONV_2D"}
    assert all(dw[i] == "ring" for i in (13, 15, 17, 19, 21))
    monkeypatch.setattr(policy, "_keep_planar", lambda g, planner, options, p: p)
    pinned = compile_model(data, emit=False)
    assert pinned.arena_bytes == cm.arena_bytes
    assert any(op.memory.variant == "inplace" and op.index in (13, 15, 17, 19, 21)
               for op in pinned.graph.operators)
    assert dw[1] == "inplace" == {op.index: op.memory.variant
                                  for op in pinned.graph.operators}[1]   # the peak needs it
