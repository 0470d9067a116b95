"""sample_apps/platformio_linecam without PlatformIO: the committed model is what make_model.py
writes, scenes.py's frame table is main.c's, and main.c built with the host gcc (the model
compiled as its platformio.ini says) prints TFLM's output bytes on scenes.py's frames, asked for
row by row.  (The QEMU run: tests/integration/test_linecam_platformio.py.)"""
from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_apps" / "platformio_linecam"


def _load(name: str):
    spec = importlib.util.spec_from_file_location("linecam_" + name, SAMPLE / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def scenes():
    return _load("scenes")


def test_model_is_make_models(tmp_path):
    mm = _load("make_model")
    assert mm.main(["--out-dir", str(tmp_path)]) == 0
    assert (tmp_path / "model" / "linecam.tflite").read_bytes() == \
        (SAMPLE / "model" / "linecam.tflite").read_bytes()


def test_scene_table_is_main_cs(scenes):
    text = (SAMPLE / "src" / "main.c").read_text()
    table = text[text.index("static const scene_t scenes[] = {"):]
    table = table[:table.index("};")]
    rows = [tuple(int(v) for v in m) for m in
            re.findall(r"\{(-?\d+), (-?\d+), (-?\d+), (-?\d+)\}", table)]
    assert tuple(rows) == scenes.FRAMES
    assert f"#define STROKE {scenes.STROKE} " in text and f"#define SIDE {scenes.SIDE} " in text


def test_ini_streams_the_input():
    ini = (SAMPLE / "platformio.ini").read_text()
    assert "custom_tinyengine_input_stream = yes" in ini
    assert "custom_tinyengine_optimize = memory" in ini
    assert "custom_tinyengine_model = model/linecam.tflite" in ini


def test_arena_figures():
    """Streamed: below the input's size; layer by layer and --optimize memory without streaming
    hold the 4,096-byte input whole."""
    from tinyengine_pio.compiler import compile_model
    data = (SAMPLE / "model" / "linecam.tflite").read_bytes()
    streamed = compile_model(data, emit=False, optimize="memory", input_stream=True)
    assert streamed.graph.stages and streamed.arena_bytes < 4096 // 2
    assert compile_model(data, emit=False).arena_bytes == 4100
    assert compile_model(data, emit=False, optimize="memory").arena_bytes == 4100
    readme = (SAMPLE / "README.md").read_text()        # the figures it gives are today's
    assert f"{streamed.arena_bytes:,}" in readme and "4,100" in readme


@pytest.mark.skipif(not shutil.which("gcc"), reason="needs gcc")
def test_host_build_equals_tflm(tmp_path, scenes):
    from tests.helpers.tflm import run_tflm_many
    from tinyengine_pio.compiler import compile_model
    data = (SAMPLE / "model" / "linecam.tflite").read_bytes()
    cm = compile_model(data, prefix="model", optimize="memory", input_stream=True)
    gen = tmp_path / "gen"
    gen.mkdir()
    for name, body in cm.files.items():
        (gen / name).write_text(body) if isinstance(body, str) else (gen / name).write_bytes(body)
    (gen / "te_board.h").write_text(
        "#include <stdint.h>\n"
        "static inline uint64_t te_board_cycles(void) { return 0; }\n"
        "static inline uint64_t te_board_ticks_to_instructions(uint64_t t) { return t; }\n"
        "#define TE_BOARD_SYSTICK_HZ 1u\n")
    sources = [str(p) for p in sorted(gen.glob("*.c"))
               if not p.stem.endswith(("_dsp", "_mve"))]
    exe = tmp_path / "app"
    subprocess.run(["gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-O1", f"-I{gen}",
                    str(SAMPLE / "src" / "main.c"), *sources, "-o", str(exe), "-lm"],
                   check=True, capture_output=True, text=True)
    out = subprocess.run([str(exe)], check=True, capture_output=True, text=True,
                         timeout=60).stdout
    want = run_tflm_many(data, [scenes.frame_image(k) for k in range(len(scenes.FRAMES))])
    blocks = re.split(r"^frame \d+: .*$", out, flags=re.MULTILINE)
    for k, outs in enumerate(want):
        m = re.search(rf"^frame {k}: drawn \w+ +predicted (\w+) .* output((?: -?\d+)+)$", out,
                      re.MULTILINE)
        assert m, out
        got = np.array(m.group(2).split(), np.int8)
        assert got.tobytes() == outs[0].tobytes(), (k, got, outs)
        assert m.group(1) == scenes.CLASSES[scenes.FRAMES[k][0]]
        assert scenes.preview(k) == [ln for ln in blocks[k].splitlines()
                                     if ln.startswith("  |")]
    assert "correct: 8/8 frames" in out
    from tinyengine_pio.compiler import compile_model
    arena = compile_model((SAMPLE / "model" / "linecam.tflite").read_bytes(), emit=False,
                          optimize="memory", input_stream=True).arena_bytes
    assert f"arena (SRAM): {arena} bytes; the 4096-byte image is never in RAM" in out
