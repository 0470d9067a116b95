"""The Zephyr module (zephyr_module/) and sample (sample_apps/zephyr_kws), checked on the host.

The module's files are validated (module.yml against the keys of Zephyr's schema, Kconfig with
kconfiglib), and its CMake logic is exercised by configuring and building the sample with plain
CMake + the host gcc against a minimal Zephyr-shaped CMake package (tests/helpers/fake_zephyr):
the built program runs on the host and its output must equal TFLM's.  Real `west build`s are in
test_zephyr_west.py (they need ZEPHYR_BASE).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import venv
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import ROOT, shared_model

MODULE = ROOT / "zephyr_module"
SAMPLE = ROOT / "sample_apps" / "zephyr_kws"
SAMPLE_KCONFIG = ROOT / "sample_apps" / "zephyr_kconfig"
FAKE_ZEPHYR = ROOT / "tests" / "helpers" / "fake_zephyr"

# Top-level and build: keys of Zephyr's module.yml schema (scripts/zephyr_module.py, v4.1),
# which pykwalify validates strictly: any other key fails the Zephyr configuration.
ZEPHYR_MODULE_KEYS = {"name", "build", "tests", "samples", "boards", "blobs", "security",
                      "package-managers", "runners"}
ZEPHYR_BUILD_KEYS = {"cmake", "kconfig", "cmake-ext", "kconfig-ext", "sysbuild-cmake",
                     "sysbuild-kconfig", "sysbuild-cmake-ext", "sysbuild-kconfig-ext", "depends",
                     "settings"}

needs_host_cmake = pytest.mark.skipif(
    not (shutil.which("cmake") and shutil.which("ninja") and shutil.which("gcc")),
    reason="host CMake test needs cmake, ninja and gcc on PATH")


def _yaml():
    return pytest.importorskip("yaml")


def _kconfiglib():
    return pytest.importorskip("kconfiglib", reason="pip install kconfiglib")


# --- module files ---------------------------------------------------------------------------

def test_module_yml_matches_zephyr_schema():
    y = _yaml().safe_load((MODULE / "zephyr" / "module.yml").read_text())
    assert set(y) <= ZEPHYR_MODULE_KEYS, f"keys Zephyr rejects: {set(y) - ZEPHYR_MODULE_KEYS}"
    assert y["name"] == "tinyengine"
    assert set(y["build"]) <= ZEPHYR_BUILD_KEYS
    assert isinstance(y["build"]["cmake"], str) and isinstance(y["build"]["kconfig"], str)
    assert (MODULE / y["build"]["cmake"] / "CMakeLists.txt").is_file()
    assert (MODULE / y["build"]["kconfig"]).is_file()


def test_west_commands_declared():
    """West reads these paths relative to the project's root: this repository's."""
    yaml = _yaml()
    w = yaml.safe_load((MODULE / "west.yml").read_text())
    spec = ROOT / w["manifest"]["self"]["west-commands"]
    assert spec == MODULE / "scripts" / "west-commands.yml"
    cmds = yaml.safe_load(spec.read_text())["west-commands"]
    (entry,) = cmds
    src = (ROOT / entry["file"]).read_text()
    (cmd,) = entry["commands"]
    assert cmd["name"] == "tinyengine"
    assert f"class {cmd['class']}(WestCommand)" in src


def _module_kconfig(tmp_path, conf_text: str | None = None):
    kconfiglib = _kconfiglib()
    root = tmp_path / "Kconfig"
    root.write_text(f'mainmenu "test"\nsource "{MODULE / "Kconfig"}"\n'
                    'config MAIN_STACK_SIZE\n\tint "stack"\n\tdefault 1024\n')
    k = kconfiglib.Kconfig(str(root), warn_to_stderr=False)
    if conf_text is not None:
        conf = tmp_path / "test.conf"
        conf.write_text(conf_text)
        k.load_config(str(conf), replace=False)
    return k


def test_kconfig_parses(tmp_path):
    kconfiglib = _kconfiglib()
    k = _module_kconfig(tmp_path)
    assert not k.warnings, k.warnings
    want = {"TINYENGINE": kconfiglib.BOOL, "TINYENGINE_MODEL_PATH": kconfiglib.STRING,
            "TINYENGINE_MODEL_PREFIX": kconfiglib.STRING, "TINYENGINE_ALIGNMENT": kconfiglib.INT,
            "TINYENGINE_ARENA_CANARY": kconfiglib.BOOL, "TINYENGINE_MEASURE": kconfiglib.BOOL,
            "TINYENGINE_PROFILE_LAYERS": kconfiglib.BOOL}
    for name, typ in want.items():
        assert k.syms[name].type == typ, name
        assert k.syms[name].nodes[0].help, f"{name} has no help text"
    assert k.syms["TINYENGINE_MODEL_PATH"].str_value == ""   # off by default


@pytest.mark.parametrize("app", [SAMPLE, SAMPLE_KCONFIG], ids=lambda p: p.name)
def test_sample_prj_conf_uses_defined_symbols(tmp_path, app):
    k = _module_kconfig(tmp_path, (app / "prj.conf").read_text())
    assert not k.warnings, k.warnings
    assert k.syms["TINYENGINE"].str_value == "y"


# --- host CMake builds against the fake Zephyr package -------------------------------------

def _flat(text: str) -> str:
    """CMake wraps messages at spaces."""
    return re.sub(r"\s+", " ", text)


def _python() -> str:
    return os.path.realpath(sys.executable)


def _configure(app: Path, build: Path, *defs: str, python: str | None = None,
               check: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "ZEPHYR_BASE"}
    cmd = ["cmake", "-G", "Ninja", "-S", str(app), "-B", str(build),
           f"-DZephyr_DIR={FAKE_ZEPHYR}", f"-DEXTRA_ZEPHYR_MODULES={MODULE}",
           f"-DPython3_EXECUTABLE={python or _python()}", *defs]
    r = subprocess.run(cmd, cwd=build.parent, env=env, capture_output=True, text=True,
                       timeout=300)
    if check:
        assert r.returncode == 0, r.stdout + r.stderr
    return r


def _build(build: Path, *targets: str, check: bool = True) -> subprocess.CompletedProcess:
    r = subprocess.run(["cmake", "--build", str(build), *(["--target", *targets] if targets else [])],
                       cwd=build.parent, capture_output=True, text=True, timeout=600)
    if check:
        assert r.returncode == 0, r.stdout + r.stderr
    return r


def _run_app(build: Path) -> str:
    r = subprocess.run([str(build / "app")], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "tinyengine: done" in r.stdout
    return r.stdout


def _pattern_inputs(data: bytes) -> list[np.ndarray]:
    """The sample's input: byte i of every input = (i % 256) - 128."""
    from tests.helpers.tflm import model_io
    ins = []
    for d in model_io(data)["inputs"]:
        n = int(np.prod(d["shape"])) * d["dtype"].itemsize
        raw = ((np.arange(n) % 256) - 128).astype(np.int8).tobytes()
        ins.append(np.frombuffer(raw, dtype=d["dtype"]).reshape(d["shape"]))
    return ins


def _assert_matches_tflm(stdout: str, model: Path, prefix: str = "model") -> None:
    from tests.helpers.tflm import run_tflm
    data = model.read_bytes()
    want = run_tflm(data, _pattern_inputs(data))[0]
    m = re.search(rf"^output\[{prefix}\]:((?: [0-9a-f]{{2}})*)$", stdout, re.M)
    assert m, stdout
    got = bytes.fromhex(m.group(1).replace(" ", ""))
    assert got == want.tobytes(), f"{prefix}: {got.hex()} != TFLM {want.tobytes().hex()}"
    assert re.search(rf"^arena\[{prefix}\]: \d+ bytes$", stdout, re.M), stdout
    assert re.search(rf"^time\[{prefix}\]: \d+ ticks \(\d+ Hz\), \d+ us$", stdout, re.M), stdout


def _small_model(tmp_path: Path) -> Path:
    """A ModelBuilder network: CONV_2D -> FULLY_CONNECTED (4 classes)."""
    from tests.helpers.builder import ModelBuilder, random_bias, random_conv_weights
    rng = np.random.default_rng(7)
    mb = ModelBuilder(description="tinyengine zephyr host test")
    x = mb.tensor([1, 6, 6, 2], "int8", scale=0.04, zero_point=3, name="x")
    w, s = random_conv_weights(rng, [3, 3, 3, 2], True, scale_range=(0.005, 0.01))
    b, bs = random_bias(rng, 3, 0.04, s, magnitude=100)
    c = mb.tensor([1, 3, 3, 3], "int8", scale=0.05, zero_point=-10, name="conv")
    mb.op("CONV_2D", [x, mb.const(w, scale=s, zero_point=0, quant_dim=0),
                      mb.const(b, scale=bs, zero_point=0)], [c],
          dict(padding="SAME", stride_h=2, stride_w=2, fused_activation_function="RELU"))
    r = mb.tensor([1, 27], "int8", scale=0.05, zero_point=-10, name="flat")
    mb.op("RESHAPE", [c, mb.const(np.array([1, 27], np.int32))], [r], dict(new_shape=[1, 27]))
    fw, fs = random_conv_weights(rng, [4, 27], False, scale_range=(0.01, 0.02))
    fb, fbs = random_bias(rng, 4, 0.05, fs, magnitude=50)
    y = mb.tensor([1, 4], "int8", scale=0.1, zero_point=1, name="y")
    mb.op("FULLY_CONNECTED", [r, mb.const(fw, scale=fs, zero_point=0),
                              mb.const(fb, scale=fbs, zero_point=0)], [y])
    p = tmp_path / "small.tflite"
    p.write_bytes(mb.build(inputs=[x], outputs=[y]))
    return p


@pytest.mark.zephyr
@needs_host_cmake
def test_sample_builds_and_matches_tflm(tmp_path):
    _kconfiglib()
    build = tmp_path / "build"
    r = _configure(SAMPLE, build)
    assert "tinyengine: tinyengine-pio" in r.stdout
    _build(build)
    _assert_matches_tflm(_run_app(build), SAMPLE / "model" / "sample.tflite")
    models = (build / "tinyengine" / "models.json").read_text()
    assert str(SAMPLE / "model" / "sample.tflite") in models


@pytest.mark.zephyr
@needs_host_cmake
def test_builder_model_and_shared_model_in_one_app(tmp_path):
    """Two models in one app: both run and match TFLM; each kernel file is compiled once."""
    _kconfiglib()
    small = _small_model(tmp_path)
    hello = shared_model("hello_world_int8.tflite")
    build = tmp_path / "build"
    _configure(SAMPLE, build, f"-DTINYENGINE_MODEL={small}", f"-DTINYENGINE_MODEL2={hello}")
    _build(build)
    out = _run_app(build)
    _assert_matches_tflm(out, small, "model")
    _assert_matches_tflm(out, hello, "model2")
    ninja = (build / "build.ninja").read_text()
    objs = re.findall(r"^build CMakeFiles/app\.dir/tinyengine/\w+/(\w+)\.c\.o:", ninja, re.M)
    assert "model" in objs and "model2" in objs
    assert objs.count("fully_connected") == 1, objs
    assert len(objs) == len(set(objs)), objs


@pytest.mark.zephyr
@needs_host_cmake
def test_kconfig_only_sample_with_profiling(tmp_path):
    _kconfiglib()
    build = tmp_path / "build"
    _configure(SAMPLE_KCONFIG, build)
    _build(build)
    out = _run_app(build)
    _assert_matches_tflm(out, SAMPLE / "model" / "sample.tflite")
    m = re.search(r"^layers\[model\]: (\d+)", out, re.M)
    assert m and int(m.group(1)) >= 3, out
    assert len(re.findall(r"^  layer +\d+: +\d+ cycles$", out, re.M)) == int(m.group(1))


@pytest.mark.zephyr
@needs_host_cmake
def test_kconfig_model_path_override_and_canary(tmp_path):
    """-DCONFIG_TINYENGINE_MODEL_PATH (relative to the app dir) replaces the CMake call."""
    _kconfiglib()
    app = tmp_path / "app"
    shutil.copytree(SAMPLE, app)
    small = _small_model(tmp_path)
    shutil.copy(small, app / "model" / "other.tflite")
    build = tmp_path / "build"
    _configure(app, build, '-DCONFIG_TINYENGINE_MODEL_PATH="model/other.tflite"',
               "-DCONFIG_TINYENGINE_ARENA_CANARY=y")
    _build(build)
    _assert_matches_tflm(_run_app(build), small)
    assert "MODEL_ARENA_CANARY" in (build / "build.ninja").read_text()


@pytest.mark.zephyr
@needs_host_cmake
def test_generated_header_never_races_the_generator(tmp_path):
    """Fresh build of main.c alone, with the generated files removed after configuring: the
    target's dependency on the generator must produce model.h first."""
    _kconfiglib()
    build = tmp_path / "build"
    _configure(SAMPLE, build)
    shutil.rmtree(build / "tinyengine" / "model")
    _build(build, "CMakeFiles/app.dir/src/main.c.o")
    assert (build / "tinyengine" / "model" / "model.h").is_file()


@pytest.mark.zephyr
@needs_host_cmake
def test_changed_model_is_recompiled(tmp_path):
    _kconfiglib()
    app = tmp_path / "app"
    shutil.copytree(SAMPLE, app)
    build = tmp_path / "build"
    _configure(app, build)
    _build(build)
    _assert_matches_tflm(_run_app(build), SAMPLE / "model" / "sample.tflite")
    small = _small_model(tmp_path)
    shutil.copy(small, app / "model" / "sample.tflite")
    _build(build)
    _assert_matches_tflm(_run_app(build), small)


@pytest.mark.zephyr
@needs_host_cmake
def test_missing_model_is_a_clear_configure_error(tmp_path):
    _kconfiglib()
    missing = tmp_path / "nope.tflite"
    r = _configure(SAMPLE, tmp_path / "b1", f"-DTINYENGINE_MODEL={missing}", check=False)
    assert r.returncode != 0
    assert f"model file not found: {missing}" in _flat(r.stderr), r.stderr
    r = _configure(SAMPLE_KCONFIG, tmp_path / "b2", '-DCONFIG_TINYENGINE_MODEL_PATH="nope.tflite"',
                   check=False)
    assert r.returncode != 0
    assert f"CONFIG_TINYENGINE_MODEL_PATH: model file not found: {SAMPLE_KCONFIG / 'nope.tflite'}" \
        in _flat(r.stderr), r.stderr


@pytest.mark.zephyr
@needs_host_cmake
def test_max_bytes_reaches_the_compiler(tmp_path):
    """CONFIG_TINYENGINE_MAX_BYTES is the compiler's --max-bytes: the sample's arena is above 64 B."""
    _kconfiglib()
    r = _configure(SAMPLE, tmp_path / "build", "-DCONFIG_TINYENGINE_MAX_BYTES=64", check=False)
    assert r.returncode != 0
    assert "above the limit of 64 B" in _flat(r.stderr), r.stderr


@pytest.mark.zephyr
@needs_host_cmake
def test_io_int8_reaches_the_compiler(tmp_path):
    """CONFIG_TINYENGINE_IO_INT8 is the compiler's --io int8 (model.json records it; the kws
    sample has int8 I/O already, so nothing is dropped)."""
    import json
    _kconfiglib()
    _configure(SAMPLE, tmp_path / "build", "-DCONFIG_TINYENGINE_IO_INT8=y")
    found = sorted((tmp_path / "build").rglob("model.json"))
    assert found and all(json.loads(p.read_text()).get("io") == "int8" for p in found), found


def test_kconfig_optimize_choice_and_ram_budget(tmp_path):
    """--optimize is a choice (an existing CONFIG_TINYENGINE_OPTIMIZE_SIZE=y still selects size);
    the RAM budget is 0 (automatic) and the reserve 16 KiB by default."""
    kconfiglib = _kconfiglib()
    k = _module_kconfig(tmp_path, "CONFIG_TINYENGINE=y\n")
    assert not k.warnings, k.warnings
    assert k.syms["TINYENGINE_OPTIMIZE_SPEED"].str_value == "y"
    assert k.syms["TINYENGINE_RAM_BUDGET"].type == kconfiglib.INT
    assert k.syms["TINYENGINE_RAM_BUDGET"].str_value == "0"
    assert k.syms["TINYENGINE_RAM_RESERVE"].str_value == "16384"
    for name in ("TINYENGINE_OPTIMIZE_MEMORY", "TINYENGINE_RAM_BUDGET", "TINYENGINE_RAM_RESERVE"):
        assert k.syms[name].nodes[0].help, f"{name} has no help text"
    for conf, chosen in (("CONFIG_TINYENGINE=y\nCONFIG_TINYENGINE_OPTIMIZE_SIZE=y\n", "SIZE"),
                         ("CONFIG_TINYENGINE=y\nCONFIG_TINYENGINE_OPTIMIZE_MEMORY=y\n", "MEMORY")):
        k = _module_kconfig(tmp_path, conf)
        assert not k.warnings, k.warnings
        for goal in ("SPEED", "SIZE", "MEMORY"):
            assert k.syms[f"TINYENGINE_OPTIMIZE_{goal}"].str_value == (
                "y" if goal == chosen else "n")


def _stage_model(tmp_path: Path) -> Path:
    from tests.helpers.stage_models import conv_dw_conv
    p = tmp_path / "stage.tflite"
    p.write_bytes(conv_dw_conv())        # 37,924 B layer by layer, 9,752 B fused (steps 0-2)
    return p


def _model_json(build: Path) -> dict:
    import json
    return json.loads((build / "tinyengine" / "model" / "model.json").read_text())


@pytest.mark.zephyr
@needs_host_cmake
def test_sram_too_small_layer_by_layer_gets_fused_stages(tmp_path):
    """CONFIG_SRAM_SIZE 32 KiB - the 16 KiB reserve: the layer-by-layer arena does not fit, the
    configuration compiles fused stages, says why, and the program equals TFLM."""
    _kconfiglib()
    model = _stage_model(tmp_path)
    build = tmp_path / "build"
    r = _configure(SAMPLE, build, f"-DTINYENGINE_MODEL={model}", "-DCONFIG_SRAM_SIZE=32")
    text = _flat(r.stdout)
    assert "fused stages 0-2" in text and "was 37,924 B layer by layer" in text, r.stdout
    assert "RAM budget 16384 B: CONFIG_SRAM_SIZE 32 KiB - CONFIG_TINYENGINE_RAM_RESERVE 16384 B" \
        in text, r.stdout
    meta = _model_json(build)
    assert meta["arena"]["bytes"] == 9752 and [(s["first"], s["last"]) for s in meta["stages"]] \
        == [(0, 2)]
    from tinyengine_pio import zephyr
    (m,) = zephyr.build_models(str(build))["models"]
    assert m["ram_budget"] == 16384
    assert zephyr.build_options(m)[-2:] == ["--ram-budget", "16384"]
    assert zephyr.report(str(build)) == 0          # `west tinyengine report`: the same schedule
    _build(build)
    _assert_matches_tflm(_run_app(build), model)
    # room for layer by layer: compiled as without a budget
    build2 = tmp_path / "build2"
    _configure(SAMPLE, build2, f"-DTINYENGINE_MODEL={model}", "-DCONFIG_SRAM_SIZE=64")
    meta = _model_json(build2)
    assert meta["arena"]["bytes"] == 37924 and "stages" not in meta


@pytest.mark.zephyr
@needs_host_cmake
def test_ram_budget_nothing_fits_and_optimize_memory(tmp_path):
    _kconfiglib()
    model = _stage_model(tmp_path)
    r = _configure(SAMPLE, tmp_path / "b1", f"-DTINYENGINE_MODEL={model}",
                   "-DCONFIG_TINYENGINE_RAM_BUDGET=8000", check=False)
    assert r.returncode != 0
    text = _flat(r.stderr)
    assert f"{model} does not fit the RAM budget of 8000 B (CONFIG_TINYENGINE_RAM_BUDGET), not " \
           "even with fused stages" in text, r.stderr
    assert "the smallest arena is 9752 B (fused stages 0-2)" in text, r.stderr
    # a reserve leaving less than the smallest arena: the same, with the SRAM arithmetic
    r = _configure(SAMPLE, tmp_path / "b2", f"-DTINYENGINE_MODEL={model}", "-DCONFIG_SRAM_SIZE=24",
                   "-DCONFIG_TINYENGINE_RAM_RESERVE=20000", check=False)
    assert r.returncode != 0
    assert "(CONFIG_SRAM_SIZE 24 KiB - CONFIG_TINYENGINE_RAM_RESERVE 20000 B)" in _flat(r.stderr)
    # --optimize memory: the smallest arena, whatever the RAM
    build = tmp_path / "b3"
    _configure(SAMPLE, build, f"-DTINYENGINE_MODEL={model}",
               "-DCONFIG_TINYENGINE_OPTIMIZE_MEMORY=y")
    meta = _model_json(build)
    assert meta["optimize"] == "memory" and meta["arena"]["bytes"] == 9752


@pytest.mark.zephyr
@needs_host_cmake
def test_rejected_model_shows_the_compilers_message(tmp_path):
    _kconfiglib()
    from tests.helpers.builder import ModelBuilder
    mb = ModelBuilder()                     # int8 ELU: no implementation here
    x = mb.tensor([1, 8], "int8", scale=0.1, zero_point=0)
    y = mb.tensor([1, 8], "int8", scale=0.1, zero_point=0)
    mb.op("ELU", [x], [y])
    bad = tmp_path / "elu.tflite"
    bad.write_bytes(mb.build([x], [y]))
    cli = subprocess.run([sys.executable, "-m", "tinyengine_pio", "compile", str(bad), "--out",
                          str(tmp_path / "cli")], capture_output=True, text=True, cwd=ROOT)
    assert cli.returncode == 2
    message = cli.stderr.strip().splitlines()[-1]
    r = _configure(SAMPLE, tmp_path / "build", f"-DTINYENGINE_MODEL={bad}", check=False)
    assert r.returncode != 0
    text = _flat(r.stderr)
    assert f"the compiler rejected {bad}" in text, r.stderr
    assert _flat(message) in text, r.stderr


@pytest.mark.zephyr
@needs_host_cmake
def test_python_without_the_package_is_named(tmp_path):
    """A Python that lacks tinyengine-pio (a fresh venv): the error names it and says what to
    install."""
    _kconfiglib()
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False, system_site_packages=False).create(env_dir)
    py = env_dir / "bin" / "python"
    probe = subprocess.run([str(py), "-c", "import tinyengine_pio"], capture_output=True,
                           cwd=tmp_path)
    if probe.returncode == 0:
        pytest.skip("the fresh venv can import tinyengine_pio (PYTHONPATH set?)")
    # (the fake package's own Kconfig step keeps running in this Python, as Zephyr's would in
    # a Python with its requirements)
    r = _configure(SAMPLE, tmp_path / "build", f"-DZEPHYR_FAKE_KCONFIG_PYTHON={_python()}",
                   python=str(py), check=False)
    assert r.returncode != 0
    text = _flat(r.stderr)
    assert "the Python package 'tinyengine-pio' is not installed in the Python that this build " \
           f"uses: {py}" in text, r.stderr
    assert f'"{py}" -m pip install tinyengine-pio' in text, r.stderr


@pytest.mark.zephyr
@needs_host_cmake
def test_report_and_bench_of_a_build(tmp_path, capfd):
    """The logic behind `west tinyengine report|bench`, on a host build (its `run` target)."""
    _kconfiglib()
    from tinyengine_pio import zephyr
    build = tmp_path / "build"
    _configure(SAMPLE, build)
    assert zephyr.report(str(build)) == 0
    assert zephyr.bench(str(build), timeout=60) == 0
    out = capfd.readouterr().out
    assert "== model:" in out and "arena" in out
    assert re.search(r"^model: time \d+ ticks \(\d+ Hz\), \d+ us; arena \d+ bytes$", out, re.M), out


def test_module_path():
    from tinyengine_pio.zephyr import module_path
    p = Path(module_path())
    assert (p / "zephyr" / "module.yml").is_file()
    r = subprocess.run([sys.executable, "-m", "tinyengine_pio.zephyr", "module-path"],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0 and r.stdout.strip() == str(p)


def test_cli_zephyr_module_path(capsys):
    from tinyengine_pio import cli
    if "zephyr-module-path" not in cli.build_parser().format_help():
        pytest.skip("`tinyengine-pio zephyr-module-path` is not wired into cli.py yet")
    assert cli.main(["zephyr-module-path"]) == 0
    from tinyengine_pio.zephyr import module_path
    assert capsys.readouterr().out.strip() == module_path()


def test_west_extension_parses_its_commands():
    pytest.importorskip("west", reason="pip install west")
    import argparse
    import importlib.util
    spec = importlib.util.spec_from_file_location("west_tinyengine",
                                                  MODULE / "scripts" / "west_tinyengine.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    cmd = mod.TinyEngine()
    top = argparse.ArgumentParser()
    parser = cmd.do_add_parser(top.add_subparsers())
    args = parser.parse_args(["bench", "-d", "b", "--timeout", "5"])
    assert (args.cmd, args.build_dir, args.timeout, args.target) == ("bench", "b", 5.0, "run")
    assert parser.parse_args(["report", "--json"]).json


# --- the real `west`: the extension from this repository's layout, relative build dirs ------

needs_west = pytest.mark.skipif(shutil.which("west") is None,
                                reason="west is not installed (pip install west)")

# The manifest snippet of zephyr_module/README.md (a project entry for this repository)
WEST_MANIFEST = """manifest:
  projects:
    - name: tinyengine-pio
      url: https://example.invalid/tinyengine-pio
      path: modules/lib/tinyengine-pio
      west-commands: zephyr_module/scripts/west-commands.yml
"""


def _west_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k != "ZEPHYR_BASE"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + ([env["PYTHONPATH"]]
                                                       if env.get("PYTHONPATH") else []))
    return env


def _workspace(tmp_path: Path, manifest_path: str, manifest_file: str) -> Path:
    """A west workspace at tmp_path/ws (.west/config written as `west init` writes it)."""
    ws = tmp_path / "ws"
    (ws / ".west").mkdir(parents=True)
    (ws / ".west" / "config").write_text(f"[manifest]\npath = {manifest_path}\n"
                                          f"file = {manifest_file}\n")
    return ws


def _no_run_target_build(d: Path) -> None:
    """A configured CMake build with tinyengine models but no `run` target (a real board's)."""
    (d / "src").mkdir(parents=True)
    (d / "src" / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.20)\n"
                                              "project(board NONE)\n"
                                              "add_custom_target(flash COMMAND true)\n")
    subprocess.run(["cmake", "-S", str(d / "src"), "-B", str(d / "build"), "-G", "Ninja"],
                   check=True, capture_output=True)
    (d / "build" / "tinyengine").mkdir()
    (d / "build" / "tinyengine" / "models.json").write_text('{"models": []}')


@needs_west
@needs_host_cmake
@pytest.mark.parametrize("layout", ["project", "manifest-repository"])
def test_west_extension_from_this_repository(tmp_path, layout):
    """`west tinyengine` with the real west, this repository as a project of a workspace (the
    README's manifest snippet) or as its manifest repository (zephyr_module/west.yml); a
    relative -d is the caller's, and a build without a run target says so at once."""
    if layout == "project":
        ws = _workspace(tmp_path, "manifest", "west.yml")
        (ws / "manifest").mkdir()
        (ws / "manifest" / "west.yml").write_text(WEST_MANIFEST)
        (ws / "modules" / "lib").mkdir(parents=True)
        (ws / "modules" / "lib" / "tinyengine-pio").symlink_to(ROOT)   # a clone of it
    else:
        ws = _workspace(tmp_path, "tinyengine-pio", "zephyr_module/west.yml")
        (ws / "tinyengine-pio").symlink_to(ROOT)
    env = _west_env()
    r = subprocess.run(["west", "tinyengine", "module-path"], cwd=ws, env=env,
                       capture_output=True, text=True, timeout=120, check=False)
    assert r.returncode == 0, r.stderr
    assert Path(r.stdout.strip()).resolve() == MODULE.resolve()
    # bench from a directory inside the workspace, the build given relative to it
    caller = ws / "app"
    _no_run_target_build(caller)
    t0 = time.monotonic()
    r = subprocess.run(["west", "tinyengine", "bench", "-d", "build", "--no-build",
                        "--timeout", "60"], cwd=caller, env=env, capture_output=True, text=True,
                       timeout=120, check=False)
    assert r.returncode == 1, r.stdout + r.stderr
    assert time.monotonic() - t0 < 30
    assert f"the build {caller / 'build'} has no 'run' target" in r.stderr, r.stderr
    assert "within" not in r.stderr, r.stderr
    assert not (ws / "build").exists()


@needs_host_cmake
def test_bench_reports_a_missing_emulator(tmp_path, capsys):
    """A run target whose emulator CMake did not find (mps2/an386: ARM FVP) ends at once."""
    from tinyengine_pio import zephyr
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.20)\nproject(fvp NONE)\n"
        "add_custom_target(run COMMAND ARMFVP-NOTFOUND -a zephyr.elf)\n")
    subprocess.run(["cmake", "-S", str(tmp_path / "src"), "-B", str(tmp_path / "b"), "-G",
                    "Ninja"], check=True, capture_output=True)
    (tmp_path / "b" / "tinyengine").mkdir()
    (tmp_path / "b" / "tinyengine" / "models.json").write_text('{"models": []}')
    assert zephyr.bench(str(tmp_path / "b"), timeout=60, build=False) == 1
    err = capsys.readouterr().err
    assert "needs an emulator that is not installed (ARMFVP-NOTFOUND" in err, err


def test_relative_build_dirs_are_the_callers(tmp_path, monkeypatch):
    """`--zephyr-build b` / `west flash -d b`: west runs from ZEPHYR_BASE, so the runners pass
    west the directory resolved against the caller's working directory."""
    from tinyengine_pio.harness.targets.zephyr_build import (
        ZephyrRunTarget,
        ZephyrTarget,
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ZEPHYR_BASE", str(tmp_path / "zephyr"))
    t = ZephyrTarget("b", "/dev/null", runner="jlink")
    assert t.command() == ["west", "flash", "-d", str(tmp_path / "b"), "-r", "jlink"]
    assert ZephyrRunTarget("sub/../b").build_dir == str(tmp_path / "b")


# --- CONFIG_TINYENGINE_INPUT_STREAM (--input-stream) ------------------------------------------

def test_kconfig_input_stream():
    """A bool, off by default, with help."""
    import tempfile
    kconfiglib = _kconfiglib()
    with tempfile.TemporaryDirectory() as d:
        k = _module_kconfig(Path(d), "CONFIG_TINYENGINE=y\n")
        assert not k.warnings, k.warnings
        sym = k.syms["TINYENGINE_INPUT_STREAM"]
        assert sym.type == kconfiglib.BOOL and sym.str_value == "n"
        assert sym.nodes[0].help and "read_input_rows" in sym.nodes[0].help


def _fc_first_model(tmp_path: Path) -> Path:
    """The input read by a FULLY_CONNECTED: it cannot stream."""
    from tests.helpers.builder import ModelBuilder, random_bias, random_conv_weights
    rng = np.random.default_rng(3)
    mb = ModelBuilder(description="tinyengine zephyr input-stream refusal")
    x = mb.tensor([1, 8], "int8", scale=0.04, zero_point=3, name="features")
    fw, fs = random_conv_weights(rng, [4, 8], False, scale_range=(0.01, 0.02))
    fb, fbs = random_bias(rng, 4, 0.04, fs, magnitude=50)
    y = mb.tensor([1, 4], "int8", scale=0.1, zero_point=1, name="y")
    mb.op("FULLY_CONNECTED", [x, mb.const(fw, scale=fs, zero_point=0),
                              mb.const(fb, scale=fbs, zero_point=0)], [y])
    p = tmp_path / "fc.tflite"
    p.write_bytes(mb.build(inputs=[x], outputs=[y]))
    return p


@pytest.mark.zephyr
@needs_host_cmake
def test_input_stream_reaches_the_compiler(tmp_path):
    """CONFIG_TINYENGINE_INPUT_STREAM=y is --input-stream: the header declares the callback, the
    arena is the streamed one (below the input's 6,912 B), no automatic RAM budget is passed
    (its search already takes the smallest streaming arena), models.json records it and
    `west tinyengine report` passes it on.  (Configure only: the kws sample writes
    model_input(0), which a streamed model does not have.)"""
    from tinyengine_pio import zephyr
    from tinyengine_pio.compiler import compile_model
    _kconfiglib()
    model = _stage_model(tmp_path)
    want = compile_model(model.read_bytes(), emit=False, input_stream=True).arena_bytes
    build = tmp_path / "build"
    r = _configure(SAMPLE, build, f"-DTINYENGINE_MODEL={model}", "-DCONFIG_SRAM_SIZE=32",
                   "-DCONFIG_TINYENGINE_INPUT_STREAM=y")
    assert "fused stages 0-2" in _flat(r.stdout) and "RAM budget" not in r.stdout, r.stdout
    meta = _model_json(build)
    assert meta["arena"]["bytes"] == want < 48 * 48 * 3
    header = (build / "tinyengine" / "model" / "model.h").read_text()
    assert "#define MODEL_INPUT_STREAM 1" in header
    assert "int model_read_input_rows(int input, int row, int rows, void *dst);" in header
    (m,) = zephyr.build_models(str(build))["models"]
    assert m["input_stream"] is True and m["ram_budget"] is None
    assert zephyr.build_options(m)[-1] == "--input-stream"
    assert zephyr.report(str(build)) == 0
    # off (default): the input is whole, models.json says so
    build2 = tmp_path / "build2"
    _configure(SAMPLE, build2, f"-DTINYENGINE_MODEL={model}")
    (m,) = zephyr.build_models(str(build2))["models"]
    assert m["input_stream"] is False and "--input-stream" not in zephyr.build_options(m)
    assert "MODEL_INPUT_STREAM" not in (build2 / "tinyengine" / "model" / "model.h").read_text()


@pytest.mark.zephyr
@needs_host_cmake
def test_input_stream_refused_names_the_layer(tmp_path):
    _kconfiglib()
    model = _fc_first_model(tmp_path)
    r = _configure(SAMPLE, tmp_path / "build", f"-DTINYENGINE_MODEL={model}",
                   "-DCONFIG_TINYENGINE_INPUT_STREAM=y", check=False)
    assert r.returncode != 0
    text = _flat(r.stderr)
    assert "the compiler rejected" in text and "--input-stream: input 0 'features'" in text \
        and "FULLY_CONNECTED needs it whole" in text, r.stderr
