"""Parametric single-operator models for the operator sweeps (tests/ops/) and the kernel tests
(tests/kernels/): every quantization, shape and geometry knob is an argument, weights come from
``np.random.default_rng(seed)``. Plus the table helpers shared by the LUT operators (LOGISTIC, TANH,
HARD_SWISH): ``table_of`` reads the host-built 256-entry table, ``sweep`` compares it with TFLM over
random input quantizations.

Kept here rather than in one operator's test module so test modules never import each other."""
from __future__ import annotations

import numpy as np

from tinyengine_pio import compile_model

from .builder import ModelBuilder, random_bias, random_conv_weights
from .opmodels import _conv_out
from .tflm import run_tflm

ALL_INT8 = np.arange(-128, 128, dtype=np.int8).reshape(1, 256)
"""Every int8 value once: one input set that covers a 256-entry table."""

LUT_IN_Q = [(0.05, -3), (1e-3, 0), (0.1, 100), (1.0, -128), (0.0625, 0), (0.37, 17)]
"""Input quantizations for the end-to-end LOGISTIC / TANH lookups."""

BINARY_SHAPES = [((1, 4, 4, 8), (1, 4, 4, 8)), ((1, 4, 4, 8), (1, 1, 1, 8)),
                 ((1, 1, 1, 8), (1, 4, 4, 8)), ((1, 5, 3, 7), (1, 5, 1, 7)), ((2, 3, 4), (4,)),
                 ((1, 4, 4, 3), (1, 1, 1, 1)), ((2, 1, 3, 1, 5), (1, 4, 1, 2, 1))]
"""(a, b) input shapes for ADD / MUL: equal, broadcast either way, 3-D against 1-D, scalar, 5-D."""

BINARY_SCALES = [((1e-3, 0), (0.5, -128), (0.01, 127)),
                 ((0.3, 50), (0.3, 50), (0.6, -50)),
                 ((1.0, 0), (1e-4, 10), (2e-3, 0))]
"""(qa, qb, qo) quantizations for ADD / MUL: tiny and huge ratios, extreme zero points."""


def conv_model(in_shape=(1, 9, 9, 3), oc=5, k=(3, 3), stride=(1, 1), padding="SAME", act="NONE",
               dil=(1, 1), per_channel=True, bias=True, in_q=(0.05, -3), out_q=(0.05, -20),
               w_range=(0.001, 0.004), groups=1, seed=0, pad_first=None, pruned=()) -> bytes:
    """pruned: output channels with all-zero weights, a tiny scale and a bias of +-2^30 (as
    pruned channels of real models come)."""
    rng = np.random.default_rng(seed)
    n, h, w, c = in_shape
    mb = ModelBuilder()
    x = mb.tensor(in_shape, "int8", scale=in_q[0], zero_point=in_q[1])
    src = x
    if pad_first is not None:   # explicit PAD before the conv (fold_pad)
        (pt, pb), (pl, pr) = pad_first
        h, w = h + pt + pb, w + pl + pr
        src = mb.tensor([n, h, w, c], "int8", scale=in_q[0], zero_point=in_q[1])
        mb.op("PAD", [x, mb.int32([[0, 0], [pt, pb], [pl, pr], [0, 0]])], [src])
    wq, ws = random_conv_weights(rng, [oc, *k, c // groups], per_channel, scale_range=w_range)
    wq, ws = prune(wq, ws, pruned)
    W = mb.const(wq, scale=ws, zero_point=0, quant_dim=0)
    B = None
    if bias:
        bq, bs = random_bias(rng, oc, in_q[0], ws)
        B = mb.const(prune_bias(bq, pruned), scale=bs, zero_point=0)
    oh = _conv_out(h, k[0], stride[0], padding, dil[0])
    ow = _conv_out(w, k[1], stride[1], padding, dil[1])
    y = mb.tensor([n, oh, ow, oc], "int8", scale=out_q[0], zero_point=out_q[1])
    mb.op("CONV_2D", [src, W, B], [y], dict(
        padding=padding, stride_h=stride[0], stride_w=stride[1], dilation_h_factor=dil[0],
        dilation_w_factor=dil[1], fused_activation_function=act))
    return mb.build([x], [y])


def prune(wq, ws, rows):
    wq, ws = np.array(wq), np.array(ws, dtype=np.float64)
    for r in rows:
        wq[r] = 0
        if ws.size > 1:
            ws[r] *= 1e-6
    return wq, ws


def prune_bias(bq, rows):
    bq = np.array(bq)
    for i, r in enumerate(rows):
        bq[r] = (1 << 30) * (-1 if i % 2 else 1)
    return bq


def dw_model(in_shape=(1, 9, 9, 3), mult=1, k=(3, 3), stride=(1, 1), padding="SAME", act="NONE",
             dil=(1, 1), per_channel=True, in_q=(0.05, -3), out_q=(0.05, -20),
             w_range=(0.005, 0.02), seed=0, pad_first=None) -> bytes:
    rng = np.random.default_rng(seed)
    n, h, w, c = in_shape
    oc = c * mult
    mb = ModelBuilder()
    x = mb.tensor(in_shape, "int8", scale=in_q[0], zero_point=in_q[1])
    src = x
    if pad_first is not None:
        (pt, pb), (pl, pr) = pad_first
        h, w = h + pt + pb, w + pl + pr
        src = mb.tensor([n, h, w, c], "int8", scale=in_q[0], zero_point=in_q[1])
        mb.op("PAD", [x, mb.int32([[0, 0], [pt, pb], [pl, pr], [0, 0]])], [src])
    wq, ws = random_conv_weights(rng, [1, *k, oc], per_channel, quant_dim=3, scale_range=w_range)
    W = mb.const(wq, scale=ws, zero_point=0, quant_dim=3)
    bq, bs = random_bias(rng, oc, in_q[0], ws)
    B = mb.const(bq, scale=bs, zero_point=0, quant_dim=0)
    oh = _conv_out(h, k[0], stride[0], padding, dil[0])
    ow = _conv_out(w, k[1], stride[1], padding, dil[1])
    y = mb.tensor([n, oh, ow, oc], "int8", scale=out_q[0], zero_point=out_q[1])
    mb.op("DEPTHWISE_CONV_2D", [src, W, B], [y], dict(
        padding=padding, stride_h=stride[0], stride_w=stride[1], depth_multiplier=mult,
        dilation_h_factor=dil[0], dilation_w_factor=dil[1], fused_activation_function=act))
    return mb.build([x], [y])


def fc_model(in_shape=(1, 37), units=11, per_channel=False, bias=True, act="NONE",
             in_q=(0.05, -3), out_q=(0.1, 7), w_range=(0.002, 0.01), keep_num_dims=False,
             seed=0, pruned=()) -> bytes:
    rng = np.random.default_rng(seed)
    depth = in_shape[-1]
    mb = ModelBuilder()
    x = mb.tensor(in_shape, "int8", scale=in_q[0], zero_point=in_q[1])
    wq, ws = random_conv_weights(rng, [units, depth], per_channel, scale_range=w_range)
    wq, ws = prune(wq, ws, pruned)
    W = mb.const(wq, scale=ws, zero_point=0, quant_dim=0)
    B = None
    if bias:
        bq, bs = random_bias(rng, units, in_q[0], ws)
        B = mb.const(prune_bias(bq, pruned), scale=bs, zero_point=0)
    batches = int(np.prod(in_shape[:-1]))
    out_shape = [*in_shape[:-1], units] if keep_num_dims else [batches, units]
    y = mb.tensor(out_shape, "int8", scale=out_q[0], zero_point=out_q[1])
    mb.op("FULLY_CONNECTED", [x, W, B], [y], dict(fused_activation_function=act,
                                                  keep_num_dims=keep_num_dims))
    return mb.build([x], [y])


POOL_GEOMETRIES = [dict(filt=(2, 2), stride=(2, 2), padding="VALID"),
                   dict(filt=(3, 3), stride=(2, 2), padding="SAME"),
                   dict(filt=(3, 3), stride=(1, 1), padding="SAME"),
                   dict(filt=(5, 3), stride=(1, 2), padding="SAME"),
                   dict(in_shape=(1, 7, 9, 5), filt=(7, 9), stride=(1, 1), padding="VALID"),
                   dict(in_shape=(2, 5, 5, 3), filt=(2, 2), stride=(1, 1), padding="VALID")]
POOL_GEOMETRY_IDS = ["2x2s2", "3x3s2same", "3x3s1same", "5x3same", "global", "batch2"]


def pool_activation_model(op: str, act: str) -> bytes:
    """A 2x2 stride-2 pool over a 6x6x3 input with a fused activation."""
    mb = ModelBuilder()
    x = mb.tensor([1, 6, 6, 3], "int8", scale=0.05, zero_point=-3)
    y = mb.tensor([1, 3, 3, 3], "int8", scale=0.05, zero_point=-3)
    mb.op(op, [x], [y], dict(padding="VALID", stride_h=2, stride_w=2, filter_height=2,
                             filter_width=2, fused_activation_function=act))
    return mb.build([x], [y])


def binary_model(op, a_shape, b_shape, act="NONE", qa=(0.05, -3), qb=(0.03, 7), qo=(0.05, 1)):
    mb = ModelBuilder()
    a = mb.tensor(a_shape, "int8", scale=qa[0], zero_point=qa[1])
    b = mb.tensor(b_shape, "int8", scale=qb[0], zero_point=qb[1])
    y = mb.tensor(np.broadcast_shapes(tuple(a_shape), tuple(b_shape)), "int8", scale=qo[0],
                  zero_point=qo[1])
    mb.op(op, [a, b], [y], dict(fused_activation_function=act))
    return mb.build([a, b], [y])


def unary_model(op: str, qi, qo) -> bytes:
    mb = ModelBuilder()
    x = mb.tensor([1, 256], "int8", scale=qi[0], zero_point=qi[1])
    y = mb.tensor([1, 256], "int8", scale=qo[0], zero_point=qo[1])
    mb.op(op, [x], [y])
    return mb.build([x], [y])


def table_of(data: bytes) -> np.ndarray:
    return np.array(compile_model(data).graph.operators[0].params.table, np.int8)


def random_quant(rng, lo=-4.0, hi=1.5):
    return float(10 ** rng.uniform(lo, hi)), int(rng.integers(-128, 128))


def sweep(op: str, out_quant, seed: int, n: int = 150) -> None:
    """n random input quantizations (scale 1e-4..30), output quantization out_quant(rng, qi);
    the table must equal TFLM on all 256 inputs."""
    rng = np.random.default_rng(seed)
    for _ in range(n):
        qi = random_quant(rng)
        data = unary_model(op, qi, out_quant(rng, qi))
        ref = run_tflm(data, ALL_INT8, arena_size=1 << 16)[0].reshape(-1)
        got = table_of(data)
        bad = np.nonzero(ref != got)[0]
        assert bad.size == 0, f"{op} in {qi}: input {bad[0] - 128} TFLM {ref[bad[0]]} ours {got[bad[0]]}"


def leaky_relu_model(alpha: float, qi, qo, shape=(1, 256)) -> bytes:
    """A single LEAKY_RELU with `alpha` (the builder learns its options table here)."""
    from .builder import OP_OPTIONS, fb
    OP_OPTIONS.setdefault("LEAKY_RELU", ("LeakyReluOptions", fb.LeakyReluOptionsT))
    mb = ModelBuilder()
    x = mb.tensor(list(shape), "int8", scale=qi[0], zero_point=qi[1])
    y = mb.tensor(list(shape), "int8", scale=qo[0], zero_point=qo[1])
    mb.op("LEAKY_RELU", [x], [y], dict(alpha=alpha))
    return mb.build([x], [y])


# --- float32 ---------------------------------------------------------------------------------

def float_binary_model(op, a_shape, b_shape, act="NONE", options=None, const_b=None) -> bytes:
    """One float32 broadcasting binary operator; `const_b` (an array) makes input 1 constant."""
    mb = ModelBuilder()
    a = mb.tensor(a_shape, "float32")
    b = mb.const(np.asarray(const_b, np.float32)) if const_b is not None else \
        mb.tensor(b_shape, "float32")
    y = mb.tensor(np.broadcast_shapes(tuple(a_shape), tuple(np.shape(const_b) if const_b is not None
                                                           else b_shape)), "float32")
    opts = dict(fused_activation_function=act) if options is None else options
    mb.op(op, [a, b], [y], opts)
    return mb.build([a] if const_b is not None else [a, b], [y])


def float_unary_model(op, shape, options=None, out_shape=None, extra_inputs=()) -> bytes:
    """One float32 operator with one activation input (plus constant `extra_inputs`)."""
    mb = ModelBuilder()
    x = mb.tensor(shape, "float32")
    y = mb.tensor(out_shape or shape, "float32")
    mb.op(op, [x, *[mb.const(e) for e in extra_inputs]], [y], options or {})
    return mb.build([x], [y])


def float_sets(shapes, seed=0, scale=3.0, special=True):
    """Input sets for float models: normal samples (x scale), and with `special` one set of
    signed zeros, tiny, huge and integral / half-integral values."""
    rng = np.random.default_rng(seed)
    sets = [[(rng.standard_normal(s) * scale).astype(np.float32) for s in shapes]
            for _ in range(3)]
    if special:
        vals = np.array([0.0, -0.0, 1e-30, -1e-30, 0.5, -0.5, 1.5, -2.5, 1e4, -1e4, 7.0, -7.0],
                        np.float32)
        sets.append([np.resize(vals, s).astype(np.float32) for s in shapes])
    return sets


def float_reduce_model(op, shape, axis, keep_dims=False) -> bytes:
    """One float32 reduction (MEAN, SUM, REDUCE_MAX, REDUCE_MIN) over the constant int32 `axis`
    (negative and repeated entries allowed)."""
    rank = len(shape)
    red = {a % rank for a in axis}
    out = [1 if k in red else d for k, d in enumerate(shape)] if keep_dims else \
        [d for k, d in enumerate(shape) if k not in red]
    mb = ModelBuilder()
    x = mb.tensor(shape, "float32")
    y = mb.tensor(out, "float32")
    mb.op(op, [x, mb.const(np.array(axis, np.int32))], [y], dict(keep_dims=keep_dims))
    return mb.build([x], [y])


FLOAT_UNARY_SHAPES = [(1,), (7,), (2, 3, 5), (1, 4, 4, 8), (2, 1, 3, 1, 5)]
"""Shapes for the float32 element-wise unary operators (any rank, odd sizes)."""

FLOAT_SPECIAL = np.array(
    [0.0, -0.0, 1.0, -1.0, 1e-45, -1e-45, 1e-38, -1e-38, 3.4028235e38, -3.4028235e38,
     np.inf, -np.inf, np.nan, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999997, -0.49999997,
     3.0, -3.0, -3.0000002, 6.0, 6.0000005, 5.9999995, 7.0, -7.0, 1e-7, -1e-7,
     16.619047, 16.62, -9.0, -9.000001, 20.0, -20.0, 88.7, 89.0, -87.3, -103.0, -104.5,
     8388607.5, -8388607.5, 8388608.0, -8388609.0, 1e10, -1e10, 0.1, -0.1, 0.9999999, 2.0],
    np.float32)
"""Values a float32 element-wise operator must get right: signed zeros, subnormals, FLT_MAX,
+-inf, NaN, halves and near-halves (ROUND), the clamps of RELU6 and HARD_SWISH, LOGISTIC's
cutoffs, where exp overflows and underflows, the float integers' edge 2^23."""


def float_unary_check(tflm_check, op, shapes=FLOAT_UNARY_SHAPES, options=None, exact=False,
                      scale=3.0, special=FLOAT_SPECIAL, positive=False):
    """One float32 unary operator against TFLM: every shape on normal samples (x scale,
    |x| where `positive`), then `special` as one 1-D model. Returns the last CompiledModel."""
    for shape in shapes:
        sets = [[np.abs(s) if positive else s for s in st]
                for st in float_sets([shape], scale=scale, special=not positive)]
        cm = tflm_check(float_unary_model(op, shape, options), sets, float_exact=exact)
        assert [o.dtype for o in cm.graph.operators] == ["float32"]
    v = np.asarray(special, np.float32)
    return tflm_check(float_unary_model(op, v.shape, options), [[v]], float_exact=exact)
