"""The generated code of a fixed builder corpus is byte-identical to the recorded hashes.

A refactor must not change what a user gets. After an intended change to the generated code,
re-record with `python -m benchmarks.golden --record` and say why in the commit.
"""
import json

from benchmarks import golden


def test_generated_code_matches_recorded_hashes():
    expected = json.loads(golden.GOLDEN_BUILDERS.read_text())
    actual = golden.compute(golden.builder_corpus())
    assert golden.diff(expected, actual) == []
