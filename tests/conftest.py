"""Shared fixtures: where ../shared/models is, and compile-and-run helpers."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_MODELS = ROOT.parent / "shared" / "models"


def shared_model(name: str) -> Path:
    path = SHARED_MODELS / name
    if not path.exists():
        pytest.skip(f"shared model {name} not found: {SHARED_MODELS} is absent "
                    "(the tests that use real models need ../shared/models beside the checkout)")
    return path


# Shared models whose compile + host build + TFLM run takes more than ~2 s here: a test
# parametrized by model name marks these cases `slow` (out of the fast loop) via model_params().
LARGE_SHARED_MODELS = frozenset({
    "vww_mobilenetv1_025_96_int8.tflite", "person_detect_int8.tflite",
    "ic_resnet_large_int8.tflite", "tinyengine_mcunet_vww_80_floatio.tflite",
    "tinyengine_mcunet_det_128x160_floatio.tflite", "mobilenet_v2_224_nchw_int8_toobig.tflite"})


def model_params(names) -> list:
    """``names`` for ``@pytest.mark.parametrize``, the large ones marked ``slow``."""
    return [pytest.param(n, marks=pytest.mark.slow) if n in LARGE_SHARED_MODELS else n
            for n in names]


def shared_catalog() -> dict:
    cat = SHARED_MODELS / "models.json"
    if not cat.exists():
        return {}
    return json.loads(cat.read_text())


@pytest.fixture
def compile_to(tmp_path):
    """compile_to(model_bytes, prefix='model') -> (CompiledModel, out_dir) written to tmp_path."""
    from tinyengine_pio import compile_model
    from tinyengine_pio.emitter import write_files

    def _compile(data: bytes, prefix: str = "model", name: str = "test.tflite"):
        cm = compile_model(data, prefix=prefix, name=name)
        out = tmp_path / f"gen_{prefix}"
        write_files(str(out), cm.files)
        return cm, out
    return _compile


@pytest.fixture
def tflm_check(compile_to):
    """tflm_check(model_bytes, input_sets=None) -> CompiledModel, after asserting that the generated
    C (built with gcc -Werror) matches TFLM byte for byte (float32 outputs: within rtol 1e-4 /
    atol 1e-5, or bit for bit with float_exact=True) on every input set (default: seeds 0-2,
    all-min, all-max)."""
    from tests.helpers.hostrun import HostModel, assert_matches_tflm

    def _check(data: bytes, input_sets=None, prefix: str = "model", float_exact: bool = False):
        cm, out = compile_to(data, prefix=prefix)
        with HostModel(out, prefix) as host:
            assert_matches_tflm(data, out, input_sets, prefix=prefix, host=host,
                                float_exact=float_exact)
        return cm
    return _check


@pytest.fixture(scope="module")
def dirs(tmp_path_factory):
    """PlatformIO core and firmware cache directories shared by one module's harness tests."""
    return {"core_dir": str(tmp_path_factory.mktemp("hil_core")),
            "cache_dir": str(tmp_path_factory.mktemp("hil_cache"))}
