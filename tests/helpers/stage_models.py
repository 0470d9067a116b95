"""Small models whose arena fused stages (issue 18) shrink, for the PlatformIO and Zephyr tests."""
from __future__ import annotations

import numpy as np

from .builder import ModelBuilder, random_bias, random_conv_weights


def conv_dw_conv(size: int = 48, channels: int = 16, out_channels: int = 4,
                 seed: int = 3) -> bytes:
    """1 x size x size x 3 -> CONV_2D 3x3 (SAME, RELU) -> 1 x size x size x channels ->
    DEPTHWISE_CONV_2D 3x3 stride 2 (SAME, RELU6) -> CONV_2D 1x1 -> 1 x size/2 x size/2 x
    out_channels, int8 per channel.  Layer by layer the wide first output is whole (the peak);
    fused into one stage only the model's input and output are whole, besides line buffers."""
    rng = np.random.default_rng(seed)
    mb = ModelBuilder(description="tinyengine stage test model")
    half = size // 2
    x = mb.tensor([1, size, size, 3], "int8", scale=0.02, zero_point=-5, name="x")

    def conv(src, in_scale, out_shape, kernel, stride, act, name, depthwise=False):
        oc = out_shape[3]
        if depthwise:
            w, s = random_conv_weights(rng, [1, kernel, kernel, oc], True, quant_dim=3,
                                       scale_range=(0.01, 0.03))
        else:
            w, s = random_conv_weights(rng, [oc, kernel, kernel, src.shape[3]], True,
                                       scale_range=(0.005, 0.015))
        b, bs = random_bias(rng, oc, in_scale, s, magnitude=300)
        y = mb.tensor(out_shape, "int8", scale=0.03, zero_point=-20, name=name)
        opts = dict(padding="SAME", stride_h=stride, stride_w=stride,
                    fused_activation_function=act)
        if depthwise:
            opts["depth_multiplier"] = 1
        mb.op("DEPTHWISE_CONV_2D" if depthwise else "CONV_2D",
              [src, mb.const(w, scale=s, zero_point=0, quant_dim=3 if depthwise else 0),
               mb.const(b, scale=bs, zero_point=0)], [y], opts)
        return y

    a = conv(x, 0.02, [1, size, size, channels], 3, 1, "RELU", "conv0")
    d = conv(a, 0.03, [1, half, half, channels], 3, 2, "RELU6", "dw", depthwise=True)
    y = conv(d, 0.03, [1, half, half, out_channels], 1, 1, "NONE", "conv1")
    return mb.build(inputs=[x], outputs=[y])
