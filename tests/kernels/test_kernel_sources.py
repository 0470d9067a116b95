"""The kernel tree (tinyengine_pio/kernels/{portable,dsp,mve}) and what kernel_sources copies:
flat generated names that never collide, portable only for --optimize size, no ISA code in the
portable kernels, every inline asm in dsp/te_asm.h, and size builds that need no SIMD symbol."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import shared_model
from tinyengine_pio import compile_model
from tinyengine_pio.emitter import write_files
from tinyengine_pio.kernel_sources import (
    DTYPE_DIRS,
    ISAS,
    SHARED_HEADERS,
    available_isas,
    generated_name,
    kernel_files,
    stems,
)

KERNELS = Path(__file__).resolve().parents[2] / "tinyengine_pio" / "kernels"


def test_every_kernel_file_is_copied_under_a_unique_flat_name():
    files = kernel_files((s, isa) for s in stems() for isa in available_isas(s))
    sources = [p for p in KERNELS.rglob("*") if p.suffix in (".c", ".h") and p.name != "te_config.h"]
    suffix = {folder: sfx for sfx, folder in DTYPE_DIRS.items()}     # float32/x.h -> x_f32.h
    flat = [(p.name if p.parent.name not in suffix or p.name.startswith("te_") else
             f"{p.stem}{suffix[p.parent.name]}.h") if p.suffix == ".h" else
            generated_name(p.stem, p.parent.name) for p in sources]
    assert len(flat) == len(set(flat)), "two kernel files collide in the flat generated dir"
    assert set(files) == set(flat)
    assert {"conv_2d.c", "conv_2d_dsp.c", "conv_2d_mve.c", "te_asm.h", "te_layouts.h"} <= set(files)


def test_a_variant_brings_its_portable_file_and_the_shared_headers():
    files = kernel_files([("depthwise_conv_2d", "mve")])
    shared = {h.rsplit("/", 1)[-1] for h in SHARED_HEADERS}
    assert set(files) == shared | {"depthwise_conv_2d.h", "depthwise_conv_2d.c",
                                   "depthwise_conv_2d_mve.c", "depthwise_conv_2d_fast.h"}
    with pytest.raises(ValueError, match="no dsp variant"):
        kernel_files([("softmax", "dsp")])
    with pytest.raises(ValueError, match="no kernel"):
        kernel_files([("nope", "portable")])
    assert available_isas("gemm") == ISAS


def test_portable_kernels_hold_no_isa_code_and_asm_lives_in_te_asm_h():
    isa = re.compile(r"__ARM_FEATURE|TE_FAST|TE_MVE|__asm__|arm_acle|arm_mve|__s[a-z]+16|__smla")
    for c in (KERNELS / "portable").glob("*.c"):
        assert not isa.search(c.read_text()), c.name
    asm = re.compile(r'__asm__\s*volatile|__asm__\s*\(\s*"(?!r\d+"\))')   # not a register pin
    for f in KERNELS.rglob("*.[ch]"):       # and the FPU's vsqrt in the float32 helpers
        if f.name not in ("te_asm.h", "te_float.h"):
            assert not asm.search(f.read_text()), f.name


@pytest.mark.parametrize("optimize", ["speed", "size"])
def test_size_builds_copy_portable_kernels_only(optimize):
    name = "kws_dscnn_int8.tflite"
    cm = compile_model(shared_model(name).read_bytes(), name=name, optimize=optimize)
    simd = [n for n in cm.files if n.endswith(("_dsp.c", "_mve.c"))]
    assert (simd == []) == (optimize == "size")
    assert "model.c" in cm.files and "te_layouts.h" in cm.files


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("arm-none-eabi-gcc") is None, reason="needs arm-none-eabi-gcc")
@pytest.mark.parametrize("cpu", [["-mcpu=cortex-m4", "-mfpu=fpv4-sp-d16"], ["-mcpu=cortex-m55"]])
def test_size_build_needs_no_simd_symbol(tmp_path, cpu):
    name = "vww_mobilenetv1_025_96_int8.tflite"
    cm = compile_model(shared_model(name).read_bytes(), name=name, optimize="size")
    write_files(str(tmp_path), cm.files)
    defined, undefined = set(), set()
    for c in sorted(tmp_path.glob("*.c")):
        o = c.with_suffix(".o")
        subprocess.run(["arm-none-eabi-gcc", *cpu, "-mthumb", "-mfloat-abi=hard", "-O2", "-c",
                        str(c), "-o", str(o)], check=True)
        for line in subprocess.run(["arm-none-eabi-nm", str(o)], capture_output=True, text=True,
                                   check=True).stdout.splitlines():
            parts = line.split()
            (undefined if parts[-2] == "U" else defined).add(parts[-1])
    assert undefined - defined <= {"memcpy", "memset"}
