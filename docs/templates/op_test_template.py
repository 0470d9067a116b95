"""FOO_BAR (ops/foo_bar.py) against TFLM: shapes, quantizations over every int8 value, fused
activations; and each refusal's message.

TEMPLATE, walked through in docs/ADDING_AN_OPERATOR.md: copy it to
tests/ops/test_<stem>.py (one file per operator stem). Named so that pytest never collects it
here, even when pointed at docs/. `tflm_check` (tests/conftest.py) compiles the model, builds the C with
gcc -Werror, runs it and TFLM's interpreter on each input set (default: seeds 0-2, all-min,
all-max) and asserts byte equality; it returns the CompiledModel.
"""
from __future__ import annotations

import pytest

from tests.helpers import opmodels
from tests.helpers.sweeps import ALL_INT8


@pytest.mark.parametrize("shape", [(1, 16), (1, 5, 7, 3), (2, 3, 4, 5), (1, 1)])
def test_shapes(tflm_check, shape):
    tflm_check(opmodels.foo_bar(shape))


@pytest.mark.parametrize("in_q,out_q", [((0.05, -3), (0.1, 5)), ((1e-3, 0), (0.5, -128)),
                                        ((0.3, 127), (0.01, 0)), ((1.0, -128), (1.0, -128))])
def test_quantization(tflm_check, in_q, out_q):
    # every int8 value once: extreme zero points and scale ratios, saturation both ways
    tflm_check(opmodels.foo_bar((1, 256), in_q, out_q), [[ALL_INT8]])


@pytest.mark.parametrize("activation", ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"])
def test_fused_activation(tflm_check, activation):
    cm = tflm_check(opmodels.foo_bar((1, 256), activation=activation), [[ALL_INT8]])
    assert [op.kind for op in cm.graph.operators] == ["FOO_BAR"]


def test_refuses_int16():
    from tinyengine_pio import compile_model
    from tinyengine_pio.errors import UnsupportedError
    with pytest.raises(UnsupportedError, match=r"operator #0 FOO_BAR: input 0 'x' is int16"):
        compile_model(opmodels.foo_bar(dtype="int16"))
