"""<prefix>.json beside the generated C (tinyengine_pio/metadata.py, docs/MODEL_JSON.md): its
figures must agree with the compiled model, with the generated C and with the harness's code hash."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import asdict

import pytest

from tests.helpers import opmodels as m
from tinyengine_pio import compile_model
from tinyengine_pio.emitter import MANIFEST, write_files
from tinyengine_pio.harness import code_sha256, code_sha256_dir
from tinyengine_pio.harness.pio_build import read_model_json
from tinyengine_pio.metadata import FORMAT_VERSION, ModelMetadata
from tinyengine_pio.ops import lookup
from tinyengine_pio.report import build_report

MODELS = {
    "add_two_inputs": lambda: m.binary("ADD", (1, 4, 4, 8), (1, 1, 1, 8), "RELU6"),
    "conv_dw_conv": m.conv_dw_conv,
    "wide_then_conv_fc": m.wide_then_conv_fc,
}


def _switch(c_text: str, signature: str) -> dict[int, int]:
    """`case n: return <...> + k;` / `case n: return ku;` of one generated accessor."""
    body = c_text[c_text.index(signature):]
    body = body[:body.index("default:")]
    return {int(n): int(v) for n, v in re.findall(r"case (\d+): return (?:TE_ARENA \+ )?(\d+)u?;",
                                                  body)}


@pytest.fixture(params=sorted(MODELS))
def compiled(request, tmp_path):
    data = MODELS[request.param]()
    cm = compile_model(data, prefix="net", name=f"{request.param}.tflite", optimize="size")
    write_files(str(tmp_path), cm.files)
    return data, cm, tmp_path


def test_written_beside_the_c_and_listed(compiled):
    _, cm, out = compiled
    assert "net.json" in cm.files
    assert (out / "net.json").read_text() == cm.files["net.json"]
    assert "net.json" in (out / MANIFEST).read_text().split()


def test_code_hash_is_the_harness_hash_of_the_written_directory(compiled):
    _, cm, out = compiled
    md = ModelMetadata.load(out, prefix="net")
    assert md.code_sha256 == code_sha256_dir(str(out))
    assert md.code_sha256 == code_sha256(cm.files)          # what Dut compares with the target
    (out / "net.c").write_text(cm.files["net.c"] + "/* edited */\n")
    assert md.code_sha256 != code_sha256_dir(str(out))


def test_agrees_with_compiled_model_and_generated_c(compiled):
    _, cm, out = compiled
    md = ModelMetadata.load(out / "net.json")
    g = cm.graph
    header, source = cm.files["net.h"], cm.files["net.c"]
    assert md.prefix == "net" and md.optimize == "size"
    assert md.source.name.endswith(".tflite")
    assert md.source.sha256 == cm.sha256 and f'#define NET_SHA256 "{cm.sha256}"' in header
    assert md.arena.bytes == cm.arena_bytes and f"#define NET_ARENA_BYTES {md.arena.bytes}\n" in header
    assert md.arena.lower_bound_bytes == cm.plan.lower_bound and md.arena.alignment == 4
    assert md.weight_bytes == cm.weight_bytes
    for kind, tensors, infos in (("input", g.inputs, md.inputs), ("output", g.outputs, md.outputs)):
        const = "const " if kind == "output" else ""
        offsets = _switch(source, f"{const}void *net_{kind}(int i)")
        sizes = _switch(source, f"size_t net_{kind}_bytes(int i)")
        assert [t.index for t in infos] == list(range(len(tensors)))
        for info, i in zip(infos, tensors):
            t = g.t(i)
            assert info.tensor == i and info.name == t.name and info.dtype == t.dtype
            assert info.shape == list(t.shape)
            assert info.bytes == t.nbytes == sizes[info.index]
            assert f"#define NET_{kind.upper()}{info.index}_BYTES {info.bytes}\n" in header
            assert info.arena_offset == cm.offsets[g.storage(i)] == offsets[info.index]
            assert (info.scale, info.zero_point) == (t.s, t.zp)
            assert f"scale {info.scale!r} zero_point {info.zero_point} */" in header
    assert md.input_copy_bytes == sum(g.t(i).nbytes for i in g.inputs)


def test_layers_are_the_report_table(compiled):
    _, cm, out = compiled
    md = ModelMetadata.load(out, prefix="net")
    rep = build_report(cm)
    g = cm.graph
    assert len(md.layers) == len(g.operators) == rep["operators"]
    for layer, op, row in zip(md.layers, g.operators, rep["layers"]):
        assert (layer.index, layer.op) == (op.index, op.kind)
        assert layer.outputs == [list(g.t(o).shape) for o in op.outputs]
        assert layer.macs == lookup(op).macs(g, op) == row["macs"]
        assert (layer.weight_bytes, layer.est_instructions) == (row["weight_bytes"],
                                                                row["est_instructions"])
    assert [layer.step for layer in md.layers] == list(range(len(g.operators)))
    assert md.macs == sum(layer.macs for layer in md.layers)
    assert md.est_instructions == sum(layer.est_instructions for layer in md.layers)
    assert md.est_cpu == rep["est_cpu"]
    # the generated code profiles the same steps
    assert re.findall(r"TE_PROFILE_LAYER\((\d+)\)", cm.files["net.c"]) == \
        [str(layer.step) for layer in md.layers]


def test_round_trip_and_format(compiled):
    _, cm, _ = compiled
    text = cm.files["net.json"]
    md = ModelMetadata.from_json(text)
    assert md.to_json() == text and text.endswith("}\n")
    d = asdict(md)
    assert d["arena"].pop("shared") is None     # the key is absent for a model's own arena
    assert d.pop("io") == "model"               # ... and for the model's own I/O (--io model)
    assert d.pop("stages") == []                # ... and layer by layer (no fused stage)
    assert d.pop("flash") is None               # ... and without a flash fallback
    assert d == json.loads(text)
    assert list(json.loads(text))[:3] == ["format_version", "tinyengine_pio_version", "prefix"]
    assert md.format_version == FORMAT_VERSION


def test_deterministic(compiled):
    data, cm, _ = compiled
    name = ModelMetadata.from_json(cm.files["net.json"]).source.name
    again = compile_model(data, prefix="net", name=name, optimize="size")
    assert again.files["net.json"] == cm.files["net.json"]


def test_follows_the_compile_options():
    data = m.conv_dw_conv()
    speed = ModelMetadata.from_json(compile_model(data, optimize="speed").files["model.json"])
    size = ModelMetadata.from_json(compile_model(data, optimize="size",
                                                 alignment=16).files["model.json"])
    assert (speed.optimize, size.optimize) == ("speed", "size")
    assert (speed.arena.alignment, size.arena.alignment) == (4, 16)
    assert all(t.arena_offset % 16 == 0 for t in size.inputs + size.outputs)
    assert speed.code_sha256 != size.code_sha256       # different kernels, different C


def test_newer_format_is_refused_and_unknown_keys_ignored(tmp_path):
    doc = json.loads(compile_model(m.conv_dw_conv()).files["model.json"])
    doc["a_later_addition"] = {"x": 1}
    doc["layers"][0]["another"] = 2
    md = ModelMetadata.from_dict(doc)
    assert not hasattr(md, "a_later_addition") and len(md.layers) == len(doc["layers"])
    doc["format_version"] = FORMAT_VERSION + 1
    with pytest.raises(ValueError, match="format_version"):
        ModelMetadata.from_dict(doc)


def test_scons_reader(compiled, tmp_path):
    """harness/pio_build.py (PlatformIO's SCons Python) reads it with plain json."""
    _, cm, out = compiled
    meta = read_model_json(str(out), "net")
    md = ModelMetadata.load(out, prefix="net")
    assert meta["code_sha256"] == md.code_sha256
    assert sum(t["bytes"] for t in meta["inputs"]) == md.input_copy_bytes
    assert meta["arena"]["bytes"] == md.arena.bytes and meta["weight_bytes"] == md.weight_bytes
    assert "cannot read" in read_model_json(str(tmp_path / "none"), "net")
    (out / "net.json").write_text(json.dumps(dict(json.loads(cm.files["net.json"]),
                                                  format_version=FORMAT_VERSION + 1)))
    assert "format_version" in read_model_json(str(out), "net")


@pytest.mark.zephyr
@pytest.mark.skipif(shutil.which("cmake") is None, reason="cmake not installed")
def test_zephyr_module_harness_figures_come_from_model_json(tmp_path):
    """tinyengine_add_harness() (zephyr_module/cmake/tinyengine.cmake) defines the code hash and
    the input-copy size from model.json; configured in a plain CMake project (no Zephyr)."""
    from tests.conftest import ROOT
    model = tmp_path / "two_inputs.tflite"
    model.write_bytes(MODELS["add_two_inputs"]())
    app = tmp_path / "app"
    app.mkdir()
    (app / "main.c").write_text("int main(void) { return 0; }\n")
    (app / "CMakeLists.txt").write_text(f"""cmake_minimum_required(VERSION 3.20)
project(t C)
add_executable(app main.c)
include("{ROOT / 'zephyr_module' / 'cmake' / 'tinyengine.cmake'}")
tinyengine_add_model(app "{model}" PREFIX model)
tinyengine_add_harness(app)
get_property(runtime GLOBAL PROPERTY TINYENGINE_PACKAGE_DIR)
get_property(defs SOURCE "${{runtime}}/runtime/te_harness.c" TARGET_DIRECTORY app
             PROPERTY COMPILE_DEFINITIONS)
file(WRITE "${{CMAKE_BINARY_DIR}}/defs.txt" "${{defs}}")
""")
    build = tmp_path / "build"
    r = subprocess.run(["cmake", "-S", str(app), "-B", str(build),
                        f"-DPython3_EXECUTABLE={sys.executable}"],
                       capture_output=True, text=True, timeout=300, check=False)
    assert r.returncode == 0, r.stdout + r.stderr
    out = build / "tinyengine" / "model"
    md = ModelMetadata.load(out)
    defs = dict(d.split("=", 1) for d in (build / "defs.txt").read_text().split(";"))
    assert defs["TE_HARNESS_CODE_SHA256"] == f'"{code_sha256_dir(str(out))}"' == \
        f'"{md.code_sha256}"'
    assert int(defs["TE_HARNESS_INPUT_COPY_BYTES"]) == md.input_copy_bytes == 128 + 8
    # a model.json this module cannot read stops the configuration with a clear message
    doc = json.loads((out / "model.json").read_text())
    doc["format_version"] = FORMAT_VERSION + 1
    script = tmp_path / "read.cmake"
    (tmp_path / "newer.json").write_text(json.dumps(doc))
    script.write_text(f'include("{ROOT / "zephyr_module" / "cmake" / "tinyengine.cmake"}")\n'
                      f'_tinyengine_read_metadata("{tmp_path / "newer.json"}" sha n)\n')
    r = subprocess.run(["cmake", "-P", str(script)], capture_output=True, text=True, timeout=60,
                       check=False)
    assert r.returncode != 0 and "format_version" in r.stderr


def test_west_report_uses_the_build_options(tmp_path, capsys):
    """`west tinyengine report` (tinyengine_pio/zephyr.py) reports each model with the options
    its build compiled it with, read from the build's model.json."""
    from tinyengine_pio import zephyr
    from tinyengine_pio.compiler import compile_file
    model = tmp_path / "net.tflite"
    model.write_bytes(m.wide_then_conv_fc())
    out = tmp_path / "build" / "tinyengine" / "net"
    cm = compile_file(model, out, prefix="net", optimize="size", alignment=16)
    (tmp_path / "build" / "tinyengine" / "models.json").write_text(json.dumps({
        "python": sys.executable,
        "models": [{"prefix": "net", "model": str(model), "out_dir": str(out), "target": "app"}]}))
    entry = zephyr.build_models(str(tmp_path / "build"))["models"][0]
    assert zephyr.build_options(entry) == ["--optimize", "size", "--align", "16"]
    capsys.readouterr()
    assert zephyr.report(str(tmp_path / "build"), json_out=True) == 0
    text = capsys.readouterr().out
    rep = json.loads(text[text.index("{"):])
    assert rep["arena_bytes"] == cm.arena_bytes == ModelMetadata.load(out, "net").arena.bytes
    assert [L["macs"] for L in rep["layers"]] == [L.macs for L in ModelMetadata.load(out, "net").layers]
