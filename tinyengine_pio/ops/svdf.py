"""SVDF: TFLM's svdf.cc / svdf_common.cc, a rank-r singular value decomposition filter over time.

Inputs: x [batch, input], weights_feature [filters, input], weights_time [filters, memory],
an optional bias [units] (units = filters / rank), and the state [batch, memory * filters], a
variable tensor: per batch and filter the last `memory` feature activations. Each invoke
    1. shifts the whole state left by one element (its last column then gets:)
    2. feature matmul: state[b][f][memory - 1] = weights_feature[f] . x[b]
    3. time: s[b][f] = weights_time[f] . state[b][f]
    4. out[b][u] = bias[u] + sum over the rank of s[b][u * rank + k], then the activation.
The state persists across invokes (see ops/unidirectional_sequence_lstm.py: TFLM keeps variable
tensors, reset to the zero point (int8) or 0; here in the model's state memory, emitter.py).

This module is the int8 implementation (EvalIntegerSvdfReference<T>, T the state's and the time
weights' type, int16 or int8): the feature dot product of (x - input_zp) requantized by
effective_scale_1 = input * weights_feature / state (float products, then double,
QuantizeMultiplier), clamped to T and stored as state_zp + value; the time dot product of
(state - state_zp) in int32; bias plus the rank sum,
requantized by effective_scale_2 = state * weights_time / output, + output zero point, clamped
to int8. TFLM's integer path applies no fused activation (only the int8 clamp), nor does this.
The int32 sums wrap as TFLM's do on its targets. float32: ops/float32/svdf.py.

The bias is required for both dtypes: TFLM's int8 Prepare reads its scale, and its Eval fetches
input 3 whatever it is (an omitted -1 bias crashes the float path too).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tflite

from ..ir import Graph, Operator
from ..quant import f32, quantize_multiplier
from .base import OpDef, activation_name, options_table, register, require
from .signature import Operand, Signature, check

INPUT, W_FEATURE, W_TIME, BIAS, STATE = range(5)


def read_options(op_fb) -> dict:
    o = options_table(op_fb, tflite.SVDFOptions)
    # not "activation": TANH and SIGN_BIT are valid here (float path), which validate.py
    # refuses as fused output activations; the int8 path ignores it as TFLM does
    return dict(rank=int(o.Rank()), svdf_activation=activation_name(o.FusedActivationFunction()))


def sizes(g: Graph, op: Operator) -> tuple[int, int, int, int, int, int]:
    """(batches, input size, filters, units, memory, rank)."""
    batches, n_input = g.t(op.inputs[INPUT]).shape
    n_filters = g.t(op.inputs[W_FEATURE]).shape[0]
    n_memory = g.t(op.inputs[W_TIME]).shape[1]
    rank = op.options["rank"]
    return batches, n_input, n_filters, n_filters // rank, n_memory, rank


def check_shapes(g: Graph, op: Operator) -> None:
    """TFLM's PrepareSvdf checks (every dtype)."""
    check(len(op.inputs) == 5, op, f"it has {len(op.inputs)} inputs; TFLM's SVDF takes exactly 5 "
          "(-1 for an omitted bias)")
    rank = op.options["rank"]
    n_filters, n_input_w = g.t(op.inputs[W_FEATURE]).shape
    check(rank >= 1 and n_filters % rank == 0, op, f"rank {rank} does not divide the "
          f"{n_filters} filters")
    batches, n_input = g.t(op.inputs[INPUT]).shape
    check(n_input_w == n_input, op, f"weights_feature has shape {[n_filters, n_input_w]}, "
          f"expected [filters, {n_input}]")
    wt = g.t(op.inputs[W_TIME]).shape
    check(wt[0] == n_filters, op, f"weights_time has shape {list(wt)}, expected "
          f"[{n_filters}, memory]")
    units, memory = n_filters // rank, wt[1]
    if op.inputs[BIAS] >= 0:
        shape = g.t(op.inputs[BIAS]).shape
        check(shape[0] == units, op, f"bias has shape {list(shape)}, expected [{units}]")
    st = g.t(op.inputs[STATE])
    check(st.is_variable, op, f"input 4 (state) '{st.name}' is not a variable tensor (TFLM "
          "requires is_variable)")
    check(list(st.shape) == [batches, memory * n_filters], op, f"state '{st.name}' has shape "
          f"{list(st.shape)}, expected [batches, memory * filters] = "
          f"{[batches, memory * n_filters]}")
    out = g.t(op.outputs[0])
    check(list(out.shape) == [batches, units], op, f"output '{out.name}' has shape "
          f"{list(out.shape)}, expected {[batches, units]}")


def require_bias(op: Operator) -> None:
    require(op.inputs[BIAS] >= 0, op, "the bias (input 3) is omitted; TFLM's SVDF needs it (its "
            "int8 Prepare reads the bias scale, its Eval reads input 3 even when it is -1)")


def macs(g: Graph, op: Operator) -> int:
    batches, n_input, n_filters, _, n_memory, _ = sizes(g, op)
    return batches * n_filters * (n_input + n_memory)


SIGNATURE = Signature((
    Operand("input", ranks=(2,)),
    Operand("weights_feature", ranks=(2,), const=True),
    Operand("weights_time", dtypes=("int16", "int8"), ranks=(2,), const=True),
    Operand("bias", dtypes=("int32",), ranks=(1,), const=True, quantized=False, optional=True),
    Operand("state", dtypes=("int16", "int8"), ranks=(2,), const=False)),
    (Operand("output", ranks=(2,)),))


@dataclass
class SvdfParams:
    batches: int
    n_input: int
    n_filters: int
    n_units: int
    n_memory: int
    rank: int
    state16: bool           # state and time weights int16 (else int8)
    input_zp: int
    state_zp: int
    output_zp: int
    mult1: int              # effective_scale_1 (feature -> state)
    shift1: int
    mult2: int              # effective_scale_2 (time sums -> output)
    shift2: int


def prepare(g: Graph, op: Operator) -> None:
    inp, wf, wt, st = (g.t(op.inputs[i]) for i in (INPUT, W_FEATURE, W_TIME, STATE))
    out = g.t(op.outputs[0])
    require(wt.dtype == st.dtype, op, f"weights_time is {wt.dtype} but the state is "
            f"{st.dtype}; TFLM runs the state as the time weights' type, so they must match")
    require_bias(op)
    batches, n_input, n_filters, units, memory, rank = sizes(g, op)
    require(n_input * 128 * 255 < (1 << 31), op, f"input size {n_input} could overflow the int32 "
            "feature dot product")
    # TFLM: float products and quotient, then double (TF_LITE_ENSURE on the bias scale)
    s_in, s_wf, s_wt, s_st, s_out = (np.float32(t.s) for t in (inp, wf, wt, st, out))
    scale1 = f32(f32(s_in * s_wf) / s_st)
    scale2 = f32(f32(s_st * s_wt) / s_out)
    bias = g.t(op.inputs[BIAS])
    bias_scale = float(bias.s) if bias.scale is not None else 0.0
    require(abs(bias_scale - f32(s_st * s_wt)) < 1e-5, op, f"the bias scale {bias_scale!r} is not "
            f"state scale x weights_time scale = {f32(s_st * s_wt)!r} (TFLM's Prepare requires "
            "them within 1e-5)")
    m1, sh1 = quantize_multiplier(scale1)
    m2, sh2 = quantize_multiplier(scale2)
    op.params = SvdfParams(batches, n_input, n_filters, units, memory, rank,
                           st.dtype == "int16", inp.zp, st.zp, out.zp, m1, sh1, m2, sh2)


def emit(ctx, op: Operator) -> None:
    p = op.params
    ctx.call("te_svdf_s8_s16" if p.state16 else "te_svdf_s8_s8", ctx.ptr(op.inputs[INPUT]),
             ctx.ptr(op.inputs[W_FEATURE]), ctx.ptr(op.inputs[W_TIME]), ctx.ptr(op.inputs[BIAS]),
             ctx.ptr(op.inputs[STATE]), ctx.ptr(op.outputs[0]), p.batches, p.n_input,
             p.n_filters, p.n_memory, p.rank, p.input_zp, p.state_zp, p.output_zp,
             p.mult1, p.shift1, p.mult2, p.shift2)


register(OpDef(name="SVDF", stem="svdf", read_options=read_options, prepare=prepare, emit=emit,
               kernels=("svdf",), macs=macs, signature=SIGNATURE, check=check_shapes))
