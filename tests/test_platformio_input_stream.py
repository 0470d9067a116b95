"""custom_tinyengine_input_stream (the PlatformIO hook's `--input-stream`), without PlatformIO:
the option, the compile command, the stamp, the estimate's floor without the input, and the
hook's compile steps run for real in this Python (out of process, as the hook runs them)."""
from __future__ import annotations

import json
import re
import sys

import pytest

from tests.helpers.stage_models import conv_dw_conv
from tinyengine_pio.platformio import estimate as est
from tinyengine_pio.platformio import hook
from tinyengine_pio.platformio.hook import HookError, parse_options

LAYERWISE = 37924        # conv_dw_conv() layer by layer (tests/test_platformio_fit.py)
INPUT = 48 * 48 * 3      # its input [1,48,48,3] int8


def _opts(**kw):
    kw.setdefault("model", "m.tflite")
    return parse_options({"custom_tinyengine_" + k: v for k, v in kw.items() if v is not None},
                         "e")


def test_option_values_and_compile_command():
    assert _opts()["input_stream"] is False
    for word in ("yes", "true", "1", "on", "YES", '"yes"'):
        assert _opts(input_stream=word)["input_stream"] is True
    for word in ("no", "false", "0", "off", ""):
        assert _opts(input_stream=word)["input_stream"] is False
    with pytest.raises(HookError, match=re.escape(
            "invalid custom_tinyengine_input_stream = rows: expected yes or no")):
        _opts(input_stream="rows")
    models = [("model", "m.tflite")]
    assert "--input-stream" not in hook.compile_command("py", models, _opts(), "out")
    cmd = hook.compile_command("py", models, _opts(input_stream="yes", optimize="memory"), "out")
    assert "--input-stream" in cmd and cmd[cmd.index("--optimize") + 1] == "memory"


def test_in_the_stamp_key():
    models = [("model", b"x")]
    assert hook.stamp_key(models, _opts(), "/nonexistent") != hook.stamp_key(
        models, _opts(input_stream="yes"), "/nonexistent")
    assert hook.stamp_key(models, _opts(), "/nonexistent") == hook.stamp_key(
        models, _opts(input_stream="no"), "/nonexistent")


def test_refused_with_the_harness():
    """The harness writes the input whole; a streamed input has no buffer."""
    with pytest.raises(HookError, match="custom_tinyengine_input_stream = yes leaves it no input "
                                        "buffer"):
        _opts(input_stream="yes", harness="yes")


def test_no_automatic_fit_budget():
    """Its compile already searches the smallest arena that streams the input."""
    assert hook.auto_budget(_opts(), 48 * 1024, 16384) == 32768
    assert hook.auto_budget(_opts(input_stream="yes"), 48 * 1024, 16384) is None


def test_estimate_floor_leaves_the_input_out():
    from tinyengine_pio.compiler import compile_model
    data = conv_dw_conv()
    whole, streamed = est.estimate(data), est.estimate(data, input_stream=True)
    assert whole["arena_floor"] == INPUT
    assert streamed["arena_floor"] < INPUT
    assert streamed["arena_at_least"] == whole["arena_at_least"]
    cm = compile_model(data, emit=False, input_stream=True)
    assert streamed["arena_floor"] <= cm.arena_bytes < whole["arena_floor"]
    figs = est.schedule_figures(data, [(0, 2)], input_stream=True)
    assert figs["layerwise_arena"] == LAYERWISE
    assert est.main(["--input-stream", "--stages", "0-2", "/nonexistent.tflite"]) == 2


@pytest.fixture()
def stage_model(tmp_path):
    path = tmp_path / "model" / "stage.tflite"
    path.parent.mkdir()
    path.write_bytes(conv_dw_conv())
    return str(path)


def _fit(tmp_path, path, ram, opts):
    board = {"upload.maximum_ram_size": ram, "upload.maximum_size": 1 << 20}
    budget = hook.auto_budget(opts, ram, 16384)
    gen = tmp_path / "gen"
    return hook.fit_and_generate(sys.executable, [("model", path)], "model/stage.tflite",
                                 str(gen), opts, "key", "tiny", board, 16384, "default",
                                 budget), gen


def test_compiles_streaming_the_input(tmp_path, stage_model, capsys):
    """The header declares the callback; the arena is below the input's size; the board's RAM
    only needs the streamed arena (no automatic fit, no message)."""
    from tinyengine_pio.compiler import compile_model
    want = compile_model(conv_dw_conv(), emit=False, input_stream=True).arena_bytes
    stamp, gen = _fit(tmp_path, stage_model, 16384 + 8000, _opts(input_stream="yes"))
    assert stamp["arena_bytes"] == want < INPUT and stamp["ram_budget"] is None
    assert stamp["stages"] == [[(0, 2)]]
    header = (gen / "src" / "model.h").read_text()
    assert "#define MODEL_INPUT_STREAM 1" in header
    assert "#define MODEL_INPUT0_ROWS 48" in header
    assert "#define MODEL_INPUT0_ROW_BYTES 144" in header
    assert "int model_read_input_rows(int input, int row, int rows, void *dst);" in header
    meta = json.loads((gen / "src" / "model.json").read_text())
    assert meta["arena"]["bytes"] == want
    assert "does not fit" not in capsys.readouterr().out


def test_below_the_streamed_floor_stops_before_compiling(tmp_path, stage_model):
    """The estimate's floor without the input still stops a board far too small."""
    floor = est.estimate(conv_dw_conv(), input_stream=True)["arena_floor"]
    with pytest.raises(HookError) as exc:
        _fit(tmp_path, stage_model, 16384 + floor - 100, _opts(input_stream="yes"))
    assert "arena at least %d bytes" % floor in str(exc.value)
    assert "fused stages included" in str(exc.value)
    assert not (tmp_path / "gen" / "src").exists()
