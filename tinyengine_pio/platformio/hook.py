"""PlatformIO PRE extra script: compile ``custom_tinyengine_model`` to C.

Use from any platform with::

    [env:board]
    extra_scripts = pre:/path/to/tinyengine_pio/platformio/hook.py
    custom_tinyengine_model = model/kws.tflite   ; relative to the project dir
    custom_tinyengine_prefix = model             ; optional, default "model"
    custom_tinyengine_optimize = speed           ; optional, speed (default) or size
    custom_tinyengine_harness = yes              ; optional: add the measurement harness
                                                 ; runtime (main() calls te_harness_serve())

(the bundled ``tinyengine-qemu`` platform runs it automatically when
``custom_tinyengine_model`` is set).  The generated sources go to
``$BUILD_DIR/tinyengine/src`` (added to the build and to CPPPATH, so
``#include "model.h"`` works).  They are regenerated only when the model
bytes, the options or the tinyengine-pio sources/version change (a stamp
file records a hash).  Before anything is compiled the model is checked
against the board's ``upload.maximum_ram_size`` (arena) and
``upload.maximum_size`` (weights), with the figures of the compiler's
``<prefix>.json`` (docs/MODEL_JSON.md) beside the generated C.

Only public build-environment features are used (GetProjectOption,
BoardConfig, BuildSources, CPPPATH, LIBS), so the hook is platform-agnostic.
"""
import hashlib
import inspect
import json
import os
import shutil
import sys

STAMP_NAME = "tinyengine.stamp.json"
STAMP_VERSION = 1


def _own_package_root():
    """The directory holding the tinyengine_pio package this hook belongs to."""
    candidates = []
    try:
        candidates.append(os.path.dirname(os.path.abspath(
            inspect.currentframe().f_code.co_filename)))
    except Exception:  # pylint: disable=broad-except
        pass
    candidates += [p for p in sys.path if p]
    for here in candidates:
        if os.path.basename(here) == "platformio" and os.path.isfile(
            os.path.join(os.path.dirname(here), "compiler.py")
        ) and os.path.isfile(os.path.join(here, "hook.py")):
            return os.path.dirname(os.path.dirname(here))
    return None


def _ensure_importable():
    """Import the compiler from the same checkout/installation as this hook
    (not some other tinyengine_pio that happens to be on sys.path)."""
    root = _own_package_root()
    if root and "tinyengine_pio" not in sys.modules:
        if root in sys.path:
            sys.path.remove(root)
        sys.path.insert(0, root)


def source_digest():
    """Digest of the tinyengine_pio compiler sources (not this integration)."""
    import tinyengine_pio  # pylint: disable=import-outside-toplevel

    root = os.path.dirname(os.path.abspath(tinyengine_pio.__file__))
    h = hashlib.sha256(tinyengine_pio.__version__.encode())
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in ("platformio", "harness", "runtime", "__pycache__"))
        for name in sorted(filenames):
            if name.endswith((".py", ".c", ".h")):
                path = os.path.join(dirpath, name)
                h.update(os.path.relpath(path, root).encode())
                with open(path, "rb") as fp:
                    h.update(fp.read())
    return h.hexdigest()


def stamp_key(model_bytes, prefix, optimize="speed"):
    import tinyengine_pio  # pylint: disable=import-outside-toplevel

    data = {
        "stamp": STAMP_VERSION,
        "model_sha256": hashlib.sha256(model_bytes).hexdigest(),
        "prefix": prefix,
        "optimize": optimize,
        "version": tinyengine_pio.__version__,
        "sources": source_digest(),
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def read_stamp(gen_dir):
    try:
        with open(os.path.join(gen_dir, STAMP_NAME), encoding="utf8") as fp:
            stamp = json.load(fp)
    except (OSError, ValueError):
        return None
    files = stamp.get("files", [])
    if not files or not all(os.path.isfile(os.path.join(gen_dir, "src", f)) for f in files):
        return None
    return stamp


def generate(model_path, gen_dir, prefix, optimize="speed"):
    """Compile into ``gen_dir/src`` unless the stamp says it is up to date.

    Returns ``(stamp_dict, regenerated)``.  Raises TinyEngineError on a bad
    model; the previous output is left untouched in that case.
    """
    from tinyengine_pio.compiler import compile_file  # pylint: disable=import-outside-toplevel
    from tinyengine_pio.errors import ModelError  # pylint: disable=import-outside-toplevel

    try:
        with open(model_path, "rb") as fp:
            model_bytes = fp.read()
    except OSError as exc:
        raise ModelError(
            "cannot read model file %s: %s" % (model_path, exc.strerror or exc)
        ) from exc
    key = stamp_key(model_bytes, prefix, optimize)
    stamp = read_stamp(gen_dir)
    if stamp and stamp.get("key") == key:
        return stamp, False

    os.makedirs(gen_dir, exist_ok=True)
    tmp_dir = os.path.join(gen_dir, "src.tmp")
    shutil.rmtree(tmp_dir, ignore_errors=True)
    try:
        cm = compile_file(model_path, tmp_dir, prefix=prefix, optimize=optimize)
    except BaseException:
        shutil.rmtree(tmp_dir, ignore_errors=True)
        raise
    src_dir = os.path.join(gen_dir, "src")
    old_dir = os.path.join(gen_dir, "src.old")
    shutil.rmtree(old_dir, ignore_errors=True)
    if os.path.isdir(src_dir):
        os.rename(src_dir, old_dir)
    os.rename(tmp_dir, src_dir)
    shutil.rmtree(old_dir, ignore_errors=True)
    stamp = {
        "key": key,
        "model": os.path.abspath(model_path),
        "prefix": prefix,
        "arena_bytes": int(cm.arena_bytes),
        "weight_bytes": int(cm.weight_bytes),
        "files": sorted(os.listdir(src_dir)),
    }
    tmp_stamp = os.path.join(gen_dir, STAMP_NAME + ".tmp")
    with open(tmp_stamp, "w", encoding="utf8") as fp:
        json.dump(stamp, fp, indent=1)
    os.replace(tmp_stamp, os.path.join(gen_dir, STAMP_NAME))
    return stamp, True


def fit_errors(board_id, board_config, arena_bytes, weight_bytes):
    """Messages for every way the model does not fit the board (empty if it fits)."""
    errors = []
    checks = (
        ("arena", arena_bytes, "RAM", "upload.maximum_ram_size"),
        ("weights", weight_bytes, "flash", "upload.maximum_size"),
    )
    for what, need, mem, key in checks:
        try:
            limit = int(board_config.get(key, 0) or 0)
        except (KeyError, ValueError, TypeError):
            limit = 0
        if limit and need > limit:
            errors.append(
                "model does not fit %s: %s %d bytes exceeds %s %d bytes by %d bytes"
                % (board_id, what, need, mem, limit, need - limit)
            )
    return errors


def _fail(env, message):
    sys.stdout.flush()
    sys.stderr.write("Error: tinyengine: %s\n" % message)
    sys.stderr.flush()
    env.Exit(1)


def _is_clean(env):
    try:
        if env.IsCleanTarget():
            return True
    except AttributeError:
        pass
    return bool(env.GetOption("clean"))


def run(env):
    """The SCons side of the hook."""
    if env.get("TINYENGINE_HOOK_DONE"):
        return
    env["TINYENGINE_HOOK_DONE"] = True
    if _is_clean(env):
        return  # `pio run -t clean` must work without a model

    _ensure_importable()
    try:
        import tinyengine_pio  # noqa: F401  pylint: disable=unused-import,import-outside-toplevel
        from tinyengine_pio.errors import TinyEngineError  # pylint: disable=import-outside-toplevel
    except ImportError as exc:
        _fail(env, "cannot import tinyengine_pio in PlatformIO's Python (%s): %s. "
              "Install tinyengine-pio into that interpreter." % (sys.executable, exc))
        return

    model_opt = (env.GetProjectOption("custom_tinyengine_model", "") or "").strip()
    if not model_opt:
        _fail(env, "custom_tinyengine_model is not set in [env:%s] of platformio.ini "
              "(path of the .tflite model, relative to the project dir)" % env["PIOENV"])
        return
    prefix = (env.GetProjectOption("custom_tinyengine_prefix", "model") or "model").strip()
    optimize = (env.GetProjectOption("custom_tinyengine_optimize", "speed") or "speed").strip()
    project_dir = env.subst("$PROJECT_DIR")
    model_path = os.path.normpath(os.path.join(project_dir, os.path.expanduser(model_opt)))
    if not os.path.isfile(model_path):
        _fail(env, "model file not found: %s (custom_tinyengine_model = %s, "
              "relative to %s)" % (model_path, model_opt, project_dir))
        return

    gen_dir = os.path.join(env.subst("$BUILD_DIR"), "tinyengine")
    try:
        stamp, regenerated = generate(model_path, gen_dir, prefix, optimize)
    except TinyEngineError as exc:
        _fail(env, "cannot compile %s: %s" % (model_opt, exc))
        return
    except Exception as exc:  # pylint: disable=broad-except
        from tinyengine_pio.errors import internal_error  # pylint: disable=import-outside-toplevel
        _fail(env, "cannot compile %s: %s" % (model_opt, internal_error(exc, "compiling " + model_opt)))
        return
    # the figures come from the compiler's <prefix>.json (docs/MODEL_JSON.md), not the C
    from tinyengine_pio.harness.pio_build import (  # pylint: disable=import-outside-toplevel
        add_harness, harness_option, read_model_json)
    src_dir = os.path.join(gen_dir, "src")
    meta = read_model_json(src_dir, prefix)
    if isinstance(meta, str):
        _fail(env, meta)
        return
    arena_bytes, weight_bytes = meta["arena"]["bytes"], meta["weight_bytes"]
    print("TinyEngine: %s %s -> %s (arena %d bytes, weights %d bytes)" % (
        "generated" if regenerated else "up to date", model_opt,
        os.path.relpath(src_dir, project_dir), arena_bytes, weight_bytes))

    if "BOARD" in env:
        errors = fit_errors(env.subst("$BOARD"), env.BoardConfig(), arena_bytes, weight_bytes)
        if errors:
            _fail(env, "\n".join(errors))
            return

    env.Append(CPPPATH=[src_dir], LIBS=["m"])
    env.BuildSources(os.path.join(gen_dir, "obj"), src_dir)

    # custom_tinyengine_harness = yes: also build the measurement runtime
    # (main() calls te_harness_serve(); `tinyengine-pio bench --pio-project DIR`)
    try:
        wanted = harness_option(env)
    except ValueError as exc:
        _fail(env, str(exc))
        return
    if wanted:
        error = add_harness(env)
        if error:
            _fail(env, error)
            return


if "Import" in globals() and "DefaultEnvironment" in globals():
    Import("env")  # noqa: F821  pylint: disable=undefined-variable
    run(env)  # noqa: F821  pylint: disable=undefined-variable
