"""tinyengine-pio: compile the env's custom_tinyengine_model to C during `pio run`.

Written by `tinyengine-pio init` as the project's tinyengine.py (commit it), used as
`extra_scripts = pre:tinyengine.py`; also the extra script of the tinyengine-model library
(`lib_deps = file://...`).  It holds no path: at build time it asks a Python that has
tinyengine-pio where that installation is -- custom_tinyengine_python, $TINYENGINE_PYTHON, the
Python `tinyengine-pio setup` recorded in PlatformIO's core dir, tinyengine-pio on PATH,
PlatformIO's own Python, in that order -- and runs its hook (tinyengine_pio/platformio/hook.py),
which compiles out of process.  Standard library only.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

Import("env")  # noqa: F821  pylint: disable=undefined-variable

FIND = ("import importlib.util as u, json, sys; s = u.find_spec('tinyengine_pio'); "
        "print(json.dumps({'python': sys.executable, 'package': "
        "list(s.submodule_search_locations)[0] if s else None}))")


def _pythons(env):
    """(where from, python; None if unset; "exe:PATH" for a tinyengine-pio on PATH)."""
    opt = str(env.GetProjectOption("custom_tinyengine_python", "") or "").strip().strip("\"'")
    opt = os.path.expanduser(opt)
    yield "custom_tinyengine_python", (os.path.join(env.subst("$PROJECT_DIR"), opt)
                                       if "/" in opt or os.sep in opt
                                       else shutil.which(opt) or opt) if opt else None
    python = os.environ.get("TINYENGINE_PYTHON", "").strip()
    yield "TINYENGINE_PYTHON", os.path.expanduser(python) if python else None
    record = os.path.join(env.subst("$PROJECT_CORE_DIR"), "tinyengine-pio.json")
    try:
        with open(record) as fp:
            python = json.load(fp)["python"]
    except (OSError, ValueError, KeyError, TypeError):
        python = None
    yield "recorded by `tinyengine-pio setup` in %s" % record, python
    exe = shutil.which("tinyengine-pio")
    yield "tinyengine-pio on PATH", "exe:" + exe if exe else None
    yield "PlatformIO's Python", sys.executable


def _ask(python):
    """The tinyengine_pio package directory of a Python (None if it has none)."""
    cmd = [python[4:], "init", "--where"] if python.startswith("exe:") else [python, "-c", FIND]
    environ = dict(os.environ)   # without the site-packages PlatformIO adds to PYTHONPATH
    environ["PYTHONPATH"] = os.pathsep.join(
        p for p in environ.get("PYTHONPATH", "").split(os.pathsep)
        if p and not any(os.path.isdir(os.path.join(p, d)) for d in ("click", "platformio")))
    environ.pop("PYTHONHOME", None)
    try:
        out = subprocess.run(cmd, env=environ, cwd=tempfile.gettempdir(),
                             stdin=subprocess.DEVNULL, capture_output=True, text=True,
                             timeout=120, check=False).stdout
        return json.loads(out.strip().splitlines()[-1])["package"]
    except (OSError, subprocess.SubprocessError, ValueError, IndexError, KeyError, TypeError):
        return None


def _hook(env):
    tried = []
    for source, python in _pythons(env):
        if not python:
            tried.append("%s: not set" % source)
            continue
        package = _ask(python)
        hook = package and os.path.join(package, "platformio", "hook.py")
        if hook and os.path.isfile(hook):
            return hook
        tried.append("%s: %s has no tinyengine_pio" % (source, python.replace("exe:", "")))
    sys.stderr.write("Error: tinyengine: no Python with tinyengine-pio found (tried %s); fix: run "
                     "`tinyengine-pio setup` once in the environment where tinyengine-pio is "
                     "installed, or set TINYENGINE_PYTHON=/path/to/that/python\n"
                     % "; ".join(tried))
    env.Exit(1)
    return None


if not (env.IsCleanTarget() or env.GetOption("clean")):  # noqa: F821  (clean needs no model)
    env.SConscript(_hook(env), exports={"env": env})  # noqa: F821
