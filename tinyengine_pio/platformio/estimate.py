"""Cheap memory figures of a model before any C is emitted, for the PlatformIO fit check.

``python -m tinyengine_pio.platformio.estimate [--optimize speed|size] [--io model|int8] MODEL...``
prints one JSON list, one object per model::

    [{"model": "model/kws.tflite", "weight_bytes": 24368, "arena_at_least": 8192}]

``weight_bytes`` is exact (the constant tensors after the passes, as the compiler counts them).
``arena_at_least`` is a lower bound of the arena the planner will find, without running the
planner (which is most of a compile: seconds on a person-detection model): at every step the
tensors live there must be disjoint, except that an operator's output may be placed over the
inputs that die at that operator (the only overlap the planner makes, in place or at an offset).
So a board whose RAM is below it cannot hold the model, whatever the plan; the exact arena
comes from the compile (``<prefix>.json``).

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


def estimate(data: bytes, name: str = "model.tflite", optimize: str = "speed",
             io: str = "model") -> dict:
    """``{"weight_bytes": exact, "arena_at_least": lower bound}`` for one model's bytes
    (``io``: compile_model's, "int8" without the float I/O buffers)."""
    # pylint: disable=import-outside-toplevel
    from ..frontend import read_model
    from ..passes import run_pipeline
    from ..passes.int8_io import check_io
    from ..planner.policy import lifetimes
    from ..schedule import choose_order
    from ..validate import Limits

    check_io(io)
    source = read_model(data, name, Limits())
    source.config["optimize"] = optimize
    source.config["io"] = io
    g = choose_order(run_pipeline(source))
    weights = sum(g.t(i).nbytes for i in {i for op in g.operators for i in op.inputs
                                          if i >= 0 and g.t(i).is_const})
    life = lifetimes(g)
    size = {t: g.t(t).nbytes for t in life}
    bound = max(size.values(), default=0)
    for step, op in enumerate(g.operators):
        live = sum(size[t] for t, (s, e) in life.items() if s <= step < e)
        born = {g.storage(o) for o in op.outputs if o >= 0} & {t for t in life if life[t][0] == step}
        dying = {g.storage(i) for i in op.inputs if i >= 0} & {t for t in life
                                                                 if life[t][1] == step + 1}
        dying -= born
        overlap = min(sum(size[t] for t in born), sum(size[t] for t in dying))
        bound = max(bound, live - overlap)
    return {"weight_bytes": int(weights), "arena_at_least": int(bound)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tinyengine_pio.platformio.estimate",
                                 description="weights (exact) and a lower bound of the arena, "
                                             "without planning or emitting C")
    ap.add_argument("models", nargs="+", metavar="MODEL")
    ap.add_argument("--optimize", choices=("speed", "size"), default="speed")
    ap.add_argument("--io", choices=("model", "int8"), default="model")
    args = ap.parse_args(argv)
    # pylint: disable=import-outside-toplevel
    from ..errors import TinyEngineError, internal_error
    from ..frontend import load_bytes
    result = []
    try:
        for path in args.models:
            fig = estimate(load_bytes(path), os.path.basename(path), args.optimize, args.io)
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
