"""Named, deterministic mutators of .tflite models: structure-aware ones edit the flatbuffer
through the object API (unpack to ModelT, change one thing, Pack), byte-level ones damage the
raw bytes. `mutate(seed_bytes, name, rng_seed)` is a pure function of its arguments."""
from __future__ import annotations

import copy
import math
import random
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

FB_HINT = ("the model fuzzer needs the TFLite flatbuffer object API from tflite-micro: "
           "pip install tflite-micro (or pip install -e '.[test]')")


def schema():
    """The object API module (tflite_micro is a test/fuzz dependency, imported lazily)."""
    try:
        from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as fb
    except ImportError as e:
        raise RuntimeError(f"{FB_HINT} ({e})") from None
    return fb


class Skip(Exception):
    """This mutator does not apply to this model (or drew a no-op): try another draw."""


class MutationFailed(Exception):
    """No draw of the mutator produced a packable model that differs from the seed."""


HUGE = (2**31 - 1, 2**20)
SHAPE_VALUES = (0, -1, 1, *HUGE, 65537, 3)
INT_VALUES = (0, -1, 1, *HUGE, -2**31, 127, -128, 255, 100, 65536)
FLOAT_VALUES = (0.0, -1.0, math.nan, math.inf, -math.inf, 1e-30, 1e30, 5e-45)
ZP_VALUES = (128, -129, 255, 2**31 - 1, -2**31, 2**63 - 1, -2**63, 1000)
NAMES = ("*/ #error injected /*", "\n#error injected\n", "\"\\'%s%n", "x" * 100_000, "",
         "\x00nul", b"\xff\xfe\x80 bad utf-8", "??/\n", "name with spaces & <tags>")


@dataclass
class Ctx:
    """One draw: the unpacked model, the module and the rng."""
    fb: object
    model: object
    rng: random.Random

    @property
    def sg(self):
        if not self.model.subgraphs:
            raise Skip
        return self.model.subgraphs[0]

    def pick(self, items, pred=lambda _x: True):
        cands = [x for x in (items or []) if pred(x)]
        if not cands:
            raise Skip
        return self.rng.choice(cands)

    def tensor(self, pred=lambda _t: True):
        return self.pick(self.sg.tensors, pred)

    def op(self, pred=lambda _o: True):
        return self.pick(self.sg.operators, pred)

    def qparams(self, pred=lambda _q: True):
        t = self.tensor(lambda t: t.quantization is not None and t.quantization.scale is not None
                        and len(t.quantization.scale) and pred(t.quantization))
        return t, t.quantization

    def const_buffer(self, t) -> bool:
        b = self.model.buffers or []
        return 0 < t.buffer < len(b) and b[t.buffer].data is not None and len(b[t.buffer].data)

    def index_value(self, n: int) -> int:
        """An index that is wrong for a list of n items (or a valid other one)."""
        return self.rng.choice((n, n + 100, 2**31 - 1, -1, -2, -2**31, self.rng.randrange(max(n, 1))))


def _L(x) -> list:
    return [] if x is None else [v.item() if hasattr(v, "item") else v for v in x]


# -- tensors -----------------------------------------------------------------------------------

def shape_elem(c: Ctx):
    t = c.tensor(lambda t: t.shape is not None and len(t.shape))
    s = _L(t.shape)
    s[c.rng.randrange(len(s))] = c.rng.choice(SHAPE_VALUES)
    t.shape = s


def shape_swap(c: Ctx):
    t = c.tensor(lambda t: t.shape is not None and len(set(_L(t.shape))) > 1)
    s = _L(t.shape)
    i, j = c.rng.sample(range(len(s)), 2)
    s[i], s[j] = s[j], s[i]
    t.shape = s


def rank_change(c: Ctx):
    t = c.tensor(lambda t: t.shape is not None)
    s = _L(t.shape)
    k = c.rng.randrange(4)
    if k == 0 and s:
        del s[c.rng.randrange(len(s))]
    elif k == 1:
        s.insert(c.rng.randrange(len(s) + 1), c.rng.choice((1, 1, 2, 7)))
    elif k == 2:
        s = []
    else:
        s = s + [1] * c.rng.choice((2, 4, 8))
    t.shape = s


def shape_signature(c: Ctx):
    t = c.tensor(lambda t: t.shape is not None and len(t.shape))
    s = _L(t.shape)
    s[c.rng.randrange(len(s))] = c.rng.choice((-1, -1, -2, 0))
    t.shapeSignature = s if c.rng.random() < 0.8 else s + [-1]


def tensor_type(c: Ctx):
    t = c.tensor()
    t.type = c.rng.choice([v for k, v in vars(c.fb.TensorType).items() if not k.startswith("_")]
                          + [-1, 100, 127])


def tensor_name(c: Ctx):
    t = c.tensor()
    t.name = c.rng.choice(NAMES)


def buffer_index(c: Ctx):
    t = c.tensor()
    n = len(c.model.buffers or [])
    t.buffer = c.rng.choice((n, n + 7, 2**32 - 1, 2**31, 0, c.rng.randrange(max(n, 1))))


def const_data(c: Ctx):
    t = c.tensor(c.const_buffer)
    b = c.model.buffers[t.buffer]
    data = bytes(bytearray(b.data))
    k = c.rng.randrange(4)
    if k == 0:
        data = data[:c.rng.choice((0, 1, len(data) - 1, len(data) // 2))]
    elif k == 1:
        data = data + bytes(c.rng.choice((1, 3, 4, len(data))))
    elif k == 2:  # constant data on an activation or graph input
        t = c.tensor(lambda t: not c.const_buffer(t))
        b = c.fb.BufferT()
        c.model.buffers.append(b)
        t.buffer = len(c.model.buffers) - 1
        data = bytes(c.rng.getrandbits(8) for _ in range(c.rng.choice((1, 4, 64))))
    else:  # the data moved "after the flatbuffer" (large-model layout) to a bad place
        b.offset, b.size = c.rng.choice(((2**63, 16), (8, 2**40), (2, len(data)), (10**6, 10**6)))
        data = None
    b.data = np.frombuffer(data, np.uint8).copy() if data else None


# -- quantization ------------------------------------------------------------------------------

def quant_remove(c: Ctx):
    t, q = c.qparams()
    if c.rng.random() < 0.5:
        t.quantization = None
    else:
        q.scale = None


def quant_scale(c: Ctx):
    _, q = c.qparams()
    s = _L(q.scale)
    s[c.rng.randrange(len(s))] = c.rng.choice(FLOAT_VALUES)
    q.scale = s


def quant_zero_point(c: Ctx):
    _, q = c.qparams()
    z = _L(q.zeroPoint) or [0] * len(q.scale)
    z[c.rng.randrange(len(z))] = c.rng.choice(ZP_VALUES)
    q.zeroPoint = z


def quant_channels(c: Ctx):
    _, q = c.qparams()
    s, z = _L(q.scale), _L(q.zeroPoint)
    which = c.rng.choice(("scale", "zeroPoint", "both"))
    grow = c.rng.random() < 0.5
    for name, v in (("scale", s), ("zeroPoint", z)):
        if which in (name, "both"):
            v = v + v[:1] * c.rng.choice((1, 7)) if grow or len(v) < 2 else v[:-1]
            setattr(q, name, v)


def quant_dim(c: Ctx):
    t, q = c.qparams()
    r = len(t.shape) if t.shape is not None else 0
    q.quantizedDimension = c.rng.choice((-1, r, r + 1, 100, 2**31 - 1))


# -- operators ---------------------------------------------------------------------------------

def op_io_index(c: Ctx):
    op = c.op(lambda o: len(_L(o.inputs)) + len(_L(o.outputs)))
    field = c.rng.choice([f for f in ("inputs", "outputs") if len(_L(getattr(op, f)))])
    v = _L(getattr(op, field))
    v[c.rng.randrange(len(v))] = c.index_value(len(c.sg.tensors or []))
    setattr(op, field, v)


def op_io_list(c: Ctx):
    op = c.op()
    field = c.rng.choice(("inputs", "outputs"))
    v = _L(getattr(op, field))
    k = c.rng.randrange(5)
    if k == 0 and v:
        v = v[:c.rng.randrange(len(v))]
    elif k == 1:
        v = v + [c.rng.choice((-1, c.rng.randrange(len(c.sg.tensors or [0]))))]
    elif k == 2 and len(v) > 1:
        i, j = c.rng.sample(range(len(v)), 2)
        v[i] = v[j]
    elif k == 3 and len(v) > 1:
        i, j = c.rng.sample(range(len(v)), 2)
        v[i], v[j] = v[j], v[i]
    elif k == 4 and _L(op.inputs) and _L(op.outputs):  # write in place: output = input
        op.outputs = [_L(op.inputs)[0]] + _L(op.outputs)[1:]
        return
    else:
        raise Skip
    setattr(op, field, v)


def opcode_index(c: Ctx):
    op = c.op()
    n = len(c.model.operatorCodes or [])
    op.opcodeIndex = c.rng.choice((n, n + 3, 2**32 - 1, 2**31))


def opcode_builtin(c: Ctx):
    from ..ops import REGISTRY
    oc = c.pick(c.model.operatorCodes)
    code = c.rng.choice(sorted(k for k in REGISTRY if isinstance(k, int)) * 3 + [c.rng.randrange(220), 32, 127, 300])
    k = c.rng.randrange(4)
    if k < 2:
        oc.builtinCode, oc.deprecatedBuiltinCode = code, min(code, 127)
    elif k == 2:
        oc.deprecatedBuiltinCode = min(code, 127)
    else:
        oc.builtinCode = code
    if code == 32 and c.rng.random() < 0.5:
        oc.customCode = c.rng.choice(NAMES)


def _options_classes(fb) -> dict:
    return {k: getattr(fb, k + "T") for k in vars(fb.BuiltinOptions)
            if not k.startswith("_") and hasattr(fb, k + "T")}


def option_scalar(c: Ctx):
    op = c.op(lambda o: o.builtinOptions is not None and vars(o.builtinOptions))
    obj = op.builtinOptions
    name = c.rng.choice(sorted(vars(obj)))
    old = getattr(obj, name)
    if isinstance(old, bool):
        new = not old
    elif isinstance(old, float):
        new = c.rng.choice(FLOAT_VALUES)
    elif isinstance(old, int):
        new = c.rng.choice(INT_VALUES)
    else:  # vectors (new_shape, squeeze_dims) and sub-tables
        new = c.rng.choice(([], [-1], [0], [2**31 - 1], [1] * 9, [-2, 3], None))
    setattr(obj, name, new)


def option_remove(c: Ctx):
    op = c.op(lambda o: o.builtinOptions is not None)
    op.builtinOptionsType, op.builtinOptions = 0, None


def option_wrong_type(c: Ctx):
    op = c.op()
    classes = _options_classes(c.fb)
    name = c.rng.choice(("Conv2DOptions", "DepthwiseConv2DOptions", "Pool2DOptions",
                         "FullyConnectedOptions", "ReshapeOptions", "SoftmaxOptions",
                         "ConcatenationOptions", "ReducerOptions", "SqueezeOptions", "AddOptions",
                         "LSTMOptions", "CallOptions"))
    code = getattr(c.fb.BuiltinOptions, name)
    if c.rng.random() < 0.5 or op.builtinOptions is None:
        op.builtinOptionsType, op.builtinOptions = code, classes[name]()
    else:  # the union tag says one table, the table is another
        op.builtinOptionsType = code


WINDOW_FIELDS = ("strideW", "strideH", "dilationWFactor", "dilationHFactor", "filterWidth",
                 "filterHeight", "depthMultiplier")


def window_huge(c: Ctx):
    op = c.op(lambda o: o.builtinOptions is not None and any(
        hasattr(o.builtinOptions, f) for f in WINDOW_FIELDS))
    f = c.rng.choice([f for f in WINDOW_FIELDS if hasattr(op.builtinOptions, f)])
    setattr(op.builtinOptions, f, c.rng.choice((*HUGE, 0, -1, 65536, 1000)))


# -- graph -------------------------------------------------------------------------------------

def _produced(sg) -> set:
    return {i for o in sg.operators or [] for i in _L(o.outputs)}


def graph_io(c: Ctx):
    sg = c.sg
    field = c.rng.choice(("inputs", "outputs"))
    v = _L(getattr(sg, field))
    n = len(sg.tensors or [])
    k = c.rng.randrange(6)
    if k == 0:    # a constant tensor
        v = v[:-1] + [c.model.subgraphs[0].tensors.index(c.tensor(c.const_buffer))]
    elif k == 1:  # a tensor no operator produces (or, for inputs, one an operator does)
        prod = _produced(sg)
        v = v[:-1] + [c.pick(range(n), lambda i: (i not in prod) == (field == "outputs"))]
    elif k == 2 and v:
        v = v + [v[0]]
    elif k == 3:
        v = []
    elif k == 4 and v:
        v[c.rng.randrange(len(v))] = c.index_value(n)
    elif k == 5:
        v = v + [c.rng.randrange(max(n, 1))]
    else:
        raise Skip
    setattr(sg, field, v)


def op_remove(c: Ctx):
    ops = c.sg.operators
    if not ops:
        raise Skip
    del ops[c.rng.randrange(len(ops))]


def op_duplicate(c: Ctx):
    ops = c.sg.operators
    op = copy.deepcopy(c.op())
    ops.insert(c.rng.randrange(len(ops) + 1), op)


def op_reorder(c: Ctx):
    ops = c.sg.operators
    if not ops or len(ops) < 2:
        raise Skip
    k = c.rng.randrange(3)
    if k == 0:
        i, j = c.rng.sample(range(len(ops)), 2)
        ops[i], ops[j] = ops[j], ops[i]
    elif k == 1:
        ops.insert(0, ops.pop())
    else:
        ops.reverse()


def op_cycle(c: Ctx):
    """An earlier operator reads a later one's output (a cycle when the later depends on it)."""
    ops = c.sg.operators
    if not ops:
        raise Skip
    i = c.rng.randrange(len(ops))
    j = c.rng.randrange(i, len(ops))
    a, b = ops[i], ops[j]
    if not _L(a.inputs) or not _L(b.outputs):
        raise Skip
    ins = _L(a.inputs)
    ins[0] = _L(b.outputs)[0]
    a.inputs = ins


def reshape_cycle(c: Ctx):
    """RESHAPE chains whose aliases loop: t -> R -> a -> R -> t, or a RESHAPE onto itself."""
    fb, sg = c.fb, c.sg
    ocs = c.model.operatorCodes
    codes = [max(o.builtinCode, o.deprecatedBuiltinCode) for o in ocs]
    code = fb.BuiltinOperator.RESHAPE
    if code not in codes:
        oc = fb.OperatorCodeT()
        oc.builtinCode, oc.deprecatedBuiltinCode, oc.version = code, code, 1
        ocs.append(oc)
        codes.append(code)
    ti = sg.tensors.index(c.tensor(lambda t: not c.const_buffer(t)))

    def reshape(src, dst):
        o = fb.OperatorT()
        o.opcodeIndex, o.inputs, o.outputs = codes.index(code), [src], [dst]
        return o
    if c.rng.random() < 0.3:
        new = [reshape(ti, ti)]
    else:
        a = copy.deepcopy(sg.tensors[ti])
        a.name = "fuzz_alias"
        sg.tensors.append(a)
        ai = len(sg.tensors) - 1
        new = [reshape(ti, ai), reshape(ai, ti)]
    at = c.rng.randrange(len(sg.operators or []) + 1)
    sg.operators[at:at] = new


def subgraphs(c: Ctx):
    m = c.model
    k = c.rng.randrange(4)
    if k == 0:
        m.subgraphs = m.subgraphs + [copy.deepcopy(c.sg)]
    elif k == 1:
        m.subgraphs = []
    elif k == 2:
        m.subgraphs = [c.fb.SubGraphT()] + m.subgraphs
    else:
        m.subgraphs = m.subgraphs + [c.fb.SubGraphT()]


def model_header(c: Ctx):
    k = c.rng.randrange(3)
    if k == 0:
        c.model.version = c.rng.choice((0, 1, 2, 4, 2**32 - 1))
    elif k == 1:
        c.model.description = c.rng.choice(NAMES)
    else:
        c.sg.name = c.rng.choice(NAMES)


STRUCTURE: dict[str, Callable[[Ctx], None]] = {f.__name__: f for f in (
    shape_elem, shape_swap, rank_change, shape_signature, tensor_type, tensor_name, buffer_index,
    const_data, quant_remove, quant_scale, quant_zero_point, quant_channels, quant_dim,
    op_io_index, op_io_list, opcode_index, opcode_builtin, option_scalar, option_remove,
    option_wrong_type, window_huge, graph_io, op_remove, op_duplicate, op_reorder, op_cycle,
    reshape_cycle, subgraphs, model_header)}


def stacked(c: Ctx):
    """Two to four of the above on one model: damage that gets past the first check."""
    names = sorted(set(STRUCTURE) - {"subgraphs"})
    applied = 0
    for name in c.rng.sample(names, c.rng.choice((2, 3, 4))):
        try:
            STRUCTURE[name](c)
            applied += 1
        except Skip:
            continue
    if not applied:
        raise Skip


STRUCTURE["stacked"] = stacked


def _pack(fb, model) -> bytes:
    import flatbuffers
    b = flatbuffers.Builder(1 << 16)
    b.Finish(model.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def _structure(fn, data: bytes, rng: random.Random) -> bytes:
    fb = schema()
    model = fb.ModelT.InitFromPackedBuf(data, 0)
    fn(Ctx(fb, model, rng))
    return _pack(fb, model)


from .bytemut import BYTES  # (byte-level mutators, after the structure ones)

MUTATORS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    **{n: (lambda data, rng, f=f: _structure(f, data, rng)) for n, f in STRUCTURE.items()},
    **BYTES}
ATTEMPTS = 30


def mutate(data: bytes, name: str, rng_seed: int) -> bytes:
    """The mutant of `data` by mutator `name` for this rng seed (deterministic)."""
    rng = random.Random(rng_seed)
    fn = MUTATORS[name]
    last = None
    for _ in range(ATTEMPTS):
        try:
            out = fn(data, rng)
        except Skip:
            continue
        except RuntimeError as e:
            if FB_HINT in str(e):
                raise
            last = e
            continue
        except Exception as e:  # noqa: BLE001  Pack refused a value (struct.error, OverflowError, ...)
            last = e
            continue
        if out != data:
            return out
    raise MutationFailed(f"{name}: no applicable draw in {ATTEMPTS} attempts"
                         + (f" (last: {type(last).__name__}: {last})" if last else ""))


def mutate_any(data: bytes, name: str, rng_seed: int, fallbacks: int = 6) -> tuple[str, bytes]:
    """mutate(), or when `name` does not apply to this model (a RESHAPE cycle needs an activation,
    reordering needs two operators) the first of a few other mutators, drawn from rng_seed, that
    does: returns the mutator used, so that mutate(data, used, rng_seed) gives the same bytes."""
    try:
        return name, mutate(data, name, rng_seed)
    except MutationFailed as e:
        first = e
    others = sorted(set(MUTATORS) - {name})
    random.Random(rng_seed).shuffle(others)
    for other in others[:fallbacks]:
        try:
            return other, mutate(data, other, rng_seed)
        except MutationFailed:
            continue
    raise first
