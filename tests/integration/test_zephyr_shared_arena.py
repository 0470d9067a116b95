"""Several models in one Zephyr build (issue 19): the module compiles each kernel file once per
target, and with CONFIG_TINYENGINE_SHARED_ARENA (or tinyengine_add_model(... SHARED_ARENA)) the
models use one arena, te_shared_arena, as large as the largest. Configured and built with plain
CMake + the host gcc against the fake Zephyr package, as in test_zephyr_module.py; the sample runs
its models one after another and each output must equal TFLM's."""
from __future__ import annotations

import re
import subprocess

import pytest

from tests.helpers import opmodels as m
from tests.integration.test_zephyr_module import (
    SAMPLE,
    _assert_matches_tflm,
    _build,
    _configure,
    _kconfiglib,
    _run_app,
    _small_model,
    needs_host_cmake,
)


def _second_model(tmp_path):
    p = tmp_path / "second.tflite"
    p.write_bytes(m.conv_dw_conv())          # arena larger than the small model's
    return p


def _arena_symbols(exe) -> dict[str, int]:
    out = subprocess.run(["nm", "-S", str(exe)], capture_output=True, text=True, check=True).stdout
    return {p[3]: int(p[1], 16) for p in (ln.split() for ln in out.splitlines())
            if len(p) == 4 and p[3].endswith("arena")}


@pytest.mark.zephyr
@needs_host_cmake
@pytest.mark.parametrize("shared", [False, True], ids=["own_arenas", "shared_arena"])
def test_two_models_shared_or_own_arena(tmp_path, shared):
    _kconfiglib()
    small, second = _small_model(tmp_path), _second_model(tmp_path)
    build = tmp_path / "build"
    defs = [f"-DTINYENGINE_MODEL={small}", f"-DTINYENGINE_MODEL2={second}",
            "-DCONFIG_TINYENGINE_ARENA_CANARY=y"]
    if shared:
        defs.append("-DCONFIG_TINYENGINE_SHARED_ARENA=y")
    _configure(SAMPLE, build, *defs)
    _build(build)
    out = _run_app(build)
    _assert_matches_tflm(out, small, "model")
    _assert_matches_tflm(out, second, "model2")
    arenas = {p: int(re.search(rf"^arena\[{p}\]: (\d+) bytes$", out, re.MULTILINE)[1])
              for p in ("model", "model2")}
    assert arenas["model2"] > arenas["model"]
    syms = _arena_symbols(build / "app")
    ninja = (build / "build.ninja").read_text()
    objs = re.findall(r"^build CMakeFiles/app\.dir/\S*?(\w+)\.c\.o:", ninja, re.MULTILINE)
    assert len(objs) == len(set(objs)), objs           # each kernel (and te_arena.c) once
    if shared:
        # one arena of the largest model's size (+ both 8-byte guards, in 8-byte words)
        assert set(syms) == {"te_shared_arena"}, syms
        assert syms["te_shared_arena"] == (arenas["model2"] + 16 + 7) // 8 * 8
        assert objs.count("te_arena") == 1
        text = (build / "tinyengine" / "shared_arena" / "te_arena.c").read_text()
        assert '#include "model.h"' in text and '#include "model2.h"' in text
        assert "TE_SHARED_ARENA_CANARY" in ninja and "MODEL_ARENA_CANARY" not in ninja
    else:
        assert set(syms) == {"model_arena", "model2_arena"}, syms
        assert "te_arena" not in objs


@pytest.mark.zephyr
@needs_host_cmake
def test_shared_arena_keyword_for_some_models(tmp_path):
    """SHARED_ARENA on two tinyengine_add_model() calls of an app with a third, own-arena
    model: the first two share, the third keeps its own."""
    _kconfiglib()
    app = tmp_path / "app"
    app.mkdir()
    (app / "prj.conf").write_text((SAMPLE / "prj.conf").read_text())
    (app / "src").mkdir()
    main = (SAMPLE / "src" / "main.c").read_text()
    main = main.replace('#ifdef TINYENGINE_SAMPLE_MODEL2\n#include "model2.h"\n#endif',
                        '#include "model2.h"\n#include "model3.h"')
    main = main.replace("#ifdef TINYENGINE_SAMPLE_MODEL2\n\tTE_MODEL(model2, MODEL2),\n#endif",
                        "\tTE_MODEL(model2, MODEL2),\n\tTE_MODEL(model3, MODEL3),")
    assert "model3" in main and main.count("TE_MODEL(model") == 3
    (app / "src" / "main.c").write_text(main)
    small, second = _small_model(tmp_path), _second_model(tmp_path)
    (app / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.20.0)\n"
        "find_package(Zephyr REQUIRED HINTS $ENV{ZEPHYR_BASE})\n"
        "project(two_shared C)\n"
        "target_sources(app PRIVATE src/main.c)\n"
        f'tinyengine_add_model(app "{small}" PREFIX model SHARED_ARENA)\n'
        f'tinyengine_add_model(app "{second}" PREFIX model2 SHARED_ARENA)\n'
        f'tinyengine_add_model(app "{small}" PREFIX model3)\n')
    build = tmp_path / "build"
    _configure(app, build)
    _build(build)
    out = _run_app(build)
    for p, model in (("model", small), ("model2", second), ("model3", small)):
        _assert_matches_tflm(out, model, p)
    syms = _arena_symbols(build / "app")
    assert set(syms) == {"te_shared_arena", "model3_arena"}, syms
    # a warm rebuild is a no-op: te_arena.c is rewritten only when it changes
    r = _build(build)
    assert "te_arena.c" not in r.stdout
