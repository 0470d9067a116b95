"""int16x8 single-operator models (16-bit activations with zero point 0, int8 weights, int64
bias) and input sets for the int16 sections of tests/ops/test_<stem>.py."""
from __future__ import annotations

import numpy as np

from tests.helpers.builder import ModelBuilder, random_conv_weights


def bias64(rng, n: int, in_scale: float, w_scales, magnitude: int = 1 << 20, dtype="int64"):
    """A random bias of `dtype` with scale input scale x weight scale(s)."""
    b = rng.integers(-magnitude, magnitude + 1, size=n).astype(np.int64)
    ws = np.asarray(w_scales, dtype=np.float64)
    scales = (in_scale * ws).astype(np.float32)
    return b.astype(dtype), (scales if scales.size > 1 else float(scales.reshape(-1)[0]))


def fc16_model(in_shape=(1, 37), units=11, per_channel=False, bias="int64", act="NONE",
               in_q=(0.01, 0), out_q=(0.02, 0), w_range=(0.002, 0.01), keep_num_dims=False,
               seed=0, bias_mag=1 << 20, bias_type=None) -> bytes:
    """FULLY_CONNECTED int16x8; bias "int64", "int32" or None (then `bias_type` sets the
    options' quantized_bias_type)."""
    rng = np.random.default_rng(seed)
    depth = in_shape[-1]
    mb = ModelBuilder()
    x = mb.tensor(in_shape, "int16", scale=in_q[0], zero_point=in_q[1])
    wq, ws = random_conv_weights(rng, [units, depth], per_channel, scale_range=w_range)
    W = mb.const(wq, scale=ws, zero_point=0, quant_dim=0)
    B = None
    if bias:
        bq, bs = bias64(rng, units, in_q[0], ws, bias_mag, bias)
        B = mb.const(bq, scale=bs, zero_point=0)
    batches = int(np.prod(in_shape[:-1]))
    out_shape = [*in_shape[:-1], units] if keep_num_dims else [batches, units]
    y = mb.tensor(out_shape, "int16", scale=out_q[0], zero_point=out_q[1])
    opts = dict(fused_activation_function=act, keep_num_dims=keep_num_dims)
    if bias_type:
        opts["quantized_bias_type"] = bias_type
    mb.op("FULLY_CONNECTED", [x, W, B], [y], opts)
    return mb.build([x], [y])


def int16_sets(model_bytes: bytes, seeds=(0, 1, 2), small: int = 300) -> list:
    """Input sets for every int16 input: full-range random per seed, small random values
    (|x| <= `small`, where most outputs do not saturate), all -32768, all 32767, and
    alternating extremes."""
    from tests.helpers.tflm import model_io
    descs = model_io(model_bytes)["inputs"]
    sets = []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        sets.append((f"seed{seed}", [rng.integers(-32768, 32768, d["shape"]).astype(d["dtype"])
                                     for d in descs]))
        sets.append((f"small{seed}", [rng.integers(-small, small + 1, d["shape"]).astype(d["dtype"])
                                      for d in descs]))
    for name, v in (("all_min", -32768), ("all_max", 32767)):
        sets.append((name, [np.full(d["shape"], v, d["dtype"]) for d in descs]))
    sets.append(("alternate", [np.where(np.arange(int(np.prod(d["shape"]))) % 2, 32767, -32768)
                               .reshape(d["shape"]).astype(d["dtype"]) for d in descs]))
    return sets


def conv16_model(in_shape=(1, 9, 9, 3), oc=5, k=(3, 3), stride=(1, 1), padding="SAME",
                 act="NONE", dilation=(1, 1), per_channel=True, bias="int64", in_s=0.01,
                 out_s=0.02, w_range=(0.002, 0.02), groups=1, seed=0, bias_mag=1 << 20,
                 bias_type=None, out_zp=0) -> bytes:
    """CONV_2D int16x8 ([oc, k_h, k_w, in_c / groups] filters)."""
    rng = np.random.default_rng(seed)
    f_c = in_shape[3] // groups
    mb = ModelBuilder()
    x = mb.tensor(in_shape, "int16", scale=in_s, zero_point=0)
    wq, ws = random_conv_weights(rng, [oc, k[0], k[1], f_c], per_channel, scale_range=w_range)
    W = mb.const(wq, scale=ws, zero_point=0, quant_dim=0)
    B = None
    if bias:
        bq, bs = bias64(rng, oc, in_s, ws, bias_mag, bias)
        B = mb.const(bq, scale=bs, zero_point=0)
    oh, ow = _out_hw(in_shape, k, stride, padding, dilation)
    y = mb.tensor([in_shape[0], oh, ow, oc], "int16", scale=out_s, zero_point=out_zp)
    opts = dict(padding=padding, stride_h=stride[0], stride_w=stride[1],
                dilation_h_factor=dilation[0], dilation_w_factor=dilation[1],
                fused_activation_function=act)
    if bias_type:
        opts["quantized_bias_type"] = bias_type
    mb.op("CONV_2D", [x, W, B], [y], opts)
    return mb.build([x], [y])


def dw16_model(in_shape=(1, 9, 9, 3), mult=1, k=(3, 3), stride=(1, 1), padding="SAME",
               act="NONE", dilation=(1, 1), per_channel=True, bias="int64", in_s=0.01,
               out_s=0.02, w_range=(0.002, 0.02), seed=0, bias_mag=1 << 20) -> bytes:
    """DEPTHWISE_CONV_2D int16x8 ([1, k_h, k_w, in_c * mult] filters)."""
    rng = np.random.default_rng(seed)
    oc = in_shape[3] * mult
    mb = ModelBuilder()
    x = mb.tensor(in_shape, "int16", scale=in_s, zero_point=0)
    wq, ws = random_conv_weights(rng, [1, k[0], k[1], oc], per_channel, quant_dim=3,
                                 scale_range=w_range)
    W = mb.const(wq, scale=ws, zero_point=0, quant_dim=3)
    B = None
    if bias:
        bq, bs = bias64(rng, oc, in_s, ws, bias_mag, bias)
        B = mb.const(bq, scale=bs, zero_point=0)
    oh, ow = _out_hw(in_shape, k, stride, padding, dilation)
    y = mb.tensor([in_shape[0], oh, ow, oc], "int16", scale=out_s, zero_point=0)
    # no bias: two inputs (TFLM's depthwise Prepare crashes on an omitted (-1) third one)
    mb.op("DEPTHWISE_CONV_2D", [x, W] + ([B] if B is not None else []), [y],
          dict(padding=padding, stride_h=stride[0], stride_w=stride[1], depth_multiplier=mult,
               dilation_h_factor=dilation[0], dilation_w_factor=dilation[1],
               fused_activation_function=act))
    return mb.build([x], [y])


def _out_hw(in_shape, k, stride, padding, dilation):
    eff = [(k[i] - 1) * dilation[i] + 1 for i in range(2)]
    if padding == "SAME":
        return [-(-in_shape[1 + i] // stride[i]) for i in range(2)]
    return [(in_shape[1 + i] - eff[i]) // stride[i] + 1 for i in range(2)]


def binary16_model(op: str, a_shape, b_shape, act="NONE", qa=(3e-4, 0), qb=(2e-4, 0),
                   qo=(5e-4, 0), const_b=None) -> bytes:
    """ADD / SUB / MUL (fused `act`), MAXIMUM / MINIMUM int16 with broadcasting (`const_b`:
    input 1 a constant)."""
    mb = ModelBuilder()
    rank = max(len(a_shape), len(b_shape))
    pa = [1] * (rank - len(a_shape)) + list(a_shape)
    pb = [1] * (rank - len(b_shape)) + list(b_shape)
    out_shape = [max(x, y) for x, y in zip(pa, pb)]
    a = mb.tensor(a_shape, "int16", scale=qa[0], zero_point=qa[1])
    b = (mb.const(np.asarray(const_b, np.int16).reshape(b_shape), scale=qb[0], zero_point=qb[1])
         if const_b is not None else mb.tensor(b_shape, "int16", scale=qb[0], zero_point=qb[1]))
    y = mb.tensor(out_shape, "int16", scale=qo[0], zero_point=qo[1])
    fused = op in ("ADD", "SUB", "MUL")
    mb.op(op, [a, b], [y], dict(fused_activation_function=act) if fused else None)
    return mb.build([a] if const_b is not None else [a, b], [y])


def check_int16_binary(tflm_check, op, shapes, **kw):
    """A broadcasting int16 ADD / SUB / MUL against TFLM on int16_sets; runs as int16."""
    data = binary16_model(op, *shapes, **kw)
    cm = tflm_check(data, int16_sets(data))
    assert [o.dtype for o in cm.graph.operators] == ["int16"]


def check_int16_all_values(tflm_check, op, qa, qb, qo, act="NONE"):
    """Every int16 value of one input against random, zero and extreme partners."""
    shape = (1, 256, 256)
    data = binary16_model(op, shape, shape, act=act, qa=qa, qb=qb, qo=qo)
    rng = np.random.default_rng(7)
    every = np.arange(-32768, 32768, dtype=np.int16).reshape(shape)
    partners = [rng.integers(-32768, 32768, shape).astype(np.int16), np.zeros(shape, np.int16),
                np.full(shape, -32768, np.int16), np.full(shape, 32767, np.int16)]
    sets = [[every, p] for p in partners] + [[p, every] for p in partners[:1]]
    cm = tflm_check(data, sets)
    assert [o.dtype for o in cm.graph.operators] == ["int16"]


def unary16_model(op: str, shape, qi=(1e-3, 0), qo=(1 / 32768, 0), options=None,
                  out_shape=None, out_dtype="int16") -> bytes:
    """A one-input int16 operator (SOFTMAX, LOGISTIC, pools, MEAN's axis aside ...)."""
    mb = ModelBuilder()
    x = mb.tensor(shape, "int16", scale=qi[0], zero_point=qi[1])
    y = mb.tensor(out_shape or shape, out_dtype, scale=qo[0], zero_point=qo[1])
    mb.op(op, [x], [y], options)
    return mb.build([x], [y])


def pool16_model(op: str, in_shape=(1, 8, 8, 3), filt=(2, 2), stride=(2, 2), padding="VALID",
                 act="NONE", q=(1e-3, 0), qo=None) -> bytes:
    """AVERAGE_POOL_2D / MAX_POOL_2D int16."""
    oh, ow = _out_hw(in_shape, filt, stride, padding, (1, 1))
    return unary16_model(op, in_shape, qi=q, qo=qo or q, out_shape=[in_shape[0], oh, ow,
                                                                     in_shape[3]],
                         options=dict(padding=padding, stride_h=stride[0], stride_w=stride[1],
                                      filter_height=filt[0], filter_width=filt[1],
                                      fused_activation_function=act))


def check_int16_pool(tflm_check, op: str, **kw):
    """An int16 pool against TFLM on int16_sets; runs as int16."""
    data = pool16_model(op, **kw)
    cm = tflm_check(data, int16_sets(data))
    assert [o.dtype for o in cm.graph.operators] == ["int16"]


def mean16_model(in_shape=(1, 6, 6, 8), axis=(1, 2), keep_dims=True, qi=(1e-3, 0),
                 qo=(1e-3, 0), op="MEAN") -> bytes:
    """MEAN (or `op`: SUM, REDUCE_MAX) int16 over `axis` (negative and repeated axes allowed,
    as TFLite)."""
    mb = ModelBuilder()
    rank = len(in_shape)
    axes = {a % rank for a in axis}
    shape = ([1 if k in axes else d for k, d in enumerate(in_shape)] if keep_dims else
             [d for k, d in enumerate(in_shape) if k not in axes])
    x = mb.tensor(in_shape, "int16", scale=qi[0], zero_point=qi[1])
    y = mb.tensor(shape, "int16", scale=qo[0], zero_point=qo[1])
    mb.op(op, [x, mb.int32(list(axis))], [y], dict(keep_dims=keep_dims))
    return mb.build([x], [y])


ALL_INT16 = np.arange(-32768, 32768, dtype=np.int16).reshape(1, 65536)


def check_int16_unary_all(tflm_check, op: str, qi, qo, options=None):
    """A one-input int16 operator against TFLM on every int16 value; runs as int16."""
    data = unary16_model(op, (1, 65536), qi=qi, qo=qo, options=options)
    cm = tflm_check(data, [[ALL_INT16]])
    assert [o.dtype for o in cm.graph.operators] == ["int16"]


def tconv16_model(in_shape=(1, 4, 4, 3), out_channels=4, kernel=(3, 3), stride=(2, 2),
                  padding="SAME", bias="int64", per_channel=True, act="NONE", out_hw=None,
                  in_s=1e-3, out_s=2e-3, w_range=(0.002, 0.02), seed=0,
                  bias_mag=1 << 20) -> bytes:
    """TRANSPOSE_CONV int16x8: output_shape (0), [O, H, W, I] filters (1), input (2), bias
    (3: "int64", "int16", "int32" or None). Output size: SAME in * s, VALID (in - 1) * s + k,
    or `out_hw`."""
    rng = np.random.default_rng(seed)
    n, h, w, c = in_shape
    if out_hw is None:
        out_hw = tuple(i * s if padding == "SAME" else (i - 1) * s + k
                       for i, s, k in zip((h, w), stride, kernel))
    mb = ModelBuilder()
    x = mb.tensor(in_shape, "int16", scale=in_s, zero_point=0)
    shape = mb.int32([n, *out_hw, out_channels])
    wq, ws = random_conv_weights(rng, [out_channels, *kernel, c], per_channel,
                                 scale_range=w_range)
    inputs = [shape, mb.const(wq, scale=ws, zero_point=0, quant_dim=0), x]
    if bias:
        mag = min(bias_mag, 32767) if bias == "int16" else bias_mag
        bq, bs = bias64(rng, out_channels, in_s, ws, mag, bias)
        inputs.append(mb.const(bq, scale=bs, zero_point=0))
    y = mb.tensor([n, *out_hw, out_channels], "int16", scale=out_s, zero_point=0)
    mb.op("TRANSPOSE_CONV", inputs, [y], dict(padding=padding, stride_h=stride[0],
                                              stride_w=stride[1],
                                              fused_activation_function=act))
    return mb.build([x], [y])
