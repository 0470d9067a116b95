"""Fit the per-kernel cost model (tinyengine_pio/costmodel.json) to per-layer measurements.

    python -m benchmarks --boards mps2-an386 --per-layer --out /tmp/pl
    python -m benchmarks --boards mps2-an386 --per-layer --optimize size --out /tmp/pls
    python -m benchmarks --boards mps3-an547 --per-layer --out /tmp/plm
    python -m benchmarks.fit_cost /tmp/pl/results.json /tmp/pls/results.json /tmp/plm/results.json
    python -m benchmarks.fit_cost --holdout kws,vww,... /tmp/pl/results.json   (no write)
    python -m benchmarks.fit_cost --merge /tmp/pl/results.json   (refit the M4 keys only)

Every layer of every measured model becomes one row (features: MACs, outputs, output
pixels, 1, bytes copied, taps) of a non-negative least-squares fit per kernel key (op kind +
variant). --holdout: fit on the other models only and print each held-out model's whole-model
estimate against its measurement (out-of-sample error), then the same in sample; nothing is
written."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from tinyengine_pio.compiler import compile_model
from tinyengine_pio.costmodel import MVE_CPUS, fallback_keys, features
from tinyengine_pio.platformio.boards import load_board

MODELS = Path(__file__).resolve().parents[2] / "shared" / "models"
OUT = Path(__file__).resolve().parents[1] / "tinyengine_pio" / "costmodel.json"


def nnls(a: np.ndarray, b: np.ndarray, iters: int = 200) -> np.ndarray:
    """Projected least squares (coefficients >= 0), enough for four features."""
    x = np.clip(np.linalg.lstsq(a, b, rcond=None)[0], 0, None)
    for _ in range(iters):
        free = x > 0
        if not free.any():
            break
        sol = np.zeros_like(x)
        sol[free] = np.linalg.lstsq(a[:, free], b, rcond=None)[0]
        if (sol >= 0).all():
            return sol
        x = np.clip(sol, 0, None)
    return x


def _layers(paths: list[str]) -> list[dict]:
    """One record per measured layer: model, board, the kernel keys predict_layer would try
    (most specific first), features and instructions."""
    out = []
    for path in paths:
        data = json.loads(Path(path).read_text())
        optimize = data["meta"].get("optimize", "speed")
        for r in data["results"]:
            if not r.get("layers"):
                continue
            src = MODELS / (r["model"] + ".tflite")
            g = compile_model(src.read_bytes(), name=src.name, emit=False,
                              optimize=optimize).graph
            mve = load_board(r["board"])["build"]["cpu"] in MVE_CPUS
            for layer, op in zip(r["layers"], g.operators):
                keys = fallback_keys(op, optimize, mve)
                out.append(dict(model=r["model"], board=r["board"], keys=keys,
                                x=features(g, op, mve), y=layer["instructions"]))
    return out


def fit(layers: list[dict], verbose: bool = False) -> dict:
    rows: dict[str, tuple[list, list]] = {}
    for rec in layers:
        x, y = rows.setdefault(rec["keys"][0], ([], []))
        x.append(rec["x"])
        y.append(rec["y"])
    coef = {}
    for key, (x, y) in sorted(rows.items()):
        a, b = np.array(x), np.array(y, dtype=float)
        w = 1.0 / np.maximum(b, 1.0)             # relative error matters, not absolute
        c = nnls(a * w[:, None], b * w)
        coef[key] = [round(float(v), 4) for v in c]
        err = np.abs(a @ c - b) / np.maximum(b, 1)
        if verbose:
            print(f"{key:32s} n={len(b):3d} coef={coef[key]} median err {np.median(err):.1%}")
    return coef


def predict(coef: dict, rec: dict) -> float:
    """As costmodel.predict_layer: the first key with coefficients, else the default."""
    c = next((coef[k] for k in rec["keys"] if k in coef), [4.0, 20.0, 0.0, 100.0, 4.0, 10.0])
    return max(0.0, float(np.dot(c, rec["x"])))


def holdout(layers: list[dict], names: list[str]) -> int:
    """Fit without the held-out models, print whole-model errors out of and in sample."""
    held = {m for m in {r["model"] for r in layers} if any(n in m for n in names)}
    train = [r for r in layers if r["model"] not in held]
    for title, coef, models in (("out of sample (fit without them)", fit(train), sorted(held)),
                                ("in sample (fit on these)", fit(train),
                                 sorted({r["model"] for r in train}))):
        print(f"\n{title}:\n\n| model | board | measured | estimate | error |\n|---|---|---:|---:|---:|")
        for model in models:
            for board in sorted({r["board"] for r in layers if r["model"] == model}):
                recs = [r for r in layers if r["model"] == model and r["board"] == board]
                meas = sum(r["y"] for r in recs)
                est = sum(predict(coef, r) for r in recs)
                print(f"| {model} | {board} | {meas:,} | {est:,.0f} | {(est - meas) / meas:+.1%} |")
    return 0


def _build(key: str) -> str:
    """The build a key belongs to: '@size', '@mve' or '' (speed without Helium)."""
    return key[key.index("@"):] if "@" in key else ""


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--holdout":
        return holdout(_layers(argv[2:]), argv[1].split(","))
    merge = bool(argv) and argv[0] == "--merge"
    coef = fit(_layers(argv[1:] if merge else argv), verbose=True)
    if merge:       # keep the builds the given runs do not measure (e.g. a new M4 run only)
        fitted = {_build(k) for k in coef}
        old = json.loads(OUT.read_text())
        coef = {**{k: v for k, v in old.items() if _build(k) not in fitted}, **coef}
    OUT.write_text(json.dumps(coef, indent=1) + "\n")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
