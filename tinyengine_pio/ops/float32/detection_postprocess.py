"""TFLite_Detection_PostProcess (custom operator, the tail of SSD detectors), float32, as TFLM's
kernels/detection_postprocess.cc runs it.

Options: the operator's flexbuffer map (custom_options), read as TFLM's Init reads them
(max_detections, max_classes_per_detection, detections_per_class (default 100),
use_regular_nms (default false), nms_score_threshold, nms_iou_threshold, num_classes and the
y/x/h/w scales). Inputs: box encodings [1, n, >= 4], class predictions [1, n, num_classes (+1
background)], anchors (n rows of y, x, h, w); outputs float32 boxes [1, D, 4], classes [1, D],
scores [1, D] and num_detections [1], D >= max_detections.

What TFLM does that shapes this implementation:
- Its Eval reads float32 inputs only (int8 / uint8 box encodings or class predictions make
  Invoke fail; it reads the anchors as float whatever their type), so every input is float32
  here: a quantized SSD head reaches it through DEQUANTIZE.
- It decodes in double (std::exp of a double); the kernel does the same with its own double
  exp (no libm), so boxes are bit-exact and every IoU decision is TFLM's.
- Fast NMS (use_regular_nms false) keeps per box its best class (the first of the highest
  score), runs one NMS over those scores and writes only the detections it found: the other
  output slots keep whatever the tensors held. The kernel writes zeros there (as the regular
  NMS does). With more than one category per anchor (min(max_classes_per_detection,
  num_classes) > 1) TFLM writes its outputs at offsets past max_detections: refused.
- A decoded box with ymin >= ymax or xmin >= xmax makes TFLM's Invoke fail (ValidateBoxes):
  the kernel returns 1 and so does <prefix>_invoke().
- Sorting: TFLM's stable merge sort of the kept scores and its partial sorts compare
  (score, position) totally, so the kernel's orders (see the C file) give the same lists.
- Options TFLM's Eval rejects (IoU threshold outside (0, 1], max_detections < 0,
  detections_per_class <= 0 with regular NMS, max_classes_per_detection <= 0 with fast NMS)
  are malformed; sizes for which TFLM's scratch buffers overflow (max_detections 0, regular
  NMS whose running list outgrows max_detections * n) are refused.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ...cwriter import CWriter
from ...errors import MalformedModelError
from ...ir import Graph, MemoryOption, Operator
from ..base import OpDef, register, require
from ..signature import Operand, Signature, check, expect_shape
from .common import F32, F32_OUT

NAME = "CUSTOM(TFLite_Detection_PostProcess)"
INT_OPTIONS = ("max_detections", "max_classes_per_detection", "num_classes")
FLOAT_OPTIONS = ("nms_score_threshold", "nms_iou_threshold", "y_scale", "x_scale", "h_scale",
                 "w_scale")
DEFAULT_DETECTIONS_PER_CLASS = 100          # TFLM's kNumDetectionsPerClass

SIGNATURE = Signature(
    (Operand("box encodings", dtypes=F32, ranks=(3,), quantized=False),
     Operand("class predictions", dtypes=F32, ranks=(3,), quantized=False),
     Operand("anchors", dtypes=F32, ranks=(2,), quantized=False)),
    (F32_OUT, F32_OUT, F32_OUT, F32_OUT))


def _int(name: str, v) -> int:
    """flexbuffers' AsInt32 of a bool, int or integral float; anything else is malformed."""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if not isinstance(v, (bool, int)) or not -(1 << 31) <= int(v) < (1 << 31):
        raise MalformedModelError(f"custom option {name} is {v!r}, expected a 32-bit integer")
    return int(v)


def _float(name: str, v) -> float:
    """flexbuffers' AsFloat: the value rounded to float32."""
    if not isinstance(v, (bool, int, float)):
        raise MalformedModelError(f"custom option {name} is {v!r}, expected a number")
    with np.errstate(over="ignore"):
        return float(np.float32(v))


def read_options(op_fb) -> dict:
    """The flexbuffer map of custom_options, as TFLM's Init reads it; a missing or undecodable
    buffer, a missing key or a value of the wrong type is a MalformedModelError."""
    from flatbuffers import flexbuffers
    if not op_fb.CustomOptionsLength():
        raise MalformedModelError("its custom options (a flexbuffer map) are missing")
    try:
        m = flexbuffers.Loads(bytes(op_fb.CustomOptionsAsNumpy()))
    except Exception as e:      # any decoding failure of foreign bytes
        raise MalformedModelError(f"its custom options are not a valid flexbuffer "
                                  f"({type(e).__name__}: {e})") from None
    if not isinstance(m, dict):
        kind = "null" if m is None else type(m).__name__
        raise MalformedModelError(f"its custom options are a flexbuffer {kind}, expected a map")
    missing = [k for k in INT_OPTIONS + FLOAT_OPTIONS if m.get(k) is None]
    if missing:
        raise MalformedModelError(f"its custom options lack {', '.join(missing)}")
    opts = {k: _int(k, m[k]) for k in INT_OPTIONS}
    opts.update({k: _float(k, m[k]) for k in FLOAT_OPTIONS})
    dpc = m.get("detections_per_class")
    opts["detections_per_class"] = DEFAULT_DETECTIONS_PER_CLASS if dpc is None else \
        _int("detections_per_class", dpc)
    reg = m.get("use_regular_nms")
    if reg is not None and not isinstance(reg, (bool, int)):
        raise MalformedModelError(f"custom option use_regular_nms is {reg!r}, expected a bool")
    opts["use_regular_nms"] = bool(reg)
    return opts


@dataclass
class DetectionPostprocessParams:
    num_boxes: int
    box_stride: int          # the box encodings' last dimension (>= 4)
    num_classes: int
    class_stride: int        # num_classes, + 1 with a background class first
    max_detections: int
    regular: bool
    detections_per_class: int
    slots: int               # D: detections the outputs hold
    score_threshold: float
    iou_threshold: float
    scales: tuple            # y, x, h, w


def check_shapes(g: Graph, op: Operator) -> None:
    """TFLM's Prepare / Eval checks on shapes and options (each failure malformed)."""
    o = op.options
    enc, cls, anc = (g.t(i) for i in op.inputs)
    n = enc.shape[1]
    check(enc.shape[0] == 1 and enc.shape[2] >= 4, op,
          f"box encodings have shape {list(enc.shape)}, expected [1, num_boxes, >= 4]")
    check(cls.shape[0] == 1 and cls.shape[1] == n, op,
          f"class predictions have shape {list(cls.shape)}, expected [1, {n}, classes]")
    check(o["num_classes"] >= 1, op, f"num_classes is {o['num_classes']}, expected >= 1")
    check(0 <= cls.shape[2] - o["num_classes"] <= 1, op,
          f"class predictions hold {cls.shape[2]} classes for num_classes {o['num_classes']} "
          "(TFLM allows one background class at most)")
    check(anc.size >= 4 * n, op, f"anchors have shape {list(anc.shape)}: TFLM reads 4 values "
                                 f"for each of the {n} boxes")
    iou = o["nms_iou_threshold"]
    check(0.0 < iou <= 1.0, op, f"nms_iou_threshold is {iou}; TFLM's Eval requires (0, 1]")
    check(o["max_detections"] >= 0, op, f"max_detections is {o['max_detections']}, expected "
                                        ">= 0")
    if o["use_regular_nms"]:
        check(o["detections_per_class"] > 0, op, f"detections_per_class is "
              f"{o['detections_per_class']}; TFLM's regular NMS requires > 0")
    else:
        check(o["max_classes_per_detection"] > 0, op, f"max_classes_per_detection is "
              f"{o['max_classes_per_detection']}; TFLM's fast NMS requires > 0")
    for k in ("y_scale", "x_scale", "h_scale", "w_scale"):
        check(not math.isnan(o[k]), op, f"{k} is NaN")
    d = g.t(op.outputs[1]).shape[-1] if g.t(op.outputs[1]).shape else 0
    for pos, shape in enumerate(([1, d, 4], [1, d], [1, d], [1])):
        expect_shape(g, op, shape, pos, "boxes [1, D, 4], classes and scores [1, D], "
                                        "num_detections [1]")
    check(d >= o["max_detections"], op, f"the outputs hold {d} detections, fewer than "
                                        f"max_detections {o['max_detections']}: TFLM writes "
                                        "past them")


def prepare(g: Graph, op: Operator) -> None:
    o = op.options
    enc, cls = g.t(op.inputs[0]), g.t(op.inputs[1])
    n, md, dpc = enc.shape[1], o["max_detections"], o["detections_per_class"]
    require(md > 0, op, "max_detections is 0: TFLM sizes its scratch buffers by it and writes "
                        "past them")
    if o["use_regular_nms"]:
        need = (md if o["num_classes"] > 1 else 0) + min(dpc, n)
        require(md * n >= need, op, f"regular NMS with max_detections {md} over {n} boxes: "
                f"TFLM's scratch list of max_detections * num_boxes = {md * n} entries may "
                f"need {need} and overflow")
    else:
        require(min(o["max_classes_per_detection"], o["num_classes"]) == 1, op,
                f"fast NMS with max_classes_per_detection {o['max_classes_per_detection']} and "
                f"{o['num_classes']} classes: TFLM writes its detections past max_detections "
                "(only one class per detection is supported)")
    op.params = DetectionPostprocessParams(
        num_boxes=n, box_stride=enc.shape[2], num_classes=o["num_classes"],
        class_stride=cls.shape[2], max_detections=md, regular=bool(o["use_regular_nms"]),
        detections_per_class=dpc, slots=g.t(op.outputs[1]).shape[-1],
        score_threshold=o["nms_score_threshold"], iou_threshold=o["nms_iou_threshold"],
        scales=tuple(o[k] for k in ("y_scale", "x_scale", "h_scale", "w_scale")))


def scratch_bytes(p: DetectionPostprocessParams) -> int:
    """The kernel's scratch (its header's layout): 4-byte entries, then n active flags."""
    n = p.num_boxes
    sel = min(n, p.detections_per_class if p.regular else p.max_detections)
    acc = p.max_detections + sel if p.regular else 0
    tmp = p.max_detections if p.regular else 0
    return 4 * (4 * n + 5 * n + sel + 2 * acc + 2 * tmp) + n


def memory_options(g: Graph, op: Operator) -> list[MemoryOption]:
    return [MemoryOption(scratch=scratch_bytes(op.params))]


def literal(v: float) -> str:
    """An exact C float literal, infinities and NaN included (te_float.h helpers)."""
    v = float(np.float32(v))
    if math.isnan(v):
        return "te_u2f(0x7fc00000u)"
    if math.isinf(v):
        return "te_inff()" if v > 0 else "(-te_inff())"
    return repr(v) + "f"


def emit(ctx, op: Operator) -> None:
    """The call, under `if (... != 0) return 1;`: TFLM's Invoke fails on an invalid box."""
    p = op.params
    w = CWriter()
    w.call("te_detection_postprocess_f32", *(ctx.ptr(i) for i in op.inputs),
           *(ctx.ptr(o) for o in op.outputs), ctx.arena_ptr(op.scratch_offset),
           p.num_boxes, p.box_stride, p.num_classes, p.class_stride, p.max_detections,
           int(p.regular), p.detections_per_class, p.slots, literal(p.score_threshold),
           literal(p.iou_threshold), *(literal(s) for s in p.scales))
    lines = w.text().rstrip("\n").split("\n")
    lines[0] = "if (" + lines[0]
    lines[-1] = lines[-1][:-1] + " != 0) {"
    ctx.isas.add("portable")
    ctx.body.lines(lines)
    ctx.body.lines(["    return 1;   /* a decoded box is empty: TFLM's Invoke fails too */", "}"])


def macs(g: Graph, op: Operator) -> int:
    """Decoding and the per-box class scan (NMS is data-dependent)."""
    n = g.t(op.inputs[0]).shape[1]
    return n * (4 + g.t(op.inputs[1]).shape[2])


register(OpDef(name=NAME, stem="detection_postprocess", dtype="float32",
               read_options=read_options, prepare=prepare, emit=emit,
               kernels=("detection_postprocess_f32",), macs=macs, signature=SIGNATURE,
               check=check_shapes, memory_options=memory_options))
