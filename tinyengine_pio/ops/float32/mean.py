"""MEAN float32 (TFLM reduce_common.cc's float path; see ops/float32/reduce.py)."""
from ..base import register
from .reduce import reduce_opdef

register(reduce_opdef("MEAN", "mean"))
