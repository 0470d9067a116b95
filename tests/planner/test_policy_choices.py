"""The memory policy's choices between kernel variants (planner/policy.py): the pins picked
for the arena alone give way to faster overlaps that fit the same arena (_prefer_faster), and
an op with several fallbacks takes the fastest one the last would not beat by 10% of the arena
(_fall_back: the padded rows' two-pixel kernel before the direct loops)."""
from __future__ import annotations

import pytest

from tests.helpers.chains import Chain
from tests.helpers.sweeps import conv_model
from tinyengine_pio import compile_model
from tinyengine_pio.costmodel import predict
from tinyengine_pio.planner import policy


def mobilenet(size: int, c0: int, widths, seed: int = 0) -> bytes:
    """A MobileNet-v1-like stack: a 3x3 stride-2 conv, then depthwise + pointwise pairs."""
    ch = Chain((1, size, size, 3), seed=seed)
    x = ch.conv(ch.x, c0, k=3, stride=2, act="RELU6")
    for c, s in widths:
        x = ch.dw(x, stride=s, act="RELU6")
        x = ch.conv(x, c, k=1, act="RELU6")
    return ch.build([x])


MODELS = {
    "to_3x3": lambda: mobilenet(48, 8, [(16, 1), (32, 2), (32, 1), (64, 2), (64, 1), (128, 2),
                                        (128, 1), (128, 1), (128, 1), (128, 1)]),
    "to_4x4": lambda: mobilenet(32, 16, [(32, 1), (64, 2), (64, 1), (64, 1), (96, 2), (96, 1),
                                         (96, 1)], seed=1),
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_faster_overlaps_win_at_the_same_arena(name, monkeypatch):
    """With the preference pass the arena is the same and the predicted instructions fewer
    (these models have depthwise layers whose arena-first pin was the slower kernel)."""
    data = MODELS[name]()
    with_pass = compile_model(data, emit=False)
    monkeypatch.setattr(policy, "_prefer_faster", lambda g, planner, p: p)
    without = compile_model(data, emit=False)
    assert with_pass.plan.arena_bytes == without.plan.arena_bytes
    assert sum(predict(with_pass.graph)) < sum(predict(without.graph))
    variants = [op.memory.variant for op in with_pass.graph.operators]
    assert variants != [op.memory.variant for op in without.graph.operators]


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
