"""--io int8 (passes/int8_io.py): the float32 boundary QUANTIZE / DEQUANTIZE of a float-I/O model
are dropped and the caller passes / receives the quantized tensors.

Oracle: the ORIGINAL float-I/O model in TFLM, fed x = (q - zp) * scale for our int8 input q
(TFLM's QUANTIZE maps it back to q: asserted through a QUANTIZE-only model), and its float
outputs mapped back, q = round(f / scale) + zp, must equal our int8 outputs byte for byte."""
from __future__ import annotations

import json

import numpy as np
import pytest

from tests.conftest import shared_model
from tests.helpers.builder import ModelBuilder, random_bias, random_conv_weights
from tests.helpers.hostrun import HostModel
from tests.helpers.tflm import run_tflm_many
from tinyengine_pio import compile_model
from tinyengine_pio.cli import main as cli_main
from tinyengine_pio.emitter import write_files
from tinyengine_pio.errors import OptionError
from tinyengine_pio.ir import NP_TYPES
from tinyengine_pio.metadata import ModelMetadata
from tinyengine_pio.passes.int8_io import caller_outputs, model_inputs

Q_IN = (0.02, -5)          # the QUANTIZE output's scale, zero point
Q_IN2 = (0.035, 17)


def _conv(mb, rng, x, x_q, shape, oc, out_q, act="RELU"):
    """int8 CONV_2D 3x3 SAME of `x` ([1,H,W,C], quantized as `x_q`) -> a new int8 tensor."""
    n, h, w, c = shape
    wq, ws = random_conv_weights(rng, [oc, 3, 3, c], True, scale_range=(0.002, 0.01))
    W = mb.const(wq, scale=ws, zero_point=0, quant_dim=0)
    bq, bs = random_bias(rng, oc, x_q[0], ws)
    B = mb.const(bq, scale=bs, zero_point=0)
    y = mb.tensor([n, h, w, oc], "int8", scale=out_q[0], zero_point=out_q[1])
    mb.op("CONV_2D", [x, W, B], [y], dict(padding="SAME", fused_activation_function=act))
    return y


def _quantize(mb, x, shape, q, dtype="int8", name=None):
    xq = mb.tensor(shape, dtype, scale=q[0], zero_point=q[1], name=name)
    mb.op("QUANTIZE", [x], [xq])
    return xq


def _dequantize(mb, y, shape, name=None):
    f = mb.tensor(shape, "float32", name=name)
    mb.op("DEQUANTIZE", [y], [f])
    return f


def floatio_conv(shape=(1, 8, 8, 3), oc=4, seed=0) -> bytes:
    """float x -> QUANTIZE -> int8 CONV_2D -> DEQUANTIZE -> float out."""
    rng = np.random.default_rng(seed)
    mb = ModelBuilder()
    x = mb.tensor(shape, "float32", name="x")
    xq = _quantize(mb, x, shape, Q_IN, name="x_int8")
    y = _conv(mb, rng, xq, Q_IN, shape, oc, (0.07, -20))
    out = _dequantize(mb, y, [*shape[:3], oc], name="out")
    return mb.build([x], [out])


def floatio_two_in_two_out(seed=1) -> bytes:
    """x1, x2 float -> QUANTIZE each -> ADD -> y; out1 = DEQUANTIZE(y) while y also feeds a
    CONV_2D whose result is DEQUANTIZEd to out2 (a dropped DEQUANTIZE's int8 input is read
    inside too)."""
    rng = np.random.default_rng(seed)
    shape = [1, 6, 6, 4]
    mb = ModelBuilder()
    x1 = mb.tensor(shape, "float32", name="x1")
    x2 = mb.tensor(shape, "float32", name="x2")
    q1 = _quantize(mb, x1, shape, Q_IN)
    q2 = _quantize(mb, x2, shape, Q_IN2)
    y = mb.tensor(shape, "int8", scale=0.05, zero_point=3, name="sum")
    mb.op("ADD", [q1, q2], [y])
    z = _conv(mb, rng, y, (0.05, 3), shape, 5, (0.09, -7), act="NONE")
    o1 = _dequantize(mb, y, shape, name="out1")
    o2 = _dequantize(mb, z, [1, 6, 6, 5], name="out2")
    return mb.build([x1, x2], [o2, o1])


def floatio_float_tail(seed=2) -> bytes:
    """... -> DEQUANTIZE -> float RELU -> out: the DEQUANTIZE is not at the boundary."""
    rng = np.random.default_rng(seed)
    shape = [1, 5, 5, 3]
    mb = ModelBuilder()
    x = mb.tensor(shape, "float32", name="x")
    xq = _quantize(mb, x, shape, Q_IN)
    y = _conv(mb, rng, xq, Q_IN, shape, 2, (0.06, 10), act="NONE")
    f = _dequantize(mb, y, [1, 5, 5, 2])
    out = mb.tensor([1, 5, 5, 2], "float32", name="out")
    mb.op("RELU", [f], [out])
    return mb.build([x], [out])


def floatio_shared_input(seed=3) -> bytes:
    """The float input feeds the QUANTIZE and a float RELU (a second output): kept."""
    rng = np.random.default_rng(seed)
    shape = [1, 4, 4, 3]
    mb = ModelBuilder()
    x = mb.tensor(shape, "float32", name="x")
    xq = _quantize(mb, x, shape, Q_IN)
    y = _conv(mb, rng, xq, Q_IN, shape, 2, (0.05, 0))
    out = _dequantize(mb, y, [1, 4, 4, 2], name="out")
    r = mb.tensor(shape, "float32", name="relu")
    mb.op("RELU", [x], [r])
    return mb.build([x], [out, r])


def floatio_passthrough() -> bytes:
    """x -> QUANTIZE -> q -> DEQUANTIZE -> out, and q -> DEQUANTIZE -> out2: the QUANTIZE
    goes, the DEQUANTIZEs of what is now a graph input stay."""
    shape = [1, 12]
    mb = ModelBuilder()
    x = mb.tensor(shape, "float32", name="x")
    q = _quantize(mb, x, shape, Q_IN)
    return mb.build([x], [_dequantize(mb, q, shape, "out"), _dequantize(mb, q, shape, "out2")])


def floatio_twice_dequantized(seed=4) -> bytes:
    """One int8 tensor DEQUANTIZEd into two outputs: the first DEQUANTIZE goes, the second
    stays (a tensor is one graph output)."""
    rng = np.random.default_rng(seed)
    shape = [1, 4, 4, 2]
    mb = ModelBuilder()
    x = mb.tensor(shape, "float32", name="x")
    xq = _quantize(mb, x, shape, Q_IN)
    y = _conv(mb, rng, xq, Q_IN, shape, 3, (0.04, -1))
    return mb.build([x], [_dequantize(mb, y, [1, 4, 4, 3], "a"),
                          _dequantize(mb, y, [1, 4, 4, 3], "b")])


def floatio_int16(seed=5) -> bytes:
    """int16x8: float -> QUANTIZE int16 -> int16 ADD -> DEQUANTIZE -> float: int16 I/O."""
    del seed
    shape = [1, 3, 7]
    mb = ModelBuilder()
    x = mb.tensor(shape, "float32", name="x")
    x2 = mb.tensor(shape, "float32", name="x2")
    q = _quantize(mb, x, shape, (0.001, 0), dtype="int16")
    q2 = _quantize(mb, x2, shape, (0.0007, 0), dtype="int16")
    y = mb.tensor(shape, "int16", scale=0.0015, zero_point=0)
    mb.op("ADD", [q, q2], [y])
    return mb.build([x, x2], [_dequantize(mb, y, shape, "out")])


def float_only() -> bytes:
    mb = ModelBuilder()
    x = mb.tensor([1, 8], "float32", name="x")
    y = mb.tensor([1, 8], "float32", name="y")
    mb.op("RELU", [x], [y])
    return mb.build([x], [y])


def int8_only() -> bytes:
    rng = np.random.default_rng(6)
    mb = ModelBuilder()
    x = mb.tensor([1, 4, 4, 3], "int8", scale=Q_IN[0], zero_point=Q_IN[1], name="x")
    y = _conv(mb, rng, x, Q_IN, [1, 4, 4, 3], 2, (0.05, 1))
    return mb.build([x], [y])


# --- the oracle ------------------------------------------------------------------------------

def _caller_sets(cm, seeds=(0, 1, 2)) -> list[list[np.ndarray]]:
    """Seeded sets over the whole quantized range (float inputs: normal), plus all-min and
    all-max of every integer input."""
    g = cm.graph
    sets = []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        one = []
        for i in g.inputs:
            t = g.t(i)
            if t.dtype == "float32":
                one.append(rng.standard_normal(t.shape).astype(np.float32))
            else:
                info = np.iinfo(NP_TYPES[t.dtype])
                one.append(rng.integers(info.min, info.max + 1, t.shape).astype(NP_TYPES[t.dtype]))
        sets.append(one)
    for pick in ("min", "max"):
        sets.append([np.full(g.t(i).shape, getattr(np.iinfo(NP_TYPES[g.t(i).dtype]), pick),
                             NP_TYPES[g.t(i).dtype]) if g.t(i).dtype != "float32"
                     else np.zeros(g.t(i).shape, np.float32) for i in g.inputs])
    return sets


def check_int8_io(data: bytes, tmp_path, sets=None, prefix: str = "model", **options):
    """Compile `data` with io="int8" (and compile_model `options`), run it on the host and
    compare with the float-I/O model in TFLM through model_inputs / caller_outputs; returns the
    CompiledModel."""
    cm = compile_model(data, prefix=prefix, name="floatio.tflite", io="int8", **options)
    dropped = cm.graph.config["io_dropped"]
    out = tmp_path / f"gen_{prefix}"
    write_files(str(out), cm.files)
    sets = sets or _caller_sets(cm)
    with HostModel(out, prefix) as host:
        ours = host.run(sets)
    refs = run_tflm_many(data, [model_inputs(dropped, s) for s in sets])
    g = cm.graph
    for k, (got, want) in enumerate(zip(ours, refs)):
        want = caller_outputs(dropped, want)
        assert len(got) == len(want) == len(g.outputs)
        for o, (raw, w) in enumerate(zip(got, want)):
            t = g.t(g.outputs[o])
            assert w.dtype == NP_TYPES[t.dtype], (k, o, w.dtype, t.dtype)
            mine = np.frombuffer(raw, NP_TYPES[t.dtype]).reshape(w.shape)
            if t.dtype == "float32":
                np.testing.assert_allclose(mine, w, rtol=1e-4, atol=1e-5, err_msg=f"set {k}")
            else:
                assert raw == w.tobytes(), (f"set {k} output {o}: first difference at "
                                            f"{int(np.flatnonzero(mine != w)[0])}")
    return cm


def _kinds(dropped):
    return [(d["op"], d["side"], d["position"]) for d in dropped]


# --- the tests -------------------------------------------------------------------------------

@pytest.mark.parametrize("q", [(0.02, -5), (0.0039215689, -128), (1.7, 127), (1e-4, 0),
                               (0.123456789, 33)])
def test_tflm_quantize_returns_the_callers_int8(q):
    """The oracle's premise: every int8 q, fed to TFLM's QUANTIZE as (q - zp) * scale, is q."""
    mb = ModelBuilder()
    x = mb.tensor([1, 256], "float32")
    y = _quantize(mb, x, [1, 256], q)
    data = mb.build([x], [y])
    every = np.arange(-128, 128, dtype=np.int8).reshape(1, 256)
    d = [dict(side="input", position=0, scale=float(np.float32(q[0])), zero_point=q[1])]
    (got,), = run_tflm_many(data, [model_inputs(d, [every])])
    assert got.tobytes() == every.tobytes()


def test_conv_drops_both_ends_and_matches_tflm(tmp_path):
    data = floatio_conv()
    cm = check_int8_io(data, tmp_path)
    g = cm.graph
    assert _kinds(g.config["io_dropped"]) == [("QUANTIZE", "input", 0),
                                              ("DEQUANTIZE", "output", 0)]
    assert [g.t(i).dtype for i in g.inputs + g.outputs] == ["int8", "int8"]
    assert [op.kind for op in g.operators] == ["CONV_2D"]
    assert (g.t(g.inputs[0]).name, g.t(g.inputs[0]).zp) == ("x_int8", Q_IN[1])
    base = compile_model(data)
    assert base.arena_bytes >= 8 * 8 * 3 * 4       # the float input buffer, 768 B
    assert cm.arena_bytes <= g.t(g.inputs[0]).nbytes + g.t(g.outputs[0]).nbytes   # 192 + 256
    assert base.graph.config.get("io_dropped") is None     # io="model": the pass does nothing


def test_optimize_size_too(tmp_path):
    data = floatio_conv((1, 7, 9, 5), 6, seed=9)
    cm = compile_model(data, io="int8", optimize="size")
    out = tmp_path / "gen"
    write_files(str(out), cm.files)
    dropped = cm.graph.config["io_dropped"]
    sets = _caller_sets(cm)
    with HostModel(out) as host:
        ours = host.run(sets)
    refs = run_tflm_many(data, [model_inputs(dropped, s) for s in sets])
    assert [o[0] for o in ours] == [caller_outputs(dropped, r)[0].tobytes() for r in refs]


def test_two_inputs_two_outputs_and_an_output_read_inside(tmp_path):
    cm = check_int8_io(floatio_two_in_two_out(), tmp_path)
    g = cm.graph
    assert sorted(_kinds(g.config["io_dropped"])) == [
        ("DEQUANTIZE", "output", 0), ("DEQUANTIZE", "output", 1), ("QUANTIZE", "input", 0),
        ("QUANTIZE", "input", 1)]
    assert [op.kind for op in g.operators] == ["ADD", "CONV_2D"]
    assert g.t(g.outputs[1]).name == "sum"         # the ADD's output: an output, read by the conv
    assert [g.t(i).zp for i in g.inputs] == [Q_IN[1], Q_IN2[1]]


def test_float_op_after_the_dequantize_keeps_it(tmp_path):
    cm = check_int8_io(floatio_float_tail(), tmp_path)
    g = cm.graph
    assert _kinds(g.config["io_dropped"]) == [("QUANTIZE", "input", 0)]
    assert [op.kind for op in g.operators] == ["CONV_2D", "DEQUANTIZE", "RELU"]
    assert g.t(g.outputs[0]).dtype == "float32"


def test_input_read_by_another_op_keeps_its_quantize(tmp_path):
    cm = check_int8_io(floatio_shared_input(), tmp_path)
    g = cm.graph
    assert _kinds(g.config["io_dropped"]) == [("DEQUANTIZE", "output", 0)]
    assert "QUANTIZE" in [op.kind for op in g.operators]
    assert [g.t(i).dtype for i in g.inputs] == ["float32"]


def test_passthrough_keeps_the_dequantizes_of_an_input(tmp_path):
    cm = check_int8_io(floatio_passthrough(), tmp_path)
    g = cm.graph
    assert _kinds(g.config["io_dropped"]) == [("QUANTIZE", "input", 0)]
    assert [op.kind for op in g.operators] == ["DEQUANTIZE", "DEQUANTIZE"]


def test_a_tensor_dequantized_twice_is_one_output(tmp_path):
    cm = check_int8_io(floatio_twice_dequantized(), tmp_path)
    g = cm.graph
    assert _kinds(g.config["io_dropped"]) == [("QUANTIZE", "input", 0),
                                              ("DEQUANTIZE", "output", 0)]
    assert [g.t(o).dtype for o in g.outputs] == ["int8", "float32"]


def test_int16x8_gets_int16_io(tmp_path):
    cm = check_int8_io(floatio_int16(), tmp_path)
    g = cm.graph
    assert [d["dtype"] for d in g.config["io_dropped"]] == ["int16", "int16", "int16"]
    assert [g.t(i).dtype for i in g.inputs + g.outputs] == ["int16"] * 3
    assert [op.kind for op in g.operators] == ["ADD"]


@pytest.mark.parametrize("build", [float_only, int8_only])
def test_nothing_to_drop_is_a_no_op(build, tmp_path, capsys):
    data = build()
    cm, base = compile_model(data, io="int8"), compile_model(data)
    assert cm.graph.config["io_dropped"] == []
    assert {n: t for n, t in cm.files.items() if not n.endswith(".json")} == \
        {n: t for n, t in base.files.items() if not n.endswith(".json")}
    assert cm.arena_bytes == base.arena_bytes
    path = tmp_path / "m.tflite"
    path.write_bytes(data)
    assert cli_main(["report", str(path), "--io", "int8"]) == 0
    assert "--io int8        nothing dropped" in capsys.readouterr().out
    assert cli_main(["compile", str(path), "--io", "int8", "--out", str(tmp_path / "o")]) == 0
    assert "--io int8: nothing dropped" in capsys.readouterr().out


def test_header_json_and_report_describe_the_new_io(tmp_path, capsys):
    data = floatio_two_in_two_out()
    cm = compile_model(data, prefix="net", io="int8")
    h = cm.files["net.h"]
    g = cm.graph
    t_in, t_out = g.t(g.inputs[1]), g.t(g.outputs[0])
    assert f"#define NET_INPUT1_SCALE {t_in.s!r}f\n#define NET_INPUT1_ZERO_POINT {Q_IN2[1]}\n" in h
    assert f"#define NET_OUTPUT0_SCALE {t_out.s!r}f\n#define NET_OUTPUT0_ZERO_POINT -7\n" in h
    assert "_SCALE" not in compile_model(data, prefix="net").files["net.h"]
    md = ModelMetadata.from_json(cm.files["net.json"])
    assert md.io == "int8" and json.loads(cm.files["net.json"])["io"] == "int8"
    assert [(t.dtype, t.scale, t.zero_point, t.bytes) for t in md.inputs] == [
        ("int8", g.t(i).s, g.t(i).zp, 144) for i in g.inputs]
    assert [t.dtype for t in md.outputs] == ["int8", "int8"]
    assert "io" not in json.loads(compile_model(data).files["model.json"])
    assert ModelMetadata.from_json(compile_model(data).files["model.json"]).io == "model"
    path = tmp_path / "m.tflite"
    path.write_bytes(data)
    assert cli_main(["report", str(path), "--io", "int8", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["io"] == "int8" and len(r["io_dropped"]) == 4
    assert r["io_dropped"][0]["text"] == (
        f"dropped QUANTIZE #0 at input 0 'x1': the caller passes int8, scale "
        f"{float(np.float32(Q_IN[0]))!r} zero point {Q_IN[1]}")
    assert cli_main(["report", str(path), "--io", "int8"]) == 0
    text = capsys.readouterr().out
    assert "dropped DEQUANTIZE #" in text and "the caller receives int8" in text
    assert cli_main(["report", str(path)]) == 0
    assert "--io" not in capsys.readouterr().out
    assert cli_main(["run", str(path), "--io", "int8"]) == 0
    assert "output 0 [1, 6, 6, 5] int8" in capsys.readouterr().out


def test_invalid_io_is_refused(tmp_path, capsys):
    with pytest.raises(OptionError, match="io must be 'model' or 'int8', not 'float'"):
        compile_model(floatio_conv(), io="float")
    path = tmp_path / "m.tflite"
    path.write_bytes(floatio_conv())
    with pytest.raises(SystemExit):
        cli_main(["compile", str(path), "--io", "uint8", "--out", str(tmp_path / "o")])
    assert "invalid choice: 'uint8'" in capsys.readouterr().err


def test_compile_models_passes_io(tmp_path):
    from tinyengine_pio.compiler import compile_models
    cs = compile_models([("a", floatio_conv()), ("b", int8_only())], tmp_path / "o", io="int8")
    assert [len(cm.graph.config["io_dropped"]) for cm in cs.models.values()] == [2, 0]


@pytest.mark.parametrize("name, outputs", [
    ("tinyengine_mcunet_vww_80_floatio.tflite", 1),
    pytest.param("tinyengine_mcunet_det_128x160_floatio.tflite", 3, marks=pytest.mark.slow)])
def test_shared_floatio_models_int8_io_match_tflm(name, outputs, tmp_path):
    """The real float-I/O models: their QUANTIZE and DEQUANTIZEs go, outputs equal TFLM's (vww
    takes ~1.5 s here, kept in the fast loop as the one real-model check)."""
    data = shared_model(name).read_bytes()
    cm = check_int8_io(data, tmp_path, sets=None)
    g = cm.graph
    assert sorted(_kinds(g.config["io_dropped"])) == sorted(
        [("QUANTIZE", "input", 0)] + [("DEQUANTIZE", "output", n) for n in range(outputs)])
    assert [g.t(i).dtype for i in g.inputs + g.outputs] == ["int8"] * (1 + outputs)


# --- PlatformIO: custom_tinyengine_io ----------------------------------------------------------

def _hook_opts(**kw):
    from tinyengine_pio.platformio.hook import parse_options
    return parse_options({"custom_tinyengine_" + k: v for k, v in kw.items()}, "e")


def test_platformio_option_io():
    from tinyengine_pio.platformio import hook
    assert _hook_opts(model="m.tflite")["io"] == "model"
    o = _hook_opts(model="m.tflite", io=' "int8" ')
    assert o["io"] == "int8"
    cmd = hook.compile_command("py", [("model", "m.tflite")], o, "out")
    assert cmd[-2:] == ["--io", "int8"]
    assert "--io" not in hook.compile_command("py", [("model", "m.tflite")],
                                              _hook_opts(model="m.tflite"), "out")
    several = _hook_opts(models="a:a.tflite, b:b.tflite", io="int8", shared_arena="yes")
    assert hook.compile_command("py", several["models"], several, "out")[-2:] == ["--io", "int8"]
    models = [("model", b"x")]
    assert hook.stamp_key(models, o, "/nonexistent") != hook.stamp_key(
        models, _hook_opts(model="m.tflite"), "/nonexistent")
    with pytest.raises(hook.HookError, match="invalid custom_tinyengine_io = float: expected "
                                             "model or int8"):
        _hook_opts(model="m.tflite", io="float")


def test_platformio_estimate_with_io_int8():
    """The fit check's lower bound follows the option: no float input buffer with int8."""
    from tinyengine_pio.platformio.estimate import estimate, main
    data = floatio_conv((1, 16, 16, 3), 4)
    e_model, e_int8 = estimate(data), estimate(data, io="int8")
    cm = compile_model(data, io="int8", emit=False)
    assert e_int8["arena_at_least"] <= cm.arena_bytes
    assert e_int8["arena_at_least"] < e_model["arena_at_least"]
    assert e_int8["weight_bytes"] == cm.weight_bytes
    with pytest.raises(SystemExit):
        main(["--io", "float", "m.tflite"])


# --- the harness: the Dut compiles with the build's io and checks against TFLM through it ----

def test_harness_dut_with_io_int8(tmp_path):
    """A (fake) device running the --io int8 build of a float-I/O model: the Dut's identity
    check needs io="int8" (the host compile must match the firmware's code), and its TFLM
    reference runs the float model on the dequantized input, quantizing the outputs back."""
    from tinyengine_pio.harness.client import Client
    from tinyengine_pio.harness.dut import Dut
    from tinyengine_pio.harness.errors import HarnessError
    from tinyengine_pio.harness.fake_device import DeviceSpec, FakeDevice, Round
    from tinyengine_pio.harness.transport import open_transport
    from tinyengine_pio.host import run_on_host, seed_inputs
    data = floatio_conv()
    cm = compile_model(data, io="int8")
    good = run_on_host(cm, seed_inputs(cm, 0))[0].tobytes()
    made = []

    def dut(out: bytes, **kw):
        dev = FakeDevice(DeviceSpec.for_model(data, cm, [Round([out], [1000])]))
        t = open_transport(dev.start_socket())
        made.extend([dev, t])
        return Dut(Client(t, 2.0, 2.0), data, **kw)
    try:
        with pytest.raises(HarnessError, match="generated-code sha256"):
            dut(good)                                   # host compiled with io="model"
        res = dut(good, io="int8").infer(seed=0)
        assert res.matches_reference, res.mismatch
        assert res.outputs[0].dtype == np.int8
        bad = bytes([good[0] ^ 1]) + good[1:]
        res = dut(bad, io="int8").infer(seed=0)
        assert res.matches_reference is False and "element 0" in res.mismatch
    finally:
        for m in reversed(made):
            m.close()


def test_zephyr_target_reads_the_builds_io(tmp_path):
    """A Zephyr build's io: its model.json, else CONFIG_TINYENGINE_IO_INT8."""
    from tinyengine_pio.harness.targets.zephyr_build import _compile_io
    write_files(str(tmp_path / "a"), compile_model(floatio_conv(), io="int8").files)
    write_files(str(tmp_path / "b"), compile_model(floatio_conv()).files)
    assert _compile_io({"out_dir": str(tmp_path / "a"), "config": {}}) == "int8"
    assert _compile_io({"out_dir": str(tmp_path / "b"), "config": {}}) == "model"
    assert _compile_io({"out_dir": str(tmp_path / "none"),
                        "config": {"CONFIG_TINYENGINE_IO_INT8": "y"}}) == "int8"
    assert _compile_io({"out_dir": str(tmp_path / "none"), "config": {}}) == "model"
