"""RESHAPE and SQUEEZE (ops/reshape.py): aliases, no copy and no operator in the generated code;
the model still matches TFLM. float32, int16 and int32 too (ops/movement.py): aliases at the
model's edge and between kernels."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import movement, opmodels
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


# --- float32 / int16 / int32: the int8 implementation (an alias) in every dtype -------------

@pytest.mark.parametrize("dtype", movement.DTYPES)
@pytest.mark.parametrize("kind", ["RESHAPE", "SQUEEZE"])
def test_dtypes_alias_at_the_edge(compile_to, dtype, kind):
    mb = ModelBuilder()
    x = movement.tensor(mb, [1, 4, 1, 6], dtype)
    y = movement.tensor(mb, [4, 6], dtype)
    if kind == "RESHAPE":
        mb.op("RESHAPE", [x, mb.int32([4, 6])], [y], {"new_shape": [4, 6]})
    else:
        mb.op("SQUEEZE", [x], [y], {"squeeze_dims": [0, 2]})
    cm = movement.check(compile_to, mb.build([x], [y]), kind, dtype)
    assert cm.graph.operators == []


@pytest.mark.parametrize("dtype", movement.DTYPES)
def test_dtypes_aliases_between_kernels_cost_no_copy(compile_to, dtype):
    """PAD -> RESHAPE -> SQUEEZE -> CONCATENATION: the views read the PAD's buffer."""
    mb = ModelBuilder()
    x = movement.tensor(mb, [2, 3, 4], dtype)
    p = movement.tensor(mb, [2, 3, 6], dtype)
    mb.op("PAD", [x, mb.int32([[0, 0], [0, 0], [1, 1]])], [p])
    r = movement.tensor(mb, [1, 6, 1, 6], dtype)
    mb.op("RESHAPE", [p, mb.int32([1, 6, 1, 6])], [r], {"new_shape": [1, 6, 1, 6]})
    s = movement.tensor(mb, [6, 6], dtype)
    mb.op("SQUEEZE", [r], [s], {"squeeze_dims": [0, 2]})
    y = movement.tensor(mb, [6, 10], dtype)
    mb.op("CONCATENATION", [s, mb.const(np.full((6, 4), 7, movement.NP[dtype]), dtype,
                                        **movement.quant(dtype))], [y], {"axis": 1})
    cm = movement.check(compile_to, mb.build([x], [y]), "RESHAPE", dtype)
    assert [op.kind for op in cm.graph.operators] == ["PAD", "CONCATENATION"]
    assert [op.dtype for op in cm.graph.operators] == [dtype, dtype]
