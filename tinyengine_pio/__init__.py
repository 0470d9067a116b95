"""tinyengine-pio: ahead-of-time compiler from int8 .tflite models to dependency-free C."""
from .version import __version__  # noqa: F401

from .compiler import CompiledModel, CompiledSet, compile_file, compile_model, compile_models  # noqa: E402,F401
from .analyze import Analysis, analyze  # noqa: E402,F401
