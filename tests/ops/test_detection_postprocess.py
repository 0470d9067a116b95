"""TFLite_Detection_PostProcess (custom operator, float32) against TFLM's detection_postprocess.cc:
box decoding, fast and regular NMS, score thresholds that keep no / some / every box, ties,
overlapping anchors, background classes, wider box encodings, an int8 SSD head feeding it through
DEQUANTIZE, TFLM's runtime failure on an empty decoded box, and the refusals.

Every output is compared bit for bit. TFLM's fast NMS writes only the detections it found (the
other slots keep whatever its output tensors held: the previous input set's values), so those
slots are compared up to num_detections and ours must be zero beyond."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.builder import ModelBuilder
from tinyengine_pio import compile_model
from tinyengine_pio.errors import MalformedModelError, UnsupportedError

CODE = "TFLite_Detection_PostProcess"


def options(**kw) -> dict:
    o = dict(max_detections=10, max_classes_per_detection=1, detections_per_class=100,
             use_regular_nms=False, nms_score_threshold=0.3, nms_iou_threshold=0.5,
             num_classes=3, y_scale=10.0, x_scale=10.0, h_scale=5.0, w_scale=5.0)
    o.update(kw)
    return {k: v for k, v in o.items() if v is not None}


def anchors(n: int, seed: int = 0, spread: float = 1.0) -> np.ndarray:
    """n anchors (y, x, h, w): centres in [0, spread], sizes 0.05-0.5 (many overlap)."""
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.uniform(0, spread, (n, 2)), rng.uniform(0.05, 0.5, (n, 2))],
                          axis=1).astype(np.float32)


def postprocess(mb: ModelBuilder, enc, cls, anc, opts: dict, slots: int | None = None,
                custom_options=None):
    """The custom operator over tensors enc / cls / anc; returns its four output tensors."""
    d = opts.get("max_detections", 10) if slots is None else slots
    outs = [mb.tensor([1, d, 4], "float32", name="boxes"),
            mb.tensor([1, d], "float32", name="classes"),
            mb.tensor([1, d], "float32", name="scores"),
            mb.tensor([1], "float32", name="num_detections")]
    mb.custom_op(CODE, [enc, cls, anc], outs, opts if custom_options is None else custom_options)
    return outs


def model(n: int = 20, classes: int = 3, background: bool = True, stride: int = 4,
          anc=None, slots: int | None = None, custom_options=None, enc_dtype="float32",
          **kw) -> bytes:
    opts = options(num_classes=classes, **kw)
    mb = ModelBuilder()
    q = {} if enc_dtype == "float32" else dict(scale=0.05, zero_point=0)
    enc = mb.tensor([1, n, stride], enc_dtype, name="box_encodings", **q)
    cls = mb.tensor([1, n, classes + int(background)], enc_dtype, name="class_predictions", **q)
    a = mb.const(anchors(n) if anc is None else anc)
    outs = postprocess(mb, enc, cls, a, opts, slots, custom_options)
    return mb.build([enc, cls], outs)


def sets(n: int, classes: int, background: bool = True, stride: int = 4, count: int = 4,
         levels: int | None = None, seed: int = 0) -> list:
    """Box encodings ~ N(0, 1) (SSD's scale), scores uniform in [0, 1]; `levels` rounds the
    scores to that many steps (ties everywhere)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        enc = rng.standard_normal((1, n, stride)).astype(np.float32)
        sc = rng.uniform(0, 1, (1, n, classes + int(background))).astype(np.float32)
        if levels:
            sc = (np.round(sc * levels) / levels).astype(np.float32)
        out.append([enc, sc])
    return out


def compare(data: bytes, input_sets, compile_to, regular: bool | None = None) -> list:
    """Run the generated C and TFLM on `input_sets`; every output bit-equal (fast NMS: the
    detection slots up to num_detections, ours zero beyond). Returns TFLM's outputs."""
    from tests.helpers.hostrun import HostModel
    from tests.helpers.tflm import run_tflm_many
    _, out = compile_to(data)
    with HostModel(out) as host:
        ours = host.run(input_sets)
    refs = run_tflm_many(data, input_sets)
    for k, (got_raw, want) in enumerate(zip(ours, refs)):
        got = [np.frombuffer(r, np.float32).reshape(w.shape) for r, w in zip(got_raw, want)]
        found = int(want[3][0])
        assert got[3].tobytes() == want[3].tobytes(), f"set {k}: num_detections " \
                                                      f"{got[3]} != {want[3]}"
        for o in range(3):
            g, w = got[o][0], want[o][0]
            assert g[:found].tobytes() == w[:found].tobytes(), \
                f"set {k} output {o}: {g[:found]} != TFLM {w[:found]}"
            assert not g[found:].any(), f"set {k} output {o}: unused slots not zero"
            if regular:     # TFLM's regular NMS zeroes the unused slots too
                assert not w[found:].any()
    return refs


# -- fast NMS (use_regular_nms false, one class per detection) ------------------------------------

@pytest.mark.parametrize("n,classes,background,max_det", [
    (1, 1, True, 1), (5, 1, False, 3), (20, 3, True, 10), (37, 5, False, 4), (64, 10, True, 25),
    (100, 2, True, 100), (200, 90, True, 10)])
def test_fast_nms_sweep(compile_to, n, classes, background, max_det):
    data = model(n, classes, background, max_detections=max_det)
    compare(data, sets(n, classes, background), compile_to)


@pytest.mark.parametrize("threshold,expect", [(2.0, "none"), (0.7, "some"), (-1.0, "all"),
                                              (float("-inf"), "all"), (0.0, "all")])
def test_fast_nms_thresholds(compile_to, threshold, expect):
    """IoU 1.0 keeps every box NMS reaches: max_detections 50 over 30 boxes shows them all."""
    data = model(30, 4, nms_score_threshold=threshold, nms_iou_threshold=1.0, max_detections=50)
    refs = compare(data, sets(30, 4), compile_to)
    found = [int(r[3][0]) for r in refs]
    assert {"none": all(f == 0 for f in found), "some": all(0 < f < 30 for f in found),
            "all": all(f == 30 for f in found)}[expect], found


@pytest.mark.parametrize("levels", [1, 2, 5])
def test_fast_nms_ties(compile_to, levels):
    """Scores on a few levels: equal best classes (the first wins), equal box scores (the lower
    box first), NMS among equals."""
    data = model(40, 6, max_detections=40, nms_score_threshold=0.0, nms_iou_threshold=0.3)
    compare(data, sets(40, 6, levels=levels), compile_to)


@pytest.mark.parametrize("iou", [0.01, 0.2, 0.5, 0.9, 1.0])
def test_fast_nms_iou_thresholds(compile_to, iou):
    """Crowded anchors (centres within 0.3): NMS suppresses many boxes at low thresholds."""
    data = model(50, 3, anc=anchors(50, seed=4, spread=0.3), max_detections=50,
                 nms_score_threshold=0.0, nms_iou_threshold=iou)
    compare(data, sets(50, 3), compile_to)


def test_fast_nms_wide_encodings_and_scales(compile_to):
    """Box encodings with 6 values per box (keypoint-style: TFLM reads the first 4), other
    scales, more output slots than max_detections, num_classes 1 with
    max_classes_per_detection 3 (one category per anchor all the same)."""
    data = model(24, 1, stride=6, slots=12, max_detections=8, max_classes_per_detection=3,
                 y_scale=1.0, x_scale=2.5, h_scale=0.5, w_scale=3.0, nms_score_threshold=0.1)
    compare(data, sets(24, 1, stride=6), compile_to)


def test_fast_nms_deterministic_sets(tflm_check):
    """The fixture's sets: random, all -3 (every score equal: every box below threshold 0.3)
    and all +3 (every score equal, every box kept): fast NMS fills max_detections slots in the
    all-equal sets, so every slot is compared."""
    data = model(16, 2, max_detections=4, nms_iou_threshold=1.0, nms_score_threshold=-5.0)
    tflm_check(data, float_exact=True)


# -- regular NMS --------------------------------------------------------------------------------

@pytest.mark.parametrize("n,classes,background,max_det,per_class", [
    (1, 1, True, 1, 1), (6, 3, True, 3, 100), (20, 3, False, 10, 2), (37, 5, True, 7, 3),
    (64, 10, True, 25, 100), (100, 2, False, 100, 50), (120, 20, True, 10, 5)])
def test_regular_nms_sweep(tflm_check, n, classes, background, max_det, per_class):
    data = model(n, classes, background, max_detections=max_det, use_regular_nms=True,
                 detections_per_class=per_class)
    tflm_check(data, sets(n, classes, background), float_exact=True)


@pytest.mark.parametrize("threshold", [2.0, 0.8, 0.0, float("-inf")])
def test_regular_nms_thresholds(tflm_check, threshold):
    data = model(30, 4, use_regular_nms=True, max_detections=40, detections_per_class=30,
                 nms_score_threshold=threshold, nms_iou_threshold=1.0)
    tflm_check(data, sets(30, 4), float_exact=True)


@pytest.mark.parametrize("levels", [1, 3])
def test_regular_nms_ties(tflm_check, levels):
    """Equal scores within and across classes: the running top list keeps earlier entries
    first, each class's selections follow the lower box."""
    data = model(40, 5, use_regular_nms=True, max_detections=15, detections_per_class=6,
                 nms_score_threshold=0.0, nms_iou_threshold=0.4)
    tflm_check(data, sets(40, 5, levels=levels), float_exact=True)


def test_regular_nms_default_detections_per_class(tflm_check):
    """No detections_per_class key: TFLM's default 100; no use_regular_nms key: fast NMS."""
    data = model(30, 3, use_regular_nms=True, detections_per_class=None, max_detections=20,
                 anc=anchors(30, seed=2, spread=0.4), nms_iou_threshold=0.3)
    tflm_check(data, sets(30, 3), float_exact=True)


def test_missing_use_regular_nms_is_fast(compile_to):
    data = model(30, 3, use_regular_nms=None, detections_per_class=None)
    compare(data, sets(30, 3), compile_to)


def test_unused_slots_differ_by_mode():
    """TFLM's fast NMS leaves its unused slots as they were (here: the previous set's
    detections), regular NMS zeroes them: why the fast comparisons stop at num_detections."""
    from tests.helpers.tflm import run_tflm_many
    s = sets(10, 2, count=2)
    s[1][1][:] = 0.0                         # no box above the threshold
    fast = run_tflm_many(model(10, 2, max_detections=5), s)
    regular = run_tflm_many(model(10, 2, max_detections=5, use_regular_nms=True), s)
    assert fast[1][3][0] == 0 and fast[1][2].any()
    assert regular[1][3][0] == 0 and not regular[1][2].any()


# -- decoding -------------------------------------------------------------------------------------

def test_decoding_extremes(compile_to):
    """Large and tiny encodings (exp near under- and overflow of the box size), huge and tiny
    anchors: the double decode rounds as TFLM's."""
    n = 12
    anc = np.array([[0.5, 0.5, 1e-3, 2e-3], [0.1, 0.9, 100.0, 50.0], [1e5, -1e5, 1e3, 2e3]] * 4,
                   np.float32)
    data = model(n, 2, anc=anc, max_detections=n, nms_iou_threshold=1.0,
                 nms_score_threshold=0.0)
    enc = np.array([[3.0, -3.0, 20.0, -20.0], [100.0, 1e-7, 45.0, 40.0],
                    [-1e4, 1e4, -30.0, 30.0], [0.0, 0.0, 0.0, 0.0]] * 3, np.float32)
    rng = np.random.default_rng(5)
    cls = rng.uniform(0.1, 1, (1, n, 3)).astype(np.float32)
    compare(data, [[enc[None], cls], [enc[None] * 0.5, cls], [-enc[None] * 0.25, cls]],
            compile_to)


def test_empty_decoded_box_fails_like_tflm(compile_to):
    """An anchor of height 0 decodes to ymin == ymax: TFLM's Invoke fails (ValidateBoxes),
    and so does <prefix>_invoke() (status 1)."""
    from tests.helpers.hostrun import HostModel, HostRunError
    from tests.helpers.tflm import run_tflm
    anc = anchors(8)
    anc[5, 2] = 0.0
    data = model(8, 2, anc=anc)
    s = sets(8, 2, count=1)[0]
    with pytest.raises(RuntimeError, match="invocation failed"):
        run_tflm(data, s)
    _, out = compile_to(data)
    with HostModel(out) as host, pytest.raises(HostRunError) as e:
        host.run([s])
    assert e.value.returncode == 3 and "returned 1" in e.value.stderr


def test_underflowing_box_size_fails_like_tflm(compile_to):
    """exp(-40 / 0.5) times a small anchor is below half an ulp of the centre: an empty box."""
    from tests.helpers.hostrun import HostModel, HostRunError
    from tests.helpers.tflm import run_tflm
    data = model(4, 1, h_scale=0.5)
    enc = np.zeros((1, 4, 4), np.float32)
    enc[0, 2, 2] = -40.0
    s = [enc, np.full((1, 4, 2), 0.5, np.float32)]
    with pytest.raises(RuntimeError):
        run_tflm(data, s)
    _, out = compile_to(data)
    with HostModel(out) as host, pytest.raises(HostRunError):
        host.run([s])


def test_no_scratch_write_outside(compile_to, tmp_path):
    """ASan/UBSan and the per-layer write check over both modes: the scratch layout holds."""
    from tests.helpers.hostrun import assert_matches_tflm, write_checked
    for k, regular in enumerate((False, True)):
        data = model(33, 4, max_detections=7, use_regular_nms=regular, detections_per_class=5,
                     nms_score_threshold=0.0 if regular else -1.0, nms_iou_threshold=1.0)
        cm = compile_model(data)
        out = write_checked(cm, tmp_path / f"chk{k}")
        # every slot is filled (7 of 33 boxes all kept), so the whole outputs compare
        assert_matches_tflm(data, out, sets(33, 4, count=2), sanitize=True, float_exact=True)


# -- an int8 SSD head feeding it ------------------------------------------------------------------

def ssd_head(classes: int = 3, regular: bool = False, max_det: int = 6) -> bytes:
    """int8 image [1, 8, 8, 3] -> two feature maps (CONV 3x3 stride 2 -> 4x4x8, CONV stride 2
    -> 2x2x8), on each a box CONV (2 anchors x 4) and a class CONV (2 anchors x (classes + 1)),
    RESHAPEd to [1, cells * 2, 4] / [1, cells * 2, classes + 1], CONCATENATED over the maps,
    the class logits through LOGISTIC (int8, scale 1/256), then DEQUANTIZE of both (what the
    TF converter puts before this float-only custom operator) -> TFLite_Detection_PostProcess."""
    rng = np.random.default_rng(11)
    mb = ModelBuilder()
    ncls = classes + 1
    x = mb.tensor([1, 8, 8, 3], "int8", scale=0.02, zero_point=-3, name="image")

    def conv(inp, cin, cout, stride, out_hw, scale, zp, name):
        w = rng.integers(-127, 128, (cout, 3, 3, cin)).astype(np.int8)
        wscale = (rng.uniform(0.002, 0.01, cout)).astype(np.float32)
        b = rng.integers(-500, 500, cout).astype(np.int32)
        in_scale = inp.scale if np.ndim(inp.scale) == 0 else float(inp.scale)
        out = mb.tensor([1, out_hw, out_hw, cout], "int8", scale=scale, zero_point=zp, name=name)
        mb.op("CONV_2D", [inp, mb.const(w, scale=wscale, zero_point=0, quant_dim=0),
                          mb.const(b, scale=wscale * in_scale, zero_point=0)], [out],
              {"padding": "SAME", "stride_w": stride, "stride_h": stride,
               "fused_activation_function": "RELU"})
        return out

    f1 = conv(x, 3, 8, 2, 4, 0.05, -128, "fm1")
    f2 = conv(f1, 8, 8, 2, 2, 0.05, -128, "fm2")
    boxes, logits = [], []
    for fm, hw in ((f1, 4), (f2, 2)):
        cells = hw * hw
        for kind, per, scale, zp, acc in (("box", 4, 0.04, 2, boxes),
                                          ("cls", ncls, 0.08, -10, logits)):
            head = mb.tensor([1, hw, hw, 2 * per], "int8", scale=scale, zero_point=zp)
            w = rng.integers(-127, 128, (2 * per, 3, 3, 8)).astype(np.int8)
            wscale = rng.uniform(0.002, 0.01, 2 * per).astype(np.float32)
            b = rng.integers(-300, 300, 2 * per).astype(np.int32)
            mb.op("CONV_2D", [fm, mb.const(w, scale=wscale, zero_point=0, quant_dim=0),
                              mb.const(b, scale=wscale * 0.05, zero_point=0)], [head],
                  {"padding": "SAME", "stride_w": 1, "stride_h": 1})
            flat = mb.tensor([1, cells * 2, per], "int8", scale=scale, zero_point=zp)
            mb.op("RESHAPE", [head, mb.int32([1, cells * 2, per])], [flat],
                  {"new_shape": [1, cells * 2, per]})
            acc.append(flat)
    n = 2 * (16 + 4)
    enc_q = mb.tensor([1, n, 4], "int8", scale=0.04, zero_point=2, name="box_q")
    mb.op("CONCATENATION", boxes, [enc_q], {"axis": 1})
    logit_q = mb.tensor([1, n, ncls], "int8", scale=0.08, zero_point=-10, name="logits_q")
    mb.op("CONCATENATION", logits, [logit_q], {"axis": 1})
    prob_q = mb.tensor([1, n, ncls], "int8", scale=1 / 256, zero_point=-128, name="scores_q")
    mb.op("LOGISTIC", [logit_q], [prob_q])
    enc = mb.tensor([1, n, 4], "float32", name="box_encodings")
    prob = mb.tensor([1, n, ncls], "float32", name="scores")
    mb.op("DEQUANTIZE", [enc_q], [enc])
    mb.op("DEQUANTIZE", [prob_q], [prob])
    grid = [((i + 0.5) / hw, (j + 0.5) / hw, s, s) for hw in (4, 2) for i in range(hw)
            for j in range(hw) for s in (1.5 / hw, 2.5 / hw)]
    outs = postprocess(mb, enc, prob, mb.const(np.array(grid, np.float32)),
                       options(num_classes=classes, max_detections=max_det,
                               use_regular_nms=regular, detections_per_class=4,
                               nms_score_threshold=0.4, nms_iou_threshold=0.45))
    return mb.build([x], outs)


@pytest.mark.parametrize("regular", [False, True])
def test_int8_ssd_head(compile_to, regular):
    rng = np.random.default_rng(3)
    inputs = [[rng.integers(-128, 128, (1, 8, 8, 3)).astype(np.int8)] for _ in range(6)]
    inputs += [[np.full((1, 8, 8, 3), v, np.int8)] for v in (-128, 0, 127)]
    refs = compare(ssd_head(regular=regular), inputs, compile_to, regular=regular)
    assert any(r[3][0] > 0 for r in refs)


# -- refusals -------------------------------------------------------------------------------------

def test_quantized_inputs_refused():
    """TFLM's Eval reads float32 box encodings and class predictions only (int8 fails)."""
    with pytest.raises(UnsupportedError, match=r"CUSTOM\(TFLite_Detection_PostProcess\).*"
                                               r"box encodings.*int8, expected float32"):
        compile_model(model(10, 2, enc_dtype="int8"))


def test_quantized_anchors_refused():
    mb = ModelBuilder()
    enc = mb.tensor([1, 4, 4], "float32")
    cls = mb.tensor([1, 4, 3], "float32")
    anc = mb.const(np.zeros((4, 4), np.int8), scale=0.01, zero_point=0)
    outs = postprocess(mb, enc, cls, anc, options(num_classes=2))
    with pytest.raises(UnsupportedError, match="anchors.*int8, expected float32"):
        compile_model(mb.build([enc, cls], outs))


@pytest.mark.parametrize("kw,match", [
    (dict(max_classes_per_detection=2), "writes its detections past max_detections"),
    (dict(max_detections=0, slots=5), "max_detections is 0"),
    (dict(use_regular_nms=True, max_detections=1, detections_per_class=100),
     "scratch list .* may need 21 and overflow"),
])
def test_unsupported_options(kw, match):
    with pytest.raises(UnsupportedError, match=r"operator #0 CUSTOM\(TFLite_Detection_Post"
                                               r"Process\): .*" + match):
        compile_model(model(20, 3, **kw))


@pytest.mark.parametrize("kw,match", [
    (dict(nms_iou_threshold=0.0), r"nms_iou_threshold is 0.0; TFLM's Eval requires \(0, 1\]"),
    (dict(nms_iou_threshold=1.5), "nms_iou_threshold is 1.5"),
    (dict(max_detections=-1, slots=5), "max_detections is -1"),
    (dict(use_regular_nms=True, detections_per_class=0), "detections_per_class is 0"),
    (dict(max_classes_per_detection=0), "max_classes_per_detection is 0"),
    (dict(classes=2, num_classes=5), "hold 3 classes for num_classes 5"),
    (dict(background=False, num_classes=1), "hold 3 classes for num_classes 1"),
    (dict(slots=5, max_detections=8), "outputs hold 5 detections, fewer than max_detections 8"),
    (dict(y_scale=float("nan")), "y_scale is NaN"),
])
def test_malformed_options(kw, match):
    classes = kw.pop("classes", 3)
    if "num_classes" in kw:
        cls_override = kw.pop("num_classes")
        data = model(20, classes, kw.pop("background", True),
                     custom_options=options(num_classes=cls_override, **kw))
    else:
        data = model(20, classes, kw.pop("background", True), **kw)
    with pytest.raises(MalformedModelError, match=r"CUSTOM\(TFLite_Detection_PostProcess\).*"
                                                  + match):
        compile_model(data)


@pytest.mark.parametrize("custom,match", [
    (b"", "custom options .* are missing"),
    (b"\x01\x02\x03", "a flexbuffer null, expected a map"),
    (b"\x00\x05", "not a valid flexbuffer .ValueError"),
    (b"\xff\xff\xff", "not a valid flexbuffer .ValueError"),
    ("list", "a flexbuffer list, expected a map"),
    ("drop", "lack max_detections, y_scale"),
    ("string", "max_detections is 'ten', expected a 32-bit integer"),
    ("big", "expected a 32-bit integer"),
    ("float", "use_regular_nms is 0.5, expected a bool"),
])
def test_malformed_custom_options(custom, match):
    from flatbuffers import flexbuffers
    if custom == "list":
        custom = flexbuffers.Dumps([1, 2, 3])
    elif custom == "drop":
        o = options()
        del o["max_detections"], o["y_scale"]
        custom = flexbuffers.Dumps(o)
    elif custom == "string":
        custom = flexbuffers.Dumps(options(max_detections="ten"))
    elif custom == "big":
        custom = flexbuffers.Dumps(options(num_classes=1 << 40))
    elif custom == "float":
        custom = flexbuffers.Dumps(options(use_regular_nms=0.5))
    with pytest.raises(MalformedModelError, match=r"operator #0 CUSTOM\(TFLite_Detection_Post"
                                                  r"Process\): .*" + match):
        compile_model(model(8, 2, custom_options=custom))


# -- on the emulated cores ------------------------------------------------------------------------

@pytest.mark.qemu
@pytest.mark.platformio
@pytest.mark.parametrize("board", ["mps2-an386", "mps3-an547"])
@pytest.mark.parametrize("regular", [False, True])
def test_matches_tflm_on_the_cores(board, regular, tmp_path_factory):
    """Cortex-M4F (single-precision FPU: the double decode runs on libgcc's IEEE soft double)
    and Cortex-M55: bit for bit with TFLM. Every output slot is filled (fast) or zeroed by
    both (regular), so whole outputs compare."""
    import shutil
    if not (shutil.which("arm-none-eabi-gcc") and shutil.which("qemu-system-arm")):
        pytest.skip("needs arm-none-eabi-gcc and qemu-system-arm")
    from tinyengine_pio.harness.dut import Dut
    kw = dict(use_regular_nms=True, max_detections=10, detections_per_class=5) if regular else \
        dict(max_detections=40, nms_score_threshold=-1.0, nms_iou_threshold=1.0)
    data = model(40, 4, **kw)
    cache = tmp_path_factory.getbasetemp() / "dp_fw_cache"
    with Dut.qemu(data, board=board, name="dp.tflite", cache_dir=cache) as dut:
        for k, inputs in enumerate(sets(40, 4, count=3)):
            r = dut.infer(inputs)
            ref = np.concatenate([np.asarray(o).reshape(-1) for o in r.reference_outputs])
            got = np.concatenate([np.asarray(o).reshape(-1) for o in r.outputs])
            assert got.tobytes() == ref.tobytes(), f"set {k}: not bit-equal"
