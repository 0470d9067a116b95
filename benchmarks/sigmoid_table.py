"""Measure TFLite's int16 sigmoid table (sigmoid_table_uint16) from the oracle's outputs and
check tinyengine_pio/ops/int16/sigmoid_table.py against it (needs the tflite_micro wheel):

    python -m benchmarks.sigmoid_table

1. Entries 0..254: an int16 TANH over every int16 value at the input scale just above
   2 / 12288 (float32). TFLM's Prepare then gives multiplier 16384, shift 13, so the kernel's
   rescaled input is exactly 2x; at x = 128 i it is 256 i, entry i with no interpolation, and
   the output is entry i - 32768.
2. Entry 255: only reachable as the upper end of segment 254; the outputs of x in
   [32512, 32639] are entry 254 - 32768 + floor((t (e255 - e254) + 128) / 256) for
   t = 0, 2, .., 254, solved for e255 (must be unique).
3. The measured table against the formula (printing the corrections to put in CORRECTIONS)
   and against the committed table; then a numpy model of reference_integer_ops::Logistic /
   Tanh(int16) with the committed table and ops/int16/logistic.py's input scaling against
   the wheel on every int16 value over POT and general input scales.
"""
from __future__ import annotations

import sys

import numpy as np

from tests.helpers.builder import ModelBuilder
from tests.helpers.tflm import run_tflm
from tinyengine_pio.ops.int16.logistic import input_scaling
from tinyengine_pio.ops.int16.sigmoid_table import ENTRIES, formula_entry, sigmoid_table

ALL = np.arange(-32768, 32768, dtype=np.int64)
OUT_SCALE = 2.0 ** -15
CHECK_SCALES = [2.0 ** -12, 2.0 ** -11, 2.0 ** -10, 2.0 ** -13, 2.0 ** -15, 1 / 12288, 1e-4,
                3.3e-5, 7.7e-4, 0.0123, 0.25, 1.0, 3.0, 1e-7, 2.0 ** -12 * 1.0005]


def oracle(op: str, in_scale: float) -> np.ndarray:
    """The wheel's int16 `op` output on every int16 value (input zero point 0, Q0.15 out)."""
    mb = ModelBuilder()
    x = mb.tensor([1, ALL.size], "int16", scale=in_scale, zero_point=0)
    y = mb.tensor([1, ALL.size], "int16", scale=OUT_SCALE, zero_point=0)
    mb.op(op, [x], [y])
    out = run_tflm(mb.build([x], [y]), ALL.astype(np.int16).reshape(1, -1))[0]
    return out.reshape(-1).astype(np.int64)


def measure() -> np.ndarray:
    scale = float(np.nextafter(np.float32(2.0 / 12288), np.float32(1)))
    assert input_scaling(scale, (0, 1)) == (16384, 13)
    out = oracle("TANH", scale)

    def at(x):
        return out[np.asarray(x) + 32768]

    table = np.zeros(ENTRIES, np.int64)
    table[:ENTRIES - 1] = at(128 * np.arange(ENTRIES - 1)) + 32768
    e254 = table[ENTRIES - 2]
    xs = np.arange(32512, 32640)                                    # 2x >> 8 == 254
    t = (2 * xs) & 0xFF
    fits = [e for e in range(e254, 65536)
            if np.array_equal(at(xs), e254 - 32768 + (t * (e - e254) + 128) // 256)]
    assert len(fits) == 1, f"entry 255 not determined: {fits[:10]}"
    table[ENTRIES - 1] = fits[0]
    return table


def reference(op: str, x: np.ndarray, in_scale: float, table: np.ndarray) -> np.ndarray:
    """reference_integer_ops::Logistic / Tanh(int16) in numpy (int64 holds the int32 math)."""
    mult, shift = input_scaling(in_scale, (0,) if op == "LOGISTIC" else (0, 1))
    rnd = (1 << (shift - 1)) if shift > 0 else 0
    v = (x * mult + rnd) >> shift
    a = np.abs(v)
    tb = table.astype(np.int64)
    bits = 9 if op == "LOGISTIC" else 8
    uh = a >> bits
    ok = uh < 255
    i = np.minimum(uh, 254)
    r = (tb[i] << bits) + (a & ((1 << bits) - 1)) * (tb[i + 1] - tb[i])
    if op == "LOGISTIC":
        r = np.where(ok, r, 0x7FFF << 10)
        r = np.where(v >= 0, r + (1 << 9), (1 << 25) - r + (1 << 9) - 1) >> 10
    else:
        r = np.where(ok, r, 0xFFFF << 8)
        r = np.where(v >= 0, r - (1 << 23) + (1 << 7), -r + (1 << 23) + (1 << 7) - 1) >> 8
    return r.astype(np.int16).astype(np.int64)


def main() -> int:
    measured = measure()
    formula = np.array([formula_entry(i) for i in range(ENTRIES)])
    corrections = {int(i): int(measured[i]) for i in np.nonzero(measured != formula)[0]}
    print(f"measured {ENTRIES} entries; corrections to the formula: {corrections}")
    committed = sigmoid_table().astype(np.int64)
    bad = np.nonzero(committed != measured)[0]
    print("committed table:", "matches" if bad.size == 0 else f"differs at {bad.tolist()}")
    failures = 0
    for op in ("LOGISTIC", "TANH"):
        for s in CHECK_SCALES:
            got = oracle(op, s)
            want = reference(op, ALL, s, committed)
            n = int((got != want).sum())
            failures += n
            print(f"{op:8s} scale {s:<12.6g} {input_scaling(s, (0,) if op == 'LOGISTIC' else (0, 1))}"
                  f": {'ok' if n == 0 else f'{n} differences'}")
    return int(bad.size > 0 or failures > 0)


if __name__ == "__main__":
    sys.exit(main())
