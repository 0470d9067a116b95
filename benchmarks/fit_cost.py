"""Fit the per-kernel cost model (tinyengine_pio/costmodel.json) to per-layer measurements.

    python -m benchmarks --boards mps2-an386 --per-layer --out /tmp/pl
    python -m benchmarks --boards mps2-an386 --per-layer --optimize size --out /tmp/pls
    python -m benchmarks --boards mps3-an547 --per-layer --out /tmp/plm
    python -m benchmarks.fit_cost /tmp/pl/results.json /tmp/pls/results.json /tmp/plm/results.json

Every layer of every measured model becomes one row (features: MACs, outputs, output
pixels, 1, bytes copied) of a non-negative least-squares fit per kernel key (op kind + variant)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from tinyengine_pio.compiler import compile_model
from tinyengine_pio.platformio.boards import load_board
from tinyengine_pio.costmodel import MVE_CPUS, features, kernel_key

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


def main(paths: list[str]) -> int:
    rows: dict[str, tuple[list, list]] = {}
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
                x, y = rows.setdefault(kernel_key(op, optimize, mve), ([], []))
                x.append(features(g, op))
                y.append(layer["instructions"])
    coef = {}
    for key, (x, y) in sorted(rows.items()):
        a, b = np.array(x), np.array(y, dtype=float)
        w = 1.0 / np.maximum(b, 1.0)             # relative error matters, not absolute
        c = nnls(a * w[:, None], b * w)
        coef[key] = [round(float(v), 4) for v in c]
        err = np.abs(a @ c - b) / np.maximum(b, 1)
        print(f"{key:32s} n={len(b):3d} coef={coef[key]} median err {np.median(err):.1%}")
    OUT.write_text(json.dumps(coef, indent=1) + "\n")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
