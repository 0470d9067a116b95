"""ADD int16: TFLM's add.cc for int16 (ops/int16/binary.py: double rescaling ratios, left shift
15, AddElementwise; kernels/int16/add.c)."""
from ..add import read_options
from ..base import register
from .binary import binary_opdef, prepare_add

register(binary_opdef("ADD", "add", read_options, prepare_add, "add_s16",
                      "te_add_s16"))
