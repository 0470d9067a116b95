"""Arena benchmark: planned arena vs the classical lower bound vs TFLM's arena, per shared model.

    python -m benchmarks.arena            # writes benchmarks/arena.md and benchmarks/arena.json

Not a test: run by hand; the table is committed with the code it measured."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODELS = HERE.parent.parent / "shared" / "models"


def measure() -> list[dict]:
    from tinyengine_pio import compile_model
    cat = json.loads((MODELS / "models.json").read_text())
    rows = []
    for m in cat["models"]:
        if m["file"] == "float32_reject.tflite":
            continue
        data = (MODELS / m["file"]).read_bytes()
        t0 = time.perf_counter()
        cm = compile_model(data, name=m["file"], emit=False)
        dt = time.perf_counter() - t0
        classic = compile_model(data, name=m["file"], emit=False, overlap=False)
        t = m["tflm"]
        rows.append(dict(model=m["file"].removesuffix(".tflite"), lower_bound=cm.plan.lower_bound,
                         arena=cm.arena_bytes, arena_no_overlap=classic.arena_bytes,
                         tflm_head=t["arena_head_bytes"], tflm_total=t["arena_used_bytes"],
                         algorithm=cm.plan.algorithm, overlaps=len(cm.plan.pins),
                         inplace=sum(p.kind == "inplace" for p in cm.plan.pins),
                         plan_seconds=round(dt, 3)))
        print(f"  {rows[-1]['model']}: {cm.arena_bytes:,} B ({dt:.2f} s)", file=sys.stderr)
    return rows


def table(rows: list[dict]) -> str:
    out = ["| model | classical bound B | planned arena B | arena / bound | TFLM head B | TFLM total B "
           "| arena / TFLM head | arena / TFLM total | algorithm | overlaps (in place) | plan s |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        out.append(f"| {r['model']} | {r['lower_bound']:,} | {r['arena']:,} | "
                   f"{r['arena'] / r['lower_bound']:.3f} | {r['tflm_head']:,} | {r['tflm_total']:,} | "
                   f"{r['arena'] / r['tflm_head']:.2f} | {r['arena'] / r['tflm_total']:.2f} | "
                   f"{r['algorithm']} | {r['overlaps']} ({r['inplace']}) | {r['plan_seconds']:.2f} |")
    return "\n".join(out) + "\n"


def main() -> int:
    if not (MODELS / "models.json").exists():
        print(f"needs the shared models at {MODELS}", file=sys.stderr)
        return 1
    rows = measure()
    (HERE / "arena.json").write_text(json.dumps(rows, indent=2) + "\n")
    (HERE / "arena.md").write_text(table(rows))
    sys.stdout.write(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
