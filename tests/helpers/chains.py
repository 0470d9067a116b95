"""int8 NHWC chains of layers for the fused-stage tests (tests/stages/): CONV_2D,
DEPTHWISE_CONV_2D, the pools, ADD, PAD and FULLY_CONNECTED, each with random per-channel weights
and an output quantization scaled to its accumulator (so values neither vanish nor saturate).

    c = Chain((1, 12, 12, 3), seed=1)
    a = c.conv(c.x, 8, k=3)
    b = c.dw(a, k=3, stride=2)
    y = c.conv(b, 4, k=1)
    data = c.build([y])

`steps_of(data)` gives the compiled graph's operators (the step numbers `fuse` takes: after the
passes, a folded PAD or RELU gone, residual branches possibly reordered), `step_range` the steps
of a run of the model's own operators.
"""
from __future__ import annotations

import math

import numpy as np

from .builder import ModelBuilder, TensorRef, random_conv_weights

W_STD = 73.0      # std of the uniform int8 weights in [-127, 127]
Q_STD = 45.0      # a rough std of an activation's int8 values (the output scales aim at it)


def _pair(v) -> tuple[int, int]:
    return (int(v), int(v)) if np.isscalar(v) else (int(v[0]), int(v[1]))


def random_bias(rng, n: int, in_scale: float, w_scales, magnitude: int = 2000):
    """int32 bias and its scale(s) in_scale * w_scale (builder.random_bias, also for n = 1
    per-channel)."""
    b = rng.integers(-magnitude, magnitude + 1, size=n).astype(np.int32)
    scales = (in_scale * np.asarray(w_scales, dtype=np.float64)).astype(np.float32)
    return b, (scales if scales.ndim else float(scales))


def out_size(n: int, k: int, stride: int, padding: str, dilation: int = 1) -> int:
    """TFLite's output size of a window op along one dimension."""
    eff = (k - 1) * dilation + 1
    return -(-n // stride) if padding == "SAME" else (n - eff) // stride + 1


class Chain:
    """A model under construction; every layer method takes its source TensorRef(s) and returns
    the new activation. `self.x` is the first graph input; `input()` adds more."""

    def __init__(self, shape, seed: int = 0, in_q: tuple[float, int] | None = None,
                 per_channel: bool = True):
        self.rng = np.random.default_rng(seed)
        self.mb = ModelBuilder(description="tests.helpers.chains")
        self.per_channel = per_channel
        self.inputs: list[TensorRef] = []
        self.layers: list[str] = []
        self.x = self.input(shape, in_q)

    # -- quantization --------------------------------------------------------

    def rand_q(self) -> tuple[float, int]:
        return float(10 ** self.rng.uniform(-2.3, -0.7)), int(self.rng.integers(-40, 41))

    def _out_q(self, src: TensorRef, w_scales, taps: int) -> tuple[float, int]:
        """An output scale near the accumulator's std / Q_STD (times a random 0.5..2)."""
        acc = math.sqrt(taps) * float(src.scale) * Q_STD * float(np.mean(w_scales)) * W_STD
        return acc / Q_STD * float(self.rng.uniform(0.5, 2.0)), int(self.rng.integers(-30, 31))

    def _act(self, t: TensorRef, shape, q, name=None) -> TensorRef:
        return self.mb.tensor(list(shape), "int8", scale=q[0], zero_point=q[1], name=name)

    # -- layers -------------------------------------------------------------

    def input(self, shape, q: tuple[float, int] | None = None) -> TensorRef:
        q = q or self.rand_q()
        t = self.mb.tensor(list(shape), "int8", scale=q[0], zero_point=q[1],
                           name=f"in{len(self.inputs)}")
        self.inputs.append(t)
        return t

    def conv(self, src: TensorRef, oc: int, k=3, stride=1, dil=1, padding: str = "SAME",
             act: str = "NONE", bias: bool = True) -> TensorRef:
        (kh, kw), (sh, sw), (dh, dw) = _pair(k), _pair(stride), _pair(dil)
        n, h, w, c = src.shape
        wq, ws = random_conv_weights(self.rng, [oc, kh, kw, c], self.per_channel,
                                     scale_range=(0.002, 0.02))
        W = self.mb.const(wq, scale=ws, zero_point=0, quant_dim=0)
        B = None
        if bias:
            bq, bs = random_bias(self.rng, oc, float(src.scale), ws)
            B = self.mb.const(bq, scale=bs, zero_point=0)
        shape = (n, out_size(h, kh, sh, padding, dh), out_size(w, kw, sw, padding, dw), oc)
        y = self._act(src, shape, self._out_q(src, ws, kh * kw * c))
        self.mb.op("CONV_2D", [src, W, B], [y], {
            "padding": padding, "stride_h": sh, "stride_w": sw, "dilation_h_factor": dh,
            "dilation_w_factor": dw, "fused_activation_function": act})
        self.layers.append(f"conv{kh}x{kw}/s{sh},{sw}/d{dh},{dw}/{padding}/{act}->{list(shape)}")
        return y

    def dw(self, src: TensorRef, mult: int = 1, k=3, stride=1, dil=1, padding: str = "SAME",
           act: str = "NONE") -> TensorRef:
        (kh, kw), (sh, sw), (dh, dw) = _pair(k), _pair(stride), _pair(dil)
        n, h, w, c = src.shape
        oc = c * mult
        wq, ws = random_conv_weights(self.rng, [1, kh, kw, oc], self.per_channel, quant_dim=3,
                                     scale_range=(0.005, 0.03))
        W = self.mb.const(wq, scale=ws, zero_point=0, quant_dim=3)
        bq, bs = random_bias(self.rng, oc, float(src.scale), ws)
        B = self.mb.const(bq, scale=bs, zero_point=0)
        shape = (n, out_size(h, kh, sh, padding, dh), out_size(w, kw, sw, padding, dw), oc)
        y = self._act(src, shape, self._out_q(src, ws, kh * kw))
        self.mb.op("DEPTHWISE_CONV_2D", [src, W, B], [y], {
            "padding": padding, "stride_h": sh, "stride_w": sw, "depth_multiplier": mult,
            "dilation_h_factor": dh, "dilation_w_factor": dw, "fused_activation_function": act})
        self.layers.append(f"dw{kh}x{kw}*{mult}/s{sh},{sw}/d{dh},{dw}/{padding}/{act}"
                           f"->{list(shape)}")
        return y

    def pool(self, src: TensorRef, kind: str = "MAX", filt=2, stride=2, padding: str = "VALID",
             act: str = "NONE") -> TensorRef:
        """MAX_POOL_2D / AVERAGE_POOL_2D ("MAX" / "AVG"), the input's quantization."""
        (fh, fw), (sh, sw) = _pair(filt), _pair(stride)
        n, h, w, c = src.shape
        shape = (n, out_size(h, fh, sh, padding), out_size(w, fw, sw, padding), c)
        y = self._act(src, shape, (float(src.scale), int(src.zero_point)))
        op = "MAX_POOL_2D" if kind.upper().startswith("MAX") else "AVERAGE_POOL_2D"
        self.mb.op(op, [src], [y], {"padding": padding, "stride_h": sh, "stride_w": sw,
                                        "filter_height": fh, "filter_width": fw,
                                        "fused_activation_function": act})
        self.layers.append(f"{kind.lower()}pool{fh}x{fw}/s{sh},{sw}/{padding}->{list(shape)}")
        return y

    def add(self, a: TensorRef, b: TensorRef, act: str = "NONE") -> TensorRef:
        shape = np.broadcast_shapes(tuple(a.shape), tuple(b.shape))
        scale = max(float(a.scale), float(b.scale)) * float(self.rng.uniform(1.0, 2.0))
        y = self._act(a, shape, (scale, int(self.rng.integers(-20, 21))))
        self.mb.op("ADD", [a, b], [y], {"fused_activation_function": act})
        self.layers.append(f"add/{act}->{list(shape)}")
        return y

    def pad(self, src: TensorRef, top: int, bottom: int, left: int, right: int) -> TensorRef:
        """PAD (zero point fill) of H and W; the next CONV_2D / DEPTHWISE_CONV_2D folds it."""
        n, h, w, c = src.shape
        shape = (n, h + top + bottom, w + left + right, c)
        y = self._act(src, shape, (float(src.scale), int(src.zero_point)))
        self.mb.op("PAD", [src, self.mb.int32([[0, 0], [top, bottom], [left, right], [0, 0]])],
                   [y])
        self.layers.append(f"pad{top},{bottom},{left},{right}->{list(shape)}")
        return y

    def fc(self, src: TensorRef, units: int) -> TensorRef:
        """FULLY_CONNECTED over the whole (flattened) activation: [1, units]."""
        depth = int(np.prod(src.shape[1:]))
        wq, ws = random_conv_weights(self.rng, [units, depth], False, scale_range=(0.002, 0.01))
        W = self.mb.const(wq, scale=ws, zero_point=0)
        bq, bs = random_bias(self.rng, units, float(src.scale), ws)
        B = self.mb.const(bq, scale=bs, zero_point=0)
        y = self._act(src, (1, units), self._out_q(src, ws, depth))
        self.mb.op("FULLY_CONNECTED", [src, W, B], [y],
                   {"fused_activation_function": "NONE", "keep_num_dims": False})
        self.layers.append(f"fc->{[1, units]}")
        return y

    def build(self, outputs) -> bytes:
        return self.mb.build(self.inputs, list(outputs))

    def describe(self) -> str:
        return " | ".join(self.layers)


def steps_of(data: bytes, **options) -> list:
    """The compiled graph's operators (their positions are the step numbers of `fuse`)."""
    from tinyengine_pio import compile_model
    return list(compile_model(data, emit=False, **options).graph.operators)


def step_range(data: bytes, first_op: int, last_op: int, **options) -> tuple[int, int]:
    """(first step, last step) of the model's operators first_op..last_op (.tflite indices,
    inclusive), whichever were left after the passes; they must be consecutive steps."""
    ops = steps_of(data, **options)
    steps = [s for s, op in enumerate(ops) if first_op <= op.index <= last_op]
    assert steps == list(range(steps[0], steps[-1] + 1)), \
        f"operators {first_op}-{last_op} are not consecutive steps: {steps}"
    return steps[0], steps[-1]
