"""The 256-entry uint16 sigmoid table TFLite's int16 LOGISTIC and TANH interpolate
(reference_integer_ops Logistic / Tanh for int16: sigmoid(i / 24) in 0.16 fixed point; tanh
reads it as 2 sigmoid(2x) - 1).

The table is not sigmoid rounded to nearest: it was MEASURED from the oracle's outputs
(benchmarks/sigmoid_table.py runs int16 TANH through the tflite_micro wheel with an input
scale under which input i * 128 lands exactly on entry i, so each output is an entry minus
32768, and reads the last entry off the interpolation of the last segment). Entries 0..254
all equal

    round(s(i) - (s(i + 1) - 2 s(i) + s(i - 1)) / 16),    s(x) = 65536 / (1 + exp(-x / 24))

(each sample lowered by a sixteenth of its second difference, f''h^2 / 16: half the linear
interpolation's error at a segment's midpoint, the correction TFLite's LUTPopulate also
applies); the margin is wide (any factor in [0.060, 0.064] instead of 1/16 reproduces them).
`CORRECTIONS` holds the entries where the wheel differs from this formula: only entry 255,
65535 where the formula gives 65534.
`python -m benchmarks.sigmoid_table` re-measures and checks this table against the wheel."""
from __future__ import annotations

import functools
import math

import numpy as np

ENTRIES = 256
STEPS_PER_UNIT = 24          # entry i is sigmoid(i / 24)
ONE = 65536                  # 0.16 fixed point

# index -> value where the wheel's table differs from formula_entry (measured; see above)
CORRECTIONS: dict[int, int] = {255: 65535}


def _s(i: int) -> float:
    return ONE / (1.0 + math.exp(-i / STEPS_PER_UNIT))


def formula_entry(i: int) -> int:
    """Sample i lowered by a sixteenth of the second difference, rounded, capped at 65535."""
    v = _s(i) - (_s(i + 1) - 2.0 * _s(i) + _s(i - 1)) / 16.0
    return min(ONE - 1, math.floor(v + 0.5))


@functools.cache
def sigmoid_table() -> np.ndarray:
    """The table as uint16 (the formula, then the measured corrections)."""
    table = np.array([formula_entry(i) for i in range(ENTRIES)], np.uint16)
    for i, v in CORRECTIONS.items():
        table[i] = v
    table.flags.writeable = False
    return table
