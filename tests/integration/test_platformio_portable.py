"""PlatformIO as real users run it (issue 19): the hook in PlatformIO's own Python, portable
projects (``tinyengine-pio init``), option validation and the fit check before compiling.

* unit tests of the hook's pieces (options, environment, shebangs, ELF RAM, init's ini editing,
  the estimate's lower bound): no PlatformIO, in the fast loop;
* ``pio run`` tests (offline core dir, like tests/integration/test_platformio.py);
* the penv test: PlatformIO in a venv with only platformio + scons on another Python minor
  version than this package's (pyenv's 3.12 beside 3.11 here), builds and runs the sample with
  the Python ``tinyengine-pio setup`` recorded, from a source checkout (PYTHONPATH, no install),
  and fails with one line when no Python has the package.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import tests.integration.test_platformio as tp
from tinyengine_pio.init import SHIM_NAME, init
from tinyengine_pio.init import main as init_main
from tinyengine_pio.platformio import LIBRARY_DIR, hook
from tinyengine_pio.platformio.hook import HookError, parse_options
from tinyengine_pio.platformio.setup import offline_env, setup

ROOT = tp.ROOT
SAMPLE = tp.SAMPLE

needs_pio = pytest.mark.skipif(bool(tp._missing_tools()),
                               reason="PlatformIO tests need: " + ", ".join(tp._missing_tools()))


# --- options ----------------------------------------------------------------------------------

def _opts(**kw):
    return parse_options({"custom_tinyengine_" + k: v for k, v in kw.items()}, "e")


def test_options_defaults_and_quotes():
    o = _opts(model='"model/kws.tflite"', prefix="'kws'", optimize=' "size" ', harness="no",
              ram_reserve="16K")
    assert o["models"] == [("kws", "model/kws.tflite")] and not o["several"]
    assert o["optimize"] == "size" and o["harness"] is False and o["ram_reserve"] == 16384
    o = _opts(model="m.tflite")
    assert o["models"] == [("model", "m.tflite")] and o["optimize"] == "speed"
    assert o["ram_reserve"] is None and o["shared_arena"] is False
    o = _opts(models="kws:model/kws.tflite, person : 'model/p d.tflite'\n", shared_arena="yes")
    assert o["models"] == [("kws", "model/kws.tflite"), ("person", "model/p d.tflite")]
    assert o["several"] and o["shared_arena"] is True
    assert hook.parse_size("1M") == 1 << 20 and hook.parse_size("8 KiB") == 8192
    o = _opts(model="m.tflite", max_bytes="256K")
    assert o["max_bytes"] == 256 << 10
    assert hook.compile_command("py", [("model", "m.tflite")], o, "out")[-2:] == [
        "--max-bytes", str(256 << 10)]


@pytest.mark.parametrize("kw, message", [
    (dict(optimize="fast"),
     "invalid custom_tinyengine_optimize = fast: expected speed, size or memory"),
    (dict(prefix="1kws"), "invalid custom_tinyengine_prefix = 1kws: expected a C identifier"),
    (dict(prefix="my-model"), "invalid custom_tinyengine_prefix = my-model"),
    (dict(harness="maybe"), "invalid custom_tinyengine_harness = maybe: expected yes or no"),
    (dict(shared_arena="2"), "invalid custom_tinyengine_shared_arena = 2: expected yes or no"),
    (dict(ram_reserve="lots"), "invalid custom_tinyengine_ram_reserve = lots: expected a size"),
    (dict(autohook="perhaps"), "invalid custom_tinyengine_autohook = perhaps"),
    (dict(max_bytes="huge"), "invalid custom_tinyengine_max_bytes = huge: expected a size"),
    (dict(optimise="size"), ("unknown option custom_tinyengine_optimise in [env:e] (tinyengine "
                             "options: custom_tinyengine_autohook, ")),
    (dict(model=None, models="kws:a.tflite, b.tflite"),
     "invalid custom_tinyengine_models entry 'b.tflite': expected PREFIX:PATH"),
    (dict(model=None, models="k:a.tflite, k:b.tflite"), "prefix 'k' is used twice"),
    (dict(models="k:a.tflite"), ("set custom_tinyengine_model or custom_tinyengine_models in "
                                 "[env:e], not both")),
    (dict(harness="yes", prefix="kws"), ("the harness (custom_tinyengine_harness = yes) serves "
                                         "the model generated with prefix 'model'")),
    (dict(model=None, prefix="kws"), "custom_tinyengine_model is not set in [env:e]"),
])
def test_invalid_option_names_option_and_allowed_values(kw, message):
    kw = {"model": "m.tflite", **kw}
    with pytest.raises(HookError) as e:
        _opts(**{k: v for k, v in kw.items() if v is not None})
    assert message in str(e.value)
    assert "\n" not in str(e.value)


# --- finding the Python -----------------------------------------------------------------------

def test_child_environ_drops_platformio_site_packages(tmp_path):
    site = tmp_path / "site"
    (site / "platformio").mkdir(parents=True)
    mine = tmp_path / "checkout"
    mine.mkdir()
    env = hook.child_environ({"PYTHONPATH": os.pathsep.join([str(mine), str(site)]),
                              "PYTHONHOME": "/x", "PATH": "/bin"})
    assert env == {"PYTHONPATH": str(mine), "PATH": "/bin"}
    assert "PYTHONPATH" not in hook.child_environ({"PYTHONPATH": str(site)})


def test_script_python(tmp_path):
    plain = tmp_path / "a"
    plain.write_text("#!/opt/venv/bin/python3.12\nimport sys\n")
    sh = tmp_path / "b"
    sh.write_text("#!/bin/sh\n'''exec' \"/opt/a b/bin/python\" \"$0\" \"$@\"\n' '''\nimport x\n")
    shim = tmp_path / "c"
    shim.write_text("#!/usr/bin/env bash\nexec pyenv exec tinyengine-pio\n")
    assert hook.script_python(str(plain)) == "/opt/venv/bin/python3.12"
    assert hook.script_python(str(sh)) == "/opt/a b/bin/python"
    assert hook.script_python(str(shim)) is None


def test_find_python_order_and_errors(tmp_path, monkeypatch):
    core = tmp_path / "core"
    core.mkdir()
    monkeypatch.delenv("TINYENGINE_PYTHON", raising=False)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")   # no tinyengine-pio
    # recorded by setup: this interpreter, which has the package
    (core / "tinyengine-pio.json").write_text(json.dumps({"python": sys.executable}))
    info, source = hook.find_python(None, str(tmp_path), str(core))
    assert source.startswith("recorded by `tinyengine-pio setup`")
    assert Path(info["package"]) == ROOT / "tinyengine_pio"
    # TINYENGINE_PYTHON comes first, and must work when set
    monkeypatch.setenv("TINYENGINE_PYTHON", "/nonexistent/python")
    with pytest.raises(HookError, match=r"^TINYENGINE_PYTHON=/nonexistent/python cannot compile: "
                                        r"/nonexistent/python: not found"):
        hook.find_python(None, str(tmp_path), str(core))
    # custom_tinyengine_python first of all, relative to the project
    (tmp_path / "py").symlink_to(sys.executable)
    info, source = hook.find_python("./py", str(tmp_path), str(core))
    assert source == "custom_tinyengine_python = ./py" and hook._judge(info) is None


def test_setup_records_python_and_keeps_platformios_own_scons(tmp_path):
    real = tmp_path / "packages" / "tool-scons"
    real.mkdir(parents=True)
    (real / "scons.py").write_text("# PlatformIO's own\n")
    (real / "package.json").write_text(json.dumps({"name": "tool-scons", "description": "SCons"}))
    setup(str(tmp_path))
    assert (real / "scons.py").read_text() == "# PlatformIO's own\n"
    assert json.loads((tmp_path / "tinyengine-pio.json").read_text())["python"] == sys.executable
    assert hook.read_record(str(tmp_path)) == sys.executable


# --- the estimate -----------------------------------------------------------------------------

def test_estimate_is_a_lower_bound_and_weights_exact():
    from tests.helpers import opmodels, randgraph
    from tinyengine_pio.compiler import compile_model
    from tinyengine_pio.errors import TinyEngineError
    from tinyengine_pio.platformio.estimate import estimate
    models = [opmodels.conv_dw_conv(), opmodels.wide_then_conv_fc(), opmodels.concatenation(),
              opmodels.pad(), (SAMPLE / "model" / "sample.tflite").read_bytes()]
    models += [randgraph.random_model(s) for s in range(25)]
    checked = 0
    for data in models:
        for optimize in ("speed", "size"):
            try:
                cm = compile_model(data, emit=False, optimize=optimize)
            except TinyEngineError:
                continue
            e = estimate(data, optimize=optimize)
            assert e["weight_bytes"] == cm.weight_bytes
            assert 0 < e["arena_at_least"] <= cm.arena_bytes
            checked += 1
    assert checked > 30


def test_compiled_arena_counts_a_shared_arena_once():
    own = {"arena": {"bytes": 100}}
    shared = [{"arena": {"bytes": b, "shared": {"bytes": 1176}}} for b in (1168, 300)]
    assert hook.compiled_arena([own, own]) == 200
    assert hook.compiled_arena(shared) == 1176
    assert hook.arena_total([5, 7], shared=True) == 7 and hook.arena_total([5, 7], False) == 12


def test_elf_ram_bytes_and_reserve(tmp_path):
    assert hook.elf_ram_bytes(sys.executable) is not None   # a host ELF: .data/.bss
    assert hook.elf_ram_bytes(__file__) is None
    assert hook.ram_reserve(4096, [], None, "") == (4096, "custom_tinyengine_ram_reserve")
    assert hook.ram_reserve(None, [], None, "")[0] == hook.DEFAULT_RAM_RESERVE


# --- init -------------------------------------------------------------------------------------

INI = """; my project
[platformio]
default_envs = a

[env:a]
platform = tinyengine-qemu
board = mps2-an386
build_flags = -DMINE  ; kept

[env:b]
platform = tinyengine-qemu
board = mps2-an500
extra_scripts = pre:mine.py
"""


def _user_project(dest: Path) -> Path:
    (dest / "src").mkdir(parents=True)
    (dest / "model").mkdir()
    shutil.copy(SAMPLE / "src" / "main.c", dest / "src" / "main.c")
    shutil.copy(SAMPLE / "model" / "sample.tflite", dest / "model" / "kws.tflite")
    (dest / "platformio.ini").write_text(INI)
    (dest / "mine.py").write_text('print("mine.py ran")\n')
    return dest


def _no_absolute_path(text: str, *dirs) -> None:
    for d in dirs:
        assert str(d) not in text
    for line in text.splitlines():
        value = line.partition("=")[2].strip() if "=" in line else line.strip()
        assert not re.search(r"(^|[\s:])/", value.replace("file://tinyengine", "")), line


def test_init_is_idempotent_and_keeps_user_lines(tmp_path, capsys):
    project = _user_project(tmp_path / "p")
    assert init_main([str(project), "--model", "model/kws.tflite"]) == 0
    text = (project / "platformio.ini").read_text()
    assert "[env]\nextra_scripts = pre:tinyengine.py\ncustom_tinyengine_model = model/kws.tflite\n" \
        in text
    assert "extra_scripts = pre:mine.py\n    pre:tinyengine.py\n" in text   # [env:b]'s own
    assert text.replace("[env]\nextra_scripts = pre:tinyengine.py\ncustom_tinyengine_model = "
                        "model/kws.tflite\n\n", "").replace("\n    pre:tinyengine.py", "") == INI
    assert (project / SHIM_NAME).read_text() == Path(LIBRARY_DIR, "tinyengine_hook.py").read_text()
    _no_absolute_path(text, tmp_path)
    # again, and with another model: nothing changes, the user's model is kept and said so
    init_main([str(project), "--model", "model/kws.tflite"])
    capsys.readouterr()
    (project / "model" / "other.tflite").write_bytes(b"x")
    init(str(project), model="model/other.tflite")
    assert (project / "platformio.ini").read_text() == text
    assert "kept custom_tinyengine_model = model/kws.tflite in [env] (not replaced)" in \
        init(str(project), model="model/other.tflite")
    # --env: only that env (which inherits the script from [env]); --prefix
    assert "[env:a] inherits pre:tinyengine.py from [env]" in init(str(project), prefix="kws",
                                                                   envs=["a"])
    assert "[env:a]\nplatform = tinyengine-qemu\nboard = mps2-an386\nbuild_flags = -DMINE  ; kept" \
        "\ncustom_tinyengine_prefix = kws\n" in (project / "platformio.ini").read_text()


def test_init_errors(tmp_path, capsys):
    assert init_main([str(tmp_path)]) == 2
    assert "has no platformio.ini" in capsys.readouterr().err
    project = _user_project(tmp_path / "p")
    (project / SHIM_NAME).write_text("# my own script\n")
    assert init_main([str(project)]) == 2
    assert "tinyengine.py exists and is not tinyengine-pio's shim" in capsys.readouterr().err
    assert init_main([str(project), "--library", "--model", "model/none.tflite"]) == 2
    assert "model file not found" in capsys.readouterr().err
    assert init_main([str(project), "--library", "--env", "zz"]) == 2
    assert "no [env:zz]" in capsys.readouterr().err
    assert (project / "platformio.ini").read_text() == INI


def test_init_where():
    out = subprocess.run([sys.executable, "-m", "tinyengine_pio", "init", "--where"],
                         capture_output=True, text=True, check=True, cwd="/").stdout
    info = json.loads(out)
    assert info["python"] == sys.executable and hook._judge(info) is None


# --- pio run ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pio_core(tmp_path_factory):
    core = tmp_path_factory.mktemp("pio_core_portable")
    setup(str(core))
    return core


@pytest.fixture(scope="module")
def pio_env(pio_core):
    """As a user: no PYTHONPATH, the Python is the one setup recorded."""
    env = offline_env(str(pio_core))
    env.pop("PYTHONPATH", None)
    return env


def _pio(env, project, *args, python=sys.executable, check=None, timeout=300):
    proc = subprocess.run([python, "-m", "platformio", "run", "-d", str(project), *args],
                          env=env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, cwd=str(project.parent), check=False)
    out = proc.stdout + proc.stderr
    if check is not None:
        assert (proc.returncode == 0) == check, out
    return proc.returncode, out


def _tflm_output() -> np.ndarray:
    return tp.expected_output((SAMPLE / "model" / "sample.tflite").read_bytes())


@needs_pio
@pytest.mark.platformio
@pytest.mark.slow
def test_invalid_options_fail_before_compiling(tmp_path, pio_env):
    project = tp.make_project(tmp_path / "p", (SAMPLE / "model" / "sample.tflite").read_bytes())
    ini = project / "platformio.ini"
    base = ini.read_text()
    for extra, message in [
        ("custom_tinyengine_optimize = fast\n",
         "Error: tinyengine: invalid custom_tinyengine_optimize = fast: expected speed, size or "
         "memory"),
        ("custom_tinyengine_prefix = 2kws\n",
         "Error: tinyengine: invalid custom_tinyengine_prefix = 2kws: expected a C identifier"),
        ("custom_tinyengine_optimise = size\n",
         "Error: tinyengine: unknown option custom_tinyengine_optimise in [env:test]"),
        ("custom_tinyengine_ram_reserve = 5000000\n",
         "model does not fit mps2-an386: arena at least "),
    ]:
        ini.write_text(base + extra)
        _, out = _pio(pio_env, project, check=False)
        assert message in out, out
        assert "Traceback" not in out and "internal" not in out
        assert not (tp.gen_dir(project) / "src").exists()   # nothing compiled
    # the reserve figures: 5,000,000 bytes said to come from the option
    assert re.search(r"arena at least \d+ bytes \+ reserve 5000000 bytes "
                     r"\(custom_tinyengine_ram_reserve\) = \d+ bytes exceeds RAM 4194304", out)
    # quotes around a path are removed
    ini.write_text(base.replace("= model/sample.tflite", '= "model/sample.tflite"')
                   + "custom_tinyengine_optimize = 'size'\n")
    _, out = _pio(pio_env, project, check=True)
    assert "TinyEngine: generated model/sample.tflite" in out


@needs_pio
@pytest.mark.platformio
@pytest.mark.slow
def test_reserve_from_the_last_build(tmp_path, pio_env):
    """After a link, the reserve is what that ELF used beside the arena (stack, .bss)."""
    project = tp.make_project(tmp_path / "p", (SAMPLE / "model" / "sample.tflite").read_bytes(),
                              board="mine")
    board = json.loads(Path(tp.BOARDS_DIR, "mps2-an386.json").read_text())
    (project / "boards").mkdir()
    (project / "boards" / "mine.json").write_text(json.dumps(board))
    _pio(pio_env, project, check=True)
    elf = project / ".pio" / "build" / "test" / "program.elf"
    used = hook.elf_ram_bytes(str(elf))
    arena = json.loads((tp.gen_dir(project) / tp.STAMP_NAME).read_text())["arena_bytes"]
    assert used > arena + 65536 - 1     # the 64 KiB stack of tinyengine-qemu's linker script
    board["upload"]["maximum_ram_size"] = used - 1
    (project / "boards" / "mine.json").write_text(json.dumps(board))
    _, out = _pio(pio_env, project, check=False)
    # one byte short: the automatic fit compiles again with the budget; no schedule is smaller
    assert ("model does not fit mine: RAM %d bytes - reserve %d bytes (stack and .bss of the "
            "last build) leaves %d bytes for the arena, and no schedule fits the RAM budget of "
            "%d B: the smallest arena is %d B" % (used - 1, used - arena, arena - 1, arena - 1,
                                                  arena)) in out, out


@needs_pio
@pytest.mark.platformio
@pytest.mark.qemu
@pytest.mark.slow
@pytest.mark.parametrize("library", [False, True], ids=["shim", "library"])
def test_init_project_builds_from_a_copy(tmp_path, pio_env, library):
    """init, then copy the project elsewhere (a teammate's checkout) and build and run it."""
    project = _user_project(tmp_path / "mine")
    args = [str(project), "--model", "model/kws.tflite"] + (["--library"] if library else [])
    assert init_main(args) == 0
    text = (project / "platformio.ini").read_text()
    _no_absolute_path(text, tmp_path, ROOT)
    copy = tmp_path / "elsewhere" / "theirs"
    shutil.copytree(project, copy)
    shutil.rmtree(project)
    _, out = _pio(pio_env, copy, "-e", "b", "-t", "upload", check=True)
    assert "mine.py ran" in out or library
    assert re.search(r"TinyEngine: compiler Python .* \(recorded by `tinyengine-pio setup` in ",
                     out), out
    assert out.count("TinyEngine: generated model/kws.tflite") == 1
    np.testing.assert_array_equal(tp.parse_output(out), _tflm_output())
    if library:
        assert "tinyengine-model @ 0.1.0" in out


@needs_pio
@pytest.mark.platformio
@pytest.mark.slow
def test_lib_deps_file_url(tmp_path, pio_env):
    """lib_deps = file://<the installed library> (PlatformIO copies it into .pio/libdeps)."""
    project = tp.make_project(
        tmp_path / "p", (SAMPLE / "model" / "sample.tflite").read_bytes(),
        extra_ini="custom_tinyengine_autohook = no\nlib_deps = file://%s\n" % LIBRARY_DIR)
    _, out = _pio(pio_env, project, check=True)
    assert "missing SConscript" not in out
    assert out.count("TinyEngine: generated model/sample.tflite") == 1
    assert (project / ".pio" / "libdeps" / "test" / "tinyengine-model"
            / "tinyengine_hook.py").is_file()


# --- PlatformIO on another Python minor version -----------------------------------------------

OTHER_PYTHONS = ["3.12", "3.13", "3.10"]


def _other_python() -> str | None:
    """A pyenv Python of another minor version than this one (3.12 first)."""
    here = "%d.%d" % sys.version_info[:2]
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    for minor in OTHER_PYTHONS:
        if minor == here:
            continue
        for d in sorted(root.glob(minor + ".*"), reverse=True) if root.is_dir() else []:
            if (d / "bin" / "python").is_file():
                return str(d / "bin" / "python")
        found = shutil.which("python" + minor)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def penv(tmp_path_factory):
    """A venv with only platformio and scons on another minor version, as PlatformIO's installer
    makes (~/.platformio/penv).  Cached across sessions in ~/.cache/tinyengine-pio-tests
    (TINYENGINE_TEST_CACHE); built with pip (PyPI) the first time, else the test skips."""
    if tp._missing_tools():
        pytest.skip("PlatformIO tests need: " + ", ".join(tp._missing_tools()))
    base = _other_python()
    if base is None:
        pytest.skip("no Python of another minor version than %d.%d (pyenv 3.12/3.13/3.10)"
                    % sys.version_info[:2])
    version = subprocess.run([base, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    cache = Path(os.environ.get("TINYENGINE_TEST_CACHE",
                                Path.home() / ".cache" / "tinyengine-pio-tests"))
    venv = cache / ("penv-%s-platformio6.2.0-scons4.11.1" % version)
    python = venv / "bin" / "python"
    if not (venv / "ready").is_file():
        shutil.rmtree(venv, ignore_errors=True)
        venv.parent.mkdir(parents=True, exist_ok=True)
        steps = [[base, "-m", "venv", str(venv)],
                 [str(python), "-m", "pip", "install", "-q", "platformio==6.2.0", "scons==4.11.1"]]
        for cmd in steps:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900, check=False)
            if proc.returncode != 0:
                shutil.rmtree(venv, ignore_errors=True)
                pytest.skip("cannot make the PlatformIO venv (%s): %s"
                            % (" ".join(cmd[2:4]), (proc.stderr or proc.stdout)[-300:]))
        (venv / "ready").write_text(version + "\n")
    check = subprocess.run([str(python), "-c", "import numpy"], capture_output=True, check=False)
    assert check.returncode != 0, "the PlatformIO venv must not have numpy"
    return str(python), version


def _user_env(core: Path, **extra) -> dict:
    """PlatformIO offline, PATH without any tinyengine-pio or pyenv shim, no PYTHONPATH."""
    env = offline_env(str(core))
    tools = {os.path.dirname(shutil.which(t)) for t in ("arm-none-eabi-gcc", "qemu-system-arm")}
    env["PATH"] = os.pathsep.join(sorted(tools) + ["/usr/bin", "/bin"])
    for var in ("PYTHONPATH", "TINYENGINE_PYTHON", "VIRTUAL_ENV", "PYENV_VERSION"):
        env.pop(var, None)
    env.update(extra)
    return env


@needs_pio
@pytest.mark.platformio
@pytest.mark.qemu
@pytest.mark.slow
def test_penv_on_another_python_minor_version(tmp_path, penv):
    pio_python, version = penv
    assert version.split(".")[:2] != [str(v) for v in sys.version_info[:2]]
    sample = tmp_path / "sample"
    shutil.copytree(SAMPLE, sample, ignore=shutil.ignore_patterns(".pio"))

    # 1. as a user: `tinyengine-pio setup` (this Python) recorded itself; PlatformIO in the penv
    core = tmp_path / "core"
    setup(str(core))
    env = _user_env(core)
    _, out = _pio(env, sample, "-t", "upload", python=pio_python, check=True)
    assert ("TinyEngine: compiler Python %s (recorded by `tinyengine-pio setup` in %s)"
            % (sys.executable, core / "tinyengine-pio.json")) in out, out
    assert out.count("TinyEngine: compiler Python") == 1
    np.testing.assert_array_equal(tp.parse_output(out), _tflm_output())
    # warm: nothing regenerated, nothing rebuilt
    _, out = _pio(env, sample, python=pio_python, check=True)
    assert "TinyEngine: up to date" in out and "Compiling" not in out

    # 2. no Python with the package anywhere: one line naming what was tried, and the fix
    bare = tmp_path / "core_bare"
    setup(str(bare))
    (bare / "tinyengine-pio.json").unlink()
    shutil.rmtree(sample / ".pio")
    _, out = _pio(_user_env(bare), sample, python=pio_python, check=False)
    errors = [ln for ln in out.splitlines() if ln.startswith("Error: tinyengine:")]
    assert len(errors) == 1, out
    assert "no Python with tinyengine-pio found (tried " in errors[0]
    assert "PlatformIO's Python (%s)" % pio_python in errors[0] or pio_python in errors[0]
    assert "fix: run `tinyengine-pio setup` once in the environment where tinyengine-pio is " \
        "installed" in errors[0]
    assert "Traceback" not in out and "numpy" not in out

    # 3. from a source checkout: PYTHONPATH=<checkout>, nothing installed in the penv; the
    #    compiler Python from TINYENGINE_PYTHON; the hook given by its path (no init, no setup)
    checkout = tmp_path / "checkout"
    shutil.copytree(ROOT / "tinyengine_pio", checkout / "tinyengine_pio",
                    ignore=shutil.ignore_patterns("__pycache__"))
    hook_path = checkout / "tinyengine_pio" / "platformio" / "hook.py"
    ini = sample / "platformio.ini"
    ini.write_text(ini.read_text().replace(
        "[env]\n", "[env]\nextra_scripts = pre:%s\n" % hook_path))
    env = _user_env(bare, PYTHONPATH=str(checkout), TINYENGINE_PYTHON=sys.executable)
    _, out = _pio(env, sample, "-t", "upload", python=pio_python, check=True)
    assert "TinyEngine: compiler Python %s (TINYENGINE_PYTHON=%s), tinyengine_pio at %s" % (
        sys.executable, sys.executable, checkout / "tinyengine_pio") in out, out
    np.testing.assert_array_equal(tp.parse_output(out), _tflm_output())

    # 4. custom_tinyengine_python set to a Python without the package: named, with the fix
    ini.write_text(ini.read_text().replace("[env]\n", "[env]\ncustom_tinyengine_python = %s\n"
                                           % pio_python))
    _, out = _pio(env, sample, python=pio_python, check=False)
    assert "Error: tinyengine: custom_tinyengine_python = %s cannot compile" % pio_python in out
    assert "fix: %s -m pip install tinyengine-pio" % pio_python in out
