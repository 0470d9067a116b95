"""RESIZE_BILINEAR int8 against TFLM (reference_ops::ResizeBilinearInteger): up- and down-scaling
by integer and uneven factors, odd sizes, 1-pixel inputs and outputs, batches, align_corners and
half_pixel_centers, a different output quantization (TFLite copies the interpolated codes), the
host tables, and the refusals."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import opmodels
from tinyengine_pio.errors import MalformedModelError, UnsupportedError
from tinyengine_pio.ops.resize_bilinear import axis_table

SHAPES = [((1, 4, 4, 3), (8, 12)), ((1, 4, 4, 3), (8, 8)), ((1, 5, 3, 2), (3, 2)),
          ((1, 7, 9, 5), (13, 4)), ((2, 3, 5, 1), (7, 11)), ((1, 1, 1, 4), (3, 5)),
          ((1, 6, 6, 3), (1, 1)), ((1, 9, 7, 3), (9, 7)), ((1, 2, 9, 7), (5, 2)),
          ((1, 4, 5, 18), (8, 10)), ((1, 11, 13, 2), (4, 17))]
FLAGS = [dict(), dict(align_corners=True), dict(half_pixel_centers=True)]


@pytest.mark.parametrize("flags", FLAGS, ids=["plain", "align", "half_pixel"])
@pytest.mark.parametrize("shape,size", SHAPES,
                         ids=[f"{s[1]}x{s[2]}x{s[3]}_to_{z[0]}x{z[1]}" for s, z in SHAPES])
def test_resize_bilinear(tflm_check, shape, size, flags):
    rng = np.random.default_rng(sum(size))
    x = rng.integers(-128, 128, shape).astype(np.int8)
    edges = np.where(rng.random(shape) < 0.5, 127, -128).astype(np.int8)
    # default sets (seeds, all -128, all 127) plus a random and a checkerboard of the extremes
    from tests.helpers.tflm import deterministic_inputs
    data = opmodels.resize_bilinear(shape, size, **flags)
    sets = list(deterministic_inputs(data)) + [("rand", [x]), ("edges", [edges])]
    tflm_check(data, sets)


def test_output_quantization_differs(tflm_check):
    tflm_check(opmodels.resize_bilinear((1, 3, 4, 2), (7, 5), out_q=(0.2, 40)))


def test_tables():
    # 2 -> 4 without flags: scale 512, source coordinates 0, 0.5, 1, 1.5 (the last clamped)
    assert axis_table(2, 4, False, False) == [0, 0, 0, 0, 1, 512, 1, 1, 0, 1, 1, 512]
    # half-pixel on upscaling: the first coordinate is negative, both neighbours row 0
    assert axis_table(2, 4, False, True)[:3] == [0, 0, -256]
    # align_corners: the last output lands on the last input
    assert axis_table(3, 5, True, False)[-3:] == [2, 2, 0]


def test_both_flags_refused(compile_to):
    with pytest.raises(MalformedModelError, match="align_corners and half_pixel_centers"):
        compile_to(opmodels.resize_bilinear(align_corners=True, half_pixel_centers=True))


def test_past_the_input_refused(compile_to):
    """in 1, out 1500: TFLite's scale rounds to 1/1024 and the last outputs read row 1."""
    with pytest.raises(UnsupportedError, match="past the input's last pixel"):
        compile_to(opmodels.resize_bilinear((1, 1, 1, 1), (1, 1500)))


def test_size_must_match(compile_to):
    from tests.helpers.builder import ModelBuilder
    mb = ModelBuilder()
    x = mb.tensor([1, 2, 2, 1], "int8", scale=0.1, zero_point=0, name="x")
    s = mb.int32([4, 4], name="size")
    y = mb.tensor([1, 4, 5, 1], "int8", scale=0.1, zero_point=0, name="y")
    mb.op("RESIZE_BILINEAR", [x, s], [y], dict(align_corners=False, half_pixel_centers=False))
    with pytest.raises(MalformedModelError, match="RESIZE_BILINEAR.*computes"):
        compile_to(mb.build([x], [y]))


# --- float32 (ops/float32/resize_bilinear.py) ------------------------------------------------

FLOAT_SHAPES = SHAPES + [((1, 1, 1, 1), (1, 1500)), ((1, 3, 3, 1), (1000, 2)),
                         ((1, 16, 16, 4), (5, 7))]


def float_resize_model(shape, size, **flags) -> bytes:
    from tests.helpers.builder import ModelBuilder
    mb = ModelBuilder()
    x = mb.tensor(list(shape), "float32")
    y = mb.tensor([shape[0], *size, shape[3]], "float32")
    mb.op("RESIZE_BILINEAR", [x, mb.int32(list(size))], [y], flags)
    return mb.build([x], [y])


@pytest.mark.parametrize("flags", FLAGS, ids=["plain", "align", "half_pixel"])
@pytest.mark.parametrize("shape,size", FLOAT_SHAPES,
                         ids=[f"{s[1]}x{s[2]}x{s[3]}_to_{z[0]}x{z[1]}" for s, z in FLOAT_SHAPES])
def test_float32_bit_equal(tflm_check, shape, size, flags):
    from tests.helpers.sweeps import float_sets
    sets = float_sets([shape], seed=sum(size))
    sets.append([np.resize(np.array([-0.0, 3.4e38, -3.4e38, np.inf, 1e-45, -2.0], np.float32),
                           shape)])
    cm = tflm_check(float_resize_model(shape, size, **flags), sets, float_exact=True)
    assert [op.dtype for op in cm.graph.operators] == ["float32"]


def test_float32_tables():
    from tinyengine_pio.ops.float32.resize_bilinear import axis_table as float_table
    # 2 -> 4 without flags: scale 0.5, coordinates 0, 0.5, 1, 1.5 (the last clamped above)
    assert float_table(2, 4, False, False) == ([0, 0, 0, 1, 1, 1, 1, 1],
                                               [1.0, 0.0, 0.5, 0.5, 1.0, 0.0, 0.5, 0.5])
    # half-pixel on upscaling: coordinate -0.25, both neighbours row 0, weights 1.25 / -0.25
    assert float_table(2, 4, False, True)[1][:2] == [1.25, -0.25]


def test_float32_both_flags_refused(compile_to):
    with pytest.raises(MalformedModelError, match="align_corners and half_pixel_centers"):
        compile_to(float_resize_model((1, 2, 2, 1), (4, 4), align_corners=True,
                                      half_pixel_centers=True))


# --- int16 -----------------------------------------------------------------------------------

def test_int16_refused_as_tflm():
    """The tflite_micro wheel's RESIZE_BILINEAR has no int16 path ("Output type is 7, requires
    float or int8.")."""
    from tests.helpers.builder import ModelBuilder
    from tinyengine_pio import compile_model
    mb = ModelBuilder()
    x = mb.tensor([1, 4, 4, 3], "int16", scale=1e-3, zero_point=0)
    y = mb.tensor([1, 8, 8, 3], "int16", scale=1e-3, zero_point=0)
    mb.op("RESIZE_BILINEAR", [x, mb.int32([8, 8])], [y],
          dict(align_corners=False, half_pixel_centers=False))
    with pytest.raises(UnsupportedError, match=r"operator #0 RESIZE_BILINEAR: .*int16, expected "
                                               r"int8 \[int16 activations; TFLM does not run it"):
        compile_model(mb.build([x], [y]))
