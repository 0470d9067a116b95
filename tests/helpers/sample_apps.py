"""Building and running a PlatformIO sample app of sample_apps/ in the tests: the tools it
needs, its helper modules, a copy of it with an offline PlatformIO core, and `pio run`."""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def missing_tools() -> list[str]:
    """What a sample's `pio run -t upload` needs and this machine lacks."""
    missing = [m for m in ("platformio", "SCons") if importlib.util.find_spec(m) is None]
    return missing + [t for t in ("arm-none-eabi-gcc", "qemu-system-arm") if not shutil.which(t)]


def load_module(path: Path, name: str):
    """A sample's Python file (make_model.py, scenes.py) as a module."""
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def sample_project(sample: Path, tmp_path: Path) -> tuple[dict, Path]:
    """(environment, project dir): a copy of the sample (platformio.ini, src, model) with an
    offline PlatformIO core set up in tmp_path and this checkout on PYTHONPATH."""
    from tinyengine_pio.platformio.setup import offline_env, setup
    core = tmp_path / "core"
    setup(str(core))
    env = offline_env(str(core))
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in [env.get("PYTHONPATH")] if p])
    project = tmp_path / sample.name
    project.mkdir()
    for name in ("platformio.ini", "src", "model"):
        src = sample / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, project / name)
    return env, project


def pio(env, project: Path, *args) -> str:
    """`pio run -d project ARGS`, its output; fails the test on a non-zero exit."""
    proc = subprocess.run([sys.executable, "-m", "platformio", "run", "-d", str(project), *args],
                          env=env, capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    return out
