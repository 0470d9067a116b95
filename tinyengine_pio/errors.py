"""User-facing errors: each carries a message that tells the user what to do."""


class TinyEngineError(Exception):
    """Base class for every error the compiler reports to a user (exit code 2)."""


class ModelError(TinyEngineError):
    """The model file is missing, unreadable or not a valid .tflite flatbuffer."""


class UnsupportedError(TinyEngineError):
    """The model uses something the compiler does not implement."""


class FloatModelError(TinyEngineError):
    """The model is float32, not int8-quantized."""
