"""Operand layouts of the Helium GEMM te_gemm_mve (kernels/mve/gemm.c).

Weights: rows in groups of ROWS, per chunk of K_CHUNK k the group's rows' K_CHUNK bytes each
(one VLDRB per row and chunk); rows and k zero-padded to whole groups and chunks.
rq: per group of ROWS rows four vectors {2 * bias, m, cc, -e} of ROWS lanes (RQ_WORDS int32),
the vector requantization of te_rq_fast with the shift negated for VSHL."""
from __future__ import annotations

import numpy as np

ROWS = 4             # rows per group (lanes of the requantization vector)
K_CHUNK = 16         # k per VMLADAVA (16 int8 lanes)
RQ_VECTORS = 4       # 2 * bias, m, cc, -e
RQ_WORDS = ROWS * RQ_VECTORS


def mve_rows(w2d: np.ndarray) -> np.ndarray:
    """Weights [rows, k] int8 in the layout above."""
    rows, k = w2d.shape
    padded = np.zeros((-(-rows // ROWS) * ROWS, -(-k // K_CHUNK) * K_CHUNK), np.int8)
    padded[:rows, :k] = w2d
    return np.ascontiguousarray(padded.reshape(-1, ROWS, padded.shape[1] // K_CHUNK, K_CHUNK)
                                .transpose(0, 2, 1, 3)).reshape(-1)


def mve_rq(bias, m, cc, e) -> np.ndarray:
    """rq (int32) from per-row bias, m, cc, e (fast_gemm_constants) in the layout above."""
    n = -(-len(bias) // ROWS) * ROWS
    cols = np.zeros((RQ_VECTORS, n), np.int64)
    for dst, src in zip(cols, (2 * np.asarray(bias, np.int64), m, cc, -np.asarray(e, np.int64))):
        dst[:len(src)] = src
    return cols.reshape(RQ_VECTORS, -1, ROWS).transpose(1, 0, 2).reshape(-1).astype(np.int32)
