"""PlatformIO library extra script: runs tinyengine_pio/platformio/hook.py.

Use as ``lib_deps = symlink:///path/to/tinyengine_pio/platformio/library``
(symlink, so that ../hook.py and the tinyengine_pio package are reachable)
together with ``custom_tinyengine_model = model/x.tflite``.  The generated
include dir is exported to the project through the library's CPPPATH.
"""
import inspect
import os

Import("env")  # noqa: F821  pylint: disable=undefined-variable

_here = os.path.dirname(os.path.abspath(inspect.currentframe().f_code.co_filename))
env.SConscript(  # noqa: F821  pylint: disable=undefined-variable
    os.path.realpath(os.path.join(_here, "..", "hook.py")),
    exports={"env": env})  # noqa: F821  pylint: disable=undefined-variable
