"""Per-layer instructions/MAC of one model, before and after, from two per-layer benchmark runs:

    python -m benchmarks.compare_layers BEFORE.json AFTER.json vww_mobilenetv1 [--board mps2-an386]

prints a markdown table (step, op, kernel now, MACs, instructions and instructions/MAC before and
after, ratio) and the totals; the kernel column names the DSP kernel the compiler picks now."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from tinyengine_pio.compiler import compile_model

MODELS = Path(__file__).resolve().parents[2] / "shared" / "models"


def _run(path: str, model: str, board: str) -> dict:
    data = json.loads(Path(path).read_text())
    for r in data["results"]:
        if model in r["model"] and r["board"] == board and r.get("layers"):
            return {"git": data["meta"].get("git_head", "?"), **r}
    raise SystemExit(f"{path}: no per-layer result for {model} on {board}")


def _kernel(op) -> str:
    """A short name of the variant the DSP build runs."""
    from tinyengine_pio.ops.conv_2d import pointwise_fours, reads_rows
    from tinyengine_pio.ops.depthwise_conv_2d import planar_inplace
    v = op.memory.variant or "plain"
    if op.kind == "CONV_2D":
        v = ("rows 2x4" if reads_rows(op) else f"{v} 2x4" if pointwise_fours(op)
             else v + (" lean" if op.memory.lean else ""))
    elif op.kind == "DEPTHWISE_CONV_2D" and v == "inplace" and planar_inplace(op.params):
        v = "in place, planar"
    return v


def main(argv: list[str]) -> int:
    board = argv[argv.index("--board") + 1] if "--board" in argv else "mps2-an386"
    before, after = _run(argv[0], argv[2], board), _run(argv[1], argv[2], board)
    src = MODELS / (after["model"] + ".tflite")
    ops = compile_model(src.read_bytes(), name=src.name, emit=False).graph.operators
    print(f"{after['model']} on {board}: git {before['git']} -> {after['git']}\n")
    print("| step | op | kernel now | MACs | before | instr/MAC | after | instr/MAC | after / before |")
    print("|---:|---|---|---:|---:|---:|---:|---:|---:|")
    for b, a, op in zip(before["layers"], after["layers"], ops):
        macs = a["macs"]
        per = (lambda n: f"{n / macs:.2f}" if macs else "-")
        print(f"| {a['step']} | {a['op']} | {_kernel(op)} | {macs:,} | {b['instructions']:,} | "
              f"{per(b['instructions'])} | {a['instructions']:,} | {per(a['instructions'])} | "
              f"{a['instructions'] / max(1, b['instructions']):.2f} |")
    tb, ta = before["instructions"], after["instructions"]
    print(f"| | total | | {after['macs']:,} | {tb:,} | {tb / after['macs']:.2f} | {ta:,} | "
          f"{ta / after['macs']:.2f} | {ta / tb:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
