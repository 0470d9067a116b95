"""What an operator needs of its tensors, declared beside the operator (OpDef.signature) and
checked by validate.py before any pass or prepare() reads the graph.

`Operand`s list, per position, the dtypes, ranks, constness and quantization a tensor must have;
an op's `check` hook (OpDef.check) then checks the shape semantics (output size from padding,
strides and dilation; FC output = batches x units; element-wise broadcast; ...) with
`expect_shape` and `invalid`. Everything here raises MalformedModelError naming the operator and
the tensor, so prepare() may index shapes and quantization arrays without guarding."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import MalformedModelError
from ..ir import Graph, Operator


@dataclass(frozen=True)
class Operand:
    role: str                                   # "input", "filter", "bias", "axis", ...
    dtypes: tuple[str, ...] = ("int8",)
    ranks: tuple[int, ...] | None = None        # None: any rank (validate.MAX_RANK)
    const: bool | None = None                   # True: must be constant; None: either
    quantized: bool = True                      # needs a scale and a zero point
    per_channel: int | None = None              # the axis per-channel quantization may use
    optional: bool = False                      # may be omitted (-1 or absent)


@dataclass(frozen=True)
class Signature:
    inputs: tuple[Operand, ...]
    outputs: tuple[Operand, ...] = (Operand("output"),)
    variadic: bool = False                      # the last input operand repeats (CONCATENATION)
    variadic_outputs: bool = False              # the last output operand repeats (SPLIT, UNPACK)


ACTIVATION = Operand("input")
OUTPUT = Operand("output")
UNARY = Signature((ACTIVATION,))
BINARY = Signature((Operand("input 0"), Operand("input 1")))
FILTER_BIAS = (Operand("bias", dtypes=("int32",), ranks=(1,), const=True, quantized=False,
                       optional=True),)


def const_int(role: str, ranks=(1,), optional: bool = False) -> Operand:
    """A constant integer operand (axes, paddings, shapes, permutations)."""
    return Operand(role, dtypes=("int32", "int64"), ranks=ranks, const=True, quantized=False,
                   optional=optional)


def invalid(op: Operator, why: str) -> MalformedModelError:
    return MalformedModelError(f"operator #{op.index} {op.kind}: {why}")


def check(cond: bool, op: Operator, why: str) -> None:
    if not cond:
        raise invalid(op, why)


def expect_shape(g: Graph, op: Operator, expected, pos: int = 0, why: str = "") -> None:
    """Output `pos` must have `expected` shape (what the op computes from its inputs)."""
    t = g.t(op.outputs[pos])
    expected = [int(d) for d in expected]
    if list(t.shape) != expected:
        raise invalid(op, f"output {pos} '{t.name}' has shape {list(t.shape)}, but the operator "
                          f"computes {expected}{' (' + why + ')' if why else ''}")


def same_shape(g: Graph, op: Operator) -> None:
    """Output 0 has input 0's shape (activations, QUANTIZE, DEQUANTIZE)."""
    expect_shape(g, op, g.t(op.inputs[0]).shape, why="the input's shape")


def axis_in(op: Operator, axis: int, rank: int, what: str = "axis") -> int:
    """A possibly negative axis, normalised, or a named error."""
    check(-rank <= axis < rank, op, f"{what} {axis} is out of range for rank {rank}")
    return axis % rank


def check_bias(g: Graph, op: Operator, pos: int, channels: int) -> None:
    """An optional int32 bias at input `pos` has one value per output channel."""
    if len(op.inputs) > pos and op.inputs[pos] >= 0:
        b = g.t(op.inputs[pos])
        check(b.size == channels, op, f"bias '{b.name}' has {b.size} values for {channels} output "
                                      "channels")


ACC_MAX = (1 << 31) - 1


def check_accumulator(g: Graph, op: Operator, depth: int, bias_pos: int) -> None:
    """The int32 accumulator of `depth` int8 products (|x - zp| <= 255, |w| <= 128) plus the bias
    cannot overflow: TFLM's result would be undefined (and ours differ)."""
    worst = depth * 255 * 128
    if len(op.inputs) > bias_pos and op.inputs[bias_pos] >= 0:
        b = g.t(op.inputs[bias_pos]).data
        worst += int(abs(b.astype("int64")).max()) if b is not None and b.size else 0
    if worst > ACC_MAX:
        from ..errors import UnsupportedError
        raise UnsupportedError(f"operator #{op.index} {op.kind}: {depth} products per output plus "
                               f"the bias may overflow the int32 accumulator (worst case "
                               f"{worst:,}); TFLite's result would be undefined")
