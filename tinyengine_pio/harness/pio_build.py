"""SCons side of the harness runtime in a PlatformIO build (no pyserial, no numpy).

Called from two places, once per build (``TINYENGINE_HARNESS_DONE``):

* ``tinyengine_pio/platformio/hook.py`` when the env sets
  ``custom_tinyengine_harness = yes`` (a user's own PlatformIO project);
* ``harness/pio_extra.py`` (the projects that ``tinyengine-pio bench`` generates).

Must run after the model hook generated ``$BUILD_DIR/tinyengine/src``.
"""
import json
import os

TRUE_WORDS = ("yes", "true", "1", "on")
FALSE_WORDS = ("no", "false", "0", "off", "")


def harness_option(env):
    """``custom_tinyengine_harness`` as True/False; ValueError for anything else."""
    value = str(env.GetProjectOption("custom_tinyengine_harness", "no") or "").strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ValueError("custom_tinyengine_harness must be yes or no (got %r)" % value)


def read_model_json(gen_src, prefix="model"):
    """The compiler's ``<prefix>.json`` (docs/MODEL_JSON.md) as a dict, or an error message.

    Plain ``json``: SCons' Python need not import the compiler for this."""
    path = os.path.join(gen_src, prefix + ".json")
    try:
        with open(path, encoding="utf8") as fp:
            meta = json.load(fp)
    except (OSError, ValueError) as exc:
        return "cannot read the compiler's metadata %s (%s): regenerate the model" % (path, exc)
    if meta.get("format_version") != 1:
        return ("%s has format_version %r; this tinyengine-pio reads 1: regenerate the model"
                % (path, meta.get("format_version")))
    return meta


def add_harness(env):
    """Add the harness runtime (tinyengine_pio/runtime) to the build of ``env``.

    Defines TE_HARNESS_CODE_SHA256 (digest of the generated C), TE_HARNESS_BOARD
    and TE_HARNESS_INPUT_COPY_BYTES for the harness objects, adds the runtime to
    CPPPATH and compiles its sources with -Wall -Wextra -Werror.  The project's
    main() calls te_harness_serve().

    Returns None, or an error message (the caller fails the build with it).
    """
    if env.get("TINYENGINE_HARNESS_DONE"):
        return None
    env["TINYENGINE_HARNESS_DONE"] = True
    # pylint: disable=import-outside-toplevel,import-error
    from SCons.Node import FS
    from SCons.Script import DefaultEnvironment

    from . import RUNTIME_DIR

    prefix = (env.GetProjectOption("custom_tinyengine_prefix", "model") or "model").strip()
    if prefix != "model":
        return ("the harness (custom_tinyengine_harness = yes) serves the model generated "
                "with prefix 'model': set custom_tinyengine_prefix = model or remove it "
                "(got %r)" % prefix)
    gen_src = os.path.join(env.subst("$BUILD_DIR"), "tinyengine", "src")
    defines = [("TE_HARNESS_BOARD", '\\"%s\\"' % env.subst("$BOARD"))]
    if os.path.isdir(gen_src):
        meta = read_model_json(gen_src, prefix)
        if isinstance(meta, str):
            return meta
        defines.append(("TE_HARNESS_CODE_SHA256", '\\"%s\\"' % meta["code_sha256"]))
        defines.append(("TE_HARNESS_INPUT_COPY_BYTES",
                        str(sum(int(t["bytes"]) for t in meta["inputs"]))))
    env.Append(CPPPATH=[RUNTIME_DIR])
    # Flags for the harness objects only.  CPPFLAGS is otherwise unused by the
    # platforms; everything else (CCFLAGS, CPPDEFINES, CPPPATH) stays late-bound,
    # so what the platform's builder appends after a PRE script still applies.
    flags = ["-Wall", "-Wextra", "-Werror"] + ["-D%s=%s" % d for d in defines]
    nodes = env.CollectBuildFiles(os.path.join("$BUILD_DIR", "tinyengine_harness"), RUNTIME_DIR)
    DefaultEnvironment().Append(PIOBUILDFILES=[
        env.Object(n, CPPFLAGS=flags) if isinstance(n, FS.File) else n for n in nodes])
    print("TinyEngine: harness runtime added (%s)" % RUNTIME_DIR)
    return None
