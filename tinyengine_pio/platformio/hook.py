"""PlatformIO PRE extra script: compile ``custom_tinyengine_model`` to C during ``pio run``.

Set up a project with ``tinyengine-pio init`` (a committed ``tinyengine.py`` shim finds this
hook at build time; no absolute path in ``platformio.ini``), or with the bundled
``tinyengine-qemu`` platform (runs it whenever ``custom_tinyengine_model`` is set)::

    [env:board]
    extra_scripts = pre:tinyengine.py            ; written by `tinyengine-pio init`
    custom_tinyengine_model = model/kws.tflite   ; relative to the project dir
    custom_tinyengine_prefix = model             ; optional C prefix, default "model"
    custom_tinyengine_optimize = speed           ; optional: speed (default), size or memory
                                                 ; (memory: the smallest arena, runs of layers
                                                 ; fused into line-buffered stages)
    custom_tinyengine_ram_budget = 40K           ; optional: the fastest schedule whose arena
                                                 ; fits 40 KiB (`--ram-budget`, per model)
    custom_tinyengine_io = model                 ; optional: model (default) or int8: the
                                                 ; caller passes/receives the quantized I/O
                                                 ; of a float-I/O model (its boundary
                                                 ; QUANTIZE/DEQUANTIZE dropped; int16 I/O
                                                 ; for an int16x8 model), `--io int8`
    custom_tinyengine_input_stream = no          ; optional: yes: the model never holds its
                                                 ; input whole; the first fused stage asks
                                                 ; the application for its rows through
                                                 ; <prefix>_read_input_rows() (a camera
                                                 ; feeding lines), `--input-stream`
    custom_tinyengine_harness = no               ; optional: yes adds the measurement harness
                                                 ; runtime (main() calls te_harness_serve())
    custom_tinyengine_ram_reserve = 16K          ; optional: RAM kept for the application
                                                 ; (stack, .bss); default 16 KiB, see below
    custom_tinyengine_flash_reserve = 20K        ; optional: flash kept for the code beside
                                                 ; the model's constants; default 20 KiB
    custom_tinyengine_max_bytes = 64M            ; optional: refuse a tensor or arena above it
    custom_tinyengine_python = /path/to/python   ; optional: the Python that compiles

**Standard library only**: PlatformIO usually runs from its own virtualenv
(``~/.platformio/penv``, no numpy, maybe another Python version), so this script never imports
the compiler.  It runs ``<python> -m tinyengine_pio compile MODEL --out DIR`` in a Python that has
tinyengine-pio, the first of (printed once per build):

1. ``custom_tinyengine_python`` (platformio.ini; relative to the project dir),
2. ``$TINYENGINE_PYTHON``,
3. the Python ``tinyengine-pio setup`` recorded in the PlatformIO core dir
   (``<core_dir>/tinyengine-pio.json``),
4. a ``tinyengine-pio`` executable on ``PATH``,
5. PlatformIO's own Python.

(1 and 2 must work when set.)  Without one, the build stops with a line naming the Pythons tried
and the command that fixes it.  The child gets PlatformIO's environment without the
site-packages PlatformIO adds to ``PYTHONPATH``, so a ``PYTHONPATH`` pointing to a source checkout
still works.

Every ``custom_tinyengine_*`` option is checked before anything runs: an invalid value, or an
unknown option, names the option and what it accepts.  Quotes around values are removed.

The generated sources go to ``$BUILD_DIR/tinyengine/src`` (added to the build and to CPPPATH, so
``#include "model.h"`` works), atomically: a failed compile keeps the previous ones.  They are
regenerated only when the model bytes, the options or the compiler's sources change (a stamp
records a hash), so a warm build runs no compiler.  ``pio run -t clean`` runs nothing.

Fit check, before anything is compiled: when the model must be (re)generated, a cheap estimate
(``tinyengine_pio/platformio/estimate.py``: exact weights, lower bounds of the arena, no
planning) stops a model that cannot fit; after the compile the exact figures of
``<prefix>.json`` (docs/MODEL_JSON.md) are checked.  The arena plus a reserve must fit
``upload.maximum_ram_size``, the weights ``upload.maximum_size``.  The reserve is
``custom_tinyengine_ram_reserve`` if set, else 16 KiB or what the last successful link of this
env used beside the arena (the RAM sections of its ELF: ``.data``, ``.bss``, stack), whichever
is larger.  (It was 8 KiB, or the last link's figure alone, before fused stages: the default is
now the issue's 16 KiB for the application, and a measured figure only ever raises it, so the
schedule does not change from one build to the next.)

Automatic fit (fused stages, docs/PLATFORMIO.md): with one model (or a shared arena), the board's
RAM known, ``custom_tinyengine_optimize`` speed or size and no ``custom_tinyengine_ram_budget``,
a model whose layer-by-layer arena does not fit RAM - reserve is compiled again with
``--ram-budget RAM-reserve``: the fastest schedule of fused, line-buffered stages that fits (the
compiler's schedule search).  The hook prints what it chose and why, e.g.::

    TinyEngine: model arena 36,896 B does not fit 32,768 B (RAM 48K - reserve 16K); fused
    stages 0-3 fit: arena 31,928 B, about -0.3% instructions

When nothing fits, the fit error names the smallest arena the search reached.  A model that
fits layer by layer is compiled exactly as before (no search runs).  The estimate skips the
first compile when its lower bound already exceeds the budget; the stamp records the budget, so
the model is regenerated when the fused schedule no longer fits or layer by layer fits again
(a larger board, a smaller reserve).

Flash fallback (one model, ``custom_tinyengine_optimize`` speed or memory, the board's flash
known): the compile gets ``--flash-budget upload.maximum_size - flash reserve`` and ``--cpu``
the board's ``build.cpu``; where the constants (weights and the fast kernels' packed operands
of that core's build) do not fit, operators fall back one by one to the size kernels, and the
hook prints what it chose, e.g.::

    TinyEngine: flash: 6 ops use the size kernels to fit 3,900,000 B (saves 155,264 B,
    +13.0M instructions; constants 3,894,304 B)

The flash reserve (the code, the runtime, the application) is ``custom_tinyengine_flash_reserve``
or 20 KiB (the M55 harness firmware's code is 18.6 KB: with 16 KiB mcunet_vww still failed at
link time by 2,216 B; a larger reserve moves ops to the size kernels that would have linked at
full speed: ic_resnet_large on the M55's 512 KB ran 10x slower with 32 KiB). A model that fits is compiled exactly
as before; one whose constants do not fit even all on the size kernels stops the build saying
by how much.

Only public build-environment features are used (GetProjectOption, BoardConfig, BuildSources,
CPPPATH), so the hook is platform-agnostic.
"""
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import sys

STAMP_NAME = "tinyengine.stamp.json"
STAMP_VERSION = 2
RECORD_NAME = "tinyengine-pio.json"      # `tinyengine-pio setup` writes it into the core dir
DEFAULT_RAM_RESERVE = 16 * 1024         # the application's RAM beside the arena (issue 18)
DEFAULT_FLASH_RESERVE = 20 * 1024       # the code beside the constants: 8-34 KB measured (issue 20)
TRUE_WORDS = ("yes", "true", "1", "on")
FALSE_WORDS = ("no", "false", "0", "off")
FIX = ("run `tinyengine-pio setup` once in the environment where tinyengine-pio is installed "
       "(it records that Python for PlatformIO), or set TINYENGINE_PYTHON=/path/to/that/python")

# option -> what it accepts (the error names both); all custom_tinyengine_* options
OPTIONS = {
    "custom_tinyengine_model": "the path of an int8 .tflite model, relative to the project dir",
    "custom_tinyengine_models": "a comma-separated list of PREFIX:PATH "
                                "(kws:model/kws.tflite, person:model/person.tflite)",
    "custom_tinyengine_prefix": "a C identifier (letters, digits, _; not starting with a digit)",
    "custom_tinyengine_optimize": "speed, size or memory",
    "custom_tinyengine_ram_budget": "a size in bytes, optionally with K or M (40K, 40960): the "
                                    "largest arena of each model",
    "custom_tinyengine_io": "model or int8",
    "custom_tinyengine_input_stream": "yes or no",
    "custom_tinyengine_harness": "yes or no",
    "custom_tinyengine_shared_arena": "yes or no",
    "custom_tinyengine_check_writes": "yes or no",
    "custom_tinyengine_autohook": "yes or no",
    "custom_tinyengine_ram_reserve": "a size in bytes, optionally with K or M (8K, 16384, 1M)",
    "custom_tinyengine_flash_reserve": "a size in bytes, optionally with K or M (64K, 65536)",
    "custom_tinyengine_max_bytes": "a size in bytes, optionally with K, M or G (the compiler's "
                                   "--max-bytes: 256K, 64M, 1G)",
    "custom_tinyengine_python": "the path of a Python that has tinyengine-pio",
}


class HookError(Exception):
    """A one-line message for the user; the build stops with it."""


# --- options ----------------------------------------------------------------------------------

def unquote(value):
    """``"model/kws.tflite"`` -> ``model/kws.tflite`` (one pair of matching quotes), stripped."""
    value = str(value if value is not None else "").strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1].strip()
    return value


def _invalid(name, value):
    return HookError("invalid %s = %s: expected %s" % (name, value, OPTIONS[name]))


def _yes_no(name, value, default):
    if value == "":
        return default
    if value.lower() in TRUE_WORDS:
        return True
    if value.lower() in FALSE_WORDS:
        return False
    raise _invalid(name, value)


def parse_size(text):
    """``8K`` -> 8192, ``1M``, ``1G``, ``16384``, ``16 KiB``; ValueError otherwise."""
    m = re.fullmatch(r"\s*(\d+)\s*([kKmMgG]?)(?:i?[bB])?\s*", text)
    if not m:
        raise ValueError(text)
    return int(m.group(1)) << {"": 0, "k": 10, "m": 20, "g": 30}[m.group(2).lower()]


def is_c_identifier(text):
    return re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", text) is not None


def parse_options(raw, env_name="env"):
    """Validate the ``custom_tinyengine_*`` options (``raw``: option -> value as written).

    Returns a dict: ``models`` [(prefix, path as written)], ``several`` (given as
    custom_tinyengine_models), ``optimize``, ``io``, ``input_stream``, ``harness``,
    ``shared_arena``, ``check_writes``, ``ram_reserve`` (None = default), ``ram_budget`` (None:
    automatic), ``max_bytes``, ``python``.
    Raises HookError naming the option and its allowed values."""
    unknown = sorted(k for k in raw if k.startswith("custom_tinyengine_") and k not in OPTIONS)
    if unknown:
        raise HookError("unknown option %s in [env:%s] (tinyengine options: %s)"
                        % (", ".join(unknown), env_name, ", ".join(sorted(OPTIONS))))
    get = {k: unquote(raw.get(k, "")) for k in OPTIONS}
    opts = {
        "optimize": get["custom_tinyengine_optimize"] or "speed",
        "io": get["custom_tinyengine_io"] or "model",
        "input_stream": _yes_no("custom_tinyengine_input_stream",
                                get["custom_tinyengine_input_stream"], False),
        "harness": _yes_no("custom_tinyengine_harness", get["custom_tinyengine_harness"], False),
        "shared_arena": _yes_no("custom_tinyengine_shared_arena",
                                get["custom_tinyengine_shared_arena"], False),
        "check_writes": _yes_no("custom_tinyengine_check_writes",
                                get["custom_tinyengine_check_writes"], False),
        "python": get["custom_tinyengine_python"] or None,
        "ram_reserve": None,
        "ram_budget": None,
        "max_bytes": None,
        "flash_reserve": None,
    }
    _yes_no("custom_tinyengine_autohook", get["custom_tinyengine_autohook"], True)
    if opts["optimize"] not in ("speed", "size", "memory"):
        raise _invalid("custom_tinyengine_optimize", opts["optimize"])
    if opts["io"] not in ("model", "int8"):
        raise _invalid("custom_tinyengine_io", opts["io"])
    if get["custom_tinyengine_ram_reserve"]:
        try:
            opts["ram_reserve"] = parse_size(get["custom_tinyengine_ram_reserve"])
        except ValueError:
            raise _invalid("custom_tinyengine_ram_reserve",
                           get["custom_tinyengine_ram_reserve"]) from None
    if get["custom_tinyengine_ram_budget"]:
        try:
            opts["ram_budget"] = parse_size(get["custom_tinyengine_ram_budget"])
        except ValueError:
            opts["ram_budget"] = 0
        if opts["ram_budget"] <= 0:
            raise _invalid("custom_tinyengine_ram_budget", get["custom_tinyengine_ram_budget"])
    if get["custom_tinyengine_flash_reserve"]:
        try:
            opts["flash_reserve"] = parse_size(get["custom_tinyengine_flash_reserve"])
        except ValueError:
            raise _invalid("custom_tinyengine_flash_reserve",
                           get["custom_tinyengine_flash_reserve"]) from None
    if get["custom_tinyengine_max_bytes"]:
        try:
            opts["max_bytes"] = parse_size(get["custom_tinyengine_max_bytes"])
        except ValueError:
            raise _invalid("custom_tinyengine_max_bytes",
                           get["custom_tinyengine_max_bytes"]) from None
    prefix = get["custom_tinyengine_prefix"]
    if prefix and not is_c_identifier(prefix):
        raise _invalid("custom_tinyengine_prefix", prefix)
    single, several = get["custom_tinyengine_model"], get["custom_tinyengine_models"]
    if single and several:
        raise HookError("set custom_tinyengine_model or custom_tinyengine_models in [env:%s], "
                        "not both" % env_name)
    if several:
        if prefix:
            raise HookError("custom_tinyengine_prefix does not apply to custom_tinyengine_models "
                            "(each entry is PREFIX:PATH)")
        models = []
        for item in re.split(r"[,\n]", several):
            item = unquote(item)
            if not item:
                continue
            name, sep, path = item.partition(":")
            name, path = unquote(name), unquote(path)
            if not sep or not path or not is_c_identifier(name):
                raise HookError("invalid custom_tinyengine_models entry %r: expected PREFIX:PATH "
                                "with PREFIX a C identifier (%s)"
                                % (item, OPTIONS["custom_tinyengine_models"]))
            if name in [m[0] for m in models]:
                raise HookError("custom_tinyengine_models: prefix %r is used twice" % name)
            models.append((name, path))
        if not models:
            raise _invalid("custom_tinyengine_models", several)
    elif single:
        models = [(prefix or "model", single)]
    else:
        raise HookError("custom_tinyengine_model is not set in [env:%s] of platformio.ini "
                        "(path of the .tflite model, relative to the project dir)" % env_name)
    if opts["harness"] and (len(models) != 1 or models[0][0] != "model"):
        raise HookError("the harness (custom_tinyengine_harness = yes) serves the model "
                        "generated with prefix 'model': set custom_tinyengine_prefix = model or "
                        "remove it (got %r)" % ",".join(m[0] for m in models))
    if opts["harness"] and opts["input_stream"]:
        raise HookError("the harness (custom_tinyengine_harness = yes) writes the model's input "
                        "whole, and custom_tinyengine_input_stream = yes leaves it no input "
                        "buffer: set one of the two to no")
    opts["models"], opts["several"] = models, bool(several)
    return opts


def project_options(env):
    """The env's ``custom_tinyengine_*`` options as written (``[env]`` defaults included)."""
    try:
        items = env.GetProjectOptions(as_dict=True)
    except Exception:  # pylint: disable=broad-except
        items = {k: env.GetProjectOption(k, "") for k in OPTIONS}
    return {k: v for k, v in items.items() if k.startswith("custom_tinyengine_")}


# --- finding the Python that compiles ---------------------------------------------------------

PROBE = r"""
import json, sys
r = {"python": sys.executable, "version": "%d.%d.%d" % tuple(sys.version_info[:3])}
try:
    import importlib.util as u
    s = u.find_spec("tinyengine_pio")
    if s is not None and s.submodule_search_locations:
        r["package"] = list(s.submodule_search_locations)[0]
    r["missing"] = [m for m in ("numpy", "tflite", "flatbuffers") if u.find_spec(m) is None]
except Exception as e:
    r["error"] = "%s: %s" % (type(e).__name__, e)
print(json.dumps(r))
"""


def child_environ(base=None):
    """The environment for the compiler's Python: PlatformIO's, without the site-packages that
    PlatformIO copies into PYTHONPATH (proc.copy_pythonpath_to_osenv: the dirs holding click or
    platformio), which would put another interpreter's compiled modules first."""
    environ = dict(os.environ if base is None else base)
    keep = [p for p in environ.get("PYTHONPATH", "").split(os.pathsep)
            if p and not (os.path.isdir(os.path.join(p, "click"))
                          or os.path.isdir(os.path.join(p, "platformio")))]
    if keep:
        environ["PYTHONPATH"] = os.pathsep.join(keep)
    else:
        environ.pop("PYTHONPATH", None)
    for var in ("PYTHONHOME", "PYTHONEXEPATH", "__PYVENV_LAUNCHER__"):
        environ.pop(var, None)
    return environ


def _run(cmd, cwd=None, timeout=60):
    return subprocess.run(cmd, cwd=cwd, env=child_environ(), stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=timeout, check=False)


def probe(python, cwd=None):
    """``{"python", "version", "package"?, "missing"}`` of an interpreter, or a reason (str)."""
    if not (os.path.isfile(python) and os.access(python, os.X_OK)):
        return "not found"
    try:
        proc = _run([python, "-c", PROBE], cwd=cwd)
    except (OSError, subprocess.SubprocessError) as exc:
        return "cannot run it (%s)" % exc
    try:
        info = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return "not a usable Python (exit %d)" % proc.returncode
    return info


def _judge(info):
    """None if this interpreter can compile, else why not."""
    if isinstance(info, str):
        return info
    if info.get("error") or not info.get("package") or not info.get("python"):
        return "Python %s without tinyengine_pio" % info.get("version", "?")
    try:
        version = tuple(int(x) for x in str(info.get("version")).split(".")[:2])
    except ValueError:
        version = (0, 0)
    if version < (3, 10):
        return "Python %s (tinyengine-pio needs 3.10 or newer)" % info["version"]
    if info.get("missing"):
        return "tinyengine_pio without %s" % ", ".join(info["missing"])
    return None


def script_python(path):
    """The interpreter of a console script (``#!/x/python`` or pip's ``#!/bin/sh`` + exec form)."""
    try:
        with open(path, "rb") as fp:
            head = fp.read(1024).decode("utf8", "replace").splitlines()
    except OSError:
        return None
    if head and head[0].startswith("#!"):
        first = head[0][2:].strip()
        if "python" in os.path.basename(first.split()[0] if first else ""):
            return first.split()[0]
        for line in head[1:4]:  # '''exec' "/path/to/python" "$0" "$@"
            m = re.match(r"""^'''exec' "?([^"]+?)"? "\$0" "\$@"$""", line.strip())
            if m:
                return m.group(1)
    return None


def record_path(core_dir):
    return os.path.join(core_dir, RECORD_NAME)


def read_record(core_dir):
    try:
        with open(record_path(core_dir), encoding="utf8") as fp:
            return json.load(fp).get("python") or None
    except (OSError, ValueError, AttributeError):
        return None


def candidates(opt_python, project_dir, core_dir):
    """``(source, python or None, explicit)`` in the order the hook tries them."""
    out = []
    if opt_python:
        path = os.path.expanduser(opt_python)
        if os.sep in path or "/" in path:
            path = os.path.normpath(os.path.join(project_dir, path))
        else:
            path = shutil.which(path) or path
        out.append(("custom_tinyengine_python = %s" % opt_python, path, True))
    else:
        out.append(("custom_tinyengine_python", None, False))
    env_python = os.environ.get("TINYENGINE_PYTHON", "").strip()
    out.append(("TINYENGINE_PYTHON%s" % ("=" + env_python if env_python else ""),
                os.path.expanduser(env_python) if env_python else None, bool(env_python)))
    out.append(("recorded by `tinyengine-pio setup` in %s" % record_path(core_dir),
                read_record(core_dir), False))
    exe = shutil.which("tinyengine-pio")
    out.append(("tinyengine-pio on PATH%s" % (" (%s)" % exe if exe else ""),
                exe and (script_python(exe) or "exe:" + exe), False))
    out.append(("PlatformIO's Python", sys.executable, False))
    return out


def _where_via_script(exe, cwd):
    """A console script whose interpreter is not in its shebang (a pyenv shim): ask it."""
    try:
        proc = _run([exe, "init", "--where"], cwd=cwd, timeout=120)
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return "cannot ask it where its Python is (`tinyengine-pio init --where` failed)"


def find_python(opt_python, project_dir, core_dir, cwd=None):
    """``(info, source)`` of the first Python that can compile; HookError if none."""
    tried = []
    for source, python, explicit in candidates(opt_python, project_dir, core_dir):
        if python is None:
            tried.append("%s: not set" % source if "PATH" not in source else "%s: none" % source)
            continue
        if python.startswith("exe:"):
            info = _where_via_script(python[4:], cwd)
        else:
            info = probe(python, cwd)
        why = _judge(info)
        if why is None:
            return info, source
        shown = info.get("python", python) if isinstance(info, dict) else python
        if explicit:
            fix = ("%s -m pip install tinyengine-pio" % shown
                   if isinstance(info, dict) else "point it to an existing Python")
            raise HookError("%s cannot compile: %s: %s; fix: %s" % (source, shown, why, fix))
        tried.append("%s: %s: %s" % (source, shown, why))
    raise HookError("no Python with tinyengine-pio found (tried %s); fix: %s"
                    % ("; ".join(tried), FIX))


# --- stamp ------------------------------------------------------------------------------------

def source_digest(package_dir):
    """Digest of the tinyengine_pio compiler sources (not this integration) in ``package_dir``."""
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(package_dir):
        dirnames[:] = sorted(d for d in dirnames
                             if d not in ("platformio", "harness", "runtime", "__pycache__"))
        for name in sorted(filenames):
            if name.endswith((".py", ".c", ".h", ".json")):
                path = os.path.join(dirpath, name)
                h.update(os.path.relpath(path, package_dir).encode())
                with open(path, "rb") as fp:
                    h.update(fp.read())
    return h.hexdigest()


def stamp_key(models, opts, package_dir):
    """``models``: [(prefix, model bytes)]."""
    data = {
        "stamp": STAMP_VERSION,
        "models": [[p, hashlib.sha256(b).hexdigest()] for p, b in models],
        "optimize": opts["optimize"],
        "ram_budget": opts.get("ram_budget"),
        "io": opts.get("io", "model"),
        "input_stream": opts.get("input_stream", False),
        "shared_arena": opts["shared_arena"],
        "check_writes": opts["check_writes"],
        "max_bytes": opts.get("max_bytes"),
        "sources": source_digest(package_dir),
    }
    if opts.get("flash_budget"):     # absent without one: the keys of other builds stay
        data["flash"] = [opts["flash_budget"], opts.get("cpu")]
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


# --- the compiler, out of process -------------------------------------------------------------

def _error_line(proc, what):
    """The compiler's own message (``tinyengine-pio: error: ...``), else its last line."""
    lines = [ln.rstrip() for ln in (proc.stderr or "").splitlines() if ln.strip()]
    for i, ln in enumerate(lines):
        if ln.startswith("tinyengine-pio: error: "):   # the message may go on (a list)
            return "\n".join([ln[len("tinyengine-pio: error: "):]] + lines[i + 1:])
    for ln in lines:
        if ln.startswith("tinyengine-pio: internal error"):
            return ln[len("tinyengine-pio: "):]
    last = lines[-1] if lines else "no output"
    return "%s (exit status %d of %s)" % (last, proc.returncode, what)


def compile_command(python, models, opts, out_dir, budget=None):
    """``python -m tinyengine_pio compile ...``: one ``PATH --prefix P`` or ``P:PATH`` each.
    ``budget``: the automatic fit's ``--ram-budget`` (else custom_tinyengine_ram_budget's)."""
    cmd = [python, "-m", "tinyengine_pio", "compile"]
    if len(models) == 1 and not opts.get("several"):
        cmd += [models[0][1], "--prefix", models[0][0]]
    else:
        cmd += ["%s:%s" % (p, path) for p, path in models]
        if opts["shared_arena"]:
            cmd.append("--shared-arena")
    cmd += ["--out", out_dir, "--optimize", opts["optimize"]]
    if opts.get("io", "model") != "model":
        cmd += ["--io", opts["io"]]
    if opts.get("input_stream"):
        cmd.append("--input-stream")
    budget = budget if budget is not None else opts.get("ram_budget")
    if budget is not None:
        cmd += ["--ram-budget", str(budget)]
    if opts["check_writes"]:
        cmd.append("--check-writes")
    if opts.get("max_bytes"):
        cmd += ["--max-bytes", str(opts["max_bytes"])]
    if opts.get("flash_budget"):
        cmd += ["--flash-budget", str(opts["flash_budget"])]
        if opts.get("cpu"):
            cmd += ["--cpu", opts["cpu"]]
    return cmd


def estimate(python, paths, optimize, cwd, io="model", input_stream=False):
    """Cheap figures before compiling: [{"weight_bytes", "arena_at_least", "arena_floor"}] per
    model (the arena's lower bounds layer by layer and with any fused stages), or None when the
    estimate itself failed unexpectedly (the compile then reports).  HookError for a model the
    compiler rejects.  ``io``: custom_tinyengine_io (int8: no float I/O buffers);
    ``input_stream``: custom_tinyengine_input_stream (the floor leaves out the inputs)."""
    cmd = [python, "-m", "tinyengine_pio.platformio.estimate", "--optimize", optimize] + (
        ["--io", io] if io != "model" else []) + (
        ["--input-stream"] if input_stream else []) + paths
    try:
        proc = _run(cmd, cwd=cwd, timeout=600)
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode == 2:
        raise HookError(_error_line(proc, "the estimate"))
    if proc.returncode != 0:
        return None
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None


def schedule_figures(python, path, ranges, optimize, cwd, io="model", input_stream=False):
    """``{"layerwise_arena", "layerwise_instructions", "instructions"}`` of a model compiled with
    the fused stages ``ranges`` (for the message; one plan), or None if that failed."""
    cmd = [python, "-m", "tinyengine_pio.platformio.estimate", "--optimize", optimize,
           "--stages", ",".join("%d-%d" % r for r in ranges)] + (
        ["--io", io] if io != "model" else []) + (
        ["--input-stream"] if input_stream else []) + [path]
    try:
        proc = _run(cmd, cwd=cwd, timeout=600)
        if proc.returncode != 0:
            return None
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None


def stage_ranges(meta):
    """The fused stages of a compiled model, [(first step, last step)], from ``<prefix>.json``
    (``stages``, present only when the compiler chose some)."""
    out = []
    for st in meta.get("stages") or []:
        try:
            if isinstance(st, dict):
                out.append((int(st["first"]), int(st["last"])))
            else:
                out.append((int(st[0]), int(st[1])))
        except (KeyError, IndexError, TypeError, ValueError):
            continue
    return out


def read_model_json(src_dir, prefix):
    """The compiler's ``<prefix>.json`` (docs/MODEL_JSON.md); HookError if unreadable."""
    path = os.path.join(src_dir, prefix + ".json")
    try:
        with open(path, encoding="utf8") as fp:
            meta = json.load(fp)
    except (OSError, ValueError) as exc:
        raise HookError("cannot read the compiler's metadata %s (%s): regenerate the model"
                        % (path, exc)) from None
    if meta.get("format_version") != 1:
        raise HookError("%s has format_version %r; this hook reads 1: regenerate the model"
                        % (path, meta.get("format_version")))
    return meta


def arena_total(arenas, shared):
    return max(arenas, default=0) if shared else sum(arenas)


def compiled_arena(metas):
    """RAM of the activations of compiled models: a shared arena (``arena.shared.bytes``,
    docs/MODEL_JSON.md) counted once, plus every own arena."""
    shared = max((int(m["arena"]["shared"]["bytes"]) for m in metas
                  if m["arena"].get("shared")), default=0)
    return shared + sum(int(m["arena"]["bytes"]) for m in metas if not m["arena"].get("shared"))


def generate(python, models, gen_dir, opts, key, cwd=None, budget=None):
    """Compile ``models`` ([(prefix, absolute path)]) into ``gen_dir/src`` (atomically); returns
    the new stamp.  HookError with the
    compiler's message on failure (the previous output is left untouched).  ``budget``: the
    automatic fit's ``--ram-budget`` (recorded in the stamp)."""
    os.makedirs(gen_dir, exist_ok=True)
    tmp_dir = os.path.join(gen_dir, "src.tmp")
    shutil.rmtree(tmp_dir, ignore_errors=True)
    cmd = compile_command(python, models, opts, tmp_dir, budget)
    try:
        proc = _run(cmd, cwd=cwd or gen_dir, timeout=3600)
    except (OSError, subprocess.SubprocessError) as exc:
        shutil.rmtree(tmp_dir, ignore_errors=True)
        raise HookError("cannot run %s: %s" % (python, exc)) from None
    if proc.returncode != 0:
        shutil.rmtree(tmp_dir, ignore_errors=True)
        raise HookError(_error_line(proc, "`%s -m tinyengine_pio compile`" % python))
    metas = [read_model_json(tmp_dir, p) for p, _ in models]
    src_dir = os.path.join(gen_dir, "src")
    old_dir = os.path.join(gen_dir, "src.old")
    shutil.rmtree(old_dir, ignore_errors=True)
    if os.path.isdir(src_dir):
        os.rename(src_dir, old_dir)
    os.rename(tmp_dir, src_dir)
    shutil.rmtree(old_dir, ignore_errors=True)
    stamp = {
        "key": key,
        "models": [[p, os.path.abspath(path)] for p, path in models],
        "prefixes": [p for p, _ in models],
        "arenas": [int(m["arena"]["bytes"]) for m in metas],
        "arena_bytes": compiled_arena(metas),
        "weight_bytes": sum(int(m["weight_bytes"]) for m in metas),
        "ram_budget": budget,
        "stages": [stage_ranges(m) for m in metas],
        "files": sorted(os.listdir(src_dir)),
    }
    write_stamp(gen_dir, stamp)
    return stamp


def write_stamp(gen_dir, stamp):
    tmp_stamp = os.path.join(gen_dir, STAMP_NAME + ".tmp")
    with open(tmp_stamp, "w", encoding="utf8") as fp:
        json.dump(stamp, fp, indent=1)
    os.replace(tmp_stamp, os.path.join(gen_dir, STAMP_NAME))


# --- fit check --------------------------------------------------------------------------------

def elf_ram_bytes(path):
    """Bytes of the allocated, writable sections of an ELF (.data, .bss, stack, heap), or None."""
    try:
        with open(path, "rb") as fp:
            ident = fp.read(16)
            if ident[:4] != b"\x7fELF":
                return None
            bits64, endian = ident[4] == 2, "<" if ident[5] == 1 else ">"
            if bits64:
                fp.seek(0x28)
                shoff, = struct.unpack(endian + "Q", fp.read(8))
                fp.seek(0x3A)
            else:
                fp.seek(0x20)
                shoff, = struct.unpack(endian + "I", fp.read(4))
                fp.seek(0x2E)
            shentsize, shnum = struct.unpack(endian + "HH", fp.read(4))
            total = 0
            for i in range(shnum):
                fp.seek(shoff + i * shentsize)
                raw = fp.read(shentsize)
                if bits64:
                    _, _, flags, _, _, size = struct.unpack(endian + "IIQQQQ", raw[:40])
                else:
                    _, _, flags, _, _, size = struct.unpack(endian + "IIIIII", raw[:24])
                if flags & 0x2 and flags & 0x1:   # SHF_ALLOC and SHF_WRITE
                    total += size
            return total
    except (OSError, struct.error):
        return None


def ram_reserve(opt_reserve, elf_paths, stamp, stamp_path):
    """``(bytes, where it comes from)``: the option, else the default or the last link's RAM
    beside the arena (an ELF newer than the stamp of the code it linked), the larger."""
    if opt_reserve is not None:
        return opt_reserve, "custom_tinyengine_ram_reserve"
    if stamp is not None:
        try:
            stamp_time = os.path.getmtime(stamp_path)
        except OSError:
            stamp_time = None
        for elf in elf_paths:
            try:
                if stamp_time is None or os.path.getmtime(elf) < stamp_time:
                    continue
            except OSError:
                continue
            used = elf_ram_bytes(elf)
            arena = stamp.get("arena_bytes")
            if used is not None and isinstance(arena, int) and used - arena > DEFAULT_RAM_RESERVE:
                return used - arena, "stack and .bss of the last build"
    return DEFAULT_RAM_RESERVE, "default; set custom_tinyengine_ram_reserve"


def board_limit(board_config, key):
    """``upload.maximum_ram_size`` / ``upload.maximum_size`` of the board, 0 when unknown."""
    if board_config is None:
        return 0
    try:
        return int(board_config.get(key, 0) or 0)
    except (KeyError, ValueError, TypeError):
        return 0


def size_text(n):
    """48K for a multiple of 1 KiB, else 49,000 B."""
    return "%dK" % (n >> 10) if n and n % 1024 == 0 else "{:,} B".format(n)


def fit_message(prefix, layerwise, budget, ram, reserve, ranges, arena, figures, at_least=False):
    """What the automatic fit chose and why (one line).  ``layerwise``: the layer-by-layer
    arena (``at_least``: only its lower bound is known)."""
    what = "model" if prefix is None else prefix
    text = "%s arena %s%s B does not fit %s B (RAM %s - reserve %s); " % (
        what, "at least " if at_least else "", "{:,}".format(layerwise) if layerwise else "?",
        "{:,}".format(budget), size_text(ram), size_text(reserve))
    if ranges:
        text += "fused stages %s fit: arena {:,} B".format(arena) % ", ".join(
            "%d-%d" % r for r in ranges)
    else:
        text += "the compiler's schedule fits: arena {:,} B".format(arena)
    if figures and figures.get("layerwise_instructions"):
        pct = 100.0 * (figures["instructions"] / figures["layerwise_instructions"] - 1)
        text += (", about %+.1f%% instructions" if abs(pct) < 9.95 else
                 ", about %+.0f%% instructions") % pct
    return text


def fit_errors(board_id, board_config, arena_bytes, weight_bytes, reserve=0, reserve_what="",
               at_least=False):
    """Messages for every way the model does not fit the board (empty if it fits)."""
    errors = []
    arena_text = "arena %s%d bytes" % ("at least " if at_least else "", arena_bytes)
    if reserve:
        arena_text += " + reserve %d bytes (%s) = %d bytes" % (
            reserve, reserve_what or "stack and .bss", arena_bytes + reserve)
    weights_text = "weights %d bytes" % weight_bytes
    checks = (
        (arena_text, arena_bytes + reserve, "RAM", "upload.maximum_ram_size"),
        (weights_text, weight_bytes, "flash", "upload.maximum_size"),
    )
    for what, need, mem, key in checks:
        try:
            limit = int(board_config.get(key, 0) or 0)
        except (KeyError, ValueError, TypeError):
            limit = 0
        if limit and need > limit:
            errors.append("model does not fit %s: %s exceeds %s %d bytes by %d bytes"
                          % (board_id, what, mem, limit, need - limit))
    return errors


# --- SCons ------------------------------------------------------------------------------------

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


def _elf_paths(env):
    paths = []
    for pattern in ("$PROGPATH", os.path.join("$BUILD_DIR", "${PROGNAME}.elf")):
        try:
            path = env.subst(pattern)
        except Exception:  # noqa: S112  pylint: disable=broad-except
            continue
        if path and path not in paths:
            paths.append(path)
    return paths


def _add_harness(env, package_dir):
    """The compiler package's ``harness/pio_build.py:add_harness``, loaded by path (its package
    ``tinyengine_pio`` imports numpy, which PlatformIO's Python may not have)."""
    import importlib.util  # pylint: disable=import-outside-toplevel
    import types  # pylint: disable=import-outside-toplevel

    name = "_tinyengine_pio_harness"
    module = sys.modules.get(name + ".pio_build")
    if module is None:
        pkg = types.ModuleType(name)
        pkg.__path__ = [os.path.join(package_dir, "harness")]
        pkg.RUNTIME_DIR = os.path.join(package_dir, "runtime")
        sys.modules[name] = pkg
        spec = importlib.util.spec_from_file_location(
            name + ".pio_build", os.path.join(package_dir, "harness", "pio_build.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name + ".pio_build"] = module
        spec.loader.exec_module(module)
    return module.add_harness(env)


def auto_budget(opts, ram, reserve):
    """The automatic fit's RAM budget (RAM - reserve), or None where it does not apply: the
    board's RAM unknown, custom_tinyengine_optimize = memory or custom_tinyengine_ram_budget set
    (the user chose), custom_tinyengine_input_stream = yes (its compile already searches the
    smallest arena that streams the input), or several models with their own arenas (no
    per-model split)."""
    if (not ram or ram <= reserve or opts["optimize"] == "memory" or opts.get("ram_budget")
            or opts.get("input_stream")):
        return None
    if len(opts["models"]) > 1 and not opts["shared_arena"]:
        return None
    return ram - reserve


def auto_flash_budget(opts, flash, reserve):
    """The flash fallback's budget for the model's constants (flash - reserve), or None where
    it does not apply: the board's flash unknown, custom_tinyengine_optimize = size (nothing
    to fall back from) or several models (no per-model split)."""
    if not flash or flash <= reserve or opts["optimize"] == "size" or len(opts["models"]) > 1:
        return None
    return flash - reserve


def flash_message(meta):
    """The line saying which ops a flash budget put on the size kernels (model.json's
    "flash", docs/MODEL_JSON.md), or None."""
    fl = meta.get("flash")
    if not isinstance(fl, dict) or not fl.get("budget") or (
            not fl.get("size_ops") and fl.get("w16", True)):
        return None
    n, budget = len(fl["size_ops"]), int(fl["budget"])
    fit = ("%d MB" % (budget >> 20) if budget % (1 << 20) == 0 else
           "%d KB" % (budget >> 10) if budget % 1024 == 0 else "{:,} B".format(budget))
    if not n:
        return ("flash: the 2x4 GEMMs' int16 weights are off to fit %s (saves {:,} B; "
                "constants {:,} B)".format(int(fl["speed_bytes"]) - int(fl["bytes"]),
                                           int(fl["bytes"])) % fit)
    extra = int(fl.get("extra_instructions", 0))
    more = "%.1fM" % (extra / 1e6) if extra >= 100000 else "{:,}".format(extra)
    return ("flash: %d op%s use%s the size kernels to fit %s (saves {:,} B, +%s instructions; "
            "constants {:,} B)".format(int(fl["speed_bytes"]) - int(fl["bytes"]), int(fl["bytes"]))
            % (n, "s" if n != 1 else "", "s" if n == 1 else "", fit, more))


def needs_generation(stamp, key, budget):
    """Whether the generated sources must be (re)made: no stamp or another key, or a schedule
    chosen for another budget that is no longer right (it does not fit ``budget``, or it was
    fused to fit and layer by layer fits now, or the automatic fit no longer applies)."""
    if not (stamp and stamp.get("key") == key):
        return True
    fitted = stamp.get("ram_budget")
    if budget is None:
        return fitted is not None
    if stamp.get("arena_bytes", 0) > budget:
        return True
    layerwise = stamp.get("layerwise_arena")
    return fitted is not None and isinstance(layerwise, int) and layerwise <= budget


def fit_and_generate(python, models, shown, gen_dir, opts, key, board_id, board, reserve,
                     reserve_what, budget):
    """Estimate, compile (again with ``--ram-budget`` when the layer-by-layer arena does not fit
    ``budget``), print what the automatic fit chose; the new stamp.  HookError if it cannot."""
    paths = [path for _, path in models]
    os.makedirs(gen_dir, exist_ok=True)
    try:
        figures = estimate(python, paths, opts["optimize"], gen_dir, opts.get("io", "model"),
                           opts.get("input_stream", False))
    except HookError as exc:
        raise HookError("cannot compile %s: %s" % (shown, exc)) from None
    fused_ok = (budget is not None or opts["optimize"] == "memory" or opts.get("ram_budget")
                or opts.get("input_stream"))
    at_least = None
    if figures:
        at_least = arena_total([f["arena_at_least"] for f in figures], opts["shared_arena"])
        floor = arena_total([f.get("arena_floor", f["arena_at_least"]) for f in figures],
                            opts["shared_arena"])
        if board is not None:
            errors = fit_errors(board_id, board, floor if fused_ok else at_least,
                                sum(f["weight_bytes"] for f in figures),
                                reserve, reserve_what, at_least=True)
            if errors:
                raise HookError("\n".join(errors) + " (estimated before compiling%s)"
                                % (", fused stages included" if fused_ok else ""))
    layerwise = None
    try:
        if budget is None or at_least is None or at_least <= budget:
            stamp = generate(python, models, gen_dir, opts, key)
            if budget is None or stamp["arena_bytes"] <= budget:
                return stamp
            layerwise = stamp["arena_bytes"]
        stamp = generate(python, models, gen_dir, opts, key, budget=budget)
    except HookError as exc:
        if budget is not None and "no schedule fits" in str(exc):
            why = str(exc).split("; give --ram-budget")[0]     # the CLI's advice, not ours
            raise HookError("model does not fit %s: RAM %d bytes - reserve %d bytes (%s) leaves "
                            "%d bytes for the arena, and %s (fused stages included; a board "
                            "with more RAM, or a smaller custom_tinyengine_ram_reserve if the "
                            "application needs less)" % (
                                board_id, budget + reserve, reserve, reserve_what, budget,
                                why)) from None
        raise HookError("cannot compile %s: %s" % (shown, exc)) from None
    ram = budget + reserve
    totals = []
    for (prefix, path), ranges in zip(models, stamp["stages"]):
        fig = schedule_figures(python, path, ranges, opts["optimize"], gen_dir,
                               opts.get("io", "model"), opts.get("input_stream", False)
                               ) if ranges else None
        meta = read_model_json(os.path.join(gen_dir, "src"), prefix)
        # no stage: the budget left it layer by layer, its arena is that one
        own = fig["layerwise_arena"] if fig else (None if ranges else int(meta["arena"]["bytes"]))
        totals.append(own)
        if len(models) > 1:
            if ranges:       # the models the budget changed
                print("TinyEngine: %s" % fit_message(prefix, own, budget, ram, reserve, ranges,
                                                     int(meta["arena"]["bytes"]), fig))
            continue
        print("TinyEngine: %s" % fit_message(
            None, own or layerwise or at_least, budget, ram, reserve, ranges,
            int(meta["arena"]["bytes"]), fig, at_least=not (own or layerwise)))
    if all(t is not None for t in totals):
        layerwise = arena_total(totals, opts["shared_arena"])
    stamp["layerwise_arena"] = layerwise
    write_stamp(gen_dir, stamp)
    return stamp


def build(env):
    """The hook's work; HookError for anything the user must fix."""
    env_name = env["PIOENV"]
    raw = project_options(env)
    opts = parse_options(raw, env_name)
    project_dir = env.subst("$PROJECT_DIR")
    models, paths, datas = opts["models"], [], []
    for prefix, written in models:
        path = os.path.normpath(os.path.join(project_dir, os.path.expanduser(written)))
        option = ("custom_tinyengine_models: %s:%s" % (prefix, written) if opts["several"]
                  else "custom_tinyengine_model = %s" % written)
        if not os.path.isfile(path):
            raise HookError("model file not found: %s (%s, relative to %s)"
                            % (path, option, project_dir))
        try:
            with open(path, "rb") as fp:
                datas.append((prefix, fp.read()))
        except OSError as exc:
            raise HookError("cannot read model file %s: %s" % (path, exc.strerror)) from None
        paths.append(path)
    shown = ", ".join(w for _, w in models)

    gen_dir = os.path.join(env.subst("$BUILD_DIR"), "tinyengine")
    os.makedirs(gen_dir, exist_ok=True)
    core_dir = env.subst("$PROJECT_CORE_DIR")
    found = env.get("TINYENGINE_FOUND")     # set by the tinyengine.py shim, which found us
    if found and _judge(found[0]) is None:
        info, source = found
    else:
        info, source = find_python(opts["python"], project_dir, core_dir, cwd=gen_dir)
    python = info["python"]
    print("TinyEngine: compiler Python %s (%s), tinyengine_pio at %s"
          % (python, source, info["package"]))

    board_id = env.subst("$BOARD") if "BOARD" in env else None
    board = env.BoardConfig() if board_id else None
    stamp_path = os.path.join(gen_dir, STAMP_NAME)
    stamp = read_stamp(gen_dir)
    reserve, reserve_what = ram_reserve(opts["ram_reserve"], _elf_paths(env), stamp, stamp_path)
    flash_reserve = opts["flash_reserve"] if opts["flash_reserve"] is not None \
        else DEFAULT_FLASH_RESERVE
    opts["flash_budget"] = auto_flash_budget(opts, board_limit(board, "upload.maximum_size"),
                                             flash_reserve)
    opts["cpu"] = board.get("build.cpu", "") if board is not None else ""
    key = stamp_key(datas, opts, info["package"])
    budget = auto_budget(opts, board_limit(board, "upload.maximum_ram_size"), reserve)
    regenerated = needs_generation(stamp, key, budget)
    compiled = [(p, path) for (p, _), path in zip(models, paths)]
    if regenerated:
        stamp = fit_and_generate(python, compiled, shown, gen_dir, opts, key, board_id, board,
                                 reserve, reserve_what, budget)
    src_dir = os.path.join(gen_dir, "src")
    # the figures come from the compiler's <prefix>.json (docs/MODEL_JSON.md), not the C
    metas = [read_model_json(src_dir, p) for p, _ in models]
    arena = compiled_arena(metas)
    weights = sum(int(m["weight_bytes"]) for m in metas)
    staged = [(p, stage_ranges(m)) for (p, _), m in zip(models, metas) if stage_ranges(m)]
    print("TinyEngine: %s %s -> %s (arena %d bytes, weights %d bytes%s%s)" % (
        "generated" if regenerated else "up to date", shown,
        os.path.relpath(src_dir, project_dir), arena, weights,
        "".join("; %sfused stages %s" % ("%s: " % p if len(models) > 1 else "",
                                         ", ".join("%d-%d" % r for r in ranges))
                for p, ranges in staged),
        "; input streamed (%s_read_input_rows)" % models[0][0] if opts["input_stream"]
        and len(models) == 1 else "; inputs streamed" if opts["input_stream"] else ""))
    for meta in metas:
        line = flash_message(meta)
        if line:
            print("TinyEngine: %s%s" % ("%s: " % meta.get("prefix") if len(metas) > 1 else "",
                                        line))
    if board is not None:
        errors = fit_errors(board_id, board, arena, weights, reserve, reserve_what)
        if errors:
            raise HookError("\n".join(errors))

    # -ffp-contract=off: the float32 kernels must not fuse a multiply and an add (TFLM rounds
    # each); it changes nothing for integer code
    env.Append(CPPPATH=[src_dir], LIBS=["m"], CCFLAGS=["-ffp-contract=off"])
    env.BuildSources(os.path.join(gen_dir, "obj"), src_dir)
    if opts["harness"]:
        error = _add_harness(env, info["package"])
        if error:
            raise HookError(error)


def run(env):
    """The SCons side of the hook: once per build, nothing for ``-t clean``."""
    if env.get("TINYENGINE_HOOK_DONE"):
        return
    env["TINYENGINE_HOOK_DONE"] = True
    if _is_clean(env):
        return  # `pio run -t clean` must work without a model (and without a compiler)
    try:
        build(env)
    except HookError as exc:
        _fail(env, str(exc))


if "Import" in globals() and "DefaultEnvironment" in globals():
    Import("env")  # noqa: F821  pylint: disable=undefined-variable
    run(env)  # noqa: F821  pylint: disable=undefined-variable
