"""Graph outputs live to the end of the invoke and beyond: no later write may land on them.

Regression for issue 16's miscompile: an output that the *last* operator also reads (an
intermediate result exposed as an output, a model input that is also an output, ...) was
placed under the last operator's result, because its lifetime ended at that operator."""
from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.builder import ModelBuilder, random_conv_weights
from tinyengine_pio.frontend import read_model
from tinyengine_pio.passes import run_pipeline
from tinyengine_pio.planner.policy import lifetimes

Q = dict(scale=0.05, zero_point=-2)


def _conv_then_pointwise() -> bytes:
    """x -> CONV 3x3 -> y1 (an output) -> CONV 1x1 -> y2 (an output): y1 dies at the last op."""
    rng = np.random.default_rng(0)
    mb = ModelBuilder()
    x = mb.tensor([1, 6, 6, 4], "int8", **Q)
    w1, s1 = random_conv_weights(rng, [8, 3, 3, 4], True)
    y1 = mb.tensor([1, 6, 6, 8], "int8", scale=0.1, zero_point=3)
    mb.op("CONV_2D", [x, mb.const(w1, scale=s1, quant_dim=0), None], [y1], dict(padding="SAME"))
    w2, s2 = random_conv_weights(rng, [8, 1, 1, 8], True)
    y2 = mb.tensor([1, 6, 6, 8], "int8", scale=0.1, zero_point=-5)
    mb.op("CONV_2D", [y1, mb.const(w2, scale=s2 * 2, quant_dim=0), None], [y2],
          dict(padding="SAME"))
    return mb.build([x], [y1, y2])


def _tanh_then_logistic() -> bytes:
    mb = ModelBuilder()
    x = mb.tensor([1, 64], "int8", scale=0.015, zero_point=0)
    t = mb.tensor([1, 64], "int8", scale=1 / 128, zero_point=0)
    s = mb.tensor([1, 64], "int8", scale=1 / 256, zero_point=-128)
    mb.op("TANH", [x], [t])
    mb.op("LOGISTIC", [t], [s])
    return mb.build([x], [t, s])


def _softmax_then_add_self() -> bytes:
    mb = ModelBuilder()
    x = mb.tensor([1, 32], "int8", scale=0.02, zero_point=5)
    p = mb.tensor([1, 32], "int8", scale=1 / 256, zero_point=-128)
    y = mb.tensor([1, 32], "int8", scale=1 / 128, zero_point=-128)
    mb.op("SOFTMAX", [x], [p], dict(beta=1.0))
    mb.op("ADD", [p, p], [y])
    return mb.build([x], [p, y])


def _input_is_output() -> bytes:
    """The model input is also an output, and the only operator reads it."""
    mb = ModelBuilder()
    x = mb.tensor([1, 4, 4, 8], "int8", **Q)
    y = mb.tensor([1, 4, 4, 8], "int8", scale=0.05, zero_point=-128)
    mb.op("RELU", [x], [y])
    return mb.build([x], [x, y])


CASES = {"conv_then_pointwise": _conv_then_pointwise, "tanh_then_logistic": _tanh_then_logistic,
         "softmax_then_add_self": _softmax_then_add_self, "input_is_output": _input_is_output}


@pytest.mark.parametrize("name", sorted(CASES))
def test_outputs_read_by_the_last_operator_match_tflm(name, tflm_check):
    cm = tflm_check(CASES[name]())
    g, n = cm.graph, len(cm.graph.operators)
    for o in g.outputs:
        assert cm.lifetimes[g.storage(o)][1] > n, "a graph output must outlive the last operator"


@pytest.mark.parametrize("name", sorted(CASES))
def test_no_graph_output_shares_bytes_with_a_later_write(name):
    g = run_pipeline(read_model(CASES[name]()))
    life = lifetimes(g)
    n = len(g.operators)
    for o in g.outputs:
        assert life[g.storage(o)][1] == n + 1
