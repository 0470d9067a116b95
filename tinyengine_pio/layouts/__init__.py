"""Packed operand layouts: each defined once here (Python packing and its constants); the
kernels get the constants from the generated kernels/te_layouts.h (see header.py).

- gemm:      DSP GEMM weight rows (pairs / quads of rows, blocks of four k) and `rq` blocks
- mve:       Helium GEMM weight rows (groups of four rows, chunks of 16 k) and its `rq`
- depthwise: DSP / Helium depthwise taps and `rq` per group of four channels, in-place group"""
from .depthwise import dw_rq, dw_taps
from .gemm import pack_rows, rq_blocks
from .header import CONSTANTS, header_text, write_header
from .mve import mve_rows, mve_rq

__all__ = ["CONSTANTS", "dw_rq", "dw_taps", "header_text", "mve_rows", "mve_rq", "pack_rows",
           "rq_blocks", "write_header"]
