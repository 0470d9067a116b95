"""SPLIT and SPLIT_V (ops/split.py) against TFLM: axes (negative too), equal parts, size_splits
with a -1; outputs that are views of the input (outermost non-unit axis, aligned offsets) and
copies otherwise; views read at different times while the planner reuses memory around them;
constant inputs folded; float32, int16 and int32 (bytes, ops/movement.py): the same cases, views
wherever the byte offsets keep the alignment (so int16 and wider alias where int8 copies), views
read late; the malformed cases."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import movement, opmodels
from tests.helpers.builder import ModelBuilder
from tinyengine_pio import compile_model
from tinyengine_pio.errors import MalformedModelError, UnsupportedError

Q = {"scale": 0.05, "zero_point": -3}


def _views(cm) -> list[tuple[int, int]]:
    return [(t.alias_of, t.alias_offset) for t in cm.graph.tensors if t.alias_of is not None]


CASES = [
    ((1, 8, 4, 3), 2, 1, None, True),           # outermost non-unit axis: views at 0 and 48
    ((1, 8, 4, 3), 4, -3, None, True),
    ((8, 4), 2, 0, None, True),
    ((1, 8, 4, 3), 3, 3, None, False),          # inner axis: copies
    ((2, 6, 4), 3, 1, None, False),             # outer dimension 2: copies
    ((1, 6, 3), 3, 1, None, False),             # views would start at byte 6: copies
    ((1, 10, 4), 3, 1, (2, -1, 4), True),       # SPLIT_V with -1
    ((1, 10, 4), 3, 1, (3, 3, 4), True),        # views at bytes 0, 12, 24
    ((2, 3, 10), 3, -1, (5, 1, 4), False),
    ((12,), 3, 0, (4, 4, 4), True),
    ((12,), 3, 0, (5, -1, 3), False),
]


@pytest.mark.parametrize("in_shape,num,axis,sizes,aliased", CASES)
def test_split_matches_tflm(tflm_check, in_shape, num, axis, sizes, aliased):
    cm = tflm_check(opmodels.split(in_shape, num, axis, sizes))
    kinds = [op.kind for op in cm.graph.operators]
    if aliased:
        assert kinds == ["RELU"] and len(_views(cm)) == (len(sizes) if sizes else num)
    else:
        assert kinds == ["RELU", "SPLIT" if sizes is None else "SPLIT_V"] and not _views(cm)


def test_split_of_a_model_input(tflm_check):
    cm = tflm_check(opmodels.split((1, 8, 4), 2, 1, relu_before=False))
    assert cm.graph.operators == [] and sorted(off for _, off in _views(cm)) == [0, 16]


def _views_read_late() -> bytes:
    """a = RELU(x); p0, p1, p2 = SPLIT(a); then RELU(p0) -> b, ADD(b, p2) -> c and finally
    CONCATENATION(c, p1): the input's buffer must outlive every view (p1 is read last) while the
    planner places b and c around it."""
    mb = ModelBuilder()
    x = mb.tensor([1, 12, 4], "int8", **Q, name="x")
    a = mb.tensor([1, 12, 4], "int8", **Q, name="a")
    mb.op("RELU", [x], [a])
    ps = [mb.tensor([1, 4, 4], "int8", **Q, name=f"p{k}") for k in range(3)]
    mb.op("SPLIT", [mb.int32([1]), a], ps, dict(num_splits=3))
    b = mb.tensor([1, 4, 4], "int8", scale=0.04, zero_point=1, name="b")
    mb.op("RELU", [ps[0]], [b])
    c = mb.tensor([1, 4, 4], "int8", **Q, name="c")
    mb.op("ADD", [b, ps[2]], [c], dict(fused_activation_function="NONE"))
    y = mb.tensor([1, 8, 4], "int8", **Q, name="y")
    mb.op("CONCATENATION", [c, ps[1]], [y], dict(axis=1, fused_activation_function="NONE"))
    return mb.build([x], [y])


def test_views_stay_alive_until_their_last_read(tflm_check):
    cm = tflm_check(_views_read_late())
    assert "SPLIT" not in [op.kind for op in cm.graph.operators]
    assert sorted(off for _, off in _views(cm)) == [0, 16, 32]


def test_constant_input_folds(tflm_check):
    mb = ModelBuilder()
    c = mb.const(np.arange(-12, 12, dtype=np.int8).reshape(2, 12), "int8", **Q, name="c")
    ps = [mb.tensor([2, 4], "int8", **Q) for _ in range(3)]
    mb.op("SPLIT_V", [c, mb.int32([4, -1, 4]), mb.int32([-1])], ps, dict(num_splits=3))
    x = mb.tensor([2, 4], "int8", **Q)
    y = mb.tensor([2, 8], "int8", **Q)
    mb.op("CONCATENATION", [x, ps[1]], [y], dict(axis=1, fused_activation_function="NONE"))
    cm = tflm_check(mb.build([x], [y]))
    assert [op.kind for op in cm.graph.operators] == ["CONCATENATION"]


def test_unequal_split_is_malformed():
    with pytest.raises(MalformedModelError, match="does not split into 3 equal parts"):
        compile_model(_bad_split())


def _bad_split() -> bytes:
    mb = ModelBuilder()
    x = mb.tensor([1, 8, 4], "int8", **Q)
    ys = [mb.tensor([1, 2, 4], "int8", **Q) for _ in range(3)]
    mb.op("SPLIT", [mb.int32([1]), x], ys, dict(num_splits=3))
    return mb.build([x], ys)


def test_size_splits_not_adding_up_is_malformed():
    mb = ModelBuilder()
    x = mb.tensor([1, 8, 4], "int8", **Q)
    ys = [mb.tensor([1, 3, 4], "int8", **Q), mb.tensor([1, 4, 4], "int8", **Q)]
    mb.op("SPLIT_V", [x, mb.int32([3, 4]), mb.int32([1])], ys, dict(num_splits=2))
    with pytest.raises(MalformedModelError, match="do not add up"):
        compile_model(mb.build([x], ys))


def test_two_minus_ones_are_malformed():
    mb = ModelBuilder()
    x = mb.tensor([1, 8, 4], "int8", **Q)
    ys = [mb.tensor([1, 4, 4], "int8", **Q), mb.tensor([1, 4, 4], "int8", **Q)]
    mb.op("SPLIT_V", [x, mb.int32([-1, -1]), mb.int32([1])], ys, dict(num_splits=2))
    with pytest.raises(MalformedModelError, match="at most one -1"):
        compile_model(mb.build([x], ys))


def test_int64_copy_at_run_time_is_refused():
    mb = ModelBuilder()
    x = mb.tensor([2, 8], "int64")
    ys = [mb.tensor([2, 4], "int64") for _ in range(2)]
    mb.op("SPLIT", [mb.int32([1]), x], ys, dict(num_splits=2))
    with pytest.raises(UnsupportedError, match="int64 at run time"):
        compile_model(mb.build([x], ys))


# --- float32 / int16 / int32: the int8 implementation on bytes (ops/movement.py) -------------

def _parts(in_shape, num, axis, sizes):
    a = axis % len(in_shape)
    parts = [in_shape[a] // num] * num if sizes is None else list(sizes)
    if -1 in parts:
        parts[parts.index(-1)] = in_shape[a] - sum(p for p in parts if p != -1)
    return a, parts


def _split_model(dtype, in_shape, num, axis, sizes, producer=True):
    """x -> (a PAD by nothing, so the input is an arena buffer a kernel writes) -> SPLIT or
    SPLIT_V; every part a model output."""
    mb = ModelBuilder()
    x = movement.tensor(mb, in_shape, dtype)
    src = x
    if producer:
        src = movement.tensor(mb, in_shape, dtype)
        mb.op("PAD", [x, mb.int32(np.zeros((len(in_shape), 2), np.int32))], [src])
    a, parts = _parts(in_shape, num, axis, sizes)
    ys = [movement.tensor(mb, [p if d == a else n for d, n in enumerate(in_shape)], dtype)
          for p in parts]
    if sizes is None:
        mb.op("SPLIT", [mb.int32([axis]), src], ys, dict(num_splits=num))
    else:
        mb.op("SPLIT_V", [src, mb.int32(list(sizes)), mb.int32([axis])], ys,
              dict(num_splits=len(sizes)))
    return mb.build([x], ys)


@pytest.mark.parametrize("dtype", movement.DTYPES)
@pytest.mark.parametrize("in_shape,num,axis,sizes,_aliased", CASES + [
    ((1, 6, 3), 3, 1, None, False), ((3, 2, 5), 2, 1, None, False),
])
def test_dtypes_split(compile_to, dtype, in_shape, num, axis, sizes, _aliased):
    kind = "SPLIT" if sizes is None else "SPLIT_V"
    cm = movement.check(compile_to, _split_model(dtype, in_shape, num, axis, sizes), kind, dtype)
    a, parts = _parts(in_shape, num, axis, sizes)
    inner = int(np.prod(in_shape[a + 1:])) * {"float32": 4, "int16": 2, "int32": 4}[dtype]
    offsets = [int(o) * inner for o in np.cumsum([0] + parts[:-1])]
    aliased = int(np.prod(in_shape[:a])) == 1 and all(o % 4 == 0 for o in offsets)
    kinds = [op.kind for op in cm.graph.operators]
    if aliased:       # the outputs are views of the PAD's output: no copy
        assert kinds == ["PAD"] and sorted(o for _, o in _views(cm)) == offsets
    else:
        assert kinds == ["PAD", kind] and not _views(cm)


@pytest.mark.parametrize("dtype", movement.DTYPES)
def test_dtypes_split_of_a_model_input(compile_to, dtype):
    cm = movement.check(compile_to, _split_model(dtype, (1, 8, 4), 2, 1, None, producer=False),
                        "SPLIT", dtype)
    e = 2 if dtype == "int16" else 4
    assert cm.graph.operators == [] and sorted(off for _, off in _views(cm)) == [0, 16 * e]


@pytest.mark.parametrize("dtype", movement.DTYPES)
def test_dtypes_views_stay_alive_until_their_last_read(compile_to, dtype):
    """a = PAD(x); p0, p1, p2 = SPLIT(a); b = PAD(p0); c = CONCATENATION(b, p2);
    y = CONCATENATION(c, p1): a's buffer must outlive every view while b and c are placed."""
    mb = ModelBuilder()
    x = movement.tensor(mb, [1, 12, 4], dtype)
    a = movement.tensor(mb, [1, 12, 4], dtype)
    mb.op("PAD", [x, mb.int32(np.zeros((3, 2), np.int32))], [a])
    ps = [movement.tensor(mb, [1, 4, 4], dtype) for _ in range(3)]
    mb.op("SPLIT", [mb.int32([1]), a], ps, dict(num_splits=3))
    b = movement.tensor(mb, [1, 5, 4], dtype)
    mb.op("PAD", [ps[0], mb.int32([[0, 0], [1, 0], [0, 0]])], [b])
    c = movement.tensor(mb, [1, 9, 4], dtype)
    mb.op("CONCATENATION", [b, ps[2]], [c], dict(axis=1))
    y = movement.tensor(mb, [1, 13, 4], dtype)
    mb.op("CONCATENATION", [c, ps[1]], [y], dict(axis=1))
    cm = movement.check(compile_to, mb.build([x], [y]), "SPLIT", dtype)
    assert "SPLIT" not in [op.kind for op in cm.graph.operators]
    e = 2 if dtype == "int16" else 4
    assert sorted(off for _, off in _views(cm)) == [0, 16 * e, 32 * e]


@pytest.mark.parametrize("dtype", movement.DTYPES)
def test_dtypes_constant_input_folds(compile_to, dtype):
    mb = ModelBuilder()
    data = (np.arange(-12, 12) * 3001).astype(movement.NP[dtype]).reshape(2, 12)
    c = mb.const(data, dtype, **movement.quant(dtype))
    ps = [movement.tensor(mb, [2, 4], dtype) for _ in range(3)]
    mb.op("SPLIT_V", [c, mb.int32([4, -1, 4]), mb.int32([-1])], ps, dict(num_splits=3))
    x = movement.tensor(mb, [2, 4], dtype)
    y = movement.tensor(mb, [2, 8], dtype)
    mb.op("CONCATENATION", [x, ps[1]], [y], dict(axis=1))
    cm = movement.check(compile_to, mb.build([x], [y]), "CONCATENATION", dtype)
    assert [op.kind for op in cm.graph.operators] == ["CONCATENATION"]
