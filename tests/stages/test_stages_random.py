"""Random chains fused whole into one stage, byte-exact with TFLM (issue 18).

Hypothesis draws a chain of 2..6 layers from CONV_2D (k 1..5, stride 1..3, dilation 1..2, SAME or
VALID, 1..12 channels), DEPTHWISE_CONV_2D (multiplier 1..2), MAX/AVERAGE_POOL_2D and a residual
ADD around a sub-chain that keeps the shape, on a 1 x H x W x C input (H, W 1..24, C 1..8), with
random int8 quantizations and per-channel weights (tests/helpers/chains.py). The whole chain
runs as one fused stage (`fuse=[(0, last step)]`); some examples also stream the graph input
(input_stream), use the portable kernels (optimize="size") or run under ASan/UBSan with the
write check.

The CI run is bounded and deterministic (40 examples, derandomized, under ~2 minutes on 2 cores);
STAGES_RANDOM_EXAMPLES=400 runs a longer exploration (add --hypothesis-show-statistics for the
events: layer kinds, streamed or not), STAGES_RANDOM_SEEDED=1 with fresh random examples each run,
STAGES_RANDOM_SHRINK=1 shrinks a failure (slow: minutes).

Every drawn chain is checked (the two compiler bugs this file found, rows no output needs and the
planner's pin comparison, are fixed; their cases live in test_stages.py).
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, event, given, note, settings
from hypothesis import strategies as st

from tests.helpers.chains import Chain, out_size
from tests.helpers.hostrun import assert_matches_tflm, have_cc, write_checked
from tinyengine_pio import compile_model
from tinyengine_pio.emitter import write_files
from tinyengine_pio.stages import make_stage
from tinyengine_pio.stages.search import rows_of

pytestmark = pytest.mark.skipif(not have_cc(), reason="no host C compiler")

EXAMPLES = int(os.environ.get("STAGES_RANDOM_EXAMPLES", "40"))
DERANDOMIZE = not os.environ.get("STAGES_RANDOM_SEEDED")   # set: hypothesis draws afresh
PHASES = (Phase.explicit, Phase.reuse, Phase.generate) + (
    (Phase.shrink,) if os.environ.get("STAGES_RANDOM_SHRINK") else ())
ACTS = ["NONE", "RELU", "RELU6"]
MAX_C = 16


@st.composite
def layer(draw, shape, keep: bool) -> dict:
    """One window layer on an (h, w, c) activation; `keep`: the output has the same shape."""
    h, w, c = shape
    kind = draw(st.sampled_from(["conv", "dw", "pool"]))
    if kind == "pool":
        k = draw(st.integers(1, 3))
        dil = 1
    else:
        k = draw(st.integers(1, 5))
        dil = draw(st.integers(1, 2)) if k > 1 else 1
    if keep:
        stride, padding = 1, "SAME"
    else:
        stride = draw(st.integers(1, 3))
        padding = draw(st.sampled_from(["SAME", "VALID"]))
        if (k - 1) * dil + 1 > min(h, w):
            padding = "SAME"
    spec = {"kind": kind, "k": k, "stride": stride, "dil": dil, "padding": padding,
            "act": draw(st.sampled_from(ACTS))}
    if kind == "conv":
        spec["oc"] = c if keep else draw(st.integers(1, 12))
    elif kind == "dw":
        spec["mult"] = 1 if keep or 2 * c > MAX_C else draw(st.integers(1, 2))
    else:
        spec["pool"] = draw(st.sampled_from(["MAX", "AVG"]))
    return spec


def out_shape(spec: dict, shape) -> tuple[int, int, int]:
    h, w, c = shape
    k, s, d, p = spec["k"], spec["stride"], spec["dil"], spec["padding"]
    oc = spec.get("oc", c * spec.get("mult", 1))
    return out_size(h, k, s, p, d), out_size(w, k, s, p, d), oc


@st.composite
def chains(draw) -> dict:
    """{"shape": (h, w, c), "seed", "layers": [spec or {"kind": "res", "body": [spec...]}]}:
    2..6 layers, a residual block counting its body and its ADD."""
    shape = (draw(st.integers(1, 24)), draw(st.integers(1, 24)), draw(st.integers(1, 8)))
    n = draw(st.integers(2, 6))
    layers, count, cur = [], 0, shape
    while count < n:
        left = n - count
        if left >= 2 and draw(st.integers(0, 3)) == 0:
            size = draw(st.integers(1, min(3, left - 1)))
            body = [draw(layer(cur, keep=True)) for _ in range(size)]
            layers.append({"kind": "res", "body": body, "act": draw(st.sampled_from(ACTS))})
            count += len(body) + 1
        else:
            spec = draw(layer(cur, keep=False))
            layers.append(spec)
            cur = out_shape(spec, cur)
            count += 1
    return {"shape": shape, "seed": draw(st.integers(0, 2**31 - 1)), "layers": layers}


def apply(ch: Chain, src, spec: dict):
    if spec["kind"] == "res":
        y = src
        for s in spec["body"]:
            y = apply(ch, y, s)
        return ch.add(y, src, act=spec["act"])
    common = {"k": spec["k"], "stride": spec["stride"], "padding": spec["padding"],
              "act": spec["act"]}
    if spec["kind"] == "conv":
        return ch.conv(src, spec["oc"], dil=spec["dil"], **common)
    if spec["kind"] == "dw":
        return ch.dw(src, mult=spec["mult"], dil=spec["dil"], **common)
    return ch.pool(src, spec["pool"], filt=spec["k"], stride=spec["stride"],
                   padding=spec["padding"], act=spec["act"])


def build(chain: dict) -> tuple[bytes, Chain]:
    h, w, c = chain["shape"]
    ch = Chain((1, h, w, c), seed=chain["seed"])
    y = ch.x
    for spec in chain["layers"]:
        y = apply(ch, y, spec)
    return ch.build([y]), ch


def unmade_rows(g, st_) -> bool:
    """Whether some tensor made inside the stage has rows no output row needs (the highest row
    each tensor's readers need, back from the sink): the known verifier failure of
    test_stages.py UNMADE_ROWS."""
    need = {st_.sink: g.t(st_.sink).shape[1] - 1}
    for step in reversed(st_.steps):
        op = g.operators[step]
        for pos, rm in st_.specs[step].inputs:
            i = op.inputs[pos]
            need[i] = max(need.get(i, -1), rm.window(need[op.outputs[0]])[1])
    return any(need[t] < g.t(t).shape[1] - 1 for t in st_.producer)


def check_chain(chain: dict, input_stream: bool, optimize: str, sanitize: bool) -> None:
    data, ch = build(chain)
    note(f"chain: {ch.describe()}")
    g = compile_model(data, emit=False).graph
    fuse = [(0, len(g.operators) - 1)]
    probe = make_stage(g, *fuse[0], rows_of(g), stream_inputs=input_stream)
    assert probe is not None, "a chain of streamable layers must fuse"
    if unmade_rows(g, probe):
        event("rows no output needs")
    event(f"input_stream={input_stream}, optimize={optimize}, sanitize={sanitize}")
    for spec in chain["layers"]:
        event(f"layer {spec['kind']}")
    cm = compile_model(data, fuse=fuse, optimize=optimize, input_stream=input_stream,
                       check_writes=sanitize)
    st_, = cm.graph.stages
    assert (st_.first, st_.last) == fuse[0]
    for t, ring in st_.rings.items():
        assert 1 <= ring.cap <= ring.rows == cm.graph.t(t).shape[1]
    if input_stream:
        assert st_.streamed == (cm.graph.inputs[0],)
    with tempfile.TemporaryDirectory(prefix="stages_random_") as tmp:
        out = Path(tmp) / "gen"
        if sanitize:
            write_checked(cm, out)
        else:
            write_files(str(out), cm.files)
        assert_matches_tflm(data, out, sanitize=sanitize)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=DERANDOMIZE, database=None,
          phases=PHASES,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(chain=chains(), input_stream=st.booleans(),
       optimize=st.sampled_from(["speed", "speed", "size"]),
       sanitize=st.sampled_from([False, False, False, True]))
def test_random_chain_fused(chain, input_stream, optimize, sanitize):
    check_chain(chain, input_stream, optimize, sanitize)
