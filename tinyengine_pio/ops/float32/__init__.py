"""float32 implementations: one module per operator stem, registered with OpDef(dtype="float32")
(see ops/base.py). Each follows TFLM's float reference kernel and its order of accumulation."""
from . import (
    add,  # noqa: F401
    fully_connected,  # noqa: F401
)
