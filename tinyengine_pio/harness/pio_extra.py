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
te_harness_serve().
"""
import inspect
import os
import re
import sys

Import("env")  # noqa: F821  pylint: disable=undefined-variable

_here = os.path.dirname(os.path.abspath(inspect.currentframe().f_code.co_filename))
_pkg = os.path.dirname(_here)
_root = os.path.dirname(_pkg)
if _root not in sys.path:
    sys.path.insert(0, _root)

env.SConscript(os.path.join(_pkg, "platformio", "hook.py"), exports="env")  # noqa: F821

from SCons.Node import FS  # noqa: E402  pylint: disable=import-error
from SCons.Script import DefaultEnvironment  # noqa: E402  pylint: disable=import-error

from tinyengine_pio.harness import RUNTIME_DIR, code_sha256_dir  # noqa: E402


def _setup_harness(env):
    gen_src = os.path.join(env.subst("$BUILD_DIR"), "tinyengine", "src")
    prefix = (env.GetProjectOption("custom_tinyengine_prefix", "model") or "model").strip()
    if prefix != "model":
        sys.stderr.write("Error: tinyengine harness: custom_tinyengine_prefix must be 'model' "
                         "(got %r)\n" % prefix)
        env.Exit(1)
    defines = [("TE_HARNESS_BOARD", '\\"%s\\"' % env.subst("$BOARD"))]
    if os.path.isdir(gen_src):
        defines.append(("TE_HARNESS_CODE_SHA256", '\\"%s\\"' % code_sha256_dir(gen_src)))
        with open(os.path.join(gen_src, "model.h"), encoding="utf8") as fp:
            sizes = [int(n) for n in re.findall(r"^#define MODEL_INPUT\d+_BYTES (\d+)", fp.read(),
                                               re.M)]
        defines.append(("TE_HARNESS_INPUT_COPY_BYTES", str(sum(sizes))))
    env.Append(CPPPATH=[RUNTIME_DIR])
    # Flags for the harness objects only.  CPPFLAGS is otherwise unused by the
    # platforms; everything else (CCFLAGS, CPPDEFINES, CPPPATH) stays late-bound,
    # so what the platform's builder appends after this PRE script still applies.
    flags = ["-Wall", "-Wextra", "-Werror"] + ["-D%s=%s" % d for d in defines]
    nodes = env.CollectBuildFiles(os.path.join("$BUILD_DIR", "tinyengine_harness"), RUNTIME_DIR)
    DefaultEnvironment().Append(PIOBUILDFILES=[
        env.Object(n, CPPFLAGS=flags) if isinstance(n, FS.File) else n for n in nodes])

if not env.get("TINYENGINE_HARNESS_DONE"):  # noqa: F821
    env["TINYENGINE_HARNESS_DONE"] = True  # noqa: F821
    _setup_harness(env)  # noqa: F821
