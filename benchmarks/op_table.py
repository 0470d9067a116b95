"""The operators x data types table (README "Supported operators", the closing notes): every
registered implementation, and how many tests each has.

    python -m benchmarks.op_table [--counts] [--json FILE]

A column is ticked where the builtin has an implementation of that family (ops/<stem>.py is
int8, ops/float32/ and ops/int16/ the others; int32 data movement is noted). ``--counts``
collects tests/ops with pytest and counts, per operator stem, the test cases whose node id names
float32 ("float") or int16 ("int16"), the rest counting as int8 (a stem's test file holds one
section per dtype; a builtin with one family counts every test of its stem)."""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import defaultdict

COLUMNS = (("int8", "int8"), ("int16", "int16x8"), ("float32", "float32"))


def implementations() -> dict[str, dict]:
    """{builtin: {"dtypes": [...], "stem": stem}} over every registered implementation."""
    import tinyengine_pio.ops  # noqa: F401 - registers everything
    from tinyengine_pio.ops.base import DTYPE_REGISTRY, REGISTRY
    out: dict[str, dict] = {}
    for d in list(REGISTRY.values()) + list(DTYPE_REGISTRY.values()):
        e = out.setdefault(d.name, {"dtypes": set(), "stem": d.stem})
        e["dtypes"].add(d.dtype)
    return {k: {"dtypes": sorted(v["dtypes"]), "stem": v["stem"]} for k, v in sorted(out.items())}


def test_counts() -> dict[str, dict[str, int]]:
    """{stem: {"int8": n, "int16": n, "float32": n}} from pytest's collection of tests/ops."""
    r = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:labgrid",
                        "tests/ops"], capture_output=True, text=True, check=False)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"int8": 0, "int16": 0, "float32": 0})
    for line in r.stdout.splitlines():
        m = re.match(r"tests/ops/test_(\w+)\.py::(\S+)", line)
        if not m:
            continue
        stem, node = m.group(1), m.group(2).lower()
        kind = "float32" if "float" in node or "f32" in node else \
            "int16" if "int16" in node or "s16" in node else "int8"
        counts[stem][kind] += 1
    return dict(counts)


def markdown(impls: dict, counts: dict | None = None) -> str:
    head = "| operator | " + " | ".join(c for _, c in COLUMNS) + " |"
    rows = [head, "|" + "---|" * (len(COLUMNS) + 1)]
    for name, e in impls.items():
        cells = []
        for key, _ in COLUMNS:
            have = key in e["dtypes"]
            n = counts.get(e["stem"], {}).get(key) if counts else None
            if counts and len(e["dtypes"]) == 1:         # one family: every test of the stem
                n = sum(counts.get(e["stem"], {}).values())
            cells.append(("yes" if have else "") + (f" ({n})" if have and n is not None else ""))
        extra = " +int32" if "int32" in e["dtypes"] else ""
        rows.append(f"| {name}{extra} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--counts", action="store_true", help="count the tests per dtype")
    ap.add_argument("--json", help="also write the table as JSON here")
    a = ap.parse_args(argv)
    impls = implementations()
    counts = test_counts() if a.counts else None
    print(markdown(impls, counts))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"operators": impls, "tests": counts}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
