"""Every shared int8 model compiles, builds with gcc and matches TFLM byte for byte on several
deterministic inputs (seeds 0-2, all-min, all-max). The oracle is TFLM's own interpreter."""
from __future__ import annotations

import hashlib

import numpy as np
import pytest

from tests.conftest import model_params, shared_catalog, shared_model
from tests.helpers.hostrun import HostModel, assert_matches_tflm
from tests.helpers.tflm import deterministic_inputs

MODELS = [
    "hello_world_int8.tflite",
    "micro_speech_int8.tflite",
    "mnist_resnet_int8.tflite",
    "cifar10_cnn_int8.tflite",
    "sww_ref_int8.tflite",
    "kws_dscnn_int8.tflite",
    "ic_resnet8_int8.tflite",
    "ad_fc_autoencoder_int8.tflite",
    "vww_mobilenetv1_025_96_int8.tflite",
    "person_detect_int8.tflite",
    "ic_resnet_large_int8.tflite",
    "tinyengine_mcunet_vww_80_floatio.tflite",
    "tinyengine_mcunet_det_128x160_floatio.tflite",
    "mobilenet_v2_224_nchw_int8_toobig.tflite",
]


@pytest.mark.parametrize("name", model_params(MODELS))
def test_shared_model_byte_exact(name, compile_to):
    data = shared_model(name).read_bytes()
    cm, out = compile_to(data, name=name)
    sets = list(deterministic_inputs(data))
    with HostModel(out) as host:
        assert_matches_tflm(data, out, sets, host=host)
        # The recorded seed-0 hash in models.json was produced by TFLM independently of us.
        entry = next((m for m in shared_catalog().get("models", []) if m["file"] == name), None)
        if entry and entry["tflm"].get("seed0_output_sha256"):
            seed0 = dict(sets)["seed0"]
            raw = host.run([seed0])[0][0]
            assert hashlib.sha256(raw).hexdigest() == entry["tflm"]["seed0_output_sha256"]


@pytest.mark.slow
def test_arena_no_larger_than_tflm_head():
    """The planned arena never exceeds TFLM's own activation area on any shared model."""
    from tinyengine_pio import compile_model
    cat = shared_catalog()
    if not cat:
        pytest.skip("../shared/models/models.json is absent")
    for m in cat["models"]:
        if m["file"] == "float32_reject.tflite":
            continue
        cm = compile_model(shared_model(m["file"]).read_bytes(), name=m["file"])
        assert cm.arena_bytes <= max(m["tflm"]["arena_head_bytes"], 32), m["file"]
        # never above the classical bound; below it wherever an overlap was used
        assert cm.arena_bytes <= cm.plan.lower_bound, m["file"]
        if cm.plan.pins:
            assert cm.arena_bytes < cm.plan.lower_bound, m["file"]


def test_float_model_matches_tflm(tflm_check):
    """The shared float32 model (once the refusal example) compiles and matches TFLM."""
    tflm_check(shared_model("float32_reject.tflite").read_bytes())


def test_seed_inputs_cover_extremes():
    data = shared_model("kws_dscnn_int8.tflite").read_bytes()
    names = [n for n, _ in deterministic_inputs(data)]
    assert {"seed0", "seed1", "seed2"} <= set(names) and len(names) >= 5
    sets = dict(deterministic_inputs(data))
    assert any(np.all(v[0] == -128) for v in sets.values())
    assert any(np.all(v[0] == 127) for v in sets.values())


@pytest.mark.parametrize("name", ["kws_dscnn_int8.tflite", "cifar10_cnn_int8.tflite",
                                  "ad_fc_autoencoder_int8.tflite"])
def test_optimize_size_is_byte_exact_too(name, tmp_path):
    """--optimize size (direct loops, no GEMM/im2col/unrolled paths) gives TFLM's bytes."""
    from tinyengine_pio import compile_model
    from tinyengine_pio.emitter import write_files
    data = shared_model(name).read_bytes()
    cm = compile_model(data, name=name, optimize="size")
    assert "#define TE_OPTIMIZE_SIZE 1" in cm.files["te_config.h"]
    assert "te_conv_2d_im2col_s8" not in cm.files["model.c"]
    assert "te_conv_2d_1x1_s8" not in cm.files["model.c"]
    write_files(str(tmp_path), cm.files)
    with HostModel(tmp_path) as host:
        assert_matches_tflm(data, tmp_path, list(deterministic_inputs(data))[:3], host=host)
