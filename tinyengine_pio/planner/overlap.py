"""Overlapping an operator's output with its dying input (in-place and vMCU-style placement).

An AccessPattern describes the order in which a kernel reads input units and writes output units
(units are pixels, rows or elements). With the output placed `delta` bytes from the input's start,
a write is safe when every input byte it overwrites has already been read for the last time. The
check simulates that order on the host; the planner only pins buffers at offsets it accepts.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class AccessPattern:
    in_unit: int                 # bytes per input unit
    out_unit: int                # bytes per output unit
    last_read: np.ndarray        # per input unit: index of the last output unit whose step reads it
    out_units: int               # output units, written in order 0..out_units-1
    reads_first: bool            # a step reads all its inputs before writing (element-wise kernels)
    write_step: np.ndarray | None = None   # step writing each output unit (None: unit index)

    @property
    def in_bytes(self) -> int:
        return self.in_unit * len(self.last_read)

    @property
    def out_bytes(self) -> int:
        return self.out_unit * self.out_units


def _sparse_table(values: np.ndarray) -> list[np.ndarray]:
    table = [values]
    k = 1
    while (1 << k) <= len(values):
        prev = table[-1]
        half = 1 << (k - 1)
        table.append(np.maximum(prev[:-half], prev[half:]))
        k += 1
    return table


def _range_max(values: np.ndarray, lo: np.ndarray, hi: np.ndarray,
               table: list[np.ndarray] | None = None) -> np.ndarray:
    """max(values[lo[i]:hi[i]+1]) for each i (sparse table), lo <= hi."""
    table = table if table is not None else _sparse_table(values)
    length = hi - lo + 1
    level = np.floor(np.log2(np.maximum(length, 1))).astype(np.int64)
    out = np.empty(len(lo), dtype=values.dtype)
    for lv in np.unique(level):
        sel = level == lv
        t = table[lv]
        out[sel] = np.maximum(t[lo[sel]], t[hi[sel] - (1 << lv) + 1])
    return out


def hazard_free(p: AccessPattern, delta: int) -> bool:
    """True if writing the output at input_start + delta never overwrites an unread input byte."""
    n_in = len(p.last_read)
    units = np.arange(p.out_units, dtype=np.int64)
    steps = units if p.write_step is None else np.asarray(p.write_step, dtype=np.int64)
    w_lo = delta + units * p.out_unit
    w_hi = w_lo + p.out_unit - 1
    inside = (w_hi >= 0) & (w_lo < p.in_bytes)
    if not inside.any():
        return True
    steps, w_lo, w_hi = steps[inside], w_lo[inside], w_hi[inside]
    u_lo = np.clip(w_lo // p.in_unit, 0, n_in - 1)
    u_hi = np.clip(w_hi // p.in_unit, 0, n_in - 1)
    table = p.__dict__.get("_table")            # built once per pattern, reused by bisection
    if table is None:
        table = _sparse_table(p.last_read.astype(np.int64))
        object.__setattr__(p, "_table", table)
    latest = _range_max(table[0], u_lo, u_hi, table)
    return bool(np.all(latest <= steps) if p.reads_first else np.all(latest < steps))


def best_delta(p: AccessPattern, alignment: int) -> int | None:
    """The aligned placement of the output relative to the input that minimizes their combined
    extent, or None if no overlap is possible. Lower deltas are always safer for scan-order
    kernels, so the largest safe delta is found by bisection and the extent optimum is taken at or
    below it."""
    a, b = p.in_bytes, p.out_bytes
    lo, hi = -((b + alignment - 1) // alignment), a // alignment   # in alignment units
    if not hazard_free(p, lo * alignment):
        return None
    while lo < hi:                       # largest safe delta (units)
        mid = (lo + hi + 1) // 2
        if hazard_free(p, mid * alignment):
            lo = mid
        else:
            hi = mid - 1
    safe = lo * alignment
    # extent(d) = max(a, d + b) - min(0, d) is smallest (= max(a, b)) for d in
    # [min(0, a - b), max(0, a - b)] and grows outside it: take the safe d closest to that range.
    d = min(safe, (max(0, a - b) // alignment) * alignment)
    return d if extent(a, b, d) < a + b else None


def extent(a: int, b: int, delta: int) -> int:
    return max(a, delta + b) - min(0, delta)


# --- access patterns of the kernels --------------------------------------------------------

@dataclass(frozen=True)
class Access:
    """How an operator's kernel reads input `input_pos` while writing output 0 (an op's
    `access` hook returns these). With `option`, only that kernel variant (e.g. the in-place
    depthwise with its scratch plane) reads that way, and only in place (delta 0)."""
    input_pos: int
    pattern: AccessPattern
    option: object = None            # ir.MemoryOption or None



def elementwise(n: int, in_size: int = 1, out_size: int = 1) -> AccessPattern:
    return AccessPattern(in_size, out_size, np.arange(n), n, True)


def _taps(k: int, size: int, out: int, stride: int, dil: int, pad: int) -> range:
    """The filter taps that land inside the input for some output position: a window far larger
    than the input (SAME padding allows it) costs time in the input's size, not the filter's."""
    lo = max(0, -((out - 1) * stride - pad) // dil)          # first tap reaching row 0
    hi = min(k, (size - 1 + pad) // dil + 1)                 # past the last tap reaching row size-1
    return range(lo, max(lo, hi))


def window(in_h: int, in_w: int, in_c_bytes: int, out_h: int, out_w: int, out_c_bytes: int,
           k_h: int, k_w: int, stride_h: int, stride_w: int, dil_h: int, dil_w: int,
           pad_t: int, pad_l: int, per_step: int = 1, reads_first: bool = False,
           rest_step: int | None = None) -> AccessPattern:
    """Conv / depthwise / pool kernels: output pixels in row-major order, `per_step` pixels at a
    time (the pixels after the last whole group `rest_step` at a time: the four-pixel GEMMs
    finish in pairs), each step reading its windows (all channels) and writing its pixels;
    reads and writes interleave unless the kernel copies the windows out first (im2col:
    reads_first)."""
    n = out_h * out_w
    full = n - n % per_step
    rest = per_step if rest_step is None else rest_step
    pixel = np.arange(n, dtype=np.int64)
    write = np.where(pixel < full, pixel // per_step, full // per_step + (pixel - full) // rest)
    oy, ox = np.meshgrid(np.arange(out_h), np.arange(out_w), indexing="ij")
    step = write[(oy * out_w + ox).reshape(-1)]
    last = np.full(in_h * in_w, -1, dtype=np.int64)
    for ky in _taps(k_h, in_h, out_h, stride_h, dil_h, pad_t):
        iy = (oy * stride_h - pad_t + ky * dil_h).reshape(-1)
        for kx in _taps(k_w, in_w, out_w, stride_w, dil_w, pad_l):
            ix = (ox * stride_w - pad_l + kx * dil_w).reshape(-1)
            ok = (iy >= 0) & (iy < in_h) & (ix >= 0) & (ix < in_w)
            np.maximum.at(last, iy[ok] * in_w + ix[ok], step[ok])
    return AccessPattern(in_c_bytes, out_c_bytes, last, out_h * out_w, reads_first,
                         None if per_step == 1 else write)


def channel_inplace(in_h: int, in_w: int, c: int, out_h: int, out_w: int,
                    group: int = 4) -> AccessPattern:
    """In-place depthwise (depth multiplier 1): `group` channels at a time, the kernel first
    copies the group's input planes to scratch (step = group index reads them), then writes the
    group's output planes. Units are bytes of the NHWC tensors."""
    last = np.tile(np.arange(c, dtype=np.int64) // group, in_h * in_w)
    write = np.tile(np.arange(c, dtype=np.int64) // group, out_h * out_w)
    return AccessPattern(1, 1, last, out_h * out_w * c, True, write)
