"""Random small float32 graphs for differential fuzzing with TFLM (the float twin of
randgraph.py, which draws int8 graphs).

``random_float_model(seed)`` draws 1-7 operators over the float32 implementations
(tinyengine_pio/ops/float32/): convolutions, pools, fully connected layers behind a flattening
RESHAPE, element-wise activations, broadcasting binaries against another branch or a constant,
softmax, reductions, concatenations, pads, transposes, resizes, slices; fan-out and residual
adds; sometimes an intermediate tensor as a second output. Weights are drawn with variance
1 / fan-in so values stay O(1) however deep the graph, which keeps TFLM's and our libm-free
exp / tanh / log within the float tolerance after a few layers. Deterministic in the seed;
OPS is fixed per generator version (a new entry changes every graph)."""
from __future__ import annotations

import numpy as np

from . import opmodels  # noqa: F401  (registers the newer operators' options tables)
from .builder import OP_OPTIONS, ModelBuilder, fb

OP_OPTIONS.setdefault("LEAKY_RELU", ("LeakyReluOptions", fb.LeakyReluOptionsT))
OP_OPTIONS.setdefault("DIV", ("DivOptions", fb.DivOptionsT))

VERSION = 1
OPS = {
    "CONV_2D": 5, "DEPTHWISE_CONV_2D": 4, "FULLY_CONNECTED": 4, "AVERAGE_POOL_2D": 2,
    "MAX_POOL_2D": 2, "ADD": 4, "SUB": 2, "MUL": 3, "MAXIMUM": 1, "MINIMUM": 1,
    "SQUARED_DIFFERENCE": 1, "DIV": 1, "RELU": 2, "RELU6": 2, "LOGISTIC": 2, "TANH": 2,
    "HARD_SWISH": 1, "LEAKY_RELU": 1, "ABS": 1, "SOFTMAX": 2, "MEAN": 2, "CONCATENATION": 2,
    "PAD": 2, "TRANSPOSE": 1, "RESIZE_NEAREST_NEIGHBOR": 1, "RESIZE_BILINEAR": 1,
    "STRIDED_SLICE": 1, "RESHAPE": 1,
}
FUSED = ["NONE", "NONE", "RELU", "RELU6", "RELU_N1_TO_1"]
MAX_ELEMS = 1024


class _Draw:
    def __init__(self, seed: int):
        self.rng = np.random.default_rng(seed)
        self.mb = ModelBuilder(description=f"randgraph_float v{VERSION} seed {seed}")
        self.tensors: list[tuple[object, tuple]] = []     # (ref, shape) readable so far
        self.ops: list[str] = []

    # --- helpers ----------------------------------------------------------------------
    def r(self, lo: int, hi: int) -> int:
        return int(self.rng.integers(lo, hi + 1))

    def chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    def act(self) -> str:
        return str(self.rng.choice(FUSED))

    def weights(self, shape, fan_in: int) -> object:
        w = self.rng.standard_normal(shape) / np.sqrt(max(1, fan_in))
        return self.mb.const(w.astype(np.float32))

    def new(self, shape) -> object:
        return self.mb.tensor(list(shape), "float32")

    def emit(self, kind: str, ins, shape, options=None) -> None:
        y = self.new(shape)
        self.mb.op(kind, ins, [y], options or {})
        self.tensors.append((y, tuple(shape)))
        self.ops.append(kind)

    # --- operators --------------------------------------------------------------------
    def conv(self, x, s):
        n, h, w, c = s
        kh, kw = self.r(1, min(3, h)), self.r(1, min(3, w))
        sh, sw = self.r(1, 2), self.r(1, 2)
        pad = "SAME" if self.chance(0.6) else "VALID"
        oh = -(-h // sh) if pad == "SAME" else (h - kh) // sh + 1
        ow = -(-w // sw) if pad == "SAME" else (w - kw) // sw + 1
        oc = self.r(1, 8)
        opts = {"padding": pad, "stride_h": sh, "stride_w": sw, "dilation_h_factor": 1,
                "dilation_w_factor": 1, "fused_activation_function": self.act()}
        bias = self.weights([oc], 4) if self.chance(0.8) else None
        self.emit("CONV_2D", [x, self.weights([oc, kh, kw, c], kh * kw * c), bias],
                  (n, oh, ow, oc), opts)

    def depthwise(self, x, s):
        n, h, w, c = s
        kh, kw = self.r(1, min(3, h)), self.r(1, min(3, w))
        mult = 1 if self.chance(0.8) else 2
        sh = sw = self.r(1, 2)
        pad = "SAME" if self.chance(0.6) else "VALID"
        oh = -(-h // sh) if pad == "SAME" else (h - kh) // sh + 1
        ow = -(-w // sw) if pad == "SAME" else (w - kw) // sw + 1
        opts = {"padding": pad, "stride_h": sh, "stride_w": sw, "depth_multiplier": mult,
                "dilation_h_factor": 1, "dilation_w_factor": 1,
                "fused_activation_function": self.act()}
        self.emit("DEPTHWISE_CONV_2D", [x, self.weights([1, kh, kw, c * mult], kh * kw),
                                        self.weights([c * mult], 4)], (n, oh, ow, c * mult), opts)

    def pool(self, x, s, kind):
        n, h, w, c = s
        fh, fw = self.r(1, min(3, h)), self.r(1, min(3, w))
        sh, sw = self.r(1, 2), self.r(1, 2)
        pad = "SAME" if self.chance(0.5) else "VALID"
        oh = -(-h // sh) if pad == "SAME" else (h - fh) // sh + 1
        ow = -(-w // sw) if pad == "SAME" else (w - fw) // sw + 1
        self.emit(kind, [x], (n, oh, ow, c), {"padding": pad, "stride_h": sh, "stride_w": sw,
                                              "filter_height": fh, "filter_width": fw,
                                              "fused_activation_function": self.act()})

    def fc(self, x, s):
        k = int(np.prod(s[1:])) if len(s) > 1 else int(s[0])
        if len(s) != 2:
            flat = (s[0], k) if len(s) > 1 else (1, k)
            self.emit("RESHAPE", [x, self.mb.const(np.array(flat, np.int32))], flat,
                      {"new_shape": list(flat)})
            x = self.tensors[-1][0]
        units = self.r(1, 16)
        bias = self.weights([units], 4) if self.chance(0.7) else None
        self.emit("FULLY_CONNECTED", [x, self.weights([units, k], k), bias],
                  (s[0] if len(s) > 1 else 1, units),
                  {"fused_activation_function": self.act()})

    def binary(self, x, s, kind, other=None):
        if other is not None:
            pass
        elif kind == "DIV":                             # a constant divisor away from zero
            bshape = tuple(d if self.chance(0.5) else 1 for d in s)[-self.r(1, len(s)):]
            v = self.rng.standard_normal(bshape)
            other = self.mb.const(np.where(np.abs(v) < 0.25, 0.25 + np.abs(v), v)
                                  .astype(np.float32))
        else:
            same = [t for t, ts in self.tensors if ts == s and t is not x]
            if same and self.chance(0.6):
                other = same[self.r(0, len(same) - 1)]
            elif self.chance(0.2):
                other = x                               # ADD(x, x)
            else:
                bshape = tuple(d if self.chance(0.5) else 1 for d in s)[-self.r(1, len(s)):]
                other = self.mb.const(self.rng.standard_normal(bshape).astype(np.float32))
        opts = {"fused_activation_function": self.act()} if kind in ("ADD", "SUB", "MUL",
                                                                      "DIV") else {}
        self.emit(kind, [x, other], s, opts)

    def unary(self, x, s, kind):
        opts = {"alpha": float(np.float32(self.rng.uniform(0.05, 0.5)))} \
            if kind == "LEAKY_RELU" else {}
        self.emit(kind, [x], s, opts)

    def softmax(self, x, s):
        beta = 1.0 if self.chance(0.7) else float(np.float32(self.rng.uniform(0.3, 2.0)))
        self.emit("SOFTMAX", [x], s, {"beta": beta})

    def mean(self, x, s):
        axes = [1, 2] if len(s) == 4 and self.chance(0.7) else [len(s) - 1]
        keep = self.chance(0.5) or len(axes) == len(s)      # no rank-0 tensors
        out = tuple(1 if i in axes else d for i, d in enumerate(s)) if keep else \
            tuple(d for i, d in enumerate(s) if i not in axes)
        self.emit("MEAN", [x, self.mb.const(np.array(axes, np.int32))], out,
                  {"keep_dims": keep})

    def concat(self, x, s):
        same = [t for t, ts in self.tensors if ts == s]
        other = same[self.r(0, len(same) - 1)]
        axis = len(s) - 1
        out = tuple(d * 2 if i == axis else d for i, d in enumerate(s))
        self.emit("CONCATENATION", [x, other], out, {"axis": axis,
                                                      "fused_activation_function": "NONE"})

    def pad(self, x, s):
        p = np.array([[0, 0]] + [[self.r(0, 1), self.r(0, 2)] for _ in s[1:]], np.int32)
        self.emit("PAD", [x, self.mb.const(p)], tuple(int(d + a + b) for d, (a, b) in zip(s, p)))

    def transpose(self, x, s):
        perm = [0] + list(self.rng.permutation(np.arange(1, len(s))))
        self.emit("TRANSPOSE", [x, self.mb.const(np.array(perm, np.int32))],
                  tuple(s[p] for p in perm))

    def resize(self, x, s, kind):
        n, h, w, c = s
        oh, ow = self.r(1, 2 * h), self.r(1, 2 * w)
        opts = {"align_corners": False, "half_pixel_centers": self.chance(0.5)}
        self.emit(kind, [x, self.mb.const(np.array([oh, ow], np.int32))], (n, oh, ow, c), opts)

    def strided_slice(self, x, s):
        begin = [self.r(0, d - 1) for d in s]
        end = [self.r(b + 1, d) for b, d in zip(begin, s)]
        out = tuple(e - b for b, e in zip(begin, end))
        self.emit("STRIDED_SLICE", [x, self.mb.const(np.array(begin, np.int32)),
                                    self.mb.const(np.array(end, np.int32)),
                                    self.mb.const(np.ones(len(s), np.int32))], out,
                  {"begin_mask": 0, "end_mask": 0, "ellipsis_mask": 0, "new_axis_mask": 0,
                   "shrink_axis_mask": 0})

    def reshape(self, x, s):
        total = int(np.prod(s))
        out = (1, total) if len(s) != 2 else (1, s[1], 1, s[0]) if s[0] == 1 else (total,)
        self.emit("RESHAPE", [x, self.mb.const(np.array(out, np.int32))], out,
                  {"new_shape": list(out)})

    # --- the draw ---------------------------------------------------------------------
    def step(self) -> None:
        x, s = self.tensors[-1] if self.chance(0.7) else \
            self.tensors[self.r(0, len(self.tensors) - 1)]
        four = len(s) == 4
        kinds, weights = zip(*OPS.items())
        p = np.array(weights, float) / sum(weights)
        for _ in range(20):
            kind = str(self.rng.choice(kinds, p=p))
            if kind in ("CONV_2D", "DEPTHWISE_CONV_2D", "AVERAGE_POOL_2D", "MAX_POOL_2D",
                        "RESIZE_NEAREST_NEIGHBOR", "RESIZE_BILINEAR") and not four:
                continue
            if kind in ("CONCATENATION", "PAD", "TRANSPOSE") and int(np.prod(s)) * 2 > MAX_ELEMS:
                continue
            if kind.startswith("RESIZE") and int(np.prod(s)) * 4 > MAX_ELEMS:
                continue
            break
        else:
            kind = "RELU"
        if kind == "CONV_2D":
            self.conv(x, s)
        elif kind == "DEPTHWISE_CONV_2D":
            self.depthwise(x, s)
        elif kind in ("AVERAGE_POOL_2D", "MAX_POOL_2D"):
            self.pool(x, s, kind)
        elif kind == "FULLY_CONNECTED":
            self.fc(x, s)
        elif kind in ("ADD", "SUB", "MUL", "MAXIMUM", "MINIMUM", "SQUARED_DIFFERENCE", "DIV"):
            self.binary(x, s, kind)
        elif kind == "SOFTMAX":
            self.softmax(x, s)
        elif kind == "MEAN":
            self.mean(x, s)
        elif kind == "CONCATENATION":
            self.concat(x, s)
        elif kind == "PAD":
            self.pad(x, s)
        elif kind == "TRANSPOSE":
            self.transpose(x, s)
        elif kind.startswith("RESIZE"):
            self.resize(x, s, kind)
        elif kind == "STRIDED_SLICE":
            self.strided_slice(x, s)
        elif kind == "RESHAPE":
            self.reshape(x, s)
        else:
            self.unary(x, s, kind)

    def model(self) -> bytes:
        if self.chance(0.75):
            shape = (1, self.r(2, 8), self.r(2, 8), self.r(1, 6))
        else:
            shape = (self.r(1, 3), self.r(2, 32))
        x = self.new(shape)
        self.tensors.append((x, shape))
        inputs = [x]
        if self.chance(0.25):                    # a second input, joined by a binary first
            x2 = self.new(shape)
            inputs.append(x2)
            self.binary(x, shape, str(self.rng.choice(["ADD", "MUL", "SUB", "MAXIMUM"])), x2)
            self.tensors.insert(1, (x2, shape))
        for _ in range(self.r(1, 7)):
            self.step()
        outputs = [self.tensors[-1][0]]
        inner = [t for t, _ in self.tensors[len(inputs):-1] if t not in inputs]
        if inner and self.chance(0.3):
            outputs.append(inner[self.r(0, len(inner) - 1)])
        return self.mb.build(inputs, outputs)


def random_float_model(seed: int) -> bytes:
    return _Draw(seed).model()


def random_float_ops(seed: int) -> list[str]:
    d = _Draw(seed)
    d.model()
    return d.ops
