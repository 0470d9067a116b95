"""The command line, report and model.json of fused stages (issue 18, docs/MEMORY.md):
--optimize memory, --ram-budget, --fuse; the schedule section of `report` (text and --json)
agrees with compile_model; the trade-off plot. Fast: one three-layer model."""
from __future__ import annotations

import json
import re
import sys

import numpy as np
import pytest

from tests.helpers.builder import ModelBuilder, random_bias, random_conv_weights
from tinyengine_pio import compile_model
from tinyengine_pio.cli import main, parse_fuse, parse_size
from tinyengine_pio.errors import OptionError
from tinyengine_pio.metadata import ModelMetadata
from tinyengine_pio.report import build_report
from tinyengine_pio.stages.search import RamBudgetError, instructions


def chain(seed: int = 0) -> bytes:
    """1x32x32x3 -> CONV_2D 3x3 stride 2 -> 1x16x16x32 -> DEPTHWISE_CONV_2D 3x3 -> 1x16x16x32
    -> CONV_2D 1x1 -> 1x16x16x4: layer by layer the two wide tensors are whole (8,820 B),
    fused into one stage only the input and the output are (5,240 B)."""
    rng = np.random.default_rng(seed)
    mb = ModelBuilder()
    x = mb.tensor([1, 32, 32, 3], "int8", scale=0.02, zero_point=-5, name="x")

    def layer(src, in_scale, k, stride, oc, hw, name, depthwise=False):
        if depthwise:
            w, ws = random_conv_weights(rng, [1, k, k, oc], True, quant_dim=3)
        else:
            w, ws = random_conv_weights(rng, [oc, k, k, src.shape[3]], True)
        b, bs = random_bias(rng, oc, in_scale, ws)
        y = mb.tensor([1, hw, hw, oc], "int8", scale=0.05, zero_point=-10, name=name)
        opts = dict(padding="SAME", stride_w=stride, stride_h=stride,
                    fused_activation_function="RELU6")
        if depthwise:
            opts["depth_multiplier"] = 1
        mb.op("DEPTHWISE_CONV_2D" if depthwise else "CONV_2D",
              [src, mb.const(w, scale=ws, zero_point=0, quant_dim=3 if depthwise else 0),
               mb.const(b, scale=bs, zero_point=0)], [y], opts)
        return y

    a = layer(x, 0.02, 3, 2, 32, 16, "conv0")
    b = layer(a, 0.05, 3, 1, 32, 16, "dw1", depthwise=True)
    c = layer(b, 0.05, 1, 1, 4, 16, "pw2")
    return mb.build(inputs=[x], outputs=[c])


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    path = tmp_path_factory.mktemp("sched") / "chain.tflite"
    path.write_bytes(chain())
    return path


@pytest.fixture(scope="module")
def layerwise(model):
    return compile_model(model.read_bytes(), emit=False)


@pytest.fixture(scope="module")
def memory(model):
    return compile_model(model.read_bytes(), emit=False, optimize="memory")


def _exit(argv) -> int:
    """main()'s exit status, also when argparse refuses an option (SystemExit)."""
    try:
        return main(argv)
    except SystemExit as e:
        return e.code


def _header_arena(out) -> int:
    return int(re.search(r"#define MODEL_ARENA_BYTES (\d+)", (out / "model.h").read_text())[1])


# ---- option parsing ----

@pytest.mark.parametrize("text,value", [("40960", 40960), ("40K", 40960), ("40KiB", 40960),
                                        ("40 kB", 40960), ("0xA000", 40960), ("0xa000", 40960),
                                        ("1M", 1 << 20), ("64MiB", 64 << 20), ("1g", 1 << 30)])
def test_sizes(text, value):
    assert parse_size(text) == value


@pytest.mark.parametrize("text", ["", "K", "40X", "-5", "0", "0x0", "4.5K", "0xZZ"])
def test_bad_sizes(text):
    with pytest.raises(ValueError):
        parse_size(text)


def test_fuse_ranges():
    assert parse_fuse("6-7,0-3") == [(0, 3), (6, 7)]
    assert parse_fuse(" 0 - 2 ") == [(0, 2)]
    for bad, why in [("3", "not a step range"), ("2-1", "at least two steps"), ("1-1", "two"),
                     ("0-3,3-5", "overlap"), ("0-3,x", "not a step range")]:
        with pytest.raises(ValueError, match=why):
            parse_fuse(bad)


def test_help_documents_the_options(capsys):
    with pytest.raises(SystemExit):
        main(["compile", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "expert: run steps A..B as one fused stage" in text
    assert "--ram-budget BYTES" in text and "memory" in text


# ---- compile ----

def test_default_compile_has_no_schedule_line(model, tmp_path, capsys, layerwise):
    out = tmp_path / "o"
    assert main(["compile", str(model), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "fused" not in captured.out and "schedule" not in captured.out
    assert captured.err == ""
    doc = json.loads((out / "model.json").read_text())
    assert "stages" not in doc and doc["optimize"] == "speed"
    assert _header_arena(out) == layerwise.arena_bytes


def test_compile_memory(model, tmp_path, capsys, memory, layerwise):
    out = tmp_path / "o"
    assert main(["compile", str(model), "--out", str(out), "--optimize", "memory"]) == 0
    captured = capsys.readouterr()
    (st,) = memory.graph.stages
    assert (f"fused stages {st.first}-{st.last} (line buffers {st.ring_bytes:,} B): arena "
            f"{memory.arena_bytes:,} B, was {layerwise.arena_bytes:,} B layer by layer"
            in captured.out)
    assert memory.arena_bytes < layerwise.arena_bytes
    assert "schedule search" in captured.err              # progress on stderr
    chosen = [c for c in memory.schedules if c.chosen]
    assert len(chosen) == 1 and chosen[0].arena == memory.arena_bytes == _header_arena(out)
    md = ModelMetadata.load(out)
    assert md.optimize == "memory" and md.arena.bytes == memory.arena_bytes
    assert [(s.first, s.last, s.ring_bytes) for s in md.stages] == [(st.first, st.last,
                                                                    st.ring_bytes)]
    assert md.to_json() == (out / "model.json").read_text()        # round trip


def test_budget_picks_the_fastest_that_fits(model, tmp_path, capsys, memory, layerwise):
    out = tmp_path / "o"
    budget = layerwise.arena_bytes - 1              # layer by layer just misses it
    assert main(["compile", str(model), "--out", str(out), "--ram-budget", str(budget)]) == 0
    text = capsys.readouterr().out
    assert f"(RAM budget {budget:,} B)" in text and "fused stages" in text
    assert _header_arena(out) <= budget
    doc = json.loads((out / "model.json").read_text())
    assert doc["optimize"] == "speed" and doc["stages"]
    # layer by layer fits: no search, no stage
    assert main(["compile", str(model), "--out", str(out), "--ram-budget", "64K"]) == 0
    text = capsys.readouterr().out
    assert "schedule: layer by layer" in text and "layer by layer fits" in text
    assert _header_arena(out) == layerwise.arena_bytes
    assert "stages" not in json.loads((out / "model.json").read_text())


def test_budget_too_small_exits_2_naming_the_smallest(model, tmp_path, capsys, memory):
    out = tmp_path / "o"
    assert main(["compile", str(model), "--out", str(out), "--ram-budget", "4K"]) == 2
    err = capsys.readouterr().err
    assert "RAM budget of 4096 B" in err
    assert f"the smallest arena is {memory.arena_bytes} B" in err
    assert f"give --ram-budget {memory.arena_bytes} or more" in err
    assert "internal error" not in err and not out.exists()
    with pytest.raises(RamBudgetError) as e:
        compile_model(chain(), emit=False, ram_budget=4096)
    assert (e.value.smallest, e.value.budget) == (memory.arena_bytes, 4096)


def test_budget_error_when_nothing_fuses(tmp_path, capsys):
    """A model no stage can shrink: the message says layer by layer is the smallest."""
    mb = ModelBuilder()
    x = mb.tensor([1, 64], "int8", scale=0.1, zero_point=0)
    y = mb.tensor([1, 64], "int8", scale=0.1, zero_point=0)
    mb.op("RELU", [x], [y])
    p = tmp_path / "relu.tflite"
    p.write_bytes(mb.build(inputs=[x], outputs=[y]))
    assert main(["compile", str(p), "--out", str(tmp_path / "o"), "--ram-budget", "16"]) == 2
    err = capsys.readouterr().err
    assert "(layer by layer: no fused stage makes it smaller)" in err
    assert "fused stages layer by layer" not in err


def test_fuse(model, tmp_path, capsys, memory):
    out = tmp_path / "o"
    assert main(["compile", str(model), "--out", str(out), "--fuse", "0-2"]) == 0
    text = capsys.readouterr().out
    assert f"fused stages 0-2 (line buffers {memory.graph.stages[0].ring_bytes:,} B)" in text
    assert _header_arena(out) == memory.arena_bytes
    assert [(s.first, s.last) for s in ModelMetadata.load(out).stages] == [(0, 2)]


@pytest.mark.parametrize("args,why", [
    (["--fuse", "1-9"], "this model runs steps 0-2"),
    (["--fuse", "2-1"], "at least two steps"),
    (["--fuse", "0-1,1-2"], "overlap"),
    (["--fuse", "0-2", "--ram-budget", "9000"], "give one of the two"),
    (["--ram-budget", "lots"], "not a size"),
])
def test_invalid_options_exit_2(model, tmp_path, capsys, args, why):
    assert _exit(["compile", str(model), "--out", str(tmp_path / "o")] + args) == 2
    err = capsys.readouterr().err
    assert why in err and "internal error" not in err


def test_fuse_refusals_in_the_api():
    with pytest.raises(OptionError, match="runs steps 0-2"):
        compile_model(chain(), emit=False, fuse=[(1, 5)])
    with pytest.raises(OptionError, match="overlap"):
        compile_model(chain(), emit=False, fuse=[(0, 1), (1, 2)])


def test_fuse_needs_a_single_model(model, tmp_path, capsys):
    assert main(["compile", f"a:{model}", f"b:{model}", "--out", str(tmp_path / "o"),
                 "--fuse", "0-2"]) == 2
    assert "single model" in capsys.readouterr().err


def test_several_models_print_their_schedules(model, tmp_path, capsys, memory):
    assert main(["compile", f"a:{model}", f"b:{model}", "--out", str(tmp_path / "o"),
                 "--optimize", "memory"]) == 0
    text = capsys.readouterr().out
    assert text.count("fused stages 0-2") == 2 and "a: fused stages" in text


# ---- report ----

def test_report_json_matches_compile(model, capsys, memory, layerwise):
    assert main(["report", str(model), "--optimize", "memory", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["arena_bytes"] == memory.arena_bytes
    assert [(tuple(map(tuple, s["ranges"])), s["arena"], s["instructions"], s["chosen"])
            for s in r["schedules"]] == [(c.ranges, c.arena, c.instructions, c.chosen)
                                         for c in memory.schedules]
    assert r["schedules"][0]["label"] == "layer by layer"
    assert r["schedules"][0]["arena"] == layerwise.arena_bytes
    assert r["schedules"][0]["ratio"] == 1.0
    (chosen,) = [s for s in r["schedules"] if s["chosen"]]
    assert chosen["arena"] == r["arena_bytes"]
    (st,) = memory.graph.stages
    (js,) = r["stages"]
    assert (js["first"], js["last"], js["calls"], js["moved_bytes"], js["ring_bytes"]) == (
        st.first, st.last, st.calls, st.moved_bytes, st.ring_bytes)
    assert js["sink"]["name"] == "pw2" and [t["name"] for t in js["sources"]] == ["x"]
    g = memory.graph
    assert {ring["tensor"]: (ring["rows"], ring["row_bytes"]) for ring in js["rings"]} == {
        t: (ring.cap, ring.row_bytes) for t, ring in st.rings.items()}
    assert sum(ring["ring_bytes"] for ring in js["rings"]) == js["ring_bytes"]
    assert [L["stage"] for L in r["layers"]] == [[0, 2]] * len(g.operators)
    assert r["est_instructions"] == sum(L["est_instructions"] for L in r["layers"]) + \
        r["stage_overhead_instructions"]


def test_report_text(model, capsys, memory, layerwise):
    assert main(["report", str(model), "--optimize", "memory"]) == 0
    text = capsys.readouterr().out
    assert re.search(r"^\s+layer by layer\s+" + f"{layerwise.arena_bytes:,}", text, re.M)
    assert re.search(r"^\s+\*\s+0-2\s+" + f"{memory.arena_bytes:,}", text, re.M)
    assert re.search(r"^stage 0-2 +CONV_2D, DEPTHWISE_CONV_2D, CONV_2D; \d+ row calls", text, re.M)
    assert "line buffer    step 0 CONV_2D output 1x16x16x32: " in text
    assert "whole source   x 1x32x32x3 (3,072 B)" in text
    assert "whole sink     pw2 1x16x16x4 (1,024 B)" in text
    header = text.splitlines()[0].split()
    assert header[-1] == "stage"
    assert all(line.rstrip().endswith("0-2") for line in text.splitlines()[2:5])


def test_default_report_unchanged(model, capsys, layerwise):
    """No schedule section, no stage column, the JSON without the schedule keys."""
    assert main(["report", str(model)]) == 0
    text = capsys.readouterr().out
    assert "schedule" not in text and "stage" not in text.splitlines()[0]
    r = build_report(layerwise)
    assert "schedules" not in r and all(L["stage"] is None for L in r["layers"])


def test_report_budget_section(model, capsys, memory):
    assert main(["report", str(model), "--ram-budget", "0x1800", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["ram_budget"] == 0x1800 and r["arena_bytes"] <= 0x1800
    assert main(["report", str(model), "--ram-budget", "6K"]) == 0
    assert "(RAM budget 6,144 B)" in capsys.readouterr().out


def test_chosen_candidate_instructions_are_the_compiled_models(model, capsys, memory):
    """The chosen candidate's prediction is the compiled model's: the report's total."""
    (chosen,) = [c for c in memory.schedules if c.chosen]
    assert chosen.instructions == instructions(memory.graph, memory.graph.stages)
    assert main(["report", str(model), "--optimize", "memory", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["est_instructions"] == chosen.instructions


# ---- plots ----

def test_plots(model, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    png = tmp_path / "m.png"
    assert main(["report", str(model), "--optimize", "memory", "--plot", str(png)]) == 0
    assert png.stat().st_size > 1000
    assert (tmp_path / "m_tradeoff.png").stat().st_size > 1000
    png2 = tmp_path / "d.png"
    assert main(["report", str(model), "--plot", str(png2)]) == 0       # no stages considered
    assert png2.exists() and not (tmp_path / "d_tradeoff.png").exists()


def test_plot_without_matplotlib(model, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)              # import fails
    assert main(["report", str(model), "--optimize", "memory", "--plot",
                 str(tmp_path / "m.png")]) == 2
    assert "--plot needs matplotlib: pip install matplotlib" in capsys.readouterr().err
