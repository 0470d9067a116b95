"""The PlatformIO hook's automatic fit (issue 18), without PlatformIO: options, the decision
(budget = board RAM - reserve, regenerate or not), the estimate's lower bounds, and the compile
steps run for real in this Python (out of process, as the hook runs them)."""
from __future__ import annotations

import json
import os
import re
import sys

import pytest

from tests.helpers.stage_models import conv_dw_conv
from tinyengine_pio.platformio import estimate as est
from tinyengine_pio.platformio import hook
from tinyengine_pio.platformio.hook import HookError, parse_options

LAYERWISE, FUSED = 37924, 9752        # conv_dw_conv(): layer by layer, stages 0-2


def _opts(**kw):
    kw.setdefault("model", "m.tflite")
    return parse_options({"custom_tinyengine_" + k: v for k, v in kw.items() if v is not None},
                         "e")


# --- options ----------------------------------------------------------------------------------

def test_optimize_memory_and_ram_budget_options():
    o = _opts(optimize="memory", ram_budget="40K")
    assert o["optimize"] == "memory" and o["ram_budget"] == 40960
    cmd = hook.compile_command("py", [("model", "m.tflite")], o, "out")
    assert cmd[cmd.index("--optimize") + 1] == "memory"
    assert cmd[cmd.index("--ram-budget") + 1] == "40960"
    o = _opts()
    assert o["ram_budget"] is None
    assert "--ram-budget" not in hook.compile_command("py", [("model", "m.tflite")], o, "out")
    # the automatic fit's budget
    assert hook.compile_command("py", [("model", "m.tflite")], o, "out", 16384)[-2:] == [
        "--ram-budget", "16384"]
    # in the stamp key: another budget regenerates
    models = [("model", b"x")]
    assert hook.stamp_key(models, o, "/nonexistent") != hook.stamp_key(
        models, _opts(ram_budget="40K"), "/nonexistent")


@pytest.mark.parametrize("kw, message", [
    (dict(optimize="fast"), "invalid custom_tinyengine_optimize = fast: expected speed, size or "
                            "memory"),
    (dict(ram_budget="lots"), "invalid custom_tinyengine_ram_budget = lots: expected a size"),
    (dict(ram_budget="0"), "invalid custom_tinyengine_ram_budget = 0: expected a size"),
])
def test_invalid_fit_options(kw, message):
    with pytest.raises(HookError, match=re.escape(message)):
        _opts(**kw)


def test_default_reserve_is_16k_and_a_measured_one_only_raises_it(tmp_path):
    assert hook.DEFAULT_RAM_RESERVE == 16384
    assert hook.ram_reserve(None, [], None, "") == (
        16384, "default; set custom_tinyengine_ram_reserve")
    assert hook.ram_reserve(4096, [], None, "") == (4096, "custom_tinyengine_ram_reserve")
    stamp_path = tmp_path / "stamp.json"
    stamp_path.write_text("{}")
    elf = sys.executable               # a host ELF newer than... make the stamp older
    os.utime(stamp_path, (0, 0))
    used = hook.elf_ram_bytes(elf)
    assert used
    # the last link used little beside the arena: the default stays
    assert hook.ram_reserve(None, [elf], {"arena_bytes": used - 100}, str(stamp_path))[0] == 16384
    # ... or more than 16 KiB: that figure
    if used > 20000:
        assert hook.ram_reserve(None, [elf], {"arena_bytes": 10}, str(stamp_path)) == (
            used - 10, "stack and .bss of the last build")


# --- the decision -----------------------------------------------------------------------------

def test_auto_budget_applies_to_one_model_or_a_shared_arena():
    o = _opts()
    assert hook.auto_budget(o, 48 * 1024, 16384) == 32768
    assert hook.auto_budget(o, 0, 16384) is None              # RAM unknown
    assert hook.auto_budget(o, 16384, 16384) is None          # nothing left: the fit error
    assert hook.auto_budget(_opts(optimize="memory"), 48 * 1024, 16384) is None
    assert hook.auto_budget(_opts(ram_budget="20K"), 48 * 1024, 16384) is None
    several = _opts(model=None, models="a:a.tflite, b:b.tflite")
    assert hook.auto_budget(several, 48 * 1024, 16384) is None
    shared = _opts(model=None, models="a:a.tflite, b:b.tflite", shared_arena="yes")
    assert hook.auto_budget(shared, 48 * 1024, 16384) == 32768


def test_needs_generation():
    st = {"key": "k", "arena_bytes": 9000, "ram_budget": None}
    assert hook.needs_generation(None, "k", None)
    assert hook.needs_generation(st, "other", None)
    assert not hook.needs_generation(st, "k", None)             # as before
    assert not hook.needs_generation(st, "k", 9000)             # fits
    assert hook.needs_generation(st, "k", 8999)                 # no longer fits: fit it
    fused = dict(st, ram_budget=16384, layerwise_arena=37924)
    assert not hook.needs_generation(fused, "k", 16384)
    assert not hook.needs_generation(fused, "k", 20000)         # fused still needed
    assert hook.needs_generation(fused, "k", 40000)             # layer by layer fits now
    assert hook.needs_generation(fused, "k", None)              # no automatic fit any more
    assert not hook.needs_generation(dict(fused, layerwise_arena=None), "k", 40000)


def test_fit_message():
    text = hook.fit_message(None, 36896, 32768, 48 * 1024, 16384, [(0, 3)], 31928,
                            {"layerwise_instructions": 1000, "instructions": 1040})
    assert text == ("model arena 36,896 B does not fit 32,768 B (RAM 48K - reserve 16K); "
                    "fused stages 0-3 fit: arena 31,928 B, about +4.0% instructions")
    assert hook.fit_message(None, 10, 5, 48 * 1024, 16384, [(0, 3)], 4,
                            {"layerwise_instructions": 1000, "instructions": 1150}).endswith(
        "about +15% instructions")
    text = hook.fit_message("kws", 20000, 15000, 32000, 17000, [(0, 1), (4, 6)], 9000, None,
                            at_least=True)
    assert text == ("kws arena at least 20,000 B does not fit 15,000 B (RAM 32,000 B - reserve "
                    "17,000 B); fused stages 0-1, 4-6 fit: arena 9,000 B")
    assert hook.stage_ranges({"stages": [{"first": 0, "last": 2, "ring_bytes": 9}]}) == [(0, 2)]
    assert hook.stage_ranges({}) == []


# --- the estimate's bounds --------------------------------------------------------------------

def test_estimate_floor_is_below_every_schedule(tmp_path):
    from tinyengine_pio.compiler import compile_model
    data = conv_dw_conv()
    fig = est.estimate(data)
    cm = compile_model(data, emit=False, optimize="memory")
    assert fig["arena_floor"] <= min(c.arena for c in cm.schedules)
    assert fig["arena_at_least"] <= cm.schedules[0].arena == LAYERWISE
    assert fig["arena_floor"] == 48 * 48 * 3          # the input is whole
    assert cm.arena_bytes == FUSED
    path = tmp_path / "m.tflite"
    path.write_bytes(data)
    figs = est.schedule_figures(data, [(0, 2)])
    assert figs["layerwise_arena"] == LAYERWISE
    assert figs["instructions"] > figs["layerwise_instructions"] > 0


# --- the hook's compile steps, for real (this Python, out of process) -------------------------

@pytest.fixture()
def stage_model(tmp_path):
    path = tmp_path / "model" / "stage.tflite"
    path.parent.mkdir()
    path.write_bytes(conv_dw_conv())
    return str(path)


def _fit(tmp_path, path, ram, opts=None, reserve=16384, what="default"):
    opts = opts or _opts()
    board = {"upload.maximum_ram_size": ram, "upload.maximum_size": 1 << 20}
    budget = hook.auto_budget(opts, ram, reserve)
    gen = tmp_path / "gen"
    return hook.fit_and_generate(sys.executable, [("model", path)], "model/stage.tflite",
                                 str(gen), opts, "key", "tiny", board, reserve, what, budget), gen


def _meta(gen):
    return json.loads((gen / "src" / "model.json").read_text())


def test_fits_layer_by_layer_as_before(tmp_path, stage_model, capsys):
    stamp, gen = _fit(tmp_path, stage_model, 64 * 1024)
    assert stamp["ram_budget"] is None and stamp["arena_bytes"] == LAYERWISE
    assert "stages" not in _meta(gen)
    assert "does not fit" not in capsys.readouterr().out


def test_does_not_fit_layer_by_layer_fused_stages_do(tmp_path, stage_model, capsys):
    stamp, gen = _fit(tmp_path, stage_model, 32 * 1024)
    out = capsys.readouterr().out
    assert stamp["ram_budget"] == 16384 and stamp["arena_bytes"] == FUSED
    assert stamp["stages"] == [[(0, 2)]] and stamp["layerwise_arena"] == LAYERWISE
    assert _meta(gen)["stages"][0]["first"] == 0
    m = re.search(r"TinyEngine: model arena 37,924 B does not fit 16,384 B \(RAM 32K - reserve "
                  r"16K\); fused stages 0-2 fit: arena 9,752 B, about [+-][\d.]+% instructions", out)
    assert m, out
    # the stamp written to disk has it too (the next build's decision)
    on_disk = hook.read_stamp(str(gen))
    assert on_disk["layerwise_arena"] == LAYERWISE and on_disk["ram_budget"] == 16384
    assert not hook.needs_generation(on_disk, "key", 16384)
    assert hook.needs_generation(on_disk, "key", 48 * 1024)


def test_nothing_fits_names_the_smallest_arena(tmp_path, stage_model):
    with pytest.raises(HookError) as exc:
        _fit(tmp_path, stage_model, 16384 + 8000)
    text = str(exc.value)
    assert "model does not fit tiny: RAM 24384 bytes - reserve 16384 bytes (default) leaves 8000 " \
           "bytes for the arena" in text, text
    assert "the smallest arena is 9752 B (fused stages 0-2)" in text, text
    assert "--ram-budget" not in text
    assert not (tmp_path / "gen" / "src").exists()


def test_below_the_floor_stops_before_compiling(tmp_path, stage_model):
    with pytest.raises(HookError) as exc:
        _fit(tmp_path, stage_model, 16384 + 6000)
    text = str(exc.value)
    assert re.search(r"arena at least 6912 bytes \+ reserve 16384 bytes \(default\) = 23296 "
                     r"bytes exceeds RAM 22384 bytes by 912 bytes \(estimated before compiling, "
                     r"fused stages included\)", text), text
    assert not (tmp_path / "gen").exists() or not (tmp_path / "gen" / "src").exists()


def test_explicit_budget_and_memory(tmp_path, stage_model, capsys):
    stamp, gen = _fit(tmp_path, stage_model, 1 << 20, _opts(ram_budget="12K"))
    assert stamp["ram_budget"] is None and stamp["arena_bytes"] == FUSED   # the user's budget
    assert _meta(gen)["stages"][0]["last"] == 2
    stamp, gen = _fit(tmp_path, stage_model, 1 << 20, _opts(optimize="memory"))
    assert stamp["arena_bytes"] == FUSED and _meta(gen)["optimize"] == "memory"
    assert "does not fit" not in capsys.readouterr().out


def test_estimate_fits_the_compile_does_not(tmp_path, stage_model, capsys):
    """The lower bound (36,864 B) fits the budget, the planned arena (37,924 B) does not: the
    default compile runs first, then the one with the budget; the exact arena is in the line."""
    stamp, gen = _fit(tmp_path, stage_model, 16384 + 36900)
    out = capsys.readouterr().out
    assert stamp["ram_budget"] == 36900 and stamp["arena_bytes"] <= 36900
    assert "model arena 37,924 B does not fit 36,900 B (RAM 53,284 B - reserve 16K); fused " \
           "stages" in out, out


def test_shared_arena_models_each_fit_the_budget(tmp_path, stage_model, capsys):
    """Several models in one shared arena: each gets the budget; the line names the model the
    budget changed, the other stays layer by layer."""
    from tests.helpers.stage_models import conv_dw_conv
    small = tmp_path / "model" / "small.tflite"
    small.write_bytes(conv_dw_conv(size=16))
    opts = _opts(model=None, models="big:%s, small:%s" % (stage_model, small), shared_arena="yes")
    board = {"upload.maximum_ram_size": 32 * 1024}
    budget = hook.auto_budget(opts, 32 * 1024, 16384)
    gen = tmp_path / "gen"
    stamp = hook.fit_and_generate(sys.executable, opts["models"], "both", str(gen), opts, "k",
                                  "tiny", board, 16384, "default", budget)
    out = capsys.readouterr().out
    assert stamp["ram_budget"] == 16384 and stamp["stages"][0] == [(0, 2)]
    assert stamp["stages"][1] == [] and stamp["arena_bytes"] == FUSED
    assert "TinyEngine: big arena 37,924 B does not fit 16,384 B" in out, out
    assert "small arena" not in out
