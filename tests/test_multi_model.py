"""Several models in one build (issue 19): compile_models() / `compile a:x.tflite b:y.tflite`
write each model's <prefix>.c/.h/.json and the kernels once, so the directory links as one
program; with shared_arena=True the models use one arena as large as the largest. Both models are
built together with gcc -Wall -Wextra -Werror, served interleaved by one program and compared with
TFLM byte for byte."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers import opmodels as m
from tests.helpers.hostmulti import MultiHostModel, assert_models_match_tflm
from tinyengine_pio import compile_file, compile_model, compile_models
from tinyengine_pio.cli import main as cli_main
from tinyengine_pio.emitter import MANIFEST, SHARED_ARENA_SYMBOL
from tinyengine_pio.errors import OptionError
from tinyengine_pio.kernel_sources import kernel_files
from tinyengine_pio.metadata import ModelMetadata


def _models() -> dict[str, bytes]:
    """A conv -> depthwise -> conv model and a fully-connected one: different kernels, and
    different arenas (conv's is the larger)."""
    return {"conv": m.conv_dw_conv(), "fc": m.fully_connected(48, 20, batch=3, activation="RELU")}


@pytest.fixture(scope="module")
def models():
    return _models()


def _arena_symbol_size(exe: Path, symbol: str) -> int:
    out = subprocess.run(["nm", "-S", str(exe)], capture_output=True, text=True, check=True).stdout
    sizes = [int(p[1], 16) for p in (ln.split() for ln in out.splitlines())
             if len(p) == 4 and p[3] == symbol]
    assert len(sizes) == 1, out
    return sizes[0]


@pytest.mark.parametrize("shared", [False, True], ids=["own_arenas", "shared_arena"])
def test_two_models_build_together_and_match_tflm(models, tmp_path, shared):
    cs = compile_models(list(models.items()), tmp_path, shared_arena=shared)
    sizes = {p: cm.arena_bytes for p, cm in cs.models.items()}
    assert sizes["conv"] > sizes["fc"] > 0
    assert cs.arena_bytes == (max(sizes.values()) if shared else sum(sizes.values()))
    with MultiHostModel(tmp_path, list(models)) as host:
        assert assert_models_match_tflm(models, host) >= 10
        assert host.build_log == ""                                 # no warning at all
        info = {d["prefix"]: d["arena"] for d in host.info()}
        assert info == sizes
        if shared:      # one arena symbol, the largest model's size (rounded to its int64 words)
            assert _arena_symbol_size(host.exe, SHARED_ARENA_SYMBOL) == \
                (max(sizes.values()) + 7) // 8 * 8
            assert "conv_arena" not in subprocess.run(["nm", str(host.exe)], capture_output=True,
                                                      text=True, check=True).stdout
        else:
            for p in models:
                assert _arena_symbol_size(host.exe, f"{p}_arena") >= sizes[p]
    for p, cm in cs.models.items():
        md = ModelMetadata.load(tmp_path, p)
        assert md.arena.bytes == cm.arena_bytes
        if shared:
            assert (md.arena.shared.symbol, md.arena.shared.bytes, md.arena.shared.models) == \
                (SHARED_ARENA_SYMBOL, max(sizes.values()), ["conv", "fc"])
            assert md.to_json() == (tmp_path / f"{p}.json").read_text()
            assert '"shared": {' in (tmp_path / f"{p}.json").read_text()
        else:
            assert md.arena.shared is None
            assert '"shared"' not in (tmp_path / f"{p}.json").read_text()


def test_shared_arena_sanitized_with_canary_and_write_check(models, tmp_path):
    """ASan/UBSan, the shared arena's guard words and each model's per-layer write check (its
    shadow covers its own extent of the shared arena)."""
    compile_models(list(models.items()), tmp_path, shared_arena=True, check_writes=True)
    flags = ["-DTE_SHARED_ARENA_CANARY"] + [f"-D{p.upper()}_CHECK_WRITES" for p in models]
    with MultiHostModel(tmp_path, list(models), extra_cflags=flags, sanitize=True) as host:
        assert assert_models_match_tflm(models, host) >= 10
        assert _arena_symbol_size(host.exe, SHARED_ARENA_SYMBOL) >= max(
            ModelMetadata.load(tmp_path, p).arena.bytes for p in models) + 16


def test_each_kernel_file_once_and_same_as_single_compiles(models, tmp_path):
    singles = {p: compile_model(data, prefix=p, name=f"{p}.tflite") for p, data in models.items()}
    cs = compile_models(list(models.items()), tmp_path)
    union: dict[str, str] = {}
    for cm in singles.values():
        union.update(cm.files)
    assert cs.files == union           # every model's files; a kernel file is one name, one text
    written = sorted(f.name for f in tmp_path.iterdir() if f.name != MANIFEST)
    assert written == sorted(union)
    assert (tmp_path / MANIFEST).read_text().split() == sorted(union)
    # the kernels of both: conv's and fc's (te_fully_connected only in fc's single compile)
    kernels = {n for n in union if not n.startswith(("conv.", "fc."))}
    assert "fully_connected.c" in kernels and "depthwise_conv_2d.c" in kernels
    assert "fully_connected.c" not in singles["conv"].files
    for n in kernels:
        assert sum(n in cm.files for cm in singles.values()) >= 1
    # each global kernel function defined once in the linked set
    text = "\n".join(union[n] for n in kernels if n.endswith(".c"))
    defs = re.findall(r"^(?:void|int|int32_t)\s+(te_\w+)\s*\(", text, re.MULTILINE)
    assert defs and len(defs) == len(set(defs))
    assert set(kernel_files([("fully_connected", "portable")])) <= set(union)


def test_single_model_through_compile_models_is_compile_file(models, tmp_path):
    a = compile_file_dir = tmp_path / "file"
    compile_file(_write(tmp_path / "conv.tflite", models["conv"]), compile_file_dir, prefix="conv")
    b = tmp_path / "set"
    compile_models([("conv", str(tmp_path / "conv.tflite"))], b)
    assert _tree(a) == _tree(b)


def test_shared_arena_model_code_differs_only_in_the_arena(models, tmp_path):
    own = compile_models(list(models.items()))
    shared = compile_models(list(models.items()), shared_arena=True)
    assert set(shared.files) - set(own.files) == {"te_arena.c", "te_arena.h"}
    for p in models:
        assert "static union { int8_t b[" in own.files[f"{p}.c"]
        assert f"{p}_arena" not in shared.files[f"{p}.c"]
        assert '#include "te_arena.h"' in shared.files[f"{p}.c"]
        assert shared.files[f"{p}.h"] == own.files[f"{p}.h"]
    assert '#include "conv.h"' in shared.files["te_arena.c"]
    assert '#include "fc.h"' in shared.files["te_arena.c"]


@pytest.mark.parametrize("items, match", [
    ([], "no models"),
    ([("conv", b"x"), ("conv", b"y")], "'conv' is given twice"),
    ([("kws", b"x"), ("KWS", b"y")], "differ only in case"),
    ([("2kws", b"x")], "not a C identifier"),
    ([("a-b", b"x")], "not a C identifier"),
])
def test_bad_prefixes_are_named_errors(items, match, tmp_path):
    with pytest.raises(OptionError, match=match):
        compile_models(items, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_prefix_clashing_with_a_kernel_file(models, tmp_path):
    with pytest.raises(OptionError, match="conv_2d.c"):
        compile_models([("fc", models["fc"]), ("conv_2d", models["conv"])], tmp_path / "out")
    with pytest.raises(OptionError, match="te_arena.c"):
        compile_models([("te_arena", models["fc"]), ("b", models["conv"])], tmp_path / "out",
                       shared_arena=True)
    assert not (tmp_path / "out").exists()


def test_a_failed_model_writes_nothing_and_names_the_model(models, tmp_path):
    out = tmp_path / "out"
    compile_models([("conv", models["conv"])], out)
    before = _tree(out)
    with pytest.raises(Exception, match="'fc'") as e:
        compile_models([("conv", models["conv"]), ("fc", b"not a model")], out)
    assert "TinyEngineError" in [c.__name__ for c in type(e.value).__mro__]
    assert _tree(out) == before


# --- the CLI --------------------------------------------------------------------------------

def _write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def _tree(d: Path) -> dict[str, str]:
    return {f.name: f.read_text() for f in sorted(d.iterdir())}


def test_cli_prefix_path_arguments(models, tmp_path, capsys):
    paths = {p: _write(tmp_path / f"{p}.tflite", data) for p, data in models.items()}
    out = tmp_path / "gen"
    assert cli_main(["compile", f"conv:{paths['conv']}", f"fc:{paths['fc']}", "--out", str(out),
                     "--shared-arena"]) == 0
    text = capsys.readouterr().out
    assert "conv: " in text and "fc: " in text and "shared" in text
    assert _tree(out) == {**compile_files_expected(models, paths, shared=True)}
    md = json.loads((out / "fc.json").read_text())
    assert md["arena"]["shared"]["models"] == ["conv", "fc"]
    # without --shared-arena: own arenas, te_arena.* removed by the manifest
    assert cli_main(["compile", f"conv:{paths['conv']}", f"fc:{paths['fc']}", "--out", str(out)]) == 0
    assert not (out / "te_arena.c").exists() and (out / "fc.c").exists()


def compile_files_expected(models, paths, shared) -> dict[str, str]:
    cs = compile_models([(p, paths[p]) for p in models], shared_arena=shared)
    files = dict(cs.files)
    files[MANIFEST] = "\n".join(sorted(cs.files)) + "\n"
    return dict(sorted(files.items()))


def test_cli_single_plain_path_unchanged(models, tmp_path, capsys):
    path = _write(tmp_path / "conv.tflite", models["conv"])
    assert cli_main(["compile", path, "--out", str(tmp_path / "a"), "--prefix", "kws"]) == 0
    first = capsys.readouterr().out
    assert first.startswith(f"{path}: 3 operators -> ")
    compile_file(path, tmp_path / "b", prefix="kws")
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    # a prefix:path alone is the same model under that prefix
    assert cli_main(["compile", f"kws:{path}", "--out", str(tmp_path / "c")]) == 0
    assert _tree(tmp_path / "c") == _tree(tmp_path / "b")


def test_cli_errors(models, tmp_path, capsys):
    a = _write(tmp_path / "a.tflite", models["conv"])
    b = _write(tmp_path / "b.tflite", models["fc"])
    out = str(tmp_path / "out")
    cases = [
        ([a, b], "give each one as prefix:path"),
        ([f"x:{a}", f"x:{b}"], "given twice"),
        ([f"x:{a}", f"y:{b}", "--prefix", "z"], "--prefix names a single plain model path"),
        ([f"9x:{a}", f"y:{b}"], "'9x' is not a C identifier"),
        ([f"x:{a}", f"y:{tmp_path / 'missing.tflite'}"], "missing.tflite"),
    ]
    for argv, message in cases:
        assert cli_main(["compile", *argv, "--out", out]) == 2, argv
        assert message in capsys.readouterr().err, argv
    assert not Path(out).exists()


def test_cli_path_with_a_colon_is_a_path(models, tmp_path, capsys):
    path = _write(tmp_path / "v1:conv.tflite", models["conv"])
    assert cli_main(["compile", path, "--out", str(tmp_path / "o")]) == 0
    assert (tmp_path / "o" / "model.c").exists()


@pytest.mark.skipif(not shutil.which("arm-none-eabi-gcc"), reason="arm-none-eabi-gcc not installed")
@pytest.mark.parametrize("shared", [False, True], ids=["own_arenas", "shared_arena"])
def test_two_models_link_for_cortex_m4(models, tmp_path, shared):
    """The Cortex-M4 build (DSP kernels) of two models links into one image: no duplicate
    kernel symbols (the 20 'multiple definition of te_conv_2d_s8' of two separate sets)."""
    compile_models(list(models.items()), tmp_path, shared_arena=shared)
    main = tmp_path / "main.c"
    main.write_text('#include "conv.h"\n#include "fc.h"\n'
                    "int main(void) { return conv_invoke() | fc_invoke(); }\n")
    cc = ["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard",
          "-mfpu=fpv4-sp-d16", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror",
          "--specs=nosys.specs", "-I", str(tmp_path)]
    r = subprocess.run([*cc, *map(str, sorted(tmp_path.glob("*.c"))), "-o", str(tmp_path / "a.elf")],
                       capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
