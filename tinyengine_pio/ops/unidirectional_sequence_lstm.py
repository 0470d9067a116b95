"""UNIDIRECTIONAL_SEQUENCE_LSTM: TFLM's kernel (unidirectional_sequence_lstm.cc + lstm_eval.h),
the standard (Keras) LSTM over a whole sequence in one operator.

Per time step and batch row, four gates from the input x and the previous hidden state h:
    i = sigmoid(W_i x + b_i + R_i h)     f = sigmoid(W_f x + b_f + R_f h)
    g = act(W_c x + b_c + R_c h)         o = sigmoid(W_o x + b_o + R_o h)
    c = f * c + i * g  (clipped to +-cell_clip when cell_clip > 0)
    h = o * tanh(c);   the output at that step is h
`act` is the options' fused activation, TANH: TFLM's CalculateLstmGate runs sigmoid or tanh
only, and the flatbuffer's activation enum has no sigmoid (any other value is refused here;
TFLM's release build then leaves the gate unactivated, a debug build aborts).
time_major: input [time, batch, in] (else [batch, time, in]), output likewise with state size.

What TFLM supports, and so this compiler: 24 inputs, the input and recurrent weights of all
four gates and the four biases; no peephole (cell-to-gate) weights, no projection, no layer
norm and no CIFG (coupled input and forget gate: the input-gate weights omitted) - TFLM's
Prepare (LstmTensors::ValidateTensorStatus) refuses each, so they are refused here too.

State: inputs 18 (hidden state h) and 19 (cell state c) are variable tensors: TFLM keeps them
in persistent memory across invokes, reset to their zero point (int8) or 0 at AllocateTensors
and by MicroInterpreter::Reset(). The generated code does the same: the variable tensors live
in the model's static state memory outside the arena (emitter.py: `<prefix>_state`), set by
`<prefix>_reset()`, which the first invoke calls; an invoke continues from the last one's
state, as TFLM's interpreter does. (The test harness resets before each input set, as
tests/helpers/tflm.run_tflm_many resets TFLM's interpreter; tests also run sequences of invokes
without a reset against one TFLM interpreter.)

This module is the int8 implementation (8-bit activations and weights, int16 cell state, int32
biases: TFLM's EvalLstm<int8_t, int8_t, int16_t, int32_t>) and what every dtype shares (options,
shapes, the refusals); float32 is ops/float32/unidirectional_sequence_lstm.py. int8, as TFLM's
PrepareGateParametersInteger: each gate's two FCs requantize to int16 Q3.12 (multiplier: the
float product of input and weight scales, then double, over 2^-12; zero point 0; no bias scale
check), their saturating sum goes through the int16 sigmoid (Q0.15 out) or, for the cell gate,
the int16 tanh; forget x cell and input x cell gate are MulElementwise into the cell scale
(double products of 2^-15 and the scales), the cell is clipped to cell_clip / cell scale
(truncated to int16); the hidden state is MulElementwise(tanh(cell), output gate) into the
hidden state's scale and zero point, the cell's tanh scaling its input by the rounded log2 of
the cell scale (CheckedLog2: 15 + log2 - 3 as a left shift, or a multiplier 3 and right shift).
TFLM copies the hidden state into the output: the output's own quantization is not used.
Per-channel weights are refused (TFLM's LSTM reads a per-tensor multiplier it never sets then).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import tflite

from ..ir import Graph, Operator
from ..quant import f32, quantize_multiplier, tflite_round
from .base import OpDef, activation_name, options_table, register, require
from .int16.sigmoid_table import sigmoid_table
from .signature import Operand, Signature, check

# input positions (TFLM lstm_shared.h)
INPUT = 0
IN_WEIGHTS = (1, 2, 3, 4)            # input-to-{input, forget, cell, output} gate, [state, in]
REC_WEIGHTS = (5, 6, 7, 8)           # recurrent-to-gate, [state, state]
PEEPHOLE = (9, 10, 11)
BIASES = (12, 13, 14, 15)            # per gate, [state]
PROJECTION = (16, 17)
HIDDEN_STATE, CELL_STATE = 18, 19    # variable tensors
LAYER_NORM = (20, 21, 22, 23)
N_INPUTS = 24
CELL_ACTIVATIONS = ("TANH",)   # CalculateLstmGate: sigmoid or tanh; the schema has no sigmoid


def read_options(op_fb) -> dict:
    o = options_table(op_fb, tflite.UnidirectionalSequenceLSTMOptions)
    # the cell gate's nonlinearity: not "activation" (no output clamp, and TANH is its usual
    # value, which validate.py refuses as a fused output activation)
    return dict(cell_activation=activation_name(o.FusedActivationFunction()),
                cell_clip=float(o.CellClip()), proj_clip=float(o.ProjClip()),
                time_major=bool(o.TimeMajor()),
                diagonal_recurrent=bool(o.DiagonalRecurrentTensors()))


def lstm_signature(act: str, weight: str, bias: str, cell: str, quantized: bool) -> Signature:
    """The 24 inputs of one dtype family: `act` activations (input, hidden state, output),
    `weight` weights, `bias` biases, `cell` cell state. The positions TFLM refuses (peephole,
    projection, layer norm) are optional of any type: prepare() names them."""
    def refused(pos: int) -> Operand:
        return Operand(f"input {pos} (not supported)", dtypes=("int8", "int16", "int32", "float32"),
                       quantized=False, optional=True)

    w = Operand("weights", dtypes=(weight,), ranks=(2,), const=True, quantized=quantized)
    w_opt = Operand("input gate weights", dtypes=(weight,), ranks=(2,), const=True,
                    quantized=quantized, optional=True)
    b = Operand("bias", dtypes=(bias,), ranks=(1,), const=True, quantized=False)
    b_opt = Operand("input gate bias", dtypes=(bias,), ranks=(1,), const=True, quantized=False,
                    optional=True)
    ins = [Operand("input", dtypes=(act,), ranks=(3,), quantized=quantized),
           w_opt, w, w, w, w_opt, w, w, w, *map(refused, PEEPHOLE), b_opt, b, b, b,
           *map(refused, PROJECTION),
           Operand("hidden state", dtypes=(act,), const=False, quantized=quantized),
           Operand("cell state", dtypes=(cell,), const=False, quantized=quantized),
           *map(refused, LAYER_NORM)]
    return Signature(tuple(ins), (Operand("output", dtypes=(act,), ranks=(3,),
                                          quantized=quantized),))


def sizes(g: Graph, op: Operator) -> tuple[int, int, int, int]:
    """(batches, time steps, input size, state size), as TFLM's CreateLstmSizeInfo."""
    d0, d1, n_input = g.t(op.inputs[INPUT]).shape
    n_state = g.t(op.inputs[REC_WEIGHTS[3]]).shape[1]
    return (d1, d0, n_input, n_state) if op.options["time_major"] else (d0, d1, n_input, n_state)


def present(op: Operator, pos: int) -> bool:
    return pos < len(op.inputs) and op.inputs[pos] >= 0


def check_shapes(g: Graph, op: Operator) -> None:
    """TFLM's Prepare checks (every dtype): 24 inputs, one output, the state tensors variable,
    the weights [state, input] / [state, state], biases [state], states of batch x state
    elements, output [d0, d1, state] over the input's [d0, d1, input]."""
    check(len(op.inputs) == N_INPUTS, op, f"it has {len(op.inputs)} inputs; TFLM's kernel "
          f"takes exactly {N_INPUTS} (-1 for an omitted optional one)")
    for pos, what in ((HIDDEN_STATE, "hidden state"), (CELL_STATE, "cell state")):
        t = g.t(op.inputs[pos])
        check(t.is_variable, op, f"input {pos} ({what}) '{t.name}' is not a variable tensor "
              "(TFLM requires is_variable)")
    n_state = g.t(op.inputs[REC_WEIGHTS[3]]).shape[0]
    inp = g.t(op.inputs[INPUT])
    n_input = inp.shape[2]
    batches = inp.shape[1] if op.options["time_major"] else inp.shape[0]
    for pos in IN_WEIGHTS + REC_WEIGHTS:
        if present(op, pos):
            want = [n_state, n_input if pos in IN_WEIGHTS else n_state]
            shape = list(g.t(op.inputs[pos]).shape)
            check(shape == want, op, f"input {pos} (weights) has shape {shape}, expected {want}")
    for pos in BIASES:
        if present(op, pos):
            shape = list(g.t(op.inputs[pos]).shape)
            check(shape == [n_state], op, f"input {pos} (bias) has shape {shape}, expected "
                  f"[{n_state}]")
    for pos in (HIDDEN_STATE, CELL_STATE):
        t = g.t(op.inputs[pos])
        check(t.size == batches * n_state, op, f"input {pos} '{t.name}' has {t.size} elements, "
              f"expected batches x state = {batches} x {n_state}")
    out = g.t(op.outputs[0])
    want = [inp.shape[0], inp.shape[1], n_state]
    check(list(out.shape) == want, op, f"output '{out.name}' has shape {list(out.shape)}, "
          f"expected {want}")


def require_standard(g: Graph, op: Operator) -> None:
    """The refusals TFLM's kernel shares: only the standard LSTM, cell activation TANH, no
    diagonal recurrent weights."""
    for pos in PEEPHOLE + PROJECTION + LAYER_NORM:
        what = ("peephole (cell-to-gate) weights" if pos in PEEPHOLE else
                "a projection" if pos in PROJECTION else "layer normalization")
        require(not present(op, pos), op, f"input {pos} gives {what}; TFLM's LSTM kernel "
                "runs only the standard LSTM (no peephole, projection or layer norm)")
    require(present(op, IN_WEIGHTS[0]) and present(op, REC_WEIGHTS[0]) and present(op, BIASES[0]),
            op, "CIFG (coupled input and forget gate: the input gate's weights or bias omitted) "
            "is not supported; TFLM's LSTM kernel requires every gate")
    require(not op.options["diagonal_recurrent"], op, "diagonal recurrent weights are not "
            "supported (TFLM's kernel takes full [state, state] recurrent weights)")
    act = op.options["cell_activation"]
    require(act in CELL_ACTIVATIONS, op, f"cell activation {act} is not supported; TFLM's "
            "LSTM cell gate runs TANH (or sigmoid, which a .tflite cannot express) only")


def macs(g: Graph, op: Operator) -> int:
    batches, steps, n_input, n_state = sizes(g, op)
    return batches * steps * 4 * n_state * (n_input + n_state)


SIGNATURE = lstm_signature("int8", "int8", "int32", "int16", quantized=True)
GATE_INPUT_SCALE = 2.0 ** -12       # PrepareGateParametersInteger: the FC outputs are Q3.12
GATE_OUTPUT_SCALE = 2.0 ** -15      # ... the sigmoid / tanh outputs Q0.15


@dataclass
class LstmParams:
    """The fields of kernels/unidirectional_sequence_lstm.h's te_lstm_s8_params (gates in
    TFLM's order input, forget, cell, output), computed as TFLM's Prepare does."""
    in_mult: list
    in_shift: list
    rec_mult: list
    rec_shift: list
    w_in_offset: list
    w_rec_offset: list
    input_offset: int
    hidden_offset: int
    hidden_zp: int
    forget_mult: int
    forget_shift: int
    input_mult: int
    input_shift: int
    hidden_mult: int
    hidden_shift: int
    tanh_mult: int
    tanh_shift: int
    clip: int
    cell_clip: int
    batches: int
    steps: int
    n_input: int
    n_state: int
    time_major: int


def checked_log2(x: float) -> int:
    """TFLM's CheckedLog2 result (its bool ignored, as TFLM does): float log(x) / log(2),
    rounded half away from zero."""
    v = np.float32(np.log(np.float32(x))) * np.float32(1.0 / np.float32(np.log(np.float32(2.0))))
    return int(tflite_round(float(np.float32(v))))


def fc_multiplier(inp, w) -> tuple[int, int]:
    """GetQuantizedConvolutionMultipler: the float product of the scales, then double, over the
    Q3.12 gate scale."""
    return quantize_multiplier(f32(np.float32(inp.s) * np.float32(w.s)) / f32(GATE_INPUT_SCALE))


def mul_multiplier(s1: float, s2: float, s_out: float) -> tuple[int, int]:
    """CreateInterGateMulParams: double products of the float scales."""
    return quantize_multiplier(f32(s1) * f32(s2) / f32(s_out))


def prepare(g: Graph, op: Operator) -> None:
    require_standard(g, op)
    x, h, c = (g.t(op.inputs[i]) for i in (INPUT, HIDDEN_STATE, CELL_STATE))
    fc_in = [fc_multiplier(x, g.t(op.inputs[i])) for i in IN_WEIGHTS]
    fc_rec = [fc_multiplier(h, g.t(op.inputs[i])) for i in REC_WEIGHTS]
    forget = mul_multiplier(GATE_OUTPUT_SCALE, c.s, c.s)
    inmul = mul_multiplier(GATE_OUTPUT_SCALE, GATE_OUTPUT_SCALE, c.s)
    hidden = mul_multiplier(GATE_OUTPUT_SCALE, GATE_OUTPUT_SCALE, h.s)
    # Tanh(cell_state_scale_power): left shift 15 + power - 3, a negative one as multiplier 3
    # and a right shift; reference_integer_ops::Tanh then takes multiplier 0 as 3 << shift
    left = 15 + checked_log2(c.s) - 3
    require(left <= 14, op, f"the cell state scale {c.s!r} is too large for TFLM's int16 tanh "
            "(its input scaling would overflow int32)")
    tanh_mult, tanh_shift = (3 << left, 0) if left >= 0 else (3, -left)
    clip = op.options["cell_clip"]
    qclip = int(min(max(f32(clip) / c.s, -32768.0), 32767.0)) if clip > 0 else 0
    batches, steps, n_input, n_state = sizes(g, op)
    op.params = LstmParams(
        [m for m, _ in fc_in], [s for _, s in fc_in], [m for m, _ in fc_rec],
        [s for _, s in fc_rec], [-g.t(op.inputs[i]).zp for i in IN_WEIGHTS],
        [-g.t(op.inputs[i]).zp for i in REC_WEIGHTS], -x.zp, -h.zp, h.zp, *forget, *inmul,
        *hidden, tanh_mult, tanh_shift, int(clip > 0), qclip, batches, steps, n_input, n_state,
        int(op.options["time_major"]))


def emit(ctx, op: Operator) -> None:
    p = op.params
    ptrs = {"w_in": IN_WEIGHTS, "w_rec": REC_WEIGHTS, "bias": BIASES}
    fields = [f".{k} = {{{', '.join(ctx.ptr(op.inputs[i]) for i in v)}}}" for k, v in ptrs.items()]
    fields.append(".sigmoid_table = " + ctx.const(
        sigmoid_table(), "uint16_t", "sigmoid_table",
        comment="sigmoid(i / 24) in 0.16 (TFLite's int16 LOGISTIC / TANH table)"))
    for f in dataclasses.fields(p):
        v = getattr(p, f.name)
        fields.append(f".{f.name} = " + (f"{{{', '.join(map(str, v))}}}" if isinstance(v, list)
                                          else str(v)))
    name = f"{ctx.prefix}_lstm{op.index}"
    ctx.consts.line(f"/* operator #{op.index} UNIDIRECTIONAL_SEQUENCE_LSTM */")
    with ctx.consts.block(f"static const te_lstm_s8_params {name} TE_WEIGHT =", "};"):
        ctx.consts.lines(f + "," for f in fields)
    ctx.call("te_unidirectional_sequence_lstm_s8", f"&{name}", ctx.ptr(op.inputs[INPUT]),
             ctx.ptr(op.inputs[HIDDEN_STATE]), ctx.ptr(op.inputs[CELL_STATE]),
             ctx.ptr(op.outputs[0]))


register(OpDef(name="UNIDIRECTIONAL_SEQUENCE_LSTM", stem="unidirectional_sequence_lstm",
               read_options=read_options, prepare=prepare, emit=emit, macs=macs,
               kernels=("unidirectional_sequence_lstm",),
               signature=SIGNATURE, check=check_shapes))
