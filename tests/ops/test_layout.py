"""Pools, MEAN, PAD, CONCATENATION, TRANSPOSE, RESIZE_NEAREST_NEIGHBOR, RESHAPE, SQUEEZE vs TFLM."""
from __future__ import annotations

import pytest

from tests.helpers import opmodels
from tests.helpers.builder import ModelBuilder


@pytest.mark.parametrize("op", ["AVERAGE_POOL_2D", "MAX_POOL_2D"])
@pytest.mark.parametrize("geo", [dict(filt=(2, 2), stride=(2, 2), padding="VALID"),
                                 dict(filt=(3, 3), stride=(2, 2), padding="SAME"),
                                 dict(filt=(3, 3), stride=(1, 1), padding="SAME"),
                                 dict(filt=(5, 3), stride=(1, 2), padding="SAME"),
                                 dict(in_shape=(1, 7, 9, 5), filt=(7, 9), stride=(1, 1),
                                      padding="VALID"),
                                 dict(in_shape=(2, 5, 5, 3), filt=(2, 2), stride=(1, 1),
                                      padding="VALID")],
                         ids=["2x2s2", "3x3s2same", "3x3s1same", "5x3same", "global", "batch2"])
def test_pool(tflm_check, op, geo):
    tflm_check(opmodels.pool(op=op, **geo))


@pytest.mark.parametrize("op", ["AVERAGE_POOL_2D", "MAX_POOL_2D"])
@pytest.mark.parametrize("act", ["RELU", "RELU6"])
def test_pool_activation(tflm_check, op, act):
    mb = ModelBuilder()
    x = mb.tensor([1, 6, 6, 3], "int8", scale=0.05, zero_point=-3)
    y = mb.tensor([1, 3, 3, 3], "int8", scale=0.05, zero_point=-3)
    mb.op(op, [x], [y], dict(padding="VALID", stride_h=2, stride_w=2, filter_height=2,
                             filter_width=2, fused_activation_function=act))
    tflm_check(mb.build([x], [y]))


@pytest.mark.parametrize("case", [dict(axis=(1, 2), keep_dims=True),
                                  dict(axis=(1, 2), keep_dims=False),
                                  dict(axis=(3,), keep_dims=False),
                                  dict(axis=(1,), keep_dims=True),
                                  dict(in_shape=(1, 160, 3, 3), axis=(3,), keep_dims=False),
                                  dict(in_shape=(2, 5, 7, 3), axis=(0, 2), keep_dims=True),
                                  dict(in_shape=(1, 25, 25, 2), axis=(1, 2), keep_dims=True)],
                         ids=["hw_keep", "hw", "c", "h_keep", "mcunet_last", "two_axes", "625"])
def test_mean(tflm_check, case):
    tflm_check(opmodels.mean(**case))


@pytest.mark.parametrize("case", [dict(), dict(paddings=((0, 0), (0, 0), (0, 0), (2, 3))),
                                  dict(in_shape=(2, 3), paddings=((1, 0), (2, 2))),
                                  dict(v2_value=17), dict(paddings=((1, 1), (0, 1), (1, 0), (1, 1)))],
                         ids=["hw", "channels", "2d", "padv2", "all_dims"])
def test_pad(tflm_check, case):
    tflm_check(opmodels.pad(**case))


@pytest.mark.parametrize("shapes,axis", [(((1, 4, 4, 3), (1, 4, 4, 5)), 3),
                                         (((1, 2, 4, 3), (1, 3, 4, 3), (1, 1, 4, 3)), 1),
                                         (((2, 3), (2, 3)), 0), (((1, 4, 4, 3), (1, 4, 4, 2)), -1)])
def test_concatenation(tflm_check, shapes, axis):
    tflm_check(opmodels.concatenation(shapes, axis))


@pytest.mark.parametrize("shape,perm", [((1, 3, 4, 5), (0, 3, 1, 2)), ((1, 3, 3, 160), (0, 3, 1, 2)),
                                        ((2, 3, 4), (2, 0, 1)), ((3, 5), (1, 0)),
                                        ((2, 3, 4, 5), (3, 2, 1, 0))])
def test_transpose(tflm_check, shape, perm):
    tflm_check(opmodels.transpose(shape, perm))


@pytest.mark.parametrize("case", [dict(), dict(size=(8, 8)),
                                  dict(size=(7, 5), align_corners=True),
                                  dict(size=(9, 10), half_pixel_centers=True),
                                  dict(in_shape=(1, 5, 3, 2), size=(3, 2)),
                                  dict(in_shape=(1, 4, 5, 18), size=(8, 10))],
                         ids=["3x", "2x", "align", "half_pixel", "down", "det_like"])
def test_resize_nearest(tflm_check, case):
    tflm_check(opmodels.resize_nearest(**case))


@pytest.mark.parametrize("case", [dict(), dict(as_tensor=False), dict(as_option=False)])
def test_reshape_is_alias(tflm_check, case):
    cm = tflm_check(opmodels.reshape(**case))
    assert not any(op.kind == "RESHAPE" for op in cm.graph.operators)


def test_squeeze(tflm_check):
    tflm_check(opmodels.squeeze())


def test_reshape_between_ops_costs_no_copy(tflm_check):
    mb = ModelBuilder()
    x = mb.tensor([1, 4, 4, 2], "int8", scale=0.05, zero_point=-3)
    r = mb.tensor([1, 32], "int8", scale=0.05, zero_point=-3)
    y = mb.tensor([1, 32], "int8", scale=0.1, zero_point=0)
    mb.op("RESHAPE", [x, mb.int32([1, 32])], [r])
    mb.op("RELU", [r], [y])
    cm = tflm_check(mb.build([x], [y]))
    assert [op.kind for op in cm.graph.operators] == ["RELU"]
