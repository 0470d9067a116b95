"""MAX_POOL_2D against TFLM: 2x2/3x3/5x3 windows, strides, SAME/VALID, global, batch 2, fused activations."""
from __future__ import annotations

import pytest

from tests.helpers import opmodels
from tests.helpers.sweeps import POOL_GEOMETRIES, POOL_GEOMETRY_IDS, pool_activation_model


@pytest.mark.parametrize("geo", POOL_GEOMETRIES, ids=POOL_GEOMETRY_IDS)
def test_pool(tflm_check, geo):
    tflm_check(opmodels.pool(op="MAX_POOL_2D", **geo))


@pytest.mark.parametrize("act", ["RELU", "RELU6"])
def test_pool_activation(tflm_check, act):
    tflm_check(pool_activation_model("MAX_POOL_2D", act))


# --- float32 (ops/float32/max_pool_2d.py) -----------------------------------------------------

def _float_pool(tflm_check, extreme=False, **kw):
    from tests.helpers.float_windows import check_exact, pool_model
    return check_exact(tflm_check, pool_model("MAX_POOL_2D", **kw), kw["in_shape"], extreme=extreme)


def _float_geometries():
    from tests.helpers.float_windows import POOL_GEOMETRIES, POOL_IDS
    return [pytest.param(g, id=i) for g, i in zip(POOL_GEOMETRIES, POOL_IDS)]


@pytest.mark.parametrize("geo", _float_geometries())
def test_float32_geometry(tflm_check, geo):
    _float_pool(tflm_check, **geo)


@pytest.mark.parametrize("act", ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"])
def test_float32_activation(tflm_check, act):
    _float_pool(tflm_check, extreme=True, in_shape=(1, 6, 7, 3), k=(3, 3), stride=(2, 2),
                padding="SAME", act=act)


def test_float32_lowest_nan_and_signed_zeros(tflm_check):
    """TFLM starts from numeric_limits<float>::lowest(): an all -inf window gives -FLT_MAX; NaN
    taps are skipped by std::max; of +0 and -0 the first seen stays."""
    import numpy as np
    inf, nan = np.inf, np.nan
    windows = np.array([[-inf, -inf, -inf, -inf], [nan, 1.0, nan, 2.0], [0.0, -0.0, -0.0, 0.0],
                        [-0.0, 0.0, 0.0, -0.0], [nan, nan, nan, nan], [-inf, nan, -3.0, -inf]],
                       np.float32)                   # [channel, tap]
    x = windows.T.reshape(1, 2, 2, 6)
    from tests.helpers.float_windows import pool_model
    out = tflm_check(pool_model("MAX_POOL_2D", (1, 2, 2, 6), k=(2, 2), stride=(2, 2)), [[x]],
                     float_exact=True)
    assert [op.dtype for op in out.graph.operators] == ["float32"]


def test_float32_refuses_a_mixed_dtype():
    """A float32 input pooled into an int8 output matches no implementation."""
    from tests.helpers.builder import ModelBuilder
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import MalformedModelError, UnsupportedError
    mb = ModelBuilder()
    x = mb.tensor([1, 4, 4, 2], "float32")
    y = mb.tensor([1, 2, 2, 2], "int8", scale=0.1, zero_point=0)
    mb.op("MAX_POOL_2D", [x], [y], dict(filter_height=2, filter_width=2, stride_h=2, stride_w=2))
    with pytest.raises((UnsupportedError, MalformedModelError), match=r"operator #0 MAX_POOL_2D"):
        compile_model(mb.build([x], [y]))


# --- int16 (ops/int16/max_pool_2d.py) ----------------------------------------------------

@pytest.mark.parametrize("geo", POOL_GEOMETRIES, ids=POOL_GEOMETRY_IDS)
@pytest.mark.parametrize("act", ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"])
def test_int16_pool(tflm_check, geo, act):
    from tests.helpers.int16models import check_int16_pool
    check_int16_pool(tflm_check, "MAX_POOL_2D", act=act, q=(1e-4, 0), **geo)


@pytest.mark.parametrize("q", [(1e-3, 0), (1e-3, 1000), (0.5, -32768), (1e-6, 32767)])
def test_int16_quantization(tflm_check, q):
    from tests.helpers.int16models import check_int16_pool
    check_int16_pool(tflm_check, "MAX_POOL_2D", in_shape=(1, 9, 9, 3), filt=(3, 3),
                     stride=(2, 2), padding="SAME", act="RELU", q=q)


def test_int16_refusals():
    from tests.helpers.int16models import pool16_model
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import UnsupportedError
    with pytest.raises(UnsupportedError, match="quantization must be equal"):
        compile_model(pool16_model("MAX_POOL_2D", q=(1e-3, 0), qo=(2e-3, 0)))
