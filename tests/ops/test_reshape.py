"""RESHAPE and SQUEEZE (ops/reshape.py): aliases, no copy and no operator in the generated code;
the model still matches TFLM."""
from __future__ import annotations

import pytest

from tests.helpers import opmodels
from tests.helpers.builder import ModelBuilder


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


@pytest.mark.parametrize("order", ["forward", "backward"])
def test_chain_of_aliases_keeps_its_producer(tflm_check, order):
    """RELU -> RESHAPE -> SQUEEZE -> output: the RELU must survive dead-code elimination
    whatever the tensors' index order (it was dropped when the middle view had the higher
    index, and the output read a buffer nobody wrote; found by the differential fuzzer)."""
    mb = ModelBuilder()
    q = {"scale": 0.1, "zero_point": -3}
    x = mb.tensor([1, 6, 4], "int8", **q)
    if order == "forward":
        r = mb.tensor([1, 6, 4], "int8", **q)
        v = mb.tensor([1, 1, 24], "int8", **q)
        y = mb.tensor([1, 24], "int8", **q)
    else:
        y = mb.tensor([1, 24], "int8", **q)
        v = mb.tensor([1, 1, 24], "int8", **q)
        r = mb.tensor([1, 6, 4], "int8", **q)
    mb.op("RELU", [x], [r])
    mb.op("RESHAPE", [r, mb.int32([1, 1, 24])], [v], {"new_shape": [1, 1, 24]})
    mb.op("SQUEEZE", [v], [y], {"squeeze_dims": [1]})
    cm = tflm_check(mb.build([x], [y]))
    assert [op.kind for op in cm.graph.operators] == ["RELU"]
