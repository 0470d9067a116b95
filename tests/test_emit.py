"""The generated directory is self-contained C99 that builds warning-free for the host and for
Cortex-M4, with weights in flash, one static arena, and no malloc/interpreter/float."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tinyengine_pio import compile_model
from tinyengine_pio.emitter import write_files
from tests.conftest import shared_model

ARM = shutil.which("arm-none-eabi-gcc")
KERNELS = Path(__file__).resolve().parents[1] / "tinyengine_pio" / "kernels"
FLAGS = ["-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-pedantic",
         "-Werror=implicit-function-declaration"]
CORTEX_M3 = ["arm-none-eabi-gcc", "-mcpu=cortex-m3", "-mthumb"]                     # soft float
CORTEX_M4F = ["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard",
              "-mfpu=fpv4-sp-d16"]


def _build_all(out: Path, cc: list[str]) -> None:
    for c in sorted(out.glob("*.c")):
        r = subprocess.run([*cc, *FLAGS, "-I", str(out), "-c", str(c), "-o", str(c.with_suffix(".o"))],
                           capture_output=True, text=True)
        assert r.returncode == 0, f"{c.name}:\n{r.stderr}"


@pytest.mark.parametrize("cc", [
    ["gcc"],
    pytest.param(["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard",
                  "-mfpu=fpv4-sp-d16"], marks=pytest.mark.slow),
    pytest.param(["arm-none-eabi-gcc", "-mcpu=cortex-m55", "-mthumb", "-mfloat-abi=hard"],
                 marks=pytest.mark.slow),                                          # Helium
    # a kept frame pointer leaves the SIMD asm too few registers: TE_PORTABLE, documented
    pytest.param(["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard",
                  "-mfpu=fpv4-sp-d16", "-fno-omit-frame-pointer", "-DTE_PORTABLE"],
                 marks=pytest.mark.slow)],
    ids=["host", "cortex-m4", "cortex-m55", "cortex-m4-frame-pointer"])
def test_every_kernel_builds_warning_free(tmp_path, cc):
    if cc[0] == "arm-none-eabi-gcc" and ARM is None:
        pytest.skip("arm-none-eabi-gcc not installed (apt-get install gcc-arm-none-eabi)")
    from tinyengine_pio.kernel_sources import available_isas, kernel_files, stems
    files = kernel_files((s, isa) for s in stems() for isa in available_isas(s))
    files["te_config.h"] = (KERNELS / "te_config.h").read_text()
    write_files(str(tmp_path), files)
    _build_all(tmp_path, cc)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["tinyengine_mcunet_det_128x160_floatio.tflite", "kws_dscnn_int8.tflite"])
def test_model_builds_for_cortex_m4(tmp_path, name):
    if ARM is None:
        pytest.skip("arm-none-eabi-gcc not installed (apt-get install gcc-arm-none-eabi)")
    cm = compile_model(shared_model(name).read_bytes(), name=name)
    write_files(str(tmp_path), cm.files)
    _build_all(tmp_path, CORTEX_M4F)
    r = subprocess.run(["arm-none-eabi-size", "-A", str(tmp_path / "model.o")], capture_output=True,
                       text=True, check=True)
    sections = dict(re.findall(r"^(\.\S+)\s+(\d+)", r.stdout, re.M))
    assert int(sections.get(".bss", 0)) >= cm.arena_bytes     # the arena is static RAM
    assert int(sections.get(".rodata", 0)) >= cm.weight_bytes  # weights are const (flash)
    assert int(sections.get(".data", 0)) == 0


def _float_io_model() -> bytes:
    from tests.helpers.builder import ModelBuilder
    mb = ModelBuilder()
    x = mb.tensor((1, 10), "float32", name="x")
    q = mb.tensor((1, 10), "int8", scale=0.02, zero_point=3, name="q")
    y = mb.tensor((1, 10), "float32", name="y")
    mb.op("QUANTIZE", [x], [q])
    mb.op("DEQUANTIZE", [q], [y])
    return mb.build([x], [y])


@pytest.mark.parametrize("cc", [["gcc"], pytest.param(CORTEX_M3, marks=pytest.mark.slow),
                                pytest.param(CORTEX_M4F, marks=pytest.mark.slow)],
                         ids=["host", "cortex-m3", "cortex-m4f"])
def test_float_io_model_links_without_libc(tmp_path, cc):
    """Rounding and the float <-> int8 conversions are plain C: a float-I/O model links with no C
    library at all (only libgcc's soft-float and conversion helpers), so no libm, whatever the
    libc (Zephyr's minimal libc declares no roundf)."""
    if cc[0] == "arm-none-eabi-gcc" and ARM is None:
        pytest.skip("arm-none-eabi-gcc not installed (apt-get install gcc-arm-none-eabi)")
    cm = compile_model(_float_io_model())
    assert not any("#include <math.h>" in text for text in cm.files.values()
                   if isinstance(text, str))
    write_files(str(tmp_path), cm.files)
    _build_all(tmp_path, cc)
    objs = [str(o) for o in sorted(tmp_path.glob("*.o"))]
    r = subprocess.run([*cc, "-nostdlib", "-Wl,-e,model_invoke", *objs, "-lgcc", "-o",
                        str(tmp_path / "model.elf")], capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr


def test_generated_code_is_straight_line(tmp_path):
    name = "kws_dscnn_int8.tflite"
    cm = compile_model(shared_model(name).read_bytes(), name=name)
    src = cm.files["model.c"]
    body = src[src.index("int model_invoke(void)"):src.index("void *model_input")]
    import re
    body = re.sub(r"#ifdef MODEL_ARENA_CANARY.*?#endif", "", body, flags=re.S)   # debug-only guard
    for banned in ("malloc", "float", "for (", "while", "if (", "switch"):
        assert banned not in body, banned
    for banned in ("malloc", "TFL3", "flatbuffer", "float"):
        assert not any(banned in text for n, text in cm.files.items() if n != "dequantize.c" and
                       n != "quantize.c"), banned
    # only the kernels the model uses are emitted
    assert "max_pool_2d.c" not in cm.files and "conv_2d.c" in cm.files
    assert f"#define MODEL_ARENA_BYTES {cm.arena_bytes}" in cm.files["model.h"]


def test_prefix_renames_everything(tmp_path):
    name = "hello_world_int8.tflite"
    cm = compile_model(shared_model(name).read_bytes(), prefix="sine", name=name)
    assert {"sine.c", "sine.h"} <= set(cm.files)
    h = cm.files["sine.h"]
    for sym in ("SINE_ARENA_BYTES", "sine_invoke", "sine_input", "sine_output", "sine_input_bytes",
                "sine_output_bytes", "sine_num_inputs", "sine_num_outputs"):
        assert sym in h
    assert "model_" not in cm.files["sine.c"]


@pytest.mark.slow
def test_stale_generated_files_are_removed(tmp_path):
    big = compile_model(shared_model("tinyengine_mcunet_det_128x160_floatio.tflite").read_bytes())
    small = compile_model(shared_model("hello_world_int8.tflite").read_bytes())
    write_files(str(tmp_path), big.files)
    (tmp_path / "user_notes.txt").write_text("keep me")
    write_files(str(tmp_path), small.files)
    names = {p.name for p in tmp_path.iterdir()}
    assert "max_pool_2d.c" not in names and "user_notes.txt" in names
    assert set(small.files) <= names
