"""Ready-made single-operator int8 models (``.tflite`` bytes) for tests.

Each factory returns the model bytes; weights/biases are drawn from
``np.random.default_rng(seed)`` so a factory call is reproducible.  Scales are
chosen so that random int8 inputs give non-saturated outputs, and they meet
TFLM's kernel constraints (e.g. SOFTMAX/LOGISTIC output scale 1/256, zp -128;
PAD/RESHAPE/pooling output quantization equal to the input's).

``SINGLE_OP_MODELS`` maps a short name to a zero-argument factory for
parametrised tests.
"""

from __future__ import annotations

import numpy as np

from .builder import ModelBuilder, random_bias, random_conv_weights

IN_SCALE, IN_ZP = 0.05, -3


def _conv_out(n, k, stride, padding, dilation=1):
    eff = (k - 1) * dilation + 1
    return -(-n // stride) if padding == "SAME" else (n - eff) // stride + 1


def conv2d(in_shape=(1, 8, 8, 3), out_channels=4, kernel=(3, 3), stride=(1, 1),
           padding="SAME", activation="RELU6", dilation=(1, 1), per_channel=True,
           bias=True, seed=0) -> bytes:
    """CONV_2D with [O,H,W,I] weights (per-channel along dim 0)."""
    rng = np.random.default_rng(seed)
    n, h, w, c = in_shape
    mb = ModelBuilder()
    x = mb.tensor(in_shape, "int8", scale=IN_SCALE, zero_point=IN_ZP, name="x")
    wq, ws = random_conv_weights(rng, [out_channels, *kernel, c], per_channel,
                                 scale_range=(0.001, 0.004))
    W = mb.const(wq, scale=ws, zero_point=0, quant_dim=0, name="w")
    B = None
    if bias:
        bq, bs = random_bias(rng, out_channels, IN_SCALE, ws)
        B = mb.const(bq, scale=bs, zero_point=0, name="b")
    oh = _conv_out(h, kernel[0], stride[0], padding, dilation[0])
    ow = _conv_out(w, kernel[1], stride[1], padding, dilation[1])
    y = mb.tensor([n, oh, ow, out_channels], "int8", scale=0.05, zero_point=-20, name="y")
    mb.op("CONV_2D", [x, W, B], [y], dict(
        padding=padding, stride_h=stride[0], stride_w=stride[1],
        dilation_h_factor=dilation[0], dilation_w_factor=dilation[1],
        fused_activation_function=activation))
    return mb.build([x], [y])


def depthwise_conv2d(in_shape=(1, 8, 8, 3), depth_multiplier=2, kernel=(3, 3),
                     stride=(1, 1), padding="SAME", activation="NONE", seed=0) -> bytes:
    """DEPTHWISE_CONV_2D with [1,H,W,C*M] weights (per-channel along dim 3)."""
    rng = np.random.default_rng(seed)
    n, h, w, c = in_shape
    oc = c * depth_multiplier
    mb = ModelBuilder()
    x = mb.tensor(in_shape, "int8", scale=IN_SCALE, zero_point=IN_ZP, name="x")
    wq, ws = random_conv_weights(rng, [1, *kernel, oc], True, quant_dim=3,
                                 scale_range=(0.001, 0.004))
    W = mb.const(wq, scale=ws, zero_point=0, quant_dim=3, name="w")
    bq, bs = random_bias(rng, oc, IN_SCALE, ws)
    B = mb.const(bq, scale=bs, name="b")
    oh, ow = (_conv_out(h, kernel[0], stride[0], padding),
              _conv_out(w, kernel[1], stride[1], padding))
    y = mb.tensor([n, oh, ow, oc], "int8", scale=0.05, zero_point=0, name="y")
    mb.op("DEPTHWISE_CONV_2D", [x, W, B], [y], dict(
        padding=padding, stride_h=stride[0], stride_w=stride[1],
        depth_multiplier=depth_multiplier, fused_activation_function=activation))
    return mb.build([x], [y])


def fully_connected(in_features=32, out_features=10, batch=1, activation="NONE",
                    seed=0) -> bytes:
    """FULLY_CONNECTED with per-tensor [O,I] weights and int32 bias."""
    rng = np.random.default_rng(seed)
    mb = ModelBuilder()
    x = mb.tensor([batch, in_features], "int8", scale=IN_SCALE, zero_point=IN_ZP, name="x")
    wq, ws = random_conv_weights(rng, [out_features, in_features], False,
                                 scale_range=(0.002, 0.004))
    W = mb.const(wq, scale=ws, name="w")
    bq, bs = random_bias(rng, out_features, IN_SCALE, ws)
    B = mb.const(bq, scale=bs, name="b")
    y = mb.tensor([batch, out_features], "int8", scale=0.1, zero_point=5, name="y")
    mb.op("FULLY_CONNECTED", [x, W, B], [y],
          dict(fused_activation_function=activation, keep_num_dims=False))
    return mb.build([x], [y])


def binary(op="ADD", a_shape=(1, 4, 4, 8), b_shape=(1, 1, 1, 8),
           activation="NONE") -> bytes:
    """ADD / MUL / SUB of two int8 inputs (broadcast when shapes differ)."""
    mb = ModelBuilder()
    a = mb.tensor(a_shape, "int8", scale=0.05, zero_point=-3, name="a")
    b = mb.tensor(b_shape, "int8", scale=0.03, zero_point=7, name="b")
    out_shape = np.broadcast_shapes(tuple(a_shape), tuple(b_shape))
    scale = 0.15 if op == "MUL" else 0.1
    y = mb.tensor(out_shape, "int8", scale=scale, zero_point=1, name="y")
    mb.op(op, [a, b], [y], dict(fused_activation_function=activation))
    return mb.build([a, b], [y])


def pool(op="AVERAGE_POOL_2D", in_shape=(1, 8, 8, 4), filt=(2, 2), stride=(2, 2),
         padding="VALID") -> bytes:
    """AVERAGE_POOL_2D / MAX_POOL_2D (same in/out quantization)."""
    n, h, w, c = in_shape
    mb = ModelBuilder()
    x = mb.tensor(in_shape, "int8", scale=IN_SCALE, zero_point=IN_ZP, name="x")
    oh, ow = (_conv_out(h, filt[0], stride[0], padding),
              _conv_out(w, filt[1], stride[1], padding))
    y = mb.tensor([n, oh, ow, c], "int8", scale=IN_SCALE, zero_point=IN_ZP, name="y")
    mb.op(op, [x], [y], dict(padding=padding, stride_h=stride[0], stride_w=stride[1],
                             filter_height=filt[0], filter_width=filt[1]))
    return mb.build([x], [y])


def unary(op="LOGISTIC", shape=(1, 16)) -> bytes:
    """Activation ops; output quantization follows TFLM's requirements."""
    out_q = {"LOGISTIC": (1 / 256, -128), "TANH": (1 / 128, 0),
             "SOFTMAX": (1 / 256, -128), "HARD_SWISH": (0.05, -100),
             "RELU": (IN_SCALE, IN_ZP), "RELU6": (IN_SCALE, IN_ZP)}[op]
    mb = ModelBuilder()
    in_scale = {"SOFTMAX": 0.02, "TANH": 0.015}.get(op, IN_SCALE)
    x = mb.tensor(shape, "int8", scale=in_scale, zero_point=IN_ZP, name="x")
    y = mb.tensor(shape, "int8", scale=out_q[0], zero_point=out_q[1], name="y")
    mb.op(op, [x], [y], dict(beta=1.0) if op == "SOFTMAX" else None)
    return mb.build([x], [y])


def mean(in_shape=(1, 6, 6, 8), axis=(1, 2), keep_dims=True) -> bytes:
    """MEAN over ``axis`` (const int32 axis tensor)."""
    mb = ModelBuilder()
    x = mb.tensor(in_shape, "int8", scale=IN_SCALE, zero_point=IN_ZP, name="x")
    ax = mb.int32(list(axis), name="axis")
    out = [1 if i in axis else d for i, d in enumerate(in_shape)]
    if not keep_dims:
        out = [d for i, d in enumerate(in_shape) if i not in axis]
    y = mb.tensor(out, "int8", scale=0.02, zero_point=-10, name="y")
    mb.op("MEAN", [x, ax], [y], dict(keep_dims=keep_dims))
    return mb.build([x], [y])


def pad(in_shape=(1, 5, 5, 3), paddings=((0, 0), (1, 2), (2, 1), (0, 0)),
        v2_value=None) -> bytes:
    """PAD (or PADV2 with constant ``v2_value`` int8) with int32 [n,2] paddings."""
    mb = ModelBuilder()
    x = mb.tensor(in_shape, "int8", scale=IN_SCALE, zero_point=IN_ZP, name="x")
    p = mb.int32(np.asarray(paddings, dtype=np.int32), name="paddings")
    out = [d + lo + hi for d, (lo, hi) in zip(in_shape, paddings)]
    y = mb.tensor(out, "int8", scale=IN_SCALE, zero_point=IN_ZP, name="y")
    if v2_value is None:
        mb.op("PAD", [x, p], [y])
    else:
        cv = mb.const(np.array([v2_value], np.int8), scale=IN_SCALE,
                      zero_point=IN_ZP, name="pad_value")
        mb.op("PADV2", [x, p, cv], [y])
    return mb.build([x], [y])


def resize_nearest(in_shape=(1, 4, 4, 3), size=(8, 12), align_corners=False,
                   half_pixel_centers=False) -> bytes:
    """RESIZE_NEAREST_NEIGHBOR with a const int32 size tensor."""
    mb = ModelBuilder()
    x = mb.tensor(in_shape, "int8", scale=IN_SCALE, zero_point=IN_ZP, name="x")
    s = mb.int32(list(size), name="size")
    y = mb.tensor([in_shape[0], *size, in_shape[3]], "int8", scale=IN_SCALE,
                  zero_point=IN_ZP, name="y")
    mb.op("RESIZE_NEAREST_NEIGHBOR", [x, s], [y],
          dict(align_corners=align_corners, half_pixel_centers=half_pixel_centers))
    return mb.build([x], [y])


def quantize_model(shape=(1, 10), scale=0.02, zero_point=3) -> bytes:
    """QUANTIZE float32 -> int8."""
    mb = ModelBuilder()
    x = mb.tensor(shape, "float32", name="x")
    y = mb.tensor(shape, "int8", scale=scale, zero_point=zero_point, name="y")
    mb.op("QUANTIZE", [x], [y])
    return mb.build([x], [y])


def dequantize_model(shape=(1, 10), scale=0.02, zero_point=3) -> bytes:
    """DEQUANTIZE int8 -> float32."""
    mb = ModelBuilder()
    x = mb.tensor(shape, "int8", scale=scale, zero_point=zero_point, name="x")
    y = mb.tensor(shape, "float32", name="y")
    mb.op("DEQUANTIZE", [x], [y])
    return mb.build([x], [y])


def reshape(in_shape=(1, 4, 4, 2), new_shape=(1, 32), as_option=True,
            as_tensor=True) -> bytes:
    """RESHAPE with the new shape as option and/or shape tensor."""
    mb = ModelBuilder()
    x = mb.tensor(in_shape, "int8", scale=IN_SCALE, zero_point=IN_ZP, name="x")
    y = mb.tensor(new_shape, "int8", scale=IN_SCALE, zero_point=IN_ZP, name="y")
    ins = [x] + ([mb.int32(list(new_shape), name="shape")] if as_tensor else [])
    mb.op("RESHAPE", ins, [y], dict(new_shape=list(new_shape)) if as_option else None)
    return mb.build([x], [y])


def squeeze(in_shape=(1, 1, 1, 12), squeeze_dims=(1, 2)) -> bytes:
    mb = ModelBuilder()
    x = mb.tensor(in_shape, "int8", scale=IN_SCALE, zero_point=IN_ZP, name="x")
    out = [d for i, d in enumerate(in_shape) if i not in squeeze_dims]
    y = mb.tensor(out, "int8", scale=IN_SCALE, zero_point=IN_ZP, name="y")
    mb.op("SQUEEZE", [x], [y], dict(squeeze_dims=list(squeeze_dims)))
    return mb.build([x], [y])


def transpose(in_shape=(1, 3, 4, 5), perm=(0, 3, 1, 2)) -> bytes:
    mb = ModelBuilder()
    x = mb.tensor(in_shape, "int8", scale=IN_SCALE, zero_point=IN_ZP, name="x")
    p = mb.int32(list(perm), name="perm")
    y = mb.tensor([in_shape[i] for i in perm], "int8", scale=IN_SCALE,
                  zero_point=IN_ZP, name="y")
    mb.op("TRANSPOSE", [x, p], [y])
    return mb.build([x], [y])


def concatenation(shapes=((1, 4, 4, 3), (1, 4, 4, 5)), axis=3) -> bytes:
    """CONCATENATION of several int8 inputs sharing one quantization."""
    mb = ModelBuilder()
    xs = [mb.tensor(s, "int8", scale=IN_SCALE, zero_point=IN_ZP, name=f"x{i}")
          for i, s in enumerate(shapes)]
    out = list(shapes[0])
    out[axis] = sum(s[axis] for s in shapes)
    y = mb.tensor(out, "int8", scale=IN_SCALE, zero_point=IN_ZP, name="y")
    mb.op("CONCATENATION", xs, [y], dict(axis=axis, fused_activation_function="NONE"))
    return mb.build(xs, [y])


def conv_dw_conv(hw: int = 4, channels: int = 64, seed: int = 1, w: int | None = None,
                 cin: int = 2, cout: int = 4, act: str = "NONE", k=(3, 3), stride=(1, 1),
                 dil=(1, 1), padding="SAME", per_channel=True) -> bytes:
    """1x1 conv -> k depthwise (3x3 by default) -> 1x1 conv, shaped so that the depthwise layer
    runs in place (many channels on a small plane: one-channel-group scratch beats the
    scan-order lag); the plane is hw x hw, or hw x w."""
    rng = np.random.default_rng(seed)
    h, w = hw, hw if w is None else w
    mb = ModelBuilder()
    x = mb.tensor([1, h, w, cin], "int8", scale=0.05, zero_point=-3)
    w1, s1 = random_conv_weights(rng, [channels, 1, 1, cin], True)
    a = mb.tensor([1, h, w, channels], "int8", scale=0.05, zero_point=2)
    mb.op("CONV_2D", [x, mb.const(w1, scale=s1, quant_dim=0), None], [a],
          dict(padding="SAME", stride_h=1, stride_w=1))
    w2, s2 = random_conv_weights(rng, [1, *k, channels], per_channel, quant_dim=3)
    b2, bs2 = random_bias(rng, channels, 0.05, s2)
    h, w = (_conv_out(h, k[0], stride[0], padding, dil[0]),
            _conv_out(w, k[1], stride[1], padding, dil[1]))
    b = mb.tensor([1, h, w, channels], "int8", scale=0.04, zero_point=-1)
    mb.op("DEPTHWISE_CONV_2D", [a, mb.const(w2, scale=s2, quant_dim=3), mb.const(b2, scale=bs2)],
          [b], dict(padding=padding, stride_h=stride[0], stride_w=stride[1], depth_multiplier=1,
                    dilation_h_factor=dil[0], dilation_w_factor=dil[1],
                    fused_activation_function=act))
    w3, s3 = random_conv_weights(rng, [cout, 1, 1, channels], True)
    y = mb.tensor([1, h, w, cout], "int8", scale=0.1, zero_point=0)
    mb.op("CONV_2D", [b, mb.const(w3, scale=s3, quant_dim=0), None], [y],
          dict(padding="SAME", stride_h=1, stride_w=1))
    return mb.build([x], [y])


def dw_chain(hw: int = 6, channels: int = 32, cin: int = 64, cout: int = 4, blocks: int = 2,
             seed: int = 1) -> bytes:
    """`blocks` x (1x1 conv to `channels` -> 3x3 depthwise, SAME, RELU6) on an hw x hw plane,
    then a 1x1 conv to `cout`: a MobileNet tail whose depthwise layers the planner's in-place
    pins reach, some of them withheld for the planar ring (planner/policy.py _keep_planar)."""
    rng = np.random.default_rng(seed)
    mb = ModelBuilder()
    cur = x = mb.tensor([1, hw, hw, cin], "int8", scale=0.05, zero_point=-3)
    c = cin
    for _ in range(blocks):
        w1, s1 = random_conv_weights(rng, [channels, 1, 1, c], True)
        a = mb.tensor([1, hw, hw, channels], "int8", scale=0.05, zero_point=2)
        mb.op("CONV_2D", [cur, mb.const(w1, scale=s1, quant_dim=0), None], [a],
              dict(padding="SAME", stride_h=1, stride_w=1))
        w2, s2 = random_conv_weights(rng, [1, 3, 3, channels], True, quant_dim=3)
        b2, bs2 = random_bias(rng, channels, 0.05, s2)
        cur = mb.tensor([1, hw, hw, channels], "int8", scale=0.04, zero_point=-1)
        mb.op("DEPTHWISE_CONV_2D", [a, mb.const(w2, scale=s2, quant_dim=3),
                                    mb.const(b2, scale=bs2)], [cur],
              dict(padding="SAME", stride_h=1, stride_w=1, depth_multiplier=1,
                   fused_activation_function="RELU6"))
        c = channels
    w3, s3 = random_conv_weights(rng, [cout, 1, 1, c], True)
    y = mb.tensor([1, hw, hw, cout], "int8", scale=0.1, zero_point=0)
    mb.op("CONV_2D", [cur, mb.const(w3, scale=s3, quant_dim=0), None], [y],
          dict(padding="SAME", stride_h=1, stride_w=1))
    return mb.build([x], [y])


SINGLE_OP_MODELS = {
    "conv2d_pc_same_relu6": conv2d,
    "conv2d_stride2_valid": lambda: conv2d(stride=(2, 2), padding="VALID",
                                           activation="NONE", per_channel=False),
    "depthwise_dm2": depthwise_conv2d,
    "fully_connected": fully_connected,
    "add_broadcast": binary,
    "mul_relu": lambda: binary("MUL", activation="RELU"),
    "avg_pool": pool,
    "max_pool_same": lambda: pool("MAX_POOL_2D", filt=(3, 3), stride=(2, 2),
                                  padding="SAME"),
    "softmax": lambda: unary("SOFTMAX"),
    "logistic": lambda: unary("LOGISTIC"),
    "tanh": lambda: unary("TANH"),
    "relu": lambda: unary("RELU"),
    "relu6": lambda: unary("RELU6"),
    "hard_swish": lambda: unary("HARD_SWISH", shape=(1, 4, 4, 4)),
    "mean": mean,
    "pad": pad,
    "padv2": lambda: pad(v2_value=5),
    "resize_nearest": resize_nearest,
    "quantize": quantize_model,
    "dequantize": dequantize_model,
    "reshape": reshape,
    "reshape_tensor_only": lambda: reshape(as_option=False),
    "squeeze": squeeze,
    "transpose": transpose,
    "concatenation": concatenation,
}


def wide_then_conv_fc(in_shape=(1, 16, 16, 8), wide=16, k=3, stride=2, second=4, units=10,
                      seed=0) -> bytes:
    """1x1 CONV_2D widening the input (it holds the arena's peak), then a k x k VALID CONV_2D
    and a FULLY_CONNECTED off the peak: where the TE_FAST int16 column buffers fit for free."""
    rng = np.random.default_rng(seed)
    n, h, w, c = in_shape
    mb = ModelBuilder()
    x = mb.tensor(in_shape, "int8", scale=IN_SCALE, zero_point=IN_ZP, name="x")

    def conv(src, cin, cout, kk, s, shape):
        wq, ws = random_conv_weights(rng, [cout, kk, kk, cin], True, scale_range=(0.002, 0.01))
        bq, bs = random_bias(rng, cout, IN_SCALE, ws)
        y = mb.tensor(shape, "int8", scale=IN_SCALE, zero_point=IN_ZP)
        mb.op("CONV_2D", [src, mb.const(wq, scale=ws, zero_point=0, quant_dim=0),
                          mb.const(bq, scale=bs, zero_point=0)], [y],
              dict(padding="VALID", stride_h=s, stride_w=s, fused_activation_function="NONE"))
        return y

    a = conv(x, c, wide, 1, 1, [n, h, w, wide])
    oh, ow = (h - k) // stride + 1, (w - k) // stride + 1
    b = conv(a, wide, second, k, stride, [n, oh, ow, second])
    flat = mb.tensor([n, oh * ow * second], "int8", scale=IN_SCALE, zero_point=IN_ZP)
    mb.op("RESHAPE", [b, mb.int32([n, oh * ow * second])], [flat])
    wq, ws = random_conv_weights(rng, [units, oh * ow * second], True, scale_range=(0.002, 0.01))
    bq, bs = random_bias(rng, units, IN_SCALE, ws)
    y = mb.tensor([n, units], "int8", scale=0.1, zero_point=5, name="y")
    mb.op("FULLY_CONNECTED", [flat, mb.const(wq, scale=ws, zero_point=0, quant_dim=0),
                              mb.const(bq, scale=bs, zero_point=0)], [y],
          dict(fused_activation_function="NONE", keep_num_dims=False))
    return mb.build([x], [y])


def _then_wide(mb, rng, x, a, c: int, wide: int, keep_input: bool = False) -> bytes:
    """Finish a model: a 1x1 CONV_2D from tensor `a` (c channels) widening to `wide` channels,
    the graph output (it holds the arena's peak, so the layers before it get their scratch);
    `keep_input`: the input `x` is a graph output too (it lives to the end: nothing runs in
    place over it)."""
    n, oh, ow, _ = a.shape
    wq, ws = random_conv_weights(rng, [wide, 1, 1, c], True, scale_range=(0.002, 0.02))
    bq, bs = random_bias(rng, wide, IN_SCALE, ws)
    y = mb.tensor([n, oh, ow, wide], "int8", scale=0.1, zero_point=5, name="y")
    mb.op("CONV_2D", [a, mb.const(wq, scale=ws, zero_point=0, quant_dim=0),
                      mb.const(bq, scale=bs, zero_point=0)], [y],
          dict(padding="VALID", stride_h=1, stride_w=1, fused_activation_function="NONE"))
    return mb.build([x], [y, x] if keep_input else [y])


def first_layer_then_wide(in_shape=(1, 11, 9, 3), out_c=8, k=3, stride=2, padding="SAME",
                          act="NONE", per_channel=True, wide=48, seed=0) -> bytes:
    """A first-layer k x k CONV_2D (few input channels into few) followed by a 1x1 CONV_2D
    widening to `wide` channels, which holds the arena's peak: the first conv's kernel
    scratch is then free (its lean im2col variant, not the scratch-free fallback)."""
    rng = np.random.default_rng(seed)
    n, h, w, c = in_shape
    mb = ModelBuilder()
    x = mb.tensor(in_shape, "int8", scale=IN_SCALE, zero_point=IN_ZP, name="x")
    oh, ow = _conv_out(h, k, stride, padding), _conv_out(w, k, stride, padding)
    wq, ws = random_conv_weights(rng, [out_c, k, k, c], per_channel, scale_range=(0.002, 0.02))
    bq, bs = random_bias(rng, out_c, IN_SCALE, ws)
    a = mb.tensor([n, oh, ow, out_c], "int8", scale=IN_SCALE, zero_point=IN_ZP)
    mb.op("CONV_2D", [x, mb.const(wq, scale=ws, zero_point=0, quant_dim=0 if per_channel else None),
                      mb.const(bq, scale=bs, zero_point=0)], [a],
          dict(padding=padding, stride_h=stride, stride_w=stride, fused_activation_function=act))
    return _then_wide(mb, rng, x, a, out_c, wide)


def dw_then_wide(in_shape=(1, 12, 20, 8), padding="SAME", act="NONE", per_channel=True,
                 wide=64, seed=0, k=(3, 3), stride=(1, 1), dil=(1, 1),
                 keep_input: bool = False) -> bytes:
    """A DEPTHWISE_CONV_2D (3x3 by default) followed by a 1x1 CONV_2D widening to `wide`
    channels, which holds the arena's peak: the depthwise conv's kernel scratch is then free
    (`keep_input`: see _then_wide)."""
    rng = np.random.default_rng(seed)
    n, h, w, c = in_shape
    mb = ModelBuilder()
    x = mb.tensor(in_shape, "int8", scale=IN_SCALE, zero_point=IN_ZP, name="x")
    oh = _conv_out(h, k[0], stride[0], padding, dil[0])
    ow = _conv_out(w, k[1], stride[1], padding, dil[1])
    wq, ws = random_conv_weights(rng, [1, *k, c], per_channel, quant_dim=3,
                                 scale_range=(0.005, 0.02))
    bq, bs = random_bias(rng, c, IN_SCALE, ws)
    a = mb.tensor([n, oh, ow, c], "int8", scale=IN_SCALE, zero_point=IN_ZP)
    mb.op("DEPTHWISE_CONV_2D", [x, mb.const(wq, scale=ws, zero_point=0, quant_dim=3),
                                mb.const(bq, scale=bs, zero_point=0)], [a],
          dict(padding=padding, stride_h=stride[0], stride_w=stride[1], depth_multiplier=1,
               dilation_h_factor=dil[0], dilation_w_factor=dil[1],
               fused_activation_function=act))
    return _then_wide(mb, rng, x, a, c, wide, keep_input)


def arg_min_max(kind="ARG_MAX", in_shape=(1, 5, 7, 6), axis=3, out_dtype="int32",
                axis_dtype="int32") -> bytes:
    """ARG_MAX / ARG_MIN over constant ``axis`` with an ``out_dtype`` (int32 or int64) output."""
    mb = ModelBuilder()
    rank = len(in_shape)
    x = mb.tensor(in_shape, "int8", scale=IN_SCALE, zero_point=IN_ZP, name="x")
    ax = mb.const(np.array([axis]), axis_dtype, name="axis")
    y = mb.tensor([d for i, d in enumerate(in_shape) if i != axis % rank], out_dtype, name="y")
    mb.op(kind, [x, ax], [y], dict(output_type={"int32": 2, "int64": 4}[out_dtype]))
    return mb.build([x], [y])


# --- issue 17 slicing / packing operators (options tables registered here, append-only) ----
from .builder import OP_OPTIONS as _OP_OPTIONS  # noqa: E402
from .builder import fb as _fb  # noqa: E402

for _name, _union in (("STRIDED_SLICE", "StridedSliceOptions"), ("PACK", "PackOptions"),
                      ("UNPACK", "UnpackOptions"), ("SPLIT", "SplitOptions"),
                      ("SPLIT_V", "SplitVOptions"), ("SLICE", "SliceOptions"),
                      ("EXPAND_DIMS", "ExpandDimsOptions"), ("GATHER", "GatherOptions")):
    _OP_OPTIONS.setdefault(_name, (_union, getattr(_fb, _union + "T")))


def strided_slice(in_shape=(1, 6, 8, 4), begin=(0, 1, 0, 0), end=(1, 5, 8, 4),
                  strides=(1, 1, 2, 1), out_shape=None, dtype="int8", **masks) -> bytes:
    """STRIDED_SLICE of one int8 input with constant begin / end / strides; `out_shape` is
    computed with numpy when the masks are only begin / end / shrink."""
    mb = ModelBuilder()
    x = mb.tensor(in_shape, dtype, scale=IN_SCALE, zero_point=IN_ZP, name="x")
    if out_shape is None:
        idx = []
        for d, (b, e, s) in enumerate(zip(begin, end, strides)):
            if masks.get("shrink_axis_mask", 0) >> d & 1:
                idx.append(b)
                continue
            idx.append(slice(None if masks.get("begin_mask", 0) >> d & 1 else b,
                             None if masks.get("end_mask", 0) >> d & 1 else e, s))
        out_shape = np.zeros(in_shape)[tuple(idx)].shape
    y = mb.tensor(out_shape, dtype, scale=IN_SCALE, zero_point=IN_ZP, name="y")
    mb.op("STRIDED_SLICE", [x, mb.int32(list(begin), name="begin"),
                            mb.int32(list(end), name="end"),
                            mb.int32(list(strides), name="strides")], [y], dict(masks))
    return mb.build([x], [y])


def pack(in_shape=(1, 4, 3), count=3, axis=1) -> bytes:
    """PACK of `count` int8 inputs of one shape along a new `axis`."""
    mb = ModelBuilder()
    xs = [mb.tensor(in_shape, "int8", scale=IN_SCALE, zero_point=IN_ZP, name=f"x{i}")
          for i in range(count)]
    out = list(in_shape)
    out.insert(axis % (len(in_shape) + 1), count)
    y = mb.tensor(out, "int8", scale=IN_SCALE, zero_point=IN_ZP, name="y")
    mb.op("PACK", xs, [y], dict(axis=axis, values_count=count))
    return mb.build(xs, [y])


def unpack(in_shape=(1, 3, 4, 5), axis=1) -> bytes:
    """UNPACK of one int8 input into its slots along `axis`."""
    mb = ModelBuilder()
    x = mb.tensor(in_shape, "int8", scale=IN_SCALE, zero_point=IN_ZP, name="x")
    a = axis % len(in_shape)
    out = [d for k, d in enumerate(in_shape) if k != a]
    ys = [mb.tensor(out, "int8", scale=IN_SCALE, zero_point=IN_ZP, name=f"y{i}")
          for i in range(in_shape[a])]
    mb.op("UNPACK", [x], ys, dict(axis=axis, num=in_shape[a]))
    return mb.build([x], ys)


def expand_dims(in_shape=(1, 6, 4), axis=2, axis_rank=1) -> bytes:
    """EXPAND_DIMS with a constant axis (rank-0 or rank-1 axis tensor) between two RELUs, so
    that the alias sits inside the model."""
    mb = ModelBuilder()
    x = mb.tensor(in_shape, "int8", scale=IN_SCALE, zero_point=IN_ZP, name="x")
    r = mb.tensor(in_shape, "int8", scale=IN_SCALE, zero_point=IN_ZP, name="r")
    mb.op("RELU", [x], [r])
    a = axis % (len(in_shape) + 1)
    out = list(in_shape[:a]) + [1] + list(in_shape[a:])
    e = mb.tensor(out, "int8", scale=IN_SCALE, zero_point=IN_ZP, name="e")
    ax = mb.int32([axis], name="axis")
    if axis_rank == 0:
        mb._tensors[ax.index].shape = []
    mb.op("EXPAND_DIMS", [r, ax], [e])
    y = mb.tensor(out, "int8", scale=IN_SCALE, zero_point=IN_ZP, name="y")
    mb.op("RELU", [e], [y])
    return mb.build([x], [y])


def reduce(kind="REDUCE_MAX", in_shape=(1, 6, 6, 8), axis=(1, 2), keep_dims=True,
           in_q=(IN_SCALE, IN_ZP), out_q=None) -> bytes:
    """REDUCE_MAX / SUM over constant int32 ``axis`` (negative axes allowed); ``out_q`` defaults
    to the input's quantization."""
    mb = ModelBuilder()
    rank = len(in_shape)
    red = {a % rank for a in axis}
    x = mb.tensor(in_shape, "int8", scale=in_q[0], zero_point=in_q[1], name="x")
    ax = mb.int32(list(axis), name="axis")
    out = [1 if i in red else d for i, d in enumerate(in_shape)]
    if not keep_dims:
        out = [d for i, d in enumerate(in_shape) if i not in red]
    out_q = out_q or in_q
    y = mb.tensor(out, "int8", scale=out_q[0], zero_point=out_q[1], name="y")
    mb.op(kind, [x, ax], [y], dict(keep_dims=keep_dims))
    return mb.build([x], [y])


def slice_model(in_shape=(1, 6, 8, 4), begin=(0, 1, 2, 0), size=(1, 4, -1, 3)) -> bytes:
    """SLICE with constant begin and size (-1: to the end)."""
    mb = ModelBuilder()
    x = mb.tensor(in_shape, "int8", scale=IN_SCALE, zero_point=IN_ZP, name="x")
    out = [n - b if s == -1 else s for n, b, s in zip(in_shape, begin, size)]
    y = mb.tensor(out, "int8", scale=IN_SCALE, zero_point=IN_ZP, name="y")
    mb.op("SLICE", [x, mb.int32(list(begin), name="begin"), mb.int32(list(size), name="size")],
          [y])
    return mb.build([x], [y])


def split(in_shape=(1, 8, 4, 3), num=2, axis=1, sizes=None, relu_before=True) -> bytes:
    """SPLIT (`sizes` None: `num` equal parts) or SPLIT_V (`sizes`, one may be -1) of an int8
    tensor along a constant axis; the input comes from a RELU (so that the outputs may be views
    of an arena buffer) unless `relu_before` is False."""
    mb = ModelBuilder()
    x = mb.tensor(in_shape, "int8", scale=IN_SCALE, zero_point=IN_ZP, name="x")
    src = x
    if relu_before:
        src = mb.tensor(in_shape, "int8", scale=IN_SCALE, zero_point=IN_ZP, name="r")
        mb.op("RELU", [x], [src])
    a = axis % len(in_shape)
    parts = [in_shape[a] // num] * num if sizes is None else list(sizes)
    if -1 in parts:
        parts[parts.index(-1)] = in_shape[a] - sum(p for p in parts if p != -1)
    ys = [mb.tensor([p if d == a else n for d, n in enumerate(in_shape)], "int8",
                    scale=IN_SCALE, zero_point=IN_ZP, name=f"y{k}") for k, p in enumerate(parts)]
    if sizes is None:
        mb.op("SPLIT", [mb.int32([axis], name="axis"), src], ys, dict(num_splits=num))
    else:
        mb.op("SPLIT_V", [src, mb.int32(list(sizes), name="size_splits"),
                          mb.int32([axis], name="axis")], ys, dict(num_splits=len(sizes)))
    return mb.build([x], ys)


def depth_space(kind="DEPTH_TO_SPACE", in_shape=(1, 3, 4, 8), block=2,
                out_q=(IN_SCALE, IN_ZP)) -> bytes:
    """DEPTH_TO_SPACE / SPACE_TO_DEPTH with ``block_size`` ``block`` (output shape computed)."""
    mb = ModelBuilder()
    n, h, w, c = in_shape
    x = mb.tensor(in_shape, "int8", scale=IN_SCALE, zero_point=IN_ZP, name="x")
    if kind == "DEPTH_TO_SPACE":
        out = [n, h * block, w * block, c // (block * block)]
    else:
        out = [n, h // block, w // block, c * block * block]
    y = mb.tensor(out, "int8", scale=out_q[0], zero_point=out_q[1], name="y")
    mb.op(kind, [x], [y], dict(block_size=block))
    return mb.build([x], [y])


def gather(in_shape=(1, 6, 4), indices=(3, 0, 5, 5), axis=1, batch_dims=0,
           const_indices=True) -> bytes:
    """GATHER of an int8 tensor by int32 indices (a constant, or a second model input)."""
    mb = ModelBuilder()
    x = mb.tensor(in_shape, "int8", scale=IN_SCALE, zero_point=IN_ZP, name="x")
    idx = np.asarray(indices, dtype=np.int32)
    ind = (mb.const(idx, "int32", name="indices") if const_indices
           else mb.tensor(idx.shape, "int32", name="indices"))
    a = axis % len(in_shape)
    out = list(in_shape[:a]) + list(idx.shape[batch_dims:]) + list(in_shape[a + 1:])
    y = mb.tensor(out, "int8", scale=IN_SCALE, zero_point=IN_ZP, name="y")
    mb.op("GATHER", [x, ind], [y], dict(axis=axis, batch_dims=batch_dims))
    return mb.build([x] if const_indices else [x, ind], [y])


def requantize_model(shape=(1, 256), qi=(0.05, 128), qo=(0.05, 0), in_dtype="uint8",
                     out_dtype="int8", op="QUANTIZE") -> bytes:
    """QUANTIZE (or DEQUANTIZE with out_dtype "float32") between any two dtypes: uint8 <-> int8 at
    the model's edges."""
    mb = ModelBuilder()
    x = mb.tensor(shape, in_dtype, scale=qi[0], zero_point=qi[1], name="x")
    y = (mb.tensor(shape, out_dtype, name="y") if out_dtype == "float32" else
         mb.tensor(shape, out_dtype, scale=qo[0], zero_point=qo[1], name="y"))
    mb.op(op, [x], [y])
    return mb.build([x], [y])


def uint8_conv(in_shape=(1, 6, 6, 3), out_channels=4, in_q=(0.02, 128), out_q=(0.03, 120),
               seed=0) -> bytes:
    """uint8 input -> QUANTIZE -> int8 CONV_2D 3x3 SAME RELU -> QUANTIZE -> uint8 output, as a
    legacy uint8 image model exports."""
    rng = np.random.default_rng(seed)
    n, h, w, c = in_shape
    mb = ModelBuilder()
    x = mb.tensor(in_shape, "uint8", scale=in_q[0], zero_point=in_q[1], name="x_u8")
    xi = mb.tensor(in_shape, "int8", scale=IN_SCALE, zero_point=IN_ZP, name="x")
    mb.op("QUANTIZE", [x], [xi])
    wq, ws = random_conv_weights(rng, [out_channels, 3, 3, c], True, scale_range=(0.001, 0.004))
    W = mb.const(wq, scale=ws, zero_point=0, quant_dim=0, name="w")
    bq, bs = random_bias(rng, out_channels, IN_SCALE, ws)
    B = mb.const(bq, scale=bs, zero_point=0, name="b")
    yi = mb.tensor([n, h, w, out_channels], "int8", scale=0.05, zero_point=-20, name="y")
    mb.op("CONV_2D", [xi, W, B], [yi], dict(padding="SAME", stride_h=1, stride_w=1,
                                           dilation_h_factor=1, dilation_w_factor=1,
                                           fused_activation_function="RELU"))
    y = mb.tensor([n, h, w, out_channels], "uint8", scale=out_q[0], zero_point=out_q[1],
                  name="y_u8")
    mb.op("QUANTIZE", [yi], [y])
    return mb.build([x], [y])


def resize_bilinear(in_shape=(1, 4, 4, 3), size=(8, 12), align_corners=False,
                    half_pixel_centers=False, out_q=(IN_SCALE, IN_ZP)) -> bytes:
    """RESIZE_BILINEAR with a const int32 size tensor."""
    mb = ModelBuilder()
    x = mb.tensor(in_shape, "int8", scale=IN_SCALE, zero_point=IN_ZP, name="x")
    s = mb.int32(list(size), name="size")
    y = mb.tensor([in_shape[0], *size, in_shape[3]], "int8", scale=out_q[0],
                  zero_point=out_q[1], name="y")
    mb.op("RESIZE_BILINEAR", [x, s], [y],
          dict(align_corners=align_corners, half_pixel_centers=half_pixel_centers))
    return mb.build([x], [y])


def transpose_conv(in_shape=(1, 4, 4, 3), out_channels=4, kernel=(3, 3), stride=(2, 2),
                   padding="SAME", bias=True, per_channel=True, activation="NONE",
                   out_hw=None, in_q=(IN_SCALE, IN_ZP), out_q=(0.05, -20),
                   w_range=(0.001, 0.004), seed=0) -> bytes:
    """TRANSPOSE_CONV: output_shape constant (input 0), [O,H,W,I] weights (per-channel along
    dim 0), input (2), optional int32 bias (3). Output size: SAME in * s, VALID (in - 1) * s + k,
    or `out_hw`."""
    rng = np.random.default_rng(seed)
    n, h, w, c = in_shape
    if out_hw is None:
        out_hw = tuple(i * s if padding == "SAME" else (i - 1) * s + k
                       for i, s, k in zip((h, w), stride, kernel))
    mb = ModelBuilder()
    x = mb.tensor(in_shape, "int8", scale=in_q[0], zero_point=in_q[1], name="x")
    shape = mb.int32([n, *out_hw, out_channels], name="output_shape")
    wq, ws = random_conv_weights(rng, [out_channels, *kernel, c], per_channel,
                                 scale_range=w_range)
    W = mb.const(wq, scale=ws, zero_point=0, quant_dim=0, name="w")
    inputs = [shape, W, x]
    if bias:
        bq, bs = random_bias(rng, out_channels, in_q[0], ws)
        inputs.append(mb.const(bq, scale=bs, zero_point=0, name="b"))
    y = mb.tensor([n, *out_hw, out_channels], "int8", scale=out_q[0], zero_point=out_q[1],
                  name="y")
    mb.op("TRANSPOSE_CONV", inputs, [y], dict(padding=padding, stride_h=stride[0],
                                              stride_w=stride[1],
                                              fused_activation_function=activation))
    return mb.build([x], [y])


def batch_matmul(lhs_shape=(1, 3, 4), rhs_shape=(1, 4, 5), adj_x=False, adj_y=False,
                 rhs_const=False, lhs_q=(0.05, -3), rhs_q=(0.04, 6), out_q=(0.3, 2),
                 seed=0, dtype="int8") -> bytes:
    """BATCH_MATMUL of two int8 (or `dtype`) tensors (the RHS constant with `rhs_const`); the
    output shape as TFLM's Prepare computes it."""
    rng = np.random.default_rng(seed)
    rank = max(len(lhs_shape), len(rhs_shape))
    ls = [1] * (rank - len(lhs_shape)) + list(lhs_shape)
    rs = [1] * (rank - len(rhs_shape)) + list(rhs_shape)
    batch = [b if a == 1 else a for a, b in zip(ls[:-2], rs[:-2])]
    rows = ls[-1] if adj_x else ls[-2]
    cols = rs[-2] if adj_y else rs[-1]
    mb = ModelBuilder()
    x = mb.tensor(lhs_shape, dtype, scale=lhs_q[0], zero_point=lhs_q[1], name="lhs")
    if rhs_const:
        info = np.iinfo(dtype)
        r = mb.const(rng.integers(info.min, info.max + 1, size=tuple(rhs_shape)).astype(dtype),
                     scale=rhs_q[0], zero_point=rhs_q[1], name="rhs")
    else:
        r = mb.tensor(rhs_shape, dtype, scale=rhs_q[0], zero_point=rhs_q[1], name="rhs")
    y = mb.tensor([*batch, rows, cols], dtype, scale=out_q[0], zero_point=out_q[1], name="y")
    mb.op("BATCH_MATMUL", [x, r], [y], dict(adj_x=adj_x, adj_y=adj_y))
    return mb.build([x] if rhs_const else [x, r], [y])
