"""CONCATENATION against TFLM: on channels, H with three inputs, axis 0, negative axis."""
from __future__ import annotations

import pytest

from tests.helpers import opmodels


@pytest.mark.parametrize("shapes,axis", [(((1, 4, 4, 3), (1, 4, 4, 5)), 3),
                                         (((1, 2, 4, 3), (1, 3, 4, 3), (1, 1, 4, 3)), 1),
                                         (((2, 3), (2, 3)), 0), (((1, 4, 4, 3), (1, 4, 4, 2)), -1)])
def test_concatenation(tflm_check, shapes, axis):
    tflm_check(opmodels.concatenation(shapes, axis))
