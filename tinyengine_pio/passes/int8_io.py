"""`--io int8`: the caller passes and receives the quantized tensors of a float-I/O model.

Many int8 models keep float32 I/O around their quantized body: a QUANTIZE (float32 -> int8)
right after each float graph input and a DEQUANTIZE (int8 -> float32) right before each float
graph output. The float input is then the largest buffer of the arena (mcunet-vww-80: 76,800 of
its 76,864 B). With `g.config["io"] == "int8"` (compile_model(io="int8"), `--io int8`) this pass,
the first of the pipeline, drops

* every QUANTIZE float32 -> int8 (or int16) whose input is a float32 graph input read by that
  QUANTIZE alone (not also an output, not another op's input): the graph input becomes the
  QUANTIZE's per-tensor quantized output, which the caller fills with
  q = round(x / scale) + zero_point itself;
* every DEQUANTIZE int8 (or int16) -> float32 whose output is a float32 graph output read by
  no operator: the graph output becomes its per-tensor quantized input (x = scale * (q - zero
  point) for the caller), unless that tensor is already a graph input or output (a QUANTIZE ->
  DEQUANTIZE pass-through, or two DEQUANTIZEs of one tensor: the second keeps its DEQUANTIZE).
  The quantized tensor may also feed other operators: a graph output may be read inside too.

An int16x8 model (QUANTIZE float32 -> int16) gets int16 I/O: the option's name says "int8",
it means "the quantized type of the model's body". Anything else (a float op before the QUANTIZE
or after the DEQUANTIZE, a float model with no boundary op) stays as it is: the option never
fails, and `g.config["io_dropped"]` lists what it dropped (the report prints it).

TFLM's QUANTIZE rounds x / scale half away from zero, so a caller's int8 q fed to the float
model as x = (q - zp) * scale comes back as q exactly; our int8 outputs are TFLM's float outputs
mapped back: q = round(x / scale) + zp (tests/test_int8_io.py checks both)."""
from __future__ import annotations

import numpy as np

from ..errors import OptionError
from ..ir import NP_TYPES, Graph, Operator

IO_MODES = ("model", "int8")
QUANTIZED = ("int8", "int16")


def check_io(io) -> str:
    """The io option's value, or OptionError naming the accepted ones."""
    if io not in IO_MODES:
        raise OptionError(f"io must be {' or '.join(repr(m) for m in IO_MODES)}, not {io!r}")
    return io


def _quantized(g: Graph, i: int) -> bool:
    t = g.t(i)
    return (t.dtype in QUANTIZED and not t.is_const and t.scale is not None
            and not t.per_channel)


def _record(g: Graph, op: Operator, side: str, position: int, dropped: int, kept: int) -> dict:
    """What the report says: the op, the float tensor it dropped, the tensor the caller uses."""
    t = g.t(kept)
    return dict(op=op.kind, index=op.index, side=side, position=position,
                tensor=g.t(dropped).name, now=t.name, dtype=t.dtype, scale=t.s,
                zero_point=t.zp)


def describe(d: dict) -> str:
    """"dropped QUANTIZE #0 at input 'x': the caller passes int8, scale S zero point Z"."""
    verb = "passes" if d["side"] == "input" else "receives"
    return (f"dropped {d['op']} #{d['index']} at {d['side']} {d['position']} '{d['tensor']}': "
            f"the caller {verb} {d['dtype']}, scale {d['scale']!r} zero point {d['zero_point']}")


def int8_io(g: Graph) -> Graph:
    if check_io(g.config.get("io", "model")) != "int8":
        return g
    consumers = g.consumers()
    drop: set[int] = set()
    dropped: list[dict] = []
    inputs = list(g.inputs)
    for n, i in enumerate(g.inputs):
        users = consumers.get(i, [])
        if (g.t(i).dtype != "float32" or g.t(i).is_const or len(users) != 1
                or g.inputs.count(i) != 1 or i in g.outputs):
            continue
        op = users[0]
        q = op.outputs[0]
        if (op.kind != "QUANTIZE" or [x for x in op.inputs if x >= 0] != [i]
                or not _quantized(g, q) or q in g.outputs):
            continue
        inputs[n] = q
        drop.add(id(op))
        dropped.append(_record(g, op, "input", n, i, q))
    g.inputs = inputs
    producers = g.producers()
    outputs = list(g.outputs)
    for n, o in enumerate(g.outputs):
        op = producers.get(o)
        if (op is None or op.kind != "DEQUANTIZE" or g.t(o).dtype != "float32"
                or consumers.get(o) or g.outputs.count(o) != 1):
            continue
        q = op.inputs[0]
        if not _quantized(g, q) or q in inputs or q in outputs:
            continue
        outputs[n] = q
        drop.add(id(op))
        dropped.append(_record(g, op, "output", n, o, q))
    g.outputs = outputs
    g.operators = [op for op in g.operators if id(op) not in drop]
    g.config["io_dropped"] = dropped
    return g


def model_inputs(dropped: list[dict], inputs: list) -> list:
    """The source model's inputs for the caller's `inputs` of an --io int8 compile: each
    quantized q at a dropped QUANTIZE's position as the float32 x = (q - zero point) * scale,
    which TFLM's QUANTIZE maps back to q (|q - zp| <= 65535: x / scale is within an ulp of it)."""
    out = list(inputs)
    for d in dropped:
        if d["side"] == "input":
            q = np.asarray(out[d["position"]], dtype=np.float64)
            out[d["position"]] = ((q - d["zero_point"]) * d["scale"]).astype(np.float32)
    return out


def caller_outputs(dropped: list[dict], outputs: list) -> list:
    """The --io int8 outputs for the source model's `outputs`: each float32 f at a dropped
    DEQUANTIZE's position as q = round(f / scale) + zero point in its quantized type (TFLM's
    DEQUANTIZE wrote f = scale * (q - zp), so this is q again)."""
    out = list(outputs)
    for d in dropped:
        if d["side"] == "output":
            f = np.asarray(out[d["position"]], dtype=np.float64)
            out[d["position"]] = (np.round(f / d["scale"]) + d["zero_point"]).astype(
                NP_TYPES[d["dtype"]])
    return out
