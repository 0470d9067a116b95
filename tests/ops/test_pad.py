"""PAD and PADV2 against TFLM: H/W, channels, 2-D, all dims, a PADV2 constant value."""
from __future__ import annotations

import pytest

from tests.helpers import opmodels


@pytest.mark.parametrize("case", [dict(), dict(paddings=((0, 0), (0, 0), (0, 0), (2, 3))),
                                  dict(in_shape=(2, 3), paddings=((1, 0), (2, 2))),
                                  dict(v2_value=17), dict(paddings=((1, 1), (0, 1), (1, 0), (1, 1)))],
                         ids=["hw", "channels", "2d", "padv2", "all_dims"])
def test_pad(tflm_check, case):
    tflm_check(opmodels.pad(**case))
