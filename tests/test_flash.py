"""The flash fallback (issue 20, tinyengine_pio/flash.py): where the constants of a speed build
outgrow a flash budget, ops fall back one by one to the size kernels; the code stays byte-exact
with TFLM, model.json records the choice, nothing fitting is a named error (exit 2); the
PlatformIO hook passes the board's flash and prints the line."""
from __future__ import annotations

import json
import sys

import pytest

from tests.helpers.stage_models import conv_dw_conv
from tinyengine_pio import cli
from tinyengine_pio.compiler import compile_model
from tinyengine_pio.emitter import write_files
from tinyengine_pio.flash import FlashBudgetError, op_flash, present
from tinyengine_pio.metadata import ModelMetadata
from tinyengine_pio.platformio import hook

# conv_dw_conv(): CONV_2D im2col #0, DEPTHWISE_CONV_2D #1, CONV_2D pointwise #2; the
# constants of a Cortex-M4 (TE_FAST) build all on the size kernels: 1,136 B (the plain int8
# weights, bias, multipliers, shifts), with the fast kernels more (about 1.9 KB: packed GEMM
# weights and rq blocks, the depthwise int16 taps)
SIZE = 1136


@pytest.fixture(scope="module")
def model():
    return conv_dw_conv()


@pytest.fixture(scope="module")
def speed(model):
    cm = compile_model(model, emit=False)
    return op_flash(cm.graph, cm.offsets, "dsp")[1]


def test_conditions_per_build():
    assert present("", "portable") and present("!TE_FAST", "portable")
    assert present("TE_FAST", "dsp") and not present("TE_FAST", "portable")
    assert present("TE_FAST && !TE_MVE", "dsp") and not present("TE_FAST && !TE_MVE", "mve")
    assert present("TE_MVE", "mve") and not present("!TE_FAST", "mve")


def test_constants_per_build(model, speed):
    cm = compile_model(model, emit=False)
    assert speed > SIZE + 600
    assert op_flash(cm.graph, cm.offsets, "portable")[1] == SIZE
    size = compile_model(model, emit=False, optimize="size")
    assert op_flash(size.graph, size.offsets, "dsp")[1] == SIZE


def test_fits_unchanged(model, speed):
    plain = compile_model(model)
    cm = compile_model(model, flash_budget=speed)
    assert cm.flash is None and cm.files == plain.files


def test_ops_fall_back_byte_exact(model, speed, tmp_path):
    from tests.helpers.hostrun import assert_matches_tflm
    budget = 1500
    cm = compile_model(model, flash_budget=budget)
    fl = cm.flash
    assert fl.size_ops and fl.bytes <= budget < fl.speed_bytes == speed
    assert fl.extra_instructions > 0 and fl.isa == "dsp"
    by_index = {op.index: op for op in cm.graph.operators}
    assert all(by_index[i].memory.variant in ("generic", "size", "direct") for i in fl.size_ops)
    # the fallen-back op's call has no TE_FAST variant, the others keep theirs
    if 1 in fl.size_ops:
        assert "te_depthwise_conv_2d_dsp" not in cm.files["model.c"]
    assert "te_conv_2d_1x1" in cm.files["model.c"]
    md = ModelMetadata.from_json(cm.files["model.json"])
    assert md.flash.size_ops == fl.size_ops and md.flash.budget == budget
    assert json.loads(cm.files["model.json"])["flash"]["bytes"] == fl.bytes
    write_files(str(tmp_path), cm.files)
    assert_matches_tflm(model, tmp_path)
    # what the harness recompiles from model.json: the same code
    again = compile_model(model, size_ops=md.flash.size_ops, w16=md.flash.w16)
    assert {k: v for k, v in again.files.items() if k != "model.json"} == \
        {k: v for k, v in cm.files.items() if k != "model.json"}
    assert "ops use" in fl.line() or "op uses" in fl.line()


def test_int16_gemm_weights_go_first(model, speed, tmp_path):
    """The pointwise op's 2x4 GEMM reads int16 weights (ops/conv_2d.py choose_w16); a budget
    they alone break turns them off before any op falls back, and model.json says so."""
    from tests.helpers.hostrun import assert_matches_tflm
    plain = compile_model(model, emit=False)
    assert [op.w16 for op in plain.graph.operators] == [False, False, True]
    lean = compile_model(model, emit=False, w16=False)
    lean_bytes = op_flash(lean.graph, lean.offsets, "dsp")[1]
    assert lean_bytes < speed and not any(op.w16 for op in lean.graph.operators)
    cm = compile_model(model, flash_budget=lean_bytes)
    fl = cm.flash
    assert (fl.size_ops, fl.w16, fl.bytes, fl.speed_bytes) == ([], False, lean_bytes, speed)
    assert "int16 weights are off" in fl.line()
    md = json.loads(cm.files["model.json"])
    assert md["flash"]["w16"] is False and "int16 weights are off" in hook.flash_message(md)
    again = compile_model(model, size_ops=[], w16=False)
    assert {k: v for k, v in again.files.items() if k != "model.json"} == \
        {k: v for k, v in cm.files.items() if k != "model.json"}
    write_files(str(tmp_path), cm.files)
    assert_matches_tflm(model, tmp_path)


def test_nothing_fits_says_by_how_much(model):
    with pytest.raises(FlashBudgetError) as exc:
        compile_model(model, emit=False, flash_budget=SIZE - 100)
    assert "by 100 B" in str(exc.value) and exc.value.smallest == SIZE


def test_cli_flash_budget(model, tmp_path, capsys):
    path = tmp_path / "m.tflite"
    path.write_bytes(model)
    assert cli.main(["compile", str(path), "--out", str(tmp_path / "o"),
                     "--flash-budget", "1500"]) == 0
    assert "the size kernels to fit 1,500 B (saves" in capsys.readouterr().out
    assert cli.main(["compile", str(path), "--out", str(tmp_path / "p"),
                     "--flash-budget", "1K"]) == 2
    assert "over the flash budget of 1,024 B by 112 B" in capsys.readouterr().err
    # a Helium core counts its own operands
    assert cli.main(["compile", str(path), "--out", str(tmp_path / "q"), "--flash-budget",
                     "1500", "--cpu", "cortex-m55"]) == 0
    assert json.loads((tmp_path / "q" / "model.json").read_text())["flash"]["isa"] == "mve"


def test_hook_passes_the_board_flash(model, tmp_path, capsys):
    opts = hook.parse_options({"custom_tinyengine_model": "m.tflite"}, "e")
    assert hook.auto_flash_budget(opts, 1 << 20, hook.DEFAULT_FLASH_RESERVE) == (1 << 20) - 20480
    assert hook.auto_flash_budget(dict(opts, optimize="size"), 1 << 20, 0) is None
    assert hook.auto_flash_budget(opts, 0, 0) is None
    assert hook.parse_options({"custom_tinyengine_model": "m.tflite",
                               "custom_tinyengine_flash_reserve": "16K"}, "e")[
        "flash_reserve"] == 16384
    path = tmp_path / "m.tflite"
    path.write_bytes(model)
    opts.update(flash_budget=1500, cpu="cortex-m4")
    assert hook.compile_command("py", [("model", "m")], opts, "o")[-4:] == [
        "--flash-budget", "1500", "--cpu", "cortex-m4"]
    gen = tmp_path / "gen"
    stamp = hook.generate(sys.executable, [("model", str(path))], str(gen), opts, "k")
    meta = hook.read_model_json(str(gen / "src"), "model")
    line = hook.flash_message(meta)
    assert line.startswith("flash: ") and "to fit 1,500 B" in line, line
    assert stamp["weight_bytes"] == meta["weight_bytes"]
