"""User-facing errors: each carries a message that tells the user what to do.

Every error the compiler reports to a user is a `TinyEngineError` (exit status 2). Anything
else escaping the compiler is a bug: the CLI, the PlatformIO hook and the Zephyr module report it
through `internal_error()` as an "internal error" with a report-a-bug line, never a traceback."""
from __future__ import annotations

import os
import tempfile
import traceback


class TinyEngineError(Exception):
    """Base class for every error the compiler reports to a user (exit code 2)."""


class ModelError(TinyEngineError):
    """The model file is missing, unreadable or not a valid .tflite flatbuffer."""


class MalformedModelError(ModelError):
    """The flatbuffer parses, but its content is inconsistent: an index out of range, an operator
    without the inputs, ranks, types, quantization or shapes it needs, a cycle... The message
    names the tensor or operator and what is wrong with it."""


class LimitError(ModelError):
    """A tensor or the arena is larger than the configured limit (validate.Limits)."""


class OptionError(TinyEngineError, ValueError):
    """An invalid compile option (prefix, optimize, limits); also a ValueError for callers that
    caught that before."""


class ScaleError(TinyEngineError):
    """A ratio of quantization scales that TFLite's integer arithmetic cannot represent (not
    finite, or a multiplier needing a left shift above 30 bits). quant.py raises it without
    context; passes/requantize.py names the operator."""


class UnsupportedError(TinyEngineError):
    """The model uses something the compiler does not implement."""


class FloatModelError(TinyEngineError):
    """The model is float32, not int8-quantized."""


INTERNAL_EXIT = 3      # a bug in tinyengine-pio (user errors exit with 2)


def internal_error(exc: BaseException, what: str = "") -> str:
    """The user-facing text for an unexpected exception: one line saying where it happened, the
    traceback saved to a file (not printed), and how to report it."""
    from .version import __version__
    tb = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in tb if f"{os.sep}tinyengine_pio{os.sep}" in f.filename] or tb
    site = (f" at {os.path.basename(ours[-1].filename)}:{ours[-1].lineno}" if ours else "")
    path = ""
    try:
        fd, path = tempfile.mkstemp(prefix="tinyengine-pio-crash-", suffix=".txt")
        with os.fdopen(fd, "w") as f:
            f.write(f"tinyengine-pio {__version__}: {what}\n")
            f.write("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    except OSError:
        path = ""
    where = f" while {what}" if what else ""
    saved = f"; the traceback is in {path}" if path else ""
    return (f"internal error{where}: {type(exc).__name__}: {exc}{site}. This is a bug in "
            f"tinyengine-pio {__version__}: please report it with the model file{saved}")
