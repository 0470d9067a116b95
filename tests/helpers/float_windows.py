"""float32 models of the window and matrix operators (CONV_2D, DEPTHWISE_CONV_2D, the pools,
TRANSPOSE_CONV, BATCH_MATMUL, and a small CNN), weights from np.random.default_rng(seed)."""
from __future__ import annotations

import numpy as np

from tests.helpers.builder import ModelBuilder
from tinyengine_pio.ops.window import out_size


def _weights(rng, shape, scale=0.5):
    return (rng.standard_normal(tuple(shape)) * scale).astype(np.float32)


def _window_out(n, h, w, c, k, stride, padding, dil=(1, 1)):
    return [n, out_size(padding, h, k[0], stride[0], dil[0]),
            out_size(padding, w, k[1], stride[1], dil[1]), c]


def _bias(mb, rng, bias, n):
    """The bias inputs: True a random one; False none (two inputs); None the omitted-input
    marker -1 (TFLM's depthwise Prepare crashes on that one: it frees the missing tensor)."""
    if bias is None:
        return [None]
    return [mb.const(_weights(rng, [n]))] if bias else []


def conv(mb, x, in_shape, oc, k=(3, 3), stride=(1, 1), padding="SAME", act="NONE", dil=(1, 1),
         groups=1, bias=True, rng=None):
    """Add a float CONV_2D to `mb` reading `x`; returns (output, its shape)."""
    n, h, w, c = in_shape
    W = mb.const(_weights(rng, [oc, *k, c // groups]))
    shape = _window_out(n, h, w, oc, k, stride, padding, dil)
    y = mb.tensor(shape, "float32")
    mb.op("CONV_2D", [x, W, *_bias(mb, rng, bias, oc)], [y], dict(
        padding=padding, stride_h=stride[0], stride_w=stride[1], dilation_h_factor=dil[0],
        dilation_w_factor=dil[1], fused_activation_function=act))
    return y, shape


def depthwise(mb, x, in_shape, mult=1, k=(3, 3), stride=(1, 1), padding="SAME", act="NONE",
              dil=(1, 1), bias=True, rng=None, option_mult=None):
    n, h, w, c = in_shape
    W = mb.const(_weights(rng, [1, *k, c * mult]))
    shape = _window_out(n, h, w, c * mult, k, stride, padding, dil)
    y = mb.tensor(shape, "float32")
    mb.op("DEPTHWISE_CONV_2D", [x, W, *_bias(mb, rng, bias, c * mult)], [y], dict(
        padding=padding, stride_h=stride[0], stride_w=stride[1],
        depth_multiplier=mult if option_mult is None else option_mult,
        dilation_h_factor=dil[0], dilation_w_factor=dil[1], fused_activation_function=act))
    return y, shape


def pool(mb, x, in_shape, op, k=(2, 2), stride=(2, 2), padding="VALID", act="NONE"):
    n, h, w, c = in_shape
    shape = _window_out(n, h, w, c, k, stride, padding)
    y = mb.tensor(shape, "float32")
    mb.op(op, [x], [y], dict(padding=padding, stride_h=stride[0], stride_w=stride[1],
                             filter_height=k[0], filter_width=k[1],
                             fused_activation_function=act))
    return y, shape


def _single(add, in_shape, *args, **kw) -> bytes:
    """A one-operator model of `add(mb, x, in_shape, *args, **kw)` (one of the above)."""
    mb = ModelBuilder()
    x = mb.tensor(list(in_shape), "float32")
    y, _ = add(mb, x, in_shape, *args, **kw)
    return mb.build([x], [y])


def conv_model(in_shape=(1, 9, 9, 3), oc=5, seed=0, **kw) -> bytes:
    return _single(conv, in_shape, oc, rng=np.random.default_rng(seed), **kw)


def dw_model(in_shape=(1, 9, 9, 3), seed=0, **kw) -> bytes:
    return _single(depthwise, in_shape, rng=np.random.default_rng(seed), **kw)


def pool_model(op, in_shape=(1, 9, 9, 3), **kw) -> bytes:
    return _single(pool, in_shape, op, **kw)


def transpose_conv_model(in_shape=(1, 4, 4, 3), oc=4, k=(3, 3), stride=(2, 2), padding="SAME",
                         bias=True, act="NONE", out_hw=None, seed=0) -> bytes:
    """TRANSPOSE_CONV: output_shape (input 0), [O,H,W,I] weights, input (2), optional bias (3).
    Output size: SAME in * s, VALID (in - 1) * s + k, or `out_hw`."""
    rng = np.random.default_rng(seed)
    n, h, w, c = in_shape
    if out_hw is None:
        out_hw = tuple(i * s if padding == "SAME" else (i - 1) * s + kk
                       for i, s, kk in zip((h, w), stride, k))
    mb = ModelBuilder()
    x = mb.tensor(list(in_shape), "float32", name="x")
    inputs = [mb.int32([n, *out_hw, oc], name="output_shape"), mb.const(_weights(rng, [oc, *k, c])),
              x, *_bias(mb, rng, bias, oc)]
    y = mb.tensor([n, *out_hw, oc], "float32", name="y")
    mb.op("TRANSPOSE_CONV", inputs, [y], dict(padding=padding, stride_h=stride[0],
                                              stride_w=stride[1], fused_activation_function=act))
    return mb.build([x], [y])


def batch_matmul_model(lhs_shape=(1, 3, 4), rhs_shape=(1, 4, 5), adj_x=False, adj_y=False,
                       rhs_const=False, seed=0) -> bytes:
    """BATCH_MATMUL of two float tensors (the RHS constant with `rhs_const`)."""
    rng = np.random.default_rng(seed)
    rank = max(len(lhs_shape), len(rhs_shape))
    ls = [1] * (rank - len(lhs_shape)) + list(lhs_shape)
    rs = [1] * (rank - len(rhs_shape)) + list(rhs_shape)
    batch = [b if a == 1 else a for a, b in zip(ls[:-2], rs[:-2])]
    rows = ls[-1] if adj_x else ls[-2]
    cols = rs[-2] if adj_y else rs[-1]
    mb = ModelBuilder()
    x = mb.tensor(list(lhs_shape), "float32", name="lhs")
    r = mb.const(_weights(rng, rhs_shape), name="rhs") if rhs_const else \
        mb.tensor(list(rhs_shape), "float32", name="rhs")
    y = mb.tensor([*batch, rows, cols], "float32", name="y")
    mb.op("BATCH_MATMUL", [x, r], [y], dict(adj_x=adj_x, adj_y=adj_y))
    return mb.build([x] if rhs_const else [x, r], [y])


def cnn_model(in_shape=(1, 12, 12, 3), seed=0) -> bytes:
    """CONV_2D (RELU6, stride 2) -> DEPTHWISE_CONV_2D (x2, RELU) -> AVERAGE_POOL_2D ->
    MAX_POOL_2D -> FULLY_CONNECTED, all float32."""
    rng = np.random.default_rng(seed)
    mb = ModelBuilder()
    x = mb.tensor(list(in_shape), "float32", name="image")
    h, s = conv(mb, x, in_shape, 8, stride=(2, 2), act="RELU6", rng=rng)
    h, s = depthwise(mb, h, s, mult=2, act="RELU", rng=rng)
    h, s = pool(mb, h, s, "AVERAGE_POOL_2D", k=(3, 3), stride=(1, 1), padding="SAME")
    h, s = pool(mb, h, s, "MAX_POOL_2D", k=(2, 2), stride=(2, 2))
    depth = int(np.prod(s[1:]))
    y = mb.tensor([s[0], 10], "float32", name="logits")
    mb.op("FULLY_CONNECTED", [h, mb.const(_weights(rng, [10, depth], 0.1)),
                              mb.const(_weights(rng, [10]))], [y],
          dict(fused_activation_function="NONE"))
    return mb.build([x], [y])


def extreme_sets(shapes, seed=1):
    """Input sets of non-finite and extreme values: +-inf, NaN, +-FLT_MAX, subnormals, -0 mixed
    into normal samples (overflow to inf, inf - inf = NaN, NaN skipped by max)."""
    rng = np.random.default_rng(seed)
    vals = np.array([np.inf, -np.inf, np.nan, 3.4e38, -3.4e38, 1e-45, -1e-45, -0.0, 1e-38],
                    np.float32)
    sets = []
    for frac in (0.05, 0.5):
        one = []
        for s in shapes:
            x = (rng.standard_normal(s) * 2).astype(np.float32)
            mask = rng.random(s) < frac
            x[mask] = rng.choice(vals, size=int(mask.sum()))
            one.append(x)
        sets.append(one)
    return sets


def check_exact(tflm_check, data: bytes, *shapes, extreme: bool = False):
    """tflm_check bit for bit on float_sets (and extreme_sets) of the input `shapes`; every
    operator must have run as float32."""
    from tests.helpers.sweeps import float_sets
    sets = float_sets(list(shapes)) + (extreme_sets(list(shapes)) if extreme else [])
    cm = tflm_check(data, sets, float_exact=True)
    assert {op.dtype for op in cm.graph.operators} == {"float32"}
    return cm


POOL_GEOMETRIES = [dict(in_shape=(1, 9, 8, 3), k=(k, k), stride=(s, s), padding=p)
                   for k, s, p in [(1, 1, "VALID"), (2, 2, "VALID"), (2, 1, "SAME"),
                                   (3, 2, "SAME"), (3, 3, "VALID"), (3, 1, "SAME"),
                                   (5, 2, "SAME"), (4, 3, "SAME")]] + [
    dict(in_shape=(1, 7, 9, 5), k=(5, 3), stride=(1, 2), padding="SAME"),
    dict(in_shape=(1, 7, 9, 5), k=(7, 9), stride=(1, 1), padding="VALID"),     # global
    dict(in_shape=(1, 4, 4, 2), k=(7, 7), stride=(1, 1), padding="SAME"),      # window > input
    dict(in_shape=(2, 5, 5, 3), k=(2, 2), stride=(1, 1), padding="VALID"),     # batch 2
    dict(in_shape=(3, 6, 4, 17), k=(3, 2), stride=(2, 2), padding="SAME")]     # batch 3
POOL_IDS = ["1x1", "2x2s2", "2x2s1same", "3x3s2same", "3x3s3", "3x3s1same", "5x5s2same",
            "4x4s3same", "5x3same", "global", "window_over_input", "batch2", "batch3"]
