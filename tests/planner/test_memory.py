"""Memory planning beyond the classical bound: overlap safety (checked by an independent
byte-level simulation of the kernels' loop order), in-place element-wise ops, arena canaries,
report/plot/analyze."""
from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinyengine_pio import analyze, compile_model
from tinyengine_pio.planner.overlap import best_delta, elementwise, extent, hazard_free, window
from tests.conftest import model_params, shared_model
from tests.helpers.hostrun import HostModel, assert_matches_tflm


def simulate_conv_kernel(in_h, in_w, ic, out_h, out_w, oc, k, s, pad, delta, depthwise=False):
    """Byte-level replay of te_conv_2d_s8 / te_depthwise_conv_2d_s8 loop order with the output
    at input_start + delta: returns False if any input byte is read after being overwritten."""
    clobbered = set()
    for oy in range(out_h):
        for ox in range(out_w):
            for c in range(oc):
                for ky in range(k):
                    iy = oy * s - pad + ky
                    if not 0 <= iy < in_h:
                        continue
                    for kx in range(k):
                        ix = ox * s - pad + kx
                        if not 0 <= ix < in_w:
                            continue
                        chans = [c] if depthwise else range(ic)
                        for ch in chans:
                            if (iy * in_w + ix) * ic + ch in clobbered:
                                return False
                clobbered.add(delta + (oy * out_w + ox) * oc + c)
    return True


geometry = st.tuples(st.integers(2, 7), st.integers(2, 7), st.integers(1, 4), st.integers(1, 5),
                     st.sampled_from([1, 3, 5]), st.integers(1, 2), st.booleans())


@settings(max_examples=60, deadline=None)
@given(geometry)
def test_overlap_offset_is_safe_and_tight(geo):
    h, w, ic, oc, k, s, same = geo
    pad = (k - 1) // 2 if same else 0
    out_h, out_w = (h + 2 * pad - k) // s + 1, (w + 2 * pad - k) // s + 1
    if out_h < 1 or out_w < 1:
        return
    p = window(h, w, ic, out_h, out_w, oc, k, k, s, s, 1, 1, pad, pad)
    d = best_delta(p, 1)
    if d is None:
        return
    assert simulate_conv_kernel(h, w, ic, out_h, out_w, oc, k, s, pad, d)
    assert extent(p.in_bytes, p.out_bytes, d) < p.in_bytes + p.out_bytes
    if d < max(0, p.in_bytes - p.out_bytes):      # one byte higher would no longer be safe
        assert not hazard_free(p, d + 1)


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 6), st.integers(2, 6), st.integers(1, 5), st.sampled_from([1, 3]),
       st.integers(1, 2))
def test_depthwise_overlap_is_safe(h, w, c, k, s):
    pad = (k - 1) // 2
    out_h, out_w = (h + 2 * pad - k) // s + 1, (w + 2 * pad - k) // s + 1
    p = window(h, w, c, out_h, out_w, c, k, k, s, s, 1, 1, pad, pad)
    d = best_delta(p, 1)
    if d is not None:
        assert simulate_conv_kernel(h, w, c, out_h, out_w, c, k, s, pad, d, depthwise=True)


def test_known_overlaps():
    # pointwise 8 -> 16 channels on 48x48: the output only needs one input pixel of headroom
    p = window(48, 48, 8, 48, 48, 16, 1, 1, 1, 1, 1, 1, 0, 0)
    d = best_delta(p, 4)
    assert extent(p.in_bytes, p.out_bytes, d) == 36864 + 8
    # element-wise: fully in place
    assert best_delta(elementwise(1000), 4) == 0
    # 3x3 stride 1 SAME: one row and two pixels of lag
    p = window(32, 32, 16, 32, 32, 16, 3, 3, 1, 1, 1, 1, 1, 1)
    assert extent(p.in_bytes, p.out_bytes, best_delta(p, 4)) == 16384 + (32 + 2) * 16


@pytest.mark.parametrize("name", model_params(["person_detect_int8.tflite", "kws_dscnn_int8.tflite",
                                               "ic_resnet8_int8.tflite",
                                               "vww_mobilenetv1_025_96_int8.tflite"]))
def test_overlapping_plans_beat_the_classical_bound(name):
    cm = compile_model(shared_model(name).read_bytes(), name=name)
    assert cm.plan.pins and cm.arena_bytes < cm.plan.lower_bound
    no = compile_model(shared_model(name).read_bytes(), name=name, overlap=False)
    assert no.arena_bytes == no.plan.lower_bound and not no.plan.pins


def test_canary_build_matches_tflm_and_detects_overflow(tmp_path, compile_to):
    data = shared_model("kws_dscnn_int8.tflite").read_bytes()
    cm, out = compile_to(data)
    with HostModel(out, extra_cflags=["-DMODEL_ARENA_CANARY"]) as host:
        assert_matches_tflm(data, out, host=host)
    # a program that writes one byte past the arena end: the next invoke reports it
    last = max(cm.offsets[i] for i in cm.offsets)
    t = max(cm.offsets, key=lambda i: cm.offsets[i] + cm.graph.t(i).nbytes)
    end = cm.offsets[t] + cm.graph.t(t).nbytes
    in_off = cm.offsets[cm.graph.storage(cm.graph.inputs[0])]
    assert last >= 0
    (tmp_path / "bad.c").write_text(
        '#include "model.h"\n'
        "int main(void) {\n"
        "    if (model_invoke() != 0) return 10;\n"
        f"    ((signed char *)model_input(0))[{cm.arena_bytes - in_off}] = 0x11;\n"
        "    return model_invoke() == -1 ? 0 : 11;\n"
        "}\n")
    srcs = [str(p) for p in out.glob("*.c")]
    exe = tmp_path / "bad"
    subprocess.run(["gcc", "-std=c99", "-DMODEL_ARENA_CANARY", "-I", str(out), *srcs,
                    str(tmp_path / "bad.c"), "-o", str(exe)], check=True)
    assert subprocess.run([str(exe)]).returncode == 0
    assert end <= cm.arena_bytes


@pytest.mark.slow
def test_report_json_plot_and_compare(tmp_path, capsys):
    from tinyengine_pio.cli import main
    model = shared_model("person_detect_int8.tflite")
    png = tmp_path / "mem.png"
    assert main(["report", str(model), "--json", "--plot", str(png), "--compare-tflm"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert png.stat().st_size > 10_000 and png.read_bytes()[:4] == b"\x89PNG"
    assert r["arena_bytes"] < r["lower_bound_bytes"] and r["tflm"]["head"] == 55296
    for b in r["buffers"]:
        assert set(b) == {"tensor", "offset", "bytes", "lifetime"}
        assert b["offset"] + b["bytes"] <= r["arena_bytes"]


def test_analyze_agrees_with_compile():
    data = shared_model("kws_dscnn_int8.tflite").read_bytes()
    a = analyze(data)
    cm = compile_model(data)
    assert a.arena_bytes == cm.arena_bytes and a.weight_bytes == cm.weight_bytes
    assert a.macs == sum(layer["macs"] for layer in a.layers) > 2_000_000
    assert a.peak_sram_bytes > a.arena_bytes
    assert a.fits({"upload": {"maximum_ram_size": 64 * 1024, "maximum_size": 1 << 20}})
    assert not a.fits({"upload": {"maximum_ram_size": 8 * 1024, "maximum_size": 1 << 20}})


def test_alignment_option():
    data = shared_model("mnist_resnet_int8.tflite").read_bytes()
    cm = compile_model(data, alignment=16)
    assert all(off % 16 == 0 for off in cm.offsets.values())
    assert cm.arena_bytes % 16 == 0


def test_inplace_depthwise_kernel_matches_tflm(tflm_check):
    """conv -> depthwise -> conv: the depthwise runs in place through a channel-group scratch."""
    from tests.helpers.opmodels import conv_dw_conv
    cm = tflm_check(conv_dw_conv())
    dw = cm.graph.operators[1]
    assert dw.memory.variant == "inplace", [p.kind for p in cm.plan.pins]
    assert "te_depthwise_conv_2d_inplace_s8" in cm.files["model.c"]


def test_branch_order_lowers_peak(tflm_check):
    """Two branches x -> A1 (wide) -> A2 (narrow) and x -> B1 (wide) -> B2 (narrow), joined by a
    concatenation. The model interleaves them (A1, B1, A2, B2), keeping both wide tensors alive
    at once; the scheduler finishes one branch first."""
    from tests.helpers.builder import ModelBuilder, random_conv_weights
    from tinyengine_pio.frontend import read_model
    from tinyengine_pio.passes import run_pipeline
    from tinyengine_pio.schedule import peak_bytes
    rng = np.random.default_rng(2)
    mb = ModelBuilder()
    q = dict(scale=0.05, zero_point=0)
    x = mb.tensor([1, 8, 8, 4], "int8", **q)

    def conv(src, cin, cout):
        w, s = random_conv_weights(rng, [cout, 1, 1, cin], True)
        y = mb.tensor([1, 8, 8, cout], "int8", **q)
        mb.op("CONV_2D", [src, mb.const(w, scale=s, quant_dim=0), None], [y],
              dict(padding="SAME", stride_h=1, stride_w=1))
        return y
    a1 = conv(x, 4, 64)
    b1 = conv(x, 4, 64)
    a2 = conv(a1, 64, 2)
    b2 = conv(b1, 64, 2)
    y = mb.tensor([1, 8, 8, 4], "int8", **q)
    mb.op("CONCATENATION", [a2, b2], [y], dict(axis=3))
    data = mb.build([x], [y])
    g = run_pipeline(read_model(data))
    cm = tflm_check(data)
    steps = list(range(len(cm.graph.operators)))
    assert peak_bytes(cm.graph, steps) < peak_bytes(g, steps)
    order = [op.index for op in cm.graph.operators]
    assert abs(order.index(0) - order.index(2)) == 1 or abs(order.index(1) - order.index(3)) == 1


@pytest.mark.slow
def test_cost_model_predicts_every_layer():
    """The report's latency estimate covers every layer with a fitted kernel key."""
    from tinyengine_pio.costmodel import coefficients, kernel_key, predict
    cm = compile_model(shared_model("person_detect_int8.tflite").read_bytes(), emit=False)
    est = predict(cm.graph)
    assert len(est) == len(cm.graph.operators) and all(e > 0 for e in est)
    assert {kernel_key(op) for op in cm.graph.operators} <= set(coefficients()) | {
        op.kind for op in cm.graph.operators}
    macs = sum(layer["macs"] for layer in analyze(shared_model("person_detect_int8.tflite")
                                                  .read_bytes()).layers)
    assert 1.0 < sum(est) / macs < 20.0


def test_report_estimates_for_the_chosen_core(capsys):
    """`report --cpu cortex-m55` uses the Helium kernels' fitted keys: on kws (1x1 and
    depthwise layers, which run MVE there) a lower estimate than the Cortex-M4's."""
    from tinyengine_pio.cli import main
    from tinyengine_pio.costmodel import coefficients, kernel_key
    model = shared_model("kws_dscnn_int8.tflite")
    est = {}
    for cpu in ("cortex-m4", "cortex-m55"):
        assert main(["report", str(model), "--json", "--cpu", cpu]) == 0
        r = json.loads(capsys.readouterr().out)
        assert r["est_cpu"] == cpu
        est[cpu] = r["est_instructions"]
    assert est["cortex-m55"] < 0.7 * est["cortex-m4"]
    cm = compile_model(model.read_bytes(), emit=False)
    assert {kernel_key(op, mve=True) for op in cm.graph.operators} <= set(coefficients())
