"""Golden generated code: proof that a refactor changes nothing a user sees.

Compiles a fixed corpus (the test builders' models and, when `../shared/models` is present, every
shared model) with `--optimize speed` and `size`, and compares the sha256 of each generated file
with the recorded one. Kernel sources are recorded too, so a change to them shows up; the
generated `model.c` / `model.h` are what must never change in a refactor.

    python -m benchmarks.golden            # check (exit 1 and list the differences)
    python -m benchmarks.golden --record   # after an intended change to the generated code

`tests/test_golden.py` runs the check on the builder corpus (no shared models needed).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
SHARED_MODELS = ROOT.parent / "shared" / "models"
GOLDEN_BUILDERS = ROOT / "tests" / "golden" / "builders.json"
GOLDEN_SHARED = Path(__file__).resolve().parent / "golden_shared.json"
MODES = ("speed", "size")


def builder_corpus() -> dict[str, Callable[[], bytes]]:
    """Deterministic builder models covering every operator and kernel variant."""
    sys.path.insert(0, str(ROOT))
    from tests.helpers import opmodels as m
    corpus = dict(m.SINGLE_OP_MODELS)
    corpus.update({
        "conv_pointwise": lambda: m.conv2d((1, 6, 6, 16), 24, (1, 1), activation="NONE"),
        "conv_pointwise_odd": lambda: m.conv2d((1, 5, 7, 6), 10, (1, 1)),
        "conv_im2col_c8": lambda: m.conv2d((1, 9, 9, 8), 12, (3, 3), stride=(2, 2)),
        "conv_dilated": lambda: m.conv2d((1, 10, 10, 4), 6, (3, 3), dilation=(2, 2)),
        "conv_5x5_valid": lambda: m.conv2d((1, 12, 12, 3), 8, (5, 5), padding="VALID"),
        "conv_batch2": lambda: m.conv2d((2, 6, 6, 3), 4, (3, 3)),
        "conv_pertensor_nobias": lambda: m.conv2d(per_channel=False, bias=False),
        "depthwise_dm1_s2": lambda: m.depthwise_conv2d((1, 9, 9, 16), 1, stride=(2, 2)),
        "depthwise_5x5": lambda: m.depthwise_conv2d((1, 8, 8, 8), 1, (5, 5), activation="RELU6"),
        "depthwise_valid": lambda: m.depthwise_conv2d((1, 7, 7, 12), 1, padding="VALID"),
        "fc_batch3_relu": lambda: m.fully_connected(48, 20, batch=3, activation="RELU"),
        "fc_big": lambda: m.fully_connected(130, 33),
        "add_same_shape": lambda: m.binary("ADD", (1, 4, 4, 8), (1, 4, 4, 8), "RELU6"),
        "add_5d_broadcast": lambda: m.binary("ADD", (2, 3, 1, 4, 5), (1, 3, 2, 1, 5)),
        "mul_broadcast": lambda: m.binary("MUL", (1, 3, 3, 6), (1, 1, 3, 6)),
        "conv_dw_conv": m.conv_dw_conv,
        "conv_dw_conv_16": lambda: m.conv_dw_conv(8, 16, seed=3),
        "wide_then_conv_fc": m.wide_then_conv_fc,
        "wide_then_conv_fc_s1": lambda: m.wide_then_conv_fc(k=3, stride=1, wide=8),
    })
    return corpus


def shared_corpus() -> dict[str, Callable[[], bytes]]:
    if not SHARED_MODELS.is_dir():
        return {}
    out = {}
    for path in sorted(SHARED_MODELS.glob("*.tflite")):
        if "reject" in path.stem or "toobig" in path.stem:
            continue
        out[path.stem] = (lambda p=path: p.read_bytes())
    return out


def fingerprint(data: bytes, optimize: str) -> dict[str, str]:
    """sha256 of each generated file, as `compile` would write it."""
    from tinyengine_pio.compiler import compile_model
    cm = compile_model(data, name="model.tflite", optimize=optimize)
    return {name: hashlib.sha256(text.encode()).hexdigest()
            for name, text in sorted(cm.files.items())}


def compute(corpus: dict[str, Callable[[], bytes]], progress: bool = False) -> dict:
    result = {}
    for n, (name, make) in enumerate(sorted(corpus.items())):
        if progress:
            print(f"[{n + 1}/{len(corpus)}] {name}", file=sys.stderr, flush=True)
        data = make()
        for mode in MODES:
            result[f"{name}/{mode}"] = fingerprint(data, mode)
    return result


def diff(expected: dict, actual: dict) -> list[str]:
    """One line per model/mode/file that differs, is missing or is new."""
    lines = []
    for key in sorted(set(expected) | set(actual)):
        e, a = expected.get(key), actual.get(key)
        if e is None or a is None:
            lines.append(f"{key}: {'new' if e is None else 'missing'}")
            continue
        for f in sorted(set(e) | set(a)):
            if e.get(f) != a.get(f):
                state = "new" if f not in e else "missing" if f not in a else "differs"
                lines.append(f"{key}: {f} {state}")
    return lines


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--record", action="store_true", help="write the current hashes")
    ap.add_argument("--only", choices=("builders", "shared"), help="one corpus only")
    args = ap.parse_args(argv)
    status = 0
    for which, corpus, path in (("builders", builder_corpus(), GOLDEN_BUILDERS),
                                ("shared", shared_corpus(), GOLDEN_SHARED)):
        if args.only and args.only != which:
            continue
        if not corpus:
            print(f"{which}: no models ({SHARED_MODELS} absent), skipped")
            continue
        actual = compute(corpus, progress=True)
        if args.record:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(actual, indent=1, sort_keys=True) + "\n")
            print(f"{which}: recorded {len(actual)} compiles in {path.relative_to(ROOT)}")
            continue
        lines = diff(json.loads(path.read_text()), actual)
        print(f"{which}: {len(actual)} compiles, {len(lines)} differences")
        for line in lines:
            print("  " + line)
        status |= bool(lines)
    return status


if __name__ == "__main__":
    sys.exit(main())
