"""SUB int16: TFLM's sub.cc for int16 (ops/int16/binary.py: double rescaling ratios, left shift
15, SubElementwise; kernel te_sub_s16 in kernels/int16/add.c)."""
from ..base import register
from ..sub import read_options
from .binary import binary_opdef, prepare_add

register(binary_opdef("SUB", "sub", read_options, prepare_add, "add_s16",
                      "te_sub_s16"))
