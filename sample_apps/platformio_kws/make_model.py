"""Write model/sample.tflite: a small int8 KWS-shaped network (seeded, reproducible).

[1,49,10,1] -> CONV_2D 3x3/2 (8ch, RELU6) -> DEPTHWISE_CONV_2D 3x3 (RELU6)
            -> AVERAGE_POOL_2D (global) -> RESHAPE [1,8] -> FULLY_CONNECTED (12 classes)

Run from the repository root:  python sample_apps/platformio_kws/make_model.py
(needs the test helpers: `pip install -e .[test]`).
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.normpath(os.path.join(HERE, "..", "..")))

from tests.helpers.builder import ModelBuilder, random_bias, random_conv_weights  # noqa: E402

NUM_CLASSES = 12


def build(seed: int = 0) -> bytes:
    rng = np.random.default_rng(seed)
    mb = ModelBuilder(description="tinyengine-pio platformio_kws sample")
    in_scale, in_zp = 0.05, -3
    x = mb.tensor([1, 49, 10, 1], "int8", scale=in_scale, zero_point=in_zp, name="input")

    # CONV_2D 3x3 stride 2, SAME -> [1,25,5,8]
    w1, s1 = random_conv_weights(rng, [8, 3, 3, 1], True, scale_range=(0.004, 0.01))
    b1, bs1 = random_bias(rng, 8, in_scale, s1, magnitude=200)
    a1_scale = 6.0 / 255
    a1 = mb.tensor([1, 25, 5, 8], "int8", scale=a1_scale, zero_point=-128, name="conv")
    mb.op("CONV_2D", [x, mb.const(w1, scale=s1, zero_point=0, quant_dim=0),
                      mb.const(b1, scale=bs1, zero_point=0)], [a1],
          dict(padding="SAME", stride_h=2, stride_w=2, fused_activation_function="RELU6"))

    # DEPTHWISE_CONV_2D 3x3 -> [1,25,5,8]
    w2, s2 = random_conv_weights(rng, [1, 3, 3, 8], True, quant_dim=3, scale_range=(0.004, 0.01))
    b2, bs2 = random_bias(rng, 8, a1_scale, s2, magnitude=200)
    a2 = mb.tensor([1, 25, 5, 8], "int8", scale=a1_scale, zero_point=-128, name="dw")
    mb.op("DEPTHWISE_CONV_2D", [a1, mb.const(w2, scale=s2, zero_point=0, quant_dim=3),
                                mb.const(b2, scale=bs2, zero_point=0)], [a2],
          dict(padding="SAME", depth_multiplier=1, fused_activation_function="RELU6"))

    # global AVERAGE_POOL_2D -> [1,1,1,8]
    a3 = mb.tensor([1, 1, 1, 8], "int8", scale=a1_scale, zero_point=-128, name="pool")
    mb.op("AVERAGE_POOL_2D", [a2], [a3],
          dict(padding="VALID", filter_height=25, filter_width=5, stride_h=1, stride_w=1))

    # RESHAPE -> [1,8]
    a4 = mb.tensor([1, 8], "int8", scale=a1_scale, zero_point=-128, name="flat")
    mb.op("RESHAPE", [a3, mb.int32([1, 8])], [a4], dict(new_shape=[1, 8]))

    # FULLY_CONNECTED -> [1,12]
    w5, s5 = random_conv_weights(rng, [NUM_CLASSES, 8], False, scale_range=(0.01, 0.02))
    b5, bs5 = random_bias(rng, NUM_CLASSES, a1_scale, s5, magnitude=500)
    y = mb.tensor([1, NUM_CLASSES], "int8", scale=0.05, zero_point=0, name="logits")
    mb.op("FULLY_CONNECTED", [a4, mb.const(w5, scale=s5, zero_point=0),
                              mb.const(b5, scale=bs5, zero_point=0)], [y])
    return mb.build([x], [y])


def main(argv=None) -> int:
    out = (argv or sys.argv[1:] or [os.path.join(HERE, "model", "sample.tflite")])[0]
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    data = build()
    with open(out, "wb") as fp:
        fp.write(data)
    print("wrote %s (%d bytes)" % (out, len(data)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
