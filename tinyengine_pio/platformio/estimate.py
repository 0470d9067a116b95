"""Cheap memory figures of a model before any C is emitted, for the PlatformIO fit check.

``python -m tinyengine_pio.platformio.estimate [--optimize speed|size|memory] [--io model|int8]
[--input-stream] MODEL...`` prints one JSON list, one object per model::

    [{"model": "model/kws.tflite", "weight_bytes": 24368, "arena_at_least": 8192,
      "arena_floor": 4000}]

``weight_bytes`` is exact (the constant tensors after the passes, as the compiler counts them).
``arena_at_least`` is a lower bound of the arena the planner will find, without running the
planner (which is most of a compile: seconds on a person-detection model): at every step the
tensors live there must be disjoint, except that an operator's output may be placed over the
inputs that die at that operator (the only overlap the planner makes, in place or at an offset).
So a board whose RAM is below it cannot hold the model layer by layer, whatever the plan; the
exact arena comes from the compile (``<prefix>.json``).

``arena_floor`` is a lower bound of the arena of every schedule, fused stages included
(``stages/``: a run of streamable layers runs row by row and only its sink and sources are whole):
the model's outputs are whole, its inputs too (unless ``--input-stream``: the compiler streams
them), and so is every
tensor live at a layer that cannot run inside a stage, so the bound above counted at those steps
only still holds.  Below it nothing fits; between it and ``arena_at_least`` only a fused schedule
may (the hook then compiles with ``--ram-budget``).

``--stages A-B[,C-D]`` (the ranges a compile chose, from its ``<prefix>.json``): prints instead
``{"layerwise_arena": planned bytes, "layerwise_instructions": N, "instructions": M}`` for one
model, the cost model's prediction with and without those stages (two plans, no search), for the
hook's message.

Runs in the Python that has the compiler (the hook runs it out of process like the compile).
Errors: a model the compiler rejects prints ``tinyengine-pio: error: ...`` and exits with 2,
like ``tinyengine-pio compile``; anything else exits with 3 (the hook then skips the estimate
and lets the compile report).
"""
from __future__ import annotations

import argparse
import json
import os
import sys


def _graph(data: bytes, name: str, optimize: str, io: str, input_stream: bool = False):
    # pylint: disable=import-outside-toplevel
    from ..frontend import read_model
    from ..passes import run_pipeline
    from ..passes.int8_io import check_io
    from ..schedule import choose_order
    from ..validate import Limits

    check_io(io)
    source = read_model(data, name, Limits())
    source.config["optimize"] = optimize
    source.config["io"] = io
    source.config["input_stream"] = bool(input_stream)
    return choose_order(run_pipeline(source))


def estimate(data: bytes, name: str = "model.tflite", optimize: str = "speed",
             io: str = "model", input_stream: bool = False) -> dict:
    """``{"weight_bytes": exact, "arena_at_least": lower bound layer by layer, "arena_floor":
    lower bound of any schedule}`` for one model's bytes (``io``: compile_model's, "int8"
    without the float I/O buffers; ``input_stream``: compile_model's, the floor without the
    inputs)."""
    # pylint: disable=import-outside-toplevel
    from ..planner.policy import lifetimes
    from ..stages.search import rows_of

    g = _graph(data, name, optimize, io, input_stream)
    weights = sum(g.t(i).nbytes for i in {i for op in g.operators for i in op.inputs
                                          if i >= 0 and g.t(i).is_const})
    life = lifetimes(g)
    size = {t: g.t(t).nbytes for t in life}
    bound = max(size.values(), default=0)
    streams = rows_of(g)
    floor = sum(size.get(t, 0) for t in {g.storage(o) for o in g.outputs})
    if not g.config.get("input_stream", False):
        floor = max(floor, sum(size.get(t, 0) for t in {g.storage(i) for i in g.inputs}))
    for step, op in enumerate(g.operators):
        live = sum(size[t] for t, (s, e) in life.items() if s <= step < e)
        born = {g.storage(o) for o in op.outputs if o >= 0} & {t for t in life if life[t][0] == step}
        dying = {g.storage(i) for i in op.inputs if i >= 0} & {t for t in life
                                                                 if life[t][1] == step + 1}
        dying -= born
        overlap = min(sum(size[t] for t in born), sum(size[t] for t in dying))
        bound = max(bound, live - overlap)
        if streams(op) is None:            # never inside a stage: every live tensor is whole
            floor = max(floor, live - overlap)
    return {"weight_bytes": int(weights), "arena_at_least": int(bound),
            "arena_floor": int(min(floor, bound))}


def schedule_figures(data: bytes, ranges, name: str = "model.tflite", optimize: str = "speed",
                     io: str = "model", alignment: int = 4, input_stream: bool = False) -> dict:
    """The layer-by-layer arena and the predicted instructions with and without the stages
    ``ranges`` [(first step, last step)] that a compile chose: two plans (each schedule's
    prediction follows its own plan's kernel variants), no search.  ``input_stream``: the
    stages read the inputs' rows (layer by layer holds them whole, as without it)."""
    # pylint: disable=import-outside-toplevel
    from ..compiler import compile_model

    def planned(fuse, stream):
        cm = compile_model(data, name=name, optimize=optimize, io=io, alignment=alignment,
                           emit=False, fuse=fuse, input_stream=stream)
        return cm.arena_bytes, cm.schedules[0].instructions

    arena, base = planned([], False)             # no stage: layer by layer
    _, fused = planned([tuple(r) for r in ranges], input_stream)
    return {"layerwise_arena": int(arena), "layerwise_instructions": int(base),
            "instructions": int(fused)}


def parse_ranges(text: str) -> list[tuple[int, int]]:
    """``0-3,6-7`` -> [(0, 3), (6, 7)]."""
    out = []
    for part in text.split(","):
        a, sep, b = part.strip().partition("-")
        if not sep:
            raise ValueError(text)
        out.append((int(a), int(b)))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tinyengine_pio.platformio.estimate",
                                 description="weights (exact) and a lower bound of the arena, "
                                             "without planning or emitting C")
    ap.add_argument("models", nargs="+", metavar="MODEL")
    ap.add_argument("--optimize", choices=("speed", "size", "memory"), default="speed")
    ap.add_argument("--io", choices=("model", "int8"), default="model")
    ap.add_argument("--input-stream", action="store_true",
                    help="the compile streams the inputs (--input-stream): the floor leaves "
                         "them out")
    ap.add_argument("--stages", metavar="A-B[,C-D]", type=parse_ranges,
                    help="instead: the layer-by-layer arena and the predicted instructions with "
                         "and without these stages (one model)")
    args = ap.parse_args(argv)
    # pylint: disable=import-outside-toplevel
    from ..errors import TinyEngineError, internal_error
    from ..frontend import load_bytes
    result = []
    try:
        if args.stages is not None:
            (path,) = args.models
            json.dump(schedule_figures(load_bytes(path), args.stages, os.path.basename(path),
                                       args.optimize, args.io,
                                       input_stream=args.input_stream), sys.stdout)
            sys.stdout.write("\n")
            return 0
        for path in args.models:
            fig = estimate(load_bytes(path), os.path.basename(path), args.optimize, args.io,
                           args.input_stream)
            result.append(dict(model=path, **fig))
    except TinyEngineError as exc:
        print("tinyengine-pio: error: %s" % exc, file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - the hook skips the estimate, the compile reports
        print("tinyengine-pio: %s" % internal_error(exc, "estimating"), file=sys.stderr)
        return 3
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
