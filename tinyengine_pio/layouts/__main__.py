"""python -m tinyengine_pio.layouts: regenerate kernels/te_layouts.h."""
from .header import write_header

print(write_header())
