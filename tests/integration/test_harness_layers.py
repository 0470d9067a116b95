"""Per-layer timing mode of the harness (GET_LAYERS) on real QEMU mps2-an386."""
from __future__ import annotations

import json

import pytest

from tests.helpers import opmodels
from tinyengine_pio import compile_model
from tinyengine_pio.harness.dut import Dut
from tinyengine_pio.harness.firmware import build_firmware, have_toolchain

pytestmark = [pytest.mark.qemu, pytest.mark.platformio,
              pytest.mark.skipif(bool(have_toolchain()),
                                 reason="harness tests need: " + ", ".join(have_toolchain()))]

BOARD = "mps2-an386"


@pytest.fixture(scope="module")
def model():
    return opmodels.conv_dw_conv(hw=4, channels=64)          # CONV_2D, DEPTHWISE, CONV_2D


def test_per_layer_values_sum_to_total(model, dirs):
    cm = compile_model(model, prefix="model", name="model.tflite")
    n_ops = len(cm.graph.operators)
    assert n_ops >= 2
    fw = build_firmware(model, BOARD, per_layer=True, **dirs)
    with Dut.qemu(model, BOARD, firmware=fw) as d:      # identity (code digest) check passes
        res = d.infer(seed=0, runs=2)
        assert res.matches_reference, res.mismatch
        assert res.layers_error is None
        assert [L["step"] for L in res.layers] == list(range(n_ops))
        assert [L["op"] for L in res.layers] == [op.kind for op in cm.graph.operators]
        lat = [L["latency"] for L in res.layers]
        assert all(v > 0 for v in lat), lat
        total = sum(lat)
        # the marks telescope: their sum is the time to the last mark, the total adds
        # the return from model_invoke() and the final timer read (one tick = 40 insns)
        assert total <= res.latency
        assert res.latency - total <= max(0.03 * res.latency, 200), (total, res.latency)
        assert res.latency_min == res.latency_max           # still deterministic
        assert d.client.get_layers() == lat                 # last run, stable


def test_firmware_without_per_layer_reports_unavailable(model, dirs):
    fw = build_firmware(model, BOARD, **dirs)
    with Dut.qemu(model, BOARD, firmware=fw) as d:
        assert d.client.get_layers() is None                # ERROR "unsupported"
        res = d.infer(seed=0, per_layer=True)
        assert res.layers is None and "no per-layer timing" in res.layers_error
        assert res.matches_reference
        res = d.infer(seed=0)                               # not asked by default
        assert res.layers is None


def test_bench_cli_per_layer(tmp_path, model, dirs, capsys):
    from tinyengine_pio.harness.cli import main
    path = tmp_path / "m.tflite"
    path.write_bytes(model)
    args = [str(path), "--runs", "1", "-q", "--per-layer", "--cache-dir", dirs["cache_dir"],
            "--core-dir", dirs["core_dir"]]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "per-layer" in out and "share" in out and "MACs" in out
    assert main(args + ["--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    layers = data["layers"]
    assert len(layers) >= 2 and all(L["latency"] > 0 and "macs" in L and "share" in L
                                    for L in layers)
    assert abs(sum(L["share"] for L in layers) - 100.0) < 5.0
