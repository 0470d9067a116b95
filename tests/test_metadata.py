"""<prefix>.json beside the generated C (tinyengine_pio/metadata.py, docs/MODEL_JSON.md): its
figures must agree with the compiled model, with the generated C and with the harness's code hash."""
from __future__ import annotations

import json
import re
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
    data, cm, out = compiled
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
    _, cm, out = compiled
    text = cm.files["net.json"]
    md = ModelMetadata.from_json(text)
    assert md.to_json() == text and text.endswith("}\n")
    assert asdict(md) == json.loads(text)
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
