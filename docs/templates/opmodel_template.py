"""Builder of FOO_BAR single-operator models: paste `foo_bar()` into tests/helpers/opmodels.py.

TEMPLATE, walked through in docs/ADDING_AN_OPERATOR.md. In opmodels.py the import below is
already there (`from .builder import ModelBuilder`, `IN_SCALE`, `IN_ZP`): drop it when pasting.
If the operator has an options table, add it to `OP_OPTIONS` in tests/helpers/builder.py
("FOO_BAR": ("FooBarOptions", fb.FooBarOptionsT)); options are given in snake_case, enum values
by name. Add one default call to `SINGLE_OP_MODELS` (opmodels.py) so that the golden corpus
(`python -m benchmarks.golden`) covers the operator, then re-record it (`--record`): that adds
entries and must change none of the existing ones.
"""
from __future__ import annotations

from tests.helpers.opmodels import IN_SCALE, IN_ZP, ModelBuilder


def foo_bar(shape=(1, 16), in_q=(IN_SCALE, IN_ZP), out_q=(0.1, 5), activation="NONE",
            dtype="int8") -> bytes:
    """FOO_BAR on one int8 tensor of `shape` (in_q / out_q: (scale, zero point))."""
    mb = ModelBuilder()
    x = mb.tensor(shape, dtype, scale=in_q[0], zero_point=in_q[1], name="x")
    y = mb.tensor(shape, dtype, scale=out_q[0], zero_point=out_q[1], name="y")
    mb.op("FOO_BAR", [x], [y], dict(fused_activation_function=activation))
    return mb.build([x], [y])
