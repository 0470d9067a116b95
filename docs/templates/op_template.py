"""FOO_BAR: out[i] = clamp(out_zp + requant(in[i] - in_zp)), int8 in, int8 out, with a fused
activation. Bit-exact with TFLM's <name the reference kernel here, e.g. ReluQuantized>.

TEMPLATE, walked through in docs/ADDING_AN_OPERATOR.md. Copy it to
`tinyengine_pio/ops/<stem>.py`, replace FOO_BAR / foo_bar / FooBar, delete what the operator
does not need, turn the last statement into `register(OpDef(...))` and add `<stem>` to the
imports of `tinyengine_pio/ops/__init__.py`.

Until then it is not part of the compiler: it lives under docs/, nothing imports it and
importing it registers nothing. Its relative imports are those of a real `ops/` module; a test
loads it under the package name to check that it still matches the OpDef API (the module must
be in sys.modules while it runs, for @dataclass):

    spec = importlib.util.spec_from_file_location("tinyengine_pio.ops.op_template", path)
    module = sys.modules[spec.name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)          # then: del sys.modules[spec.name]
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tflite

from ..ir import Graph, MemoryOption, Operator
from ..planner.overlap import Access, elementwise
from ..quant import f32, quantize_multiplier
from .base import OpDef, activation_name, options_table, require
from .quantized import clamp_range
from .signature import Operand, Signature, same_shape

# What FOO_BAR needs of its tensors, checked by validate.py before any pass runs (so prepare()
# may index shapes and quantization without guarding): one Operand per input position (dtypes,
# ranks, constness, quantization, per-channel axis, optional) and per output.
SIGNATURE = Signature((Operand("input"),), (Operand("output"),))


def check(g: Graph, op: Operator) -> None:
    """validate.py: the shape semantics, after the signature held. Raise through
    signature.check(cond, op, why) / expect_shape(g, op, shape, why=...): each failure is a
    MalformedModelError naming the operator and tensor. Element-wise: the output has the
    input's shape (signature.same_shape); windows use window.check_window, FC-like ops compute
    batches x units, reductions the reduced shape..."""
    same_shape(g, op)

STEM = "foo_bar"              # shared by this module, kernels/<stem>.h, kernels/portable/<stem>.c,
                              # tests/ops/test_<stem>.py and the builder opmodels.<stem>()


@dataclass
class FooBarParams:
    """Everything emit(), access(), memory_options() and the cost model need, computed once by
    prepare(). Integers and numpy arrays only: no graph lookups after prepare()."""
    n: int                    # elements
    in_zp: int
    out_zp: int
    mult: int                 # quantized multiplier of in_scale / out_scale ...
    shift: int                # ... and its shift (TFLite convention: > 0 is a left shift)
    act_min: int              # fused activation clamp, tightened by a folded RELU / RELU6
    act_max: int


def read_options(op_fb) -> dict:
    """tflite.Operator -> dict: every option that changes the result, never a default the
    model did not give. Delete (and the OpDef field) for an operator without options."""
    o = options_table(op_fb, tflite.FooBarOptions)      # the op's *Options table in tflite
    if o is None:
        return dict(activation="NONE")
    return dict(activation=activation_name(o.FusedActivationFunction()))


def prepare(g: Graph, op: Operator) -> None:
    """The signature and check() held (validate.py); refuse what the kernel does not implement
    (each refusal a `require` whose message names what is unsupported), then do all the host
    arithmetic, with TFLM's Prepare() float / double products, into op.params."""
    inp, out = g.t(op.inputs[0]), g.t(op.outputs[0])
    require(len(inp.shape) <= 4, op, f"rank {len(inp.shape)}: the kernel loops over at most 4 "
            "dimensions")
    mult, shift = quantize_multiplier(f32(np.float32(inp.s) / np.float32(out.s)))
    lo, hi = clamp_range(g, op)          # options["activation"] and op.fused.clamp
    op.params = FooBarParams(n=out.size, in_zp=inp.zp, out_zp=out.zp, mult=mult, shift=shift,
                             act_min=lo, act_max=hi)


def emit(ctx, op: Operator) -> None:
    """Format only: one call with literal arguments (pointers from ctx.ptr(), constant arrays
    from ctx.const()). Host math belongs in prepare()."""
    p: FooBarParams = op.params
    ctx.call("te_foo_bar_s8", ctx.ptr(op.inputs[0]), ctx.ptr(op.outputs[0]), p.n, p.in_zp,
             p.mult, p.shift, p.out_zp, p.act_min, p.act_max)


def macs(g: Graph, op: Operator) -> int:
    """The report's MACs column (and a cost-model feature): multiply-accumulates, or one per
    output element for element-wise arithmetic. Delete for pure data movement (default 0)."""
    return g.t(op.outputs[0]).size


def access(g: Graph, op: Operator) -> list:
    """How the kernel reads input 0 while writing output 0 (planner/overlap.py), so the planner
    may place the output over an input that dies here. Element i is read, then element i is
    written: fully in place (what ops/elementwise.py's `elementwise_access` returns). Window
    kernels use ops/window.py's `window_access`; return [] if the kernel reads ahead of its
    writes in any other order (no overlap is then tried)."""
    out = g.t(op.outputs[0])
    return [Access(0, elementwise(out.size))]


def memory_options(g: Graph, op: Operator) -> list[MemoryOption]:
    """The ways to run it, default first; planner/policy.py picks one per op (op.memory).
    One way without scratch is the OpDef default: delete this for such an op. With scratch:
    MemoryOption(variant, scratch_bytes), plus role="wide" (faster, more scratch) or
    role="fallback" (less scratch, slower); emit() reads op.memory.variant and
    op.scratch_offset (ctx.arena_ptr(op.scratch_offset))."""
    return [MemoryOption()]


OPDEF = OpDef(
    name="FOO_BAR",                    # TFLite builtin name (tflite.BuiltinOperator)
    stem=STEM,
    prepare=prepare,
    emit=emit,
    read_options=read_options,
    signature=SIGNATURE,               # inputs, outputs, dtypes, ranks, quantization
    check=check,                       # (g, op) -> None: output shapes from the inputs
    kernels=(STEM,),                   # kernel stems copied next to model.c
    macs=macs,
    access=access,
    memory_options=memory_options,
    fuses_activation=True,             # has an output clamp a following RELU / RELU6 folds into
    accepts_folded_pad=False,          # a PAD before input 0 may become its padding (convs)
    activation=None,                   # "RELU" / "RELU6" if this op *is* that activation
    fold_input_offset=None,            # (g, op) -> None: fold -in_zp * sum(w) into a bias
    alias=False,                       # True: output 0 is a view of input 0 (no code at all)
)
# A copy in tinyengine_pio/ops/ registers it instead: `register(OpDef(...))`, `register`
# imported from .base. The template leaves it out so that importing it registers nothing.
