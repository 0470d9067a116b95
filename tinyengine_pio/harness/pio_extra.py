"""PlatformIO PRE extra script: add the harness runtime to a tinyengine build.

    [env:bench]
    platform = tinyengine-qemu            ; or any platform (see runtime/te_harness_port.c)
    board = mps2-an386
    custom_tinyengine_model = model/model.tflite
    extra_scripts = pre:/path/to/tinyengine_pio/harness/pio_extra.py

Runs the model hook first (so the generated sources exist), then defines
TE_HARNESS_CODE_SHA256 (digest of the generated C), TE_HARNESS_BOARD and
TE_HARNESS_INPUT_COPY_BYTES, adds tinyengine_pio/runtime to CPPPATH and builds
its sources with -Wall -Wextra -Werror.  The project's main() calls
te_harness_serve().  (The same as ``custom_tinyengine_harness = yes`` in a
project's env; both call harness/pio_build.py:add_harness.)
"""
import importlib.util
import inspect
import os
import sys

Import("env")  # noqa: F821  pylint: disable=undefined-variable

_here = os.path.dirname(os.path.abspath(inspect.currentframe().f_code.co_filename))
_pkg = os.path.dirname(_here)
_hook_path = os.path.join(_pkg, "platformio", "hook.py")

env.SConscript(_hook_path, exports="env")  # noqa: F821

# the hook's loader of harness/pio_build.py, by path: importing the tinyengine_pio package here
# would need numpy in PlatformIO's own Python (the IDE's penv has none)
_spec = importlib.util.spec_from_file_location("_tinyengine_pio_hook", _hook_path)
_hook = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_hook)
_error = _hook._add_harness(env, _pkg)  # noqa: F821  (no-op when the hook already added it)
if _error:
    sys.stderr.write("Error: tinyengine: %s\n" % _error)
    env.Exit(1)  # noqa: F821
