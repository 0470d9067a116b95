"""Small valid int8 seed models the fuzzer builds itself (flatbuffer object API), so it runs from
a clone alone: together they use most supported operators, per-channel and per-tensor
quantization, constant and optional (-1) inputs, float edges, and options of every kind."""
from __future__ import annotations

import numpy as np

from .mutators import _pack, schema


class _Builder:
    def __init__(self):
        self.fb = fb = schema()
        self.tensors, self.ops, self.codes = [], [], []
        empty = fb.BufferT()
        self.buffers = [empty]
        self.rng = np.random.default_rng(0)

    def t(self, shape, dtype="int8", scale=None, zp=0, data=None, qdim=0, name=None) -> int:
        fb = self.fb
        t = fb.TensorT()
        t.shape, t.name = list(shape), name or f"t{len(self.tensors)}"
        t.type = {"int8": fb.TensorType.INT8, "int32": fb.TensorType.INT32,
                  "float32": fb.TensorType.FLOAT32}[dtype]
        t.buffer = 0
        if data is not None:
            b = fb.BufferT()
            b.data = np.frombuffer(np.ascontiguousarray(data).tobytes(), np.uint8).copy()
            self.buffers.append(b)
            t.buffer = len(self.buffers) - 1
        if scale is not None:
            q = fb.QuantizationParametersT()
            q.scale = [float(s) for s in np.atleast_1d(scale)]
            q.zeroPoint = [int(zp)] * len(q.scale)
            q.quantizedDimension = qdim
            t.quantization = q
        self.tensors.append(t)
        return len(self.tensors) - 1

    def weights(self, shape, qdim=0):
        n = shape[qdim]
        w = self.rng.integers(-127, 128, size=shape).astype(np.int8)
        s = self.rng.uniform(0.002, 0.01, size=n).astype(np.float32)
        return self.t(shape, "int8", s, 0, w, qdim), s

    def bias(self, n, in_scale, w_scales):
        b = self.rng.integers(-500, 500, size=n).astype(np.int32)
        return self.t([n], "int32", in_scale * w_scales, 0, b)

    def op(self, name, ins, outs, opts=None, **fields):
        fb = self.fb
        code = getattr(fb.BuiltinOperator, name)
        if code not in self.codes:
            self.codes.append(code)
        o = fb.OperatorT()
        o.opcodeIndex, o.inputs, o.outputs = self.codes.index(code), list(ins), list(outs)
        if opts:
            obj = getattr(fb, opts + "T")()
            for k, v in fields.items():
                setattr(obj, k, v)
            o.builtinOptionsType, o.builtinOptions = getattr(fb.BuiltinOptions, opts), obj
        self.ops.append(o)

    def build(self, ins, outs, name) -> bytes:
        fb = self.fb
        sg = fb.SubGraphT()
        sg.tensors, sg.operators, sg.inputs, sg.outputs, sg.name = (
            self.tensors, self.ops, list(ins), list(outs), "main")
        m = fb.ModelT()
        m.version, m.description, m.subgraphs, m.buffers = 3, name, [sg], self.buffers
        m.operatorCodes = []
        for c in self.codes:
            oc = fb.OperatorCodeT()
            oc.builtinCode, oc.deprecatedBuiltinCode, oc.version = c, min(c, 127), 1
            m.operatorCodes.append(oc)
        return _pack(fb, m)


S, Z = 0.05, -3   # activation quantization shared where an op requires equal in/out quantization


def conv_chain() -> bytes:
    """CONV_2D -> DEPTHWISE (stride 2) -> AVERAGE_POOL -> RESHAPE -> FULLY_CONNECTED -> SOFTMAX."""
    b = _Builder()
    x = b.t([1, 8, 8, 3], scale=S, zp=Z, name="x")
    w, ws = b.weights([8, 3, 3, 3])
    a = b.t([1, 8, 8, 8], scale=S, zp=Z)
    b.op("CONV_2D", [x, w, b.bias(8, S, ws)], [a], "Conv2DOptions", padding=0, strideW=1,
         strideH=1, fusedActivationFunction=3)
    dw, dws = b.weights([1, 3, 3, 8], qdim=3)
    d = b.t([1, 4, 4, 8], scale=S, zp=Z)
    b.op("DEPTHWISE_CONV_2D", [a, dw, b.bias(8, S, dws)], [d], "DepthwiseConv2DOptions",
         padding=0, strideW=2, strideH=2, depthMultiplier=1)
    p = b.t([1, 2, 2, 8], scale=S, zp=Z)
    b.op("AVERAGE_POOL_2D", [d], [p], "Pool2DOptions", padding=1, strideW=2, strideH=2,
         filterWidth=2, filterHeight=2)
    r = b.t([1, 32], scale=S, zp=Z)
    b.op("RESHAPE", [p, b.t([2], "int32", data=np.array([1, 32], np.int32))], [r],
         "ReshapeOptions", newShape=[1, 32])
    fw, fws = b.weights([10, 32])
    f = b.t([1, 10], scale=0.1, zp=0)
    b.op("FULLY_CONNECTED", [r, fw, b.bias(10, S, fws)], [f], "FullyConnectedOptions")
    y = b.t([1, 10], scale=1 / 256, zp=-128, name="y")
    b.op("SOFTMAX", [f], [y], "SoftmaxOptions", beta=1.0)
    return b.build([x], [y], "fuzz seed conv_chain")


def branches() -> bytes:
    """PAD -> MAX_POOL, ADD and MUL of two branches, CONCATENATION, MEAN; two inputs."""
    b = _Builder()
    x = b.t([1, 6, 6, 4], scale=S, zp=Z, name="x")
    x2 = b.t([1, 1, 1, 4], scale=0.03, zp=7, name="x2")
    pd = b.t([1, 8, 8, 4], scale=S, zp=Z)
    b.op("PAD", [x, b.t([4, 2], "int32", data=np.array([[0, 0], [1, 1], [1, 1], [0, 0]],
                                                        np.int32))], [pd])
    mp = b.t([1, 4, 4, 4], scale=S, zp=Z)
    b.op("MAX_POOL_2D", [pd], [mp], "Pool2DOptions", padding=1, strideW=2, strideH=2,
         filterWidth=2, filterHeight=2)
    ad = b.t([1, 4, 4, 4], scale=0.1, zp=1)
    b.op("ADD", [mp, x2], [ad], "AddOptions", fusedActivationFunction=1)
    mu = b.t([1, 4, 4, 4], scale=0.1, zp=1)
    b.op("MUL", [mp, x2], [mu], "MulOptions")
    cat = b.t([1, 4, 4, 8], scale=0.1, zp=1)
    b.op("CONCATENATION", [ad, mu], [cat], "ConcatenationOptions", axis=3)
    y = b.t([1, 1, 1, 8], scale=0.02, zp=-10, name="y")
    b.op("MEAN", [cat, b.t([2], "int32", data=np.array([1, 2], np.int32))], [y],
         "ReducerOptions", keepDims=True)
    return b.build([x, x2], [y], "fuzz seed branches")


def float_edges() -> bytes:
    """float32 -> QUANTIZE -> 1x1 CONV_2D without bias (-1) -> TRANSPOSE -> RESIZE_NEAREST ->
    LOGISTIC -> DEQUANTIZE -> float32, and a second output through HARD_SWISH and TANH."""
    b = _Builder()
    x = b.t([1, 4, 4, 2], "float32", name="x")
    q = b.t([1, 4, 4, 2], scale=S, zp=Z)
    b.op("QUANTIZE", [x], [q])
    w, _ = b.weights([4, 1, 1, 2])
    c = b.t([1, 4, 4, 4], scale=0.05, zp=0)
    b.op("CONV_2D", [q, w, -1], [c], "Conv2DOptions", padding=1, strideW=1, strideH=1)
    tr = b.t([1, 4, 4, 4], scale=0.05, zp=0)
    b.op("TRANSPOSE", [c, b.t([4], "int32", data=np.array([0, 2, 1, 3], np.int32))], [tr])
    rs = b.t([1, 8, 8, 4], scale=0.05, zp=0)
    b.op("RESIZE_NEAREST_NEIGHBOR", [tr, b.t([2], "int32", data=np.array([8, 8], np.int32))],
         [rs], "ResizeNearestNeighborOptions")
    lg = b.t([1, 8, 8, 4], scale=1 / 256, zp=-128)
    b.op("LOGISTIC", [rs], [lg])
    y = b.t([1, 8, 8, 4], "float32", name="y")
    b.op("DEQUANTIZE", [lg], [y])
    hs = b.t([1, 4, 4, 4], scale=0.05, zp=-100)
    b.op("HARD_SWISH", [c], [hs])
    y2 = b.t([1, 4, 4, 4], scale=1 / 128, zp=0, name="y2")
    b.op("TANH", [hs], [y2])
    return b.build([x], [y, y2], "fuzz seed float_edges")


GENERATED = {"gen_conv_chain": conv_chain, "gen_branches": branches,
             "gen_float_edges": float_edges}


def generated_seeds() -> dict[str, bytes]:
    return {name: f() for name, f in GENERATED.items()}
