"""Random small int8 graphs over the supported operators, for differential fuzzing with TFLM.

``random_spec(seed)`` draws a :class:`GraphSpec`: 1-8 operators over every builtin the compiler
registers (tinyengine_pio/ops), on tensors of a few hundred elements, with the quantization a
converter would produce (per-channel weights, an op's output scale taken from a plausible range
of its real output, sometimes off by a factor to exercise saturation) and random options
(strides, SAME/VALID, dilation, fused activations, keep_dims, axes...). The graph shapes are the
ones that broke compilers before: fan-out, residual adds (``ADD(x, f(x))``, ``ADD(x, x)``),
chains of unary ops, concatenations of branches (requantized to a common scale by a QUANTIZE, as
converters do), pads before convs, reshapes, several inputs and outputs, intermediate tensors
exposed as outputs while later ops still read them, graph inputs that are also outputs, and float
I/O through QUANTIZE / DEQUANTIZE at the edges.

``random_model(seed)`` is ``random_spec(seed).to_bytes()``. A spec can be cut down for
minimisation: :meth:`GraphSpec.cut` turns an operator's outputs into graph inputs (dropping the
operator and whatever only fed it), :meth:`GraphSpec.with_outputs` keeps some outputs; both prune
dead operators. Everything is deterministic in the seed.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace

import numpy as np

from .builder import ModelBuilder

__all__ = ["OPS", "GraphSpec", "OpSpec", "TSpec", "random_model", "random_spec"]

# the builtins drawn (weights: how often, relative); QUANTIZE / DEQUANTIZE also appear at the
# float edges and as the requantization in front of a CONCATENATION
OPS = {
    "CONV_2D": 6, "DEPTHWISE_CONV_2D": 5, "FULLY_CONNECTED": 4, "ADD": 5, "MUL": 4,
    "AVERAGE_POOL_2D": 3, "MAX_POOL_2D": 3, "MEAN": 3, "PAD": 3, "PADV2": 2, "RESHAPE": 3,
    "SQUEEZE": 2, "TRANSPOSE": 3, "CONCATENATION": 4, "SOFTMAX": 3, "LOGISTIC": 3, "TANH": 3,
    "RELU": 3, "RELU6": 3, "HARD_SWISH": 3, "QUANTIZE": 2, "RESIZE_NEAREST_NEIGHBOR": 3,
}
# Operators registered after this generator's draws were fixed (the corpus replays seeds, so a
# new entry in OPS changes every graph): each has its own TFLM tests under tests/ops/ and is
# listed here until a versioned generator draws it too. Ops that are always folded at compile
# time (OpDef.reads_data False, e.g. SHAPE) never reach the generated code and are not listed.
NOT_YET_DRAWN = frozenset({
    "STRIDED_SLICE", "SLICE", "PACK", "UNPACK", "EXPAND_DIMS", "SPLIT", "SPLIT_V", "GATHER",
    "SUB", "MINIMUM", "MAXIMUM", "SQUARED_DIFFERENCE", "LEAKY_RELU", "PRELU", "ABS", "CAST",
    "ARG_MAX", "ARG_MIN", "REDUCE_MAX", "SUM", "DEPTH_TO_SPACE", "SPACE_TO_DEPTH",
    "RESIZE_BILINEAR",
    "RSQRT", "LOG_SOFTMAX", "L2_NORMALIZATION",
    "TRANSPOSE_CONV",
    "BATCH_MATMUL",
    "DIV", "SVDF", "UNIDIRECTIONAL_SEQUENCE_LSTM",
    "SPACE_TO_BATCH_ND", "BATCH_TO_SPACE_ND", "SELECT_V2",
    "EQUAL", "NOT_EQUAL", "LESS", "LESS_EQUAL", "GREATER", "GREATER_EQUAL",
})
MAX_ELEMS = 768          # no activation tensor larger than this
FUSED = ["NONE", "NONE", "RELU", "RELU6", "RELU_N1_TO_1"]


@dataclass
class TSpec:
    shape: tuple
    dtype: str = "int8"
    scale: float | np.ndarray | None = None
    zp: int | np.ndarray | None = None
    quant_dim: int = 0
    data: np.ndarray | None = field(default=None, repr=False)
    lo: float = 0.0        # the real range the generator assumed (for describe())
    hi: float = 0.0

    @property
    def const(self) -> bool:
        return self.data is not None

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))


@dataclass
class OpSpec:
    kind: str
    inputs: list          # tensor ids, None for an omitted optional input
    outputs: list
    options: dict | None = None
    note: str = ""        # what the options mean, for describe()


@dataclass
class GraphSpec:
    seed: int
    tensors: list[TSpec]
    ops: list[OpSpec]
    inputs: list[int]
    outputs: list[int]
    steps: list = field(default_factory=list)   # minimisation steps applied (cut / outputs)

    # -- packing ----------------------------------------------------------

    def to_bytes(self) -> bytes:
        mb = ModelBuilder(f"tests.helpers.randgraph seed {self.seed}")
        refs: dict[int, object] = {}

        def ref(i):
            if i is None:
                return None
            if i not in refs:
                t = self.tensors[i]
                name = f"t{i}"
                if t.const:
                    refs[i] = mb.const(t.data, t.dtype, scale=t.scale, zero_point=t.zp,
                                       quant_dim=t.quant_dim, name=name)
                else:
                    refs[i] = mb.tensor(t.shape, t.dtype, scale=t.scale, zero_point=t.zp,
                                        quant_dim=t.quant_dim, name=name)
            return refs[i]

        for i in self.inputs:
            ref(i)
        for op in self.ops:
            mb.op(op.kind, [ref(i) for i in op.inputs], [ref(o) for o in op.outputs],
                  op.options)
        return mb.build([ref(i) for i in self.inputs], [ref(o) for o in self.outputs])

    # -- description --------------------------------------------------------

    def tdesc(self, i: int) -> str:
        t = self.tensors[i]
        if t.dtype != "int8":
            return f"t{i}{list(t.shape)}{t.dtype}"
        return f"t{i}{list(t.shape)}q({float(np.float32(t.scale)):.4g},{int(t.zp)})"

    def describe(self) -> str:
        lines = [f"seed {self.seed}" + (f" minimised by {self.steps}" if self.steps else ""),
                 "inputs: " + ", ".join(self.tdesc(i) for i in self.inputs)]
        for k, op in enumerate(self.ops):
            ins = ", ".join("-" if i is None else
                            (f"const{list(self.tensors[i].shape)}" if self.tensors[i].const
                             else f"t{i}") for i in op.inputs)
            outs = ", ".join(self.tdesc(o) for o in op.outputs)
            lines.append(f"  #{k} {op.kind}({ins}){' ' + op.note if op.note else ''} -> {outs}")
        lines.append("outputs: " + ", ".join(f"t{o}" for o in self.outputs))
        return "\n".join(lines)

    def summary(self) -> str:
        """One line: the operators in order and the I/O counts."""
        return (f"{len(self.inputs)} in/{len(self.outputs)} out: "
                + " ".join(op.kind for op in self.ops))

    # -- minimisation ---------------------------------------------------------

    def pruned(self) -> GraphSpec:
        """Drop operators none of whose outputs reaches a graph output, and unread inputs."""
        need = set(self.outputs)
        keep = []
        for op in reversed(self.ops):
            if any(o in need for o in op.outputs):
                keep.append(op)
                need.update(i for i in op.inputs if i is not None)
        keep.reverse()
        read = {i for op in keep for i in op.inputs if i is not None} | set(self.outputs)
        return replace(self, ops=keep, inputs=[i for i in self.inputs if i in read])

    def cut(self, k: int) -> GraphSpec:
        """Operator k removed, its outputs made graph inputs (int8 activations only)."""
        op = self.ops[k]
        if any(self.tensors[o].dtype != "int8" for o in op.outputs):
            raise ValueError(f"operator #{k} {op.kind} has a non-int8 output")
        ops = self.ops[:k] + self.ops[k + 1:]
        g = replace(self, ops=ops, inputs=self.inputs + [o for o in op.outputs
                                                           if o not in self.inputs],
                    steps=self.steps + [["cut", k]])
        return g.pruned()

    def with_outputs(self, outputs: list[int]) -> GraphSpec:
        return replace(self, outputs=list(outputs),
                       steps=self.steps + [["outputs", list(outputs)]]).pruned()

    def replay(self, steps) -> GraphSpec:
        g = self
        for kind, arg in steps:
            g = g.cut(arg) if kind == "cut" else g.with_outputs(arg)
        return g


# -- generation ---------------------------------------------------------------


def _f32(x) -> float:
    return float(np.float32(x))


class _Gen:
    def __init__(self, seed: int):
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.tensors: list[TSpec] = []
        self.ops: list[OpSpec] = []
        self.inputs: list[int] = []
        self.produced: list[int] = []       # int8 activations available to later ops

    # random helpers
    def chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    def pick(self, seq):
        return seq[int(self.rng.integers(len(seq)))]

    def randint(self, lo: int, hi: int) -> int:      # inclusive
        return int(self.rng.integers(lo, hi + 1))

    # tensors
    def add(self, t: TSpec) -> int:
        self.tensors.append(t)
        return len(self.tensors) - 1

    def quant(self, lo: float, hi: float, jitter: bool = True) -> tuple[float, int]:
        """A converter's (scale, zero point) for real range [lo, hi]: the range widened to hold
        0, scale = range / 255, zero point placing lo at -128; sometimes off by a factor."""
        lo, hi = min(lo, 0.0), max(hi, 0.0)
        if hi - lo < 1e-3:
            hi = lo + 1e-3
        scale = (hi - lo) / 255.0
        if jitter:
            scale *= float(self.rng.uniform(0.85, 1.2))
            if self.chance(0.08):          # a badly calibrated tensor: saturation / coarse steps
                scale *= float(10 ** self.rng.uniform(-1.0, 1.0))
        scale = _f32(scale)
        zp = int(np.clip(round(-128 - lo / scale), -128, 127))
        return scale, zp

    def act(self, shape, lo, hi, q=None) -> int:
        s, z = q if q is not None else self.quant(lo, hi)
        lo_r, hi_r = (-128 - z) * s, (127 - z) * s
        return self.add(TSpec(tuple(int(d) for d in shape), "int8", s, z, lo=lo_r, hi=hi_r))

    def same_q(self, x: int, shape) -> int:
        t = self.tensors[x]
        return self.add(TSpec(tuple(int(d) for d in shape), "int8", t.scale, t.zp, lo=t.lo,
                              hi=t.hi))

    def int32(self, values) -> int:
        return self.add(TSpec(np.shape(values), "int32", data=np.asarray(values, np.int32)))

    def new_input(self, shape) -> int:
        lo = -float(self.rng.uniform(0.0, 3.0)) if self.chance(0.7) else 0.0
        hi = float(self.rng.uniform(0.3, 4.0))
        i = self.act(shape, lo, hi)
        self.inputs.append(i)
        return i

    def emit(self, kind, inputs, outputs, options=None, note="") -> None:
        self.ops.append(OpSpec(kind, list(inputs), list(outputs), options, note))
        self.produced.extend(o for o in outputs if self.tensors[o].dtype == "int8")

    @staticmethod
    def rms(t: TSpec) -> float:
        mid, half = (t.lo + t.hi) / 2, (t.hi - t.lo) / 2
        return float(np.sqrt(mid * mid + (half / 2) ** 2)) + 1e-6

    def fused_range(self, act: str, lo: float, hi: float) -> tuple[float, float]:
        if act == "RELU":
            return 0.0, max(hi, 1e-2)
        if act == "RELU6":
            return 0.0, min(max(hi, 1e-2), 6.0)
        if act == "RELU_N1_TO_1":
            return max(lo, -1.0), min(hi, 1.0)
        return lo, hi

    def random_shape(self, rank: int | None = None) -> tuple:
        rank = rank or self.pick([4, 4, 4, 2, 2, 3])
        while True:
            if rank == 4:
                s = (1, self.randint(1, 9), self.randint(1, 9), self.randint(1, 12))
            elif rank == 3:
                s = (1, self.randint(1, 12), self.randint(1, 16))
            else:
                s = (self.pick([1, 1, 1, 2, 3]), self.randint(1, 48))
            if int(np.prod(s)) <= 400:
                return s

    def weights(self, shape, quant_dim: int, per_channel: bool, fan_in: int):
        """Symmetric int8 weights as a converter quantizes He-initialised floats: each channel's
        largest magnitude maps to 127."""
        real = self.rng.standard_normal(shape) * np.sqrt(2.0 / max(fan_in, 1))
        axes = tuple(a for a in range(len(shape)) if a != quant_dim)
        if per_channel:
            amax = np.max(np.abs(real), axis=axes, keepdims=True) + 1e-9
            scales = (amax / 127.0).reshape(-1).astype(np.float32)
            q = np.round(real / amax * 127)
        else:
            amax = float(np.max(np.abs(real))) + 1e-9
            scales = np.float32(amax / 127.0)
            q = np.round(real / amax * 127)
        q = np.clip(q, -127, 127).astype(np.int8)
        w_std = float(np.std(real))
        return q, scales, w_std

    def bias(self, n: int, in_scale: float, w_scales, out_sigma: float):
        ws = np.broadcast_to(np.asarray(w_scales, np.float64), (n,))
        bs = (np.float64(in_scale) * ws).astype(np.float32)
        real = self.rng.standard_normal(n) * 0.3 * out_sigma
        q = np.clip(np.round(real / bs), -(1 << 24), 1 << 24).astype(np.int32)
        return q, (bs if np.size(w_scales) > 1 else float(bs[0]))

    # -- operators: each returns True when it emitted something ------------------

    def op_conv(self, x: int, depthwise: bool) -> bool:
        t = self.tensors[x]
        if len(t.shape) != 4:
            return False
        n, h, w, c = t.shape
        kh, kw = self.pick([1, 1, 2, 3, 3, 3, 5]), self.pick([1, 1, 2, 3, 3, 3, 5])
        if self.chance(0.3):
            kw = kh
        sh = sw = self.pick([1, 1, 1, 2])
        if self.chance(0.15):
            sw = self.pick([1, 2, 3])
        dh = dw = 1
        if sh == sw == 1 and self.chance(0.2):
            dh, dw = self.pick([1, 2]), self.pick([1, 2, 3])
        padding = self.pick(["SAME", "VALID"])
        eh, ew = (kh - 1) * dh + 1, (kw - 1) * dw + 1
        if padding == "VALID" and (eh > h or ew > w):
            padding = "SAME"
        oh = -(-h // sh) if padding == "SAME" else (h - eh) // sh + 1
        ow = -(-w // sw) if padding == "SAME" else (w - ew) // sw + 1
        act = self.pick(FUSED)
        per_channel = self.chance(0.8)
        if depthwise:
            mult = self.pick([1, 1, 1, 2, 3])
            oc = c * mult
            if oh * ow * oc > MAX_ELEMS:
                return False
            wq, ws, w_std = self.weights((1, kh, kw, oc), 3, per_channel, kh * kw)
            fan_in, opts = kh * kw, {"depth_multiplier": mult}
            qd = 3
        else:
            groups = 1
            if c > 1 and self.chance(0.1):
                groups = self.pick([g for g in range(2, c + 1) if c % g == 0])
            oc = self.randint(1, 12)
            oc = max(groups, oc - oc % groups)
            if oh * ow * oc > MAX_ELEMS:
                oc = max(groups, (MAX_ELEMS // (oh * ow)) // groups * groups)
                if oh * ow * oc > MAX_ELEMS:
                    return False
            fc = c // groups
            wq, ws, w_std = self.weights((oc, kh, kw, fc), 0, per_channel, kh * kw * fc)
            fan_in, opts, qd = kh * kw * fc, {}, 0
        sigma = np.sqrt(fan_in) * w_std * self.rms(t)
        lo, hi = -3 * sigma * self.rng.uniform(0.5, 1.5), 3 * sigma * self.rng.uniform(0.5, 1.5)
        W = self.add(TSpec(wq.shape, "int8", ws, 0, qd, wq))
        B = None
        if depthwise or self.chance(0.9):   # TFLM's int8 depthwise crashes without a bias
            bq, bs = self.bias(oc, t.scale, ws, sigma)
            B = self.add(TSpec(bq.shape, "int32", bs, 0, 0, bq))
        y = self.act((n, oh, ow, oc), *self.fused_range(act, lo, hi))
        opts.update(padding=padding, stride_h=sh, stride_w=sw, dilation_h_factor=dh,
                    dilation_w_factor=dw, fused_activation_function=act)
        note = (f"k{kh}x{kw} s{sh}x{sw} d{dh}x{dw} {padding} {act}"
                f"{' pc' if per_channel else ' pt'}{'' if B is not None else ' nobias'}"
                + (f" dm{opts['depth_multiplier']}" if depthwise else
                   (f" groups{c // wq.shape[3]}" if wq.shape[3] != c else "")))
        self.emit("DEPTHWISE_CONV_2D" if depthwise else "CONV_2D", [x, W, B], [y], opts, note)
        return True

    def op_fc(self, x: int) -> bool:
        t = self.tensors[x]
        keep = False
        if len(t.shape) > 2 and self.chance(0.4):
            depth = t.shape[-1]
            keep = self.chance(0.5)
        elif self.chance(0.2) and len(t.shape) >= 2:
            depth = t.shape[-1]
        else:
            depth = t.size // t.shape[0] if len(t.shape) == 2 else t.size
        batches = t.size // depth
        units = self.randint(1, 16)
        if batches * units > MAX_ELEMS:
            return False
        per_channel = self.chance(0.3)
        wq, ws, w_std = self.weights((units, depth), 0, per_channel, depth)
        sigma = np.sqrt(depth) * w_std * self.rms(t)
        W = self.add(TSpec(wq.shape, "int8", ws, 0, 0, wq))
        B = None
        if self.chance(0.85):
            bq, bs = self.bias(units, t.scale, ws, sigma)
            B = self.add(TSpec(bq.shape, "int32", bs, 0, 0, bq))
        act = self.pick(FUSED)
        lo, hi = -3 * sigma * self.rng.uniform(0.5, 1.5), 3 * sigma * self.rng.uniform(0.5, 1.5)
        shape = t.shape[:-1] + (units,) if keep else (batches, units)
        y = self.act(shape, *self.fused_range(act, lo, hi))
        self.emit("FULLY_CONNECTED", [x, W, B], [y],
                  {"fused_activation_function": act, "keep_num_dims": keep},
                  f"depth{depth} units{units} {act}{' pc' if per_channel else ''}"
                  f"{' keep_num_dims' if keep else ''}")
        return True

    def partner(self, x: int, allow_broadcast: bool) -> tuple[int, str]:
        """A second operand for a binary op: x itself, another activation of the same (or a
        broadcastable) shape, a new graph input, or a constant."""
        t = self.tensors[x]
        same = [p for p in self.produced + self.inputs
                if p != x and self.tensors[p].shape == t.shape and self.tensors[p].dtype == "int8"]
        bcast = []
        if allow_broadcast:
            bcast = [p for p in self.produced + self.inputs if p != x
                     and self.tensors[p].dtype == "int8"
                     and len(self.tensors[p].shape) == len(t.shape)
                     and self.tensors[p].shape != t.shape
                     and all(a == b or b == 1 for a, b in zip(t.shape, self.tensors[p].shape))]
        r = self.rng.random()
        if same and r < 0.45:
            return self.pick(same), "branch"
        if bcast and r < 0.6:
            return self.pick(bcast), "broadcast branch"
        if r < 0.7:
            return x, "x,x"
        if allow_broadcast and self.chance(0.5):
            rank = len(t.shape)
            shape = list(t.shape)
            for d in range(rank):
                if self.chance(0.5):
                    shape[d] = 1
            if self.chance(0.3):       # lower rank: [C] / [W, C]
                shape = shape[self.randint(1, rank - 1):] if rank > 1 else shape
        else:
            shape = list(t.shape)
        if self.chance(0.5):
            return self.new_input(tuple(shape)), "new input"
        lo, hi = -float(self.rng.uniform(0, 2)), float(self.rng.uniform(0.2, 2))
        s, z = self.quant(lo, hi)
        data = self.rng.integers(-128, 128, size=tuple(shape)).astype(np.int8)
        return self.add(TSpec(tuple(shape), "int8", s, z, 0, data, lo=(-128 - z) * s,
                              hi=(127 - z) * s)), "const"

    def op_binary(self, x: int, kind: str) -> bool:
        y_, how = self.partner(x, allow_broadcast=True)
        a, b = self.tensors[x], self.tensors[y_]
        if self.chance(0.3):
            x, y_ = y_, x
            a, b = b, a
        out_shape = tuple(np.broadcast_shapes(a.shape, b.shape))
        if kind == "ADD":
            lo, hi = a.lo + b.lo, a.hi + b.hi
            if how == "branch":            # residual-like: the sum rarely reaches both extremes
                lo, hi = lo * 0.7, hi * 0.7
        else:
            prods = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi]
            lo, hi = min(prods), max(prods)
        act = self.pick(FUSED)
        out = self.act(out_shape, *self.fused_range(act, lo, hi))
        self.emit(kind, [x, y_], [out], {"fused_activation_function": act}, f"{how} {act}")
        return True

    def op_pool(self, x: int, kind: str) -> bool:
        t = self.tensors[x]
        if len(t.shape) != 4:
            return False
        n, h, w, c = t.shape
        fh, fw = self.pick([1, 2, 2, 3]), self.pick([1, 2, 2, 3])
        if self.chance(0.15):
            fh, fw = h, w                  # global pooling
        sh, sw = self.pick([1, 2, 2]), self.pick([1, 2, 2])
        padding = self.pick(["SAME", "VALID"])
        if padding == "VALID" and (fh > h or fw > w):
            padding = "SAME"
        oh = -(-h // sh) if padding == "SAME" else (h - fh) // sh + 1
        ow = -(-w // sw) if padding == "SAME" else (w - fw) // sw + 1
        act = self.pick(["NONE", "NONE", "NONE", "RELU", "RELU6"])
        y = self.same_q(x, (n, oh, ow, c))
        self.emit(kind, [x], [y], {"padding": padding, "stride_h": sh, "stride_w": sw,
                                       "filter_height": fh, "filter_width": fw,
                                       "fused_activation_function": act},
                  f"f{fh}x{fw} s{sh}x{sw} {padding} {act}")
        return True

    def op_mean(self, x: int) -> bool:
        t = self.tensors[x]
        rank = len(t.shape)
        if rank == 4 and self.chance(0.6):
            axes = [1, 2]
        else:
            axes = sorted(self.rng.choice(rank, size=self.randint(1, rank), replace=False).tolist())
        if self.chance(0.2):
            axes = [a - rank for a in axes]          # negative axes
        keep = self.chance(0.5)
        red = {a % rank for a in axes}
        shape = tuple(1 if i in red else d for i, d in enumerate(t.shape)) if keep else \
            tuple(d for i, d in enumerate(t.shape) if i not in red)
        if len(shape) == 0:
            return False
        shrink = float(self.rng.uniform(0.3, 1.0))
        mid = (t.lo + t.hi) / 2
        lo, hi = mid + (t.lo - mid) * shrink, mid + (t.hi - mid) * shrink
        y = self.act(shape, lo, hi)
        self.emit("MEAN", [x, self.int32(axes)], [y], {"keep_dims": keep},
                  f"axes{axes} keep_dims={keep}")
        return True

    def op_pad(self, x: int, v2: bool) -> bool:
        t = self.tensors[x]
        rank = len(t.shape)
        pads = np.zeros((rank, 2), np.int32)
        for d in range(rank):
            if d == 0 and rank == 4 and not self.chance(0.05):
                continue
            if self.chance(0.6):
                pads[d] = [self.randint(0, 2), self.randint(0, 2)]
        out = tuple(int(s + a + b) for s, (a, b) in zip(t.shape, pads))
        if int(np.prod(out)) > MAX_ELEMS:
            return False
        y = self.same_q(x, out)
        ins = [x, self.int32(pads)]
        note = f"pads{pads.tolist()}"
        if v2:
            v = np.array([self.randint(-128, 127)], np.int8)
            ins.append(self.add(TSpec((1,), "int8", t.scale, t.zp, 0, v)))
            note += f" value {int(v[0])}"
        self.emit("PADV2" if v2 else "PAD", ins, [y], None, note)
        # a pad usually feeds a VALID conv / pool (the fold_pad pass's pattern)
        if len(out) == 4 and self.chance(0.5):
            self.pending_after_pad = y
        return True

    def factor_shape(self, size: int) -> tuple:
        rank = self.pick([2, 2, 3, 4])
        dims = [1] * rank
        rest = size
        primes = []
        k = 2
        while k * k <= rest:
            while rest % k == 0:
                primes.append(k)
                rest //= k
            k += 1
        if rest > 1:
            primes.append(rest)
        for p in primes:
            dims[self.randint(1, rank - 1) if rank > 1 else 0] *= p
        if rank == 4 and self.chance(0.8):
            dims[0] = 1
        return tuple(dims)

    def op_reshape(self, x: int) -> bool:
        t = self.tensors[x]
        shape = self.factor_shape(t.size)
        y = self.same_q(x, shape)
        how = self.pick(["option", "tensor", "both"])
        ins = [x] + ([self.int32(list(shape))] if how != "option" else [])
        opts = {"new_shape": list(shape)} if how != "tensor" else None
        self.emit("RESHAPE", ins, [y], opts, f"new shape via {how}")
        return True

    def op_squeeze(self, x: int) -> bool:
        t = self.tensors[x]
        ones = [i for i, d in enumerate(t.shape) if d == 1]
        if not ones:
            return False
        dims = sorted(self.rng.choice(ones, size=self.randint(1, len(ones)), replace=False).tolist())
        if self.chance(0.15) and len(ones) < len(t.shape):
            dims = []                                  # every size-1 dim
        left = [d for i, d in enumerate(t.shape) if not (t.shape[i] == 1 and (not dims or i in dims))]
        if not left:
            return False
        y = self.same_q(x, tuple(left))
        self.emit("SQUEEZE", [x], [y], {"squeeze_dims": dims}, f"dims{dims}")
        return True

    def op_transpose(self, x: int) -> bool:
        t = self.tensors[x]
        rank = len(t.shape)
        if rank < 2:
            return False
        perm = [int(p) for p in self.rng.permutation(rank)]
        y = self.same_q(x, tuple(t.shape[p] for p in perm))
        self.emit("TRANSPOSE", [x, self.int32(perm)], [y], None, f"perm{perm}")
        return True

    def requant_to(self, src: int, like: int) -> int:
        """A QUANTIZE int8 -> int8 of src into like's quantization (a converter's concat)."""
        t, q = self.tensors[src], self.tensors[like]
        if t.scale == q.scale and t.zp == q.zp:
            return src
        y = self.add(TSpec(t.shape, "int8", q.scale, q.zp, lo=q.lo, hi=q.hi))
        self.emit("QUANTIZE", [src], [y], None, "requantize for concat")
        return y

    def op_concat(self, x: int) -> bool:
        t = self.tensors[x]
        rank = len(t.shape)
        axis = self.randint(0, rank - 1)
        if rank == 4 and self.chance(0.5):
            axis = 3
        parts = [x]
        for _ in range(self.pick([1, 1, 2])):
            cands = [p for p in self.produced + self.inputs if p != x
                     and len(self.tensors[p].shape) == rank and self.tensors[p].dtype == "int8"
                     and all(a == b for i, (a, b) in enumerate(zip(t.shape, self.tensors[p].shape))
                             if i != axis)]
            r = self.rng.random()
            if cands and r < 0.6:
                parts.append(self.pick(cands))
            elif r < 0.8:
                parts.append(x)
            else:
                shape = list(t.shape)
                shape[axis] = self.randint(1, 4)
                parts.append(self.new_input(tuple(shape)))
        shape = list(t.shape)
        shape[axis] = sum(self.tensors[p].shape[axis] for p in parts)
        if int(np.prod(shape)) > MAX_ELEMS:
            return False
        # the output takes the quantization of one part (or of the union); the others requantize
        if self.chance(0.3):
            lo = min(self.tensors[p].lo for p in parts)
            hi = max(self.tensors[p].hi for p in parts)
            # a tensor that only carries the quantization (never packed: nothing reads it)
            ref = self.add(TSpec(t.shape, "int8", *self.quant(lo, hi, jitter=False), lo=lo, hi=hi))
        else:
            ref = self.pick(parts)
        parts = [self.requant_to(p, ref) for p in parts]
        y = self.same_q(ref, tuple(shape))
        if self.chance(0.2):
            axis -= rank
        self.emit("CONCATENATION", parts, [y], {"axis": axis, "fused_activation_function": "NONE"},
                  f"axis {axis}, {len(parts)} parts")
        return True

    def op_unary(self, x: int, kind: str) -> bool:
        t = self.tensors[x]
        if kind == "SOFTMAX":
            beta = 1.0 if self.chance(0.8) else _f32(self.rng.uniform(0.3, 2.0))
            y = self.act(t.shape, 0, 1, (_f32(1 / 256), -128))
            self.emit(kind, [x], [y], {"beta": beta}, f"beta {beta:g}")
        elif kind == "LOGISTIC":
            self.emit(kind, [x], [self.act(t.shape, 0, 1, (_f32(1 / 256), -128))])
        elif kind == "TANH":
            self.emit(kind, [x], [self.act(t.shape, -1, 1, (_f32(1 / 128), 0))])
        elif kind == "RELU":
            self.emit(kind, [x], [self.act(t.shape, 0, max(t.hi, 0.05))])
        elif kind == "RELU6":
            y = self.same_q(x, t.shape) if self.chance(0.7) else self.act(t.shape, 0, 6.0)
            self.emit(kind, [x], [y])
        elif kind == "HARD_SWISH":
            self.emit(kind, [x], [self.act(t.shape, -0.375, max(t.hi, 0.1))])
        elif kind == "QUANTIZE":
            self.emit(kind, [x], [self.act(t.shape, t.lo, t.hi)], None, "int8 requantize")
        return True

    def op_resize(self, x: int) -> bool:
        t = self.tensors[x]
        if len(t.shape) != 4:
            return False
        n, h, w, c = t.shape
        if self.chance(0.5):
            oh, ow = 2 * h, 2 * w
        else:
            oh, ow = self.randint(1, 2 * h + 1), self.randint(1, 2 * w + 1)
        if n * oh * ow * c > MAX_ELEMS:
            return False
        align = self.chance(0.3)
        half = (not align) and self.chance(0.4)
        y = self.same_q(x, (n, oh, ow, c))
        self.emit("RESIZE_NEAREST_NEIGHBOR", [x, self.int32([oh, ow])], [y],
                  {"align_corners": align, "half_pixel_centers": half},
                  f"to {oh}x{ow} align_corners={align} half_pixel={half}")
        return True

    def apply(self, kind: str, x: int) -> bool:
        if kind in ("CONV_2D", "DEPTHWISE_CONV_2D"):
            return self.op_conv(x, kind == "DEPTHWISE_CONV_2D")
        if kind == "FULLY_CONNECTED":
            return self.op_fc(x)
        if kind in ("ADD", "MUL"):
            return self.op_binary(x, kind)
        if kind in ("AVERAGE_POOL_2D", "MAX_POOL_2D"):
            return self.op_pool(x, kind)
        if kind == "MEAN":
            return self.op_mean(x)
        if kind in ("PAD", "PADV2"):
            return self.op_pad(x, kind == "PADV2")
        if kind == "RESHAPE":
            return self.op_reshape(x)
        if kind == "SQUEEZE":
            return self.op_squeeze(x)
        if kind == "TRANSPOSE":
            return self.op_transpose(x)
        if kind == "CONCATENATION":
            return self.op_concat(x)
        if kind == "RESIZE_NEAREST_NEIGHBOR":
            return self.op_resize(x)
        return self.op_unary(x, kind)

    # -- the graph -----------------------------------------------------------------

    def generate(self) -> GraphSpec:
        rng = self.rng
        n_ops = self.pick([1, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 8])
        float_in = self.chance(0.15)
        x = self.new_input(self.random_shape())
        if float_in:
            t = self.tensors[x]
            f = self.add(TSpec(t.shape, "float32"))
            self.inputs[self.inputs.index(x)] = f
            self.emit("QUANTIZE", [f], [x], None, "float input")
        else:
            self.produced.append(x)
        kinds, weights = list(OPS), np.array(list(OPS.values()), float)
        weights /= weights.sum()
        self.pending_after_pad = None
        attempts = 0
        while len(self.ops) < n_ops and attempts < 200:
            attempts += 1
            if self.pending_after_pad is not None:
                x, self.pending_after_pad = self.pending_after_pad, None
                kind = self.pick(["CONV_2D", "DEPTHWISE_CONV_2D", "AVERAGE_POOL_2D",
                                  "MAX_POOL_2D"])
            else:
                pool = self.produced
                x = pool[-1] if (self.chance(0.6) or len(pool) == 1) else self.pick(pool)
                kind = kinds[int(rng.choice(len(kinds), p=weights))]
            self.apply(kind, x)
        return self.finish()

    def finish(self) -> GraphSpec:
        read = {i for op in self.ops for i in op.inputs if i is not None}
        int8_in = [i for i in self.inputs if self.tensors[i].dtype == "int8"]
        outs = [t for t in self.produced if t not in read and t not in self.inputs]
        for t in self.produced:
            if t in read and t not in outs and t not in self.inputs and self.chance(0.15):
                outs.append(t)                  # an intermediate exposed as an output
        for i in int8_in + [o for op in self.ops if op.kind == "QUANTIZE"
                            and self.tensors[op.inputs[0]].dtype == "float32"
                            for o in op.outputs]:
            if self.chance(0.07) and i not in outs:
                outs.append(i)                  # a graph input (or its quantized form) as output
        if not outs:
            outs = [self.produced[-1]]
        outs = [outs[k] for k in self.rng.permutation(len(outs))]
        final = []
        for o in outs:
            if self.chance(0.15):               # float output through DEQUANTIZE
                f = self.add(TSpec(self.tensors[o].shape, "float32"))
                self.ops.append(OpSpec("DEQUANTIZE", [o], [f], None, "float output"))
                final.append(f)
            else:
                final.append(o)
        if len(self.inputs) > 1 and self.chance(0.5):
            self.inputs = [self.inputs[k] for k in self.rng.permutation(len(self.inputs))]
        return GraphSpec(self.seed, self.tensors, self.ops, list(self.inputs), final)


def random_spec(seed: int) -> GraphSpec:
    """The random graph of ``seed`` (deterministic)."""
    return _Gen(int(seed)).generate()


def random_model(seed: int) -> bytes:
    """The .tflite bytes of :func:`random_spec` (``seed``)."""
    return random_spec(seed).to_bytes()


def op_histogram(specs) -> dict[str, int]:
    """How many times each builtin occurs over ``specs``."""
    counts: dict[str, int] = {}
    for op in itertools.chain.from_iterable(s.ops for s in specs):
        counts[op.kind] = counts.get(op.kind, 0) + 1
    return dict(sorted(counts.items()))
