"""Operator registry. Importing this package registers every supported operator."""
from . import (
    abs,  # noqa: F401,E402
    add,  # noqa: F401,E402
    arg_min_max,  # noqa: F401,E402
    average_pool_2d,  # noqa: F401,E402
    concatenation,  # noqa: F401,E402
    conv_2d,  # noqa: F401,E402
    depthwise_conv_2d,  # noqa: F401,E402
    dequantize,  # noqa: F401,E402
    expand_dims,  # noqa: F401,E402
    fully_connected,  # noqa: F401,E402
    hard_swish,  # noqa: F401,E402
    leaky_relu,  # noqa: F401,E402
    logistic,  # noqa: F401,E402
    max_pool_2d,  # noqa: F401,E402
    maximum_minimum,  # noqa: F401,E402
    mean,  # noqa: F401,E402
    mul,  # noqa: F401,E402
    pack,  # noqa: F401,E402
    pad,  # noqa: F401,E402
    quantize,  # noqa: F401,E402
    reduce_max,  # noqa: F401,E402
    relu,  # noqa: F401,E402
    reshape,  # noqa: F401,E402
    resize_nearest_neighbor,  # noqa: F401,E402
    shape,  # noqa: F401,E402
    slice,  # noqa: F401,E402
    softmax,  # noqa: F401,E402
    split,  # noqa: F401,E402
    squared_difference,  # noqa: F401,E402
    strided_slice,  # noqa: F401,E402
    sub,  # noqa: F401,E402
    sum,  # noqa: F401,E402
    tanh,  # noqa: F401,E402
    transpose,  # noqa: F401,E402
)
from .base import REGISTRY, OpDef, lookup, register, supported_names  # noqa: F401
