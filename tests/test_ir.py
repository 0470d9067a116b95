"""The IR's views and multi-output operators: what SPLIT / UNPACK / zero-copy slices build on."""
import numpy as np
import pytest

from tinyengine_pio.emitter import EmitContext
from tinyengine_pio.errors import ModelError
from tinyengine_pio.ir import Graph, Operator, Tensor
from tinyengine_pio.planner.policy import lifetimes


def _graph() -> Graph:
    """x [2, 8] -> OP -> (a, b); a, b [1, 8] are views of one buffer `ab` at 0 and 8 bytes;
    c aliases b; y = OP2(a, c)."""
    t = [Tensor(0, "x", (2, 8), "int8"), Tensor(1, "ab", (2, 8), "int8"),
         Tensor(2, "a", (1, 8), "int8", alias_of=1, alias_offset=0),
         Tensor(3, "b", (1, 8), "int8", alias_of=1, alias_offset=8),
         Tensor(4, "c", (8,), "int8", alias_of=3), Tensor(5, "y", (1, 8), "int8")]
    ops = [Operator(0, "SPLITLIKE", [0], [2, 3]), Operator(1, "ADD", [2, 4], [5])]
    return Graph(t, ops, inputs=[0], outputs=[5])


def test_view_follows_alias_chains_and_adds_offsets():
    g = _graph()
    assert g.view(2) == (1, 0)
    assert g.view(3) == (1, 8)
    assert g.view(4) == (1, 8)          # an alias of a view keeps the view's offset
    assert g.storage(4) == 1
    assert g.view(0) == (0, 0)


def test_alias_cycle_is_a_named_error_not_a_hang():
    g = _graph()
    g.t(1).alias_of = 4                  # ab -> c -> b -> ab
    with pytest.raises(ModelError, match="cycle"):
        g.storage(4)


def test_several_outputs_share_one_storage_lifetime():
    life = lifetimes(_graph())
    assert set(life) == {0, 1, 5}        # views have no buffer of their own
    assert life[1] == (0, 2)             # written by step 0 (both outputs), read by step 1
    assert life[0] == (0, 1)


def test_pointers_into_a_view_include_its_offset():
    g = _graph()
    ctx = EmitContext(g, {0: 0, 1: 32, 5: 16}, "model")
    assert ctx.ptr(2) == "((int8_t *)(TE_ARENA + 32))"
    assert ctx.ptr(3) == "((int8_t *)(TE_ARENA + 40))"
    assert ctx.ptr(4, 2) == "((int8_t *)(TE_ARENA + 42))"
    assert ctx.offset(4) == 40
    np.testing.assert_equal(g.t(3).nbytes, 8)
