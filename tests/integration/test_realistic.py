"""The realistic models of benchmarks/realistic (MobileNets, ResNet-8, DS-CNN int8/int16x8,
LSTM float/int8, Conv1D audio, autoencoder, SSD head, UNet, dynamic-batch reshapes, uint8 I/O,
mixed int8/float...) built with TensorFlow's converter: each compiles, and its generated C
(gcc on the host) equals TFLM on 3 input sets (float32 within rtol 1e-4 / atol 1e-5).

Needs TensorFlow and tf_keras (``pip install 'tinyengine-pio[models]'``); CI does not install
them, so these skip there. Run by hand:
``python -m pytest -q -p no:labgrid -m slow tests/integration/test_realistic.py``.
The report with arenas and Cortex-M4 instructions: ``python -m benchmarks.realistic``."""
import pytest

pytest.importorskip("tensorflow")
pytest.importorskip("tf_keras")

from benchmarks.realistic.build import MODELS, build  # noqa: E402
from benchmarks.realistic.run import compare, tflm_probe  # noqa: E402
from tinyengine_pio.compiler import compile_model  # noqa: E402
from tinyengine_pio.emitter import write_files  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("name", list(MODELS))
def test_realistic_model_compiles_and_equals_tflm(name, tmp_path):
    path = build(name)
    data = path.read_bytes()
    probe = tflm_probe(path)          # TFLM aborts the process on some models: ask a child
    if "tflm_error" in probe:
        pytest.fail(f"{name}: {probe['tflm_error']}")
    cm = compile_model(data, name=f"{name}.tflite")
    write_files(str(tmp_path), cm.files)
    assert compare(data, tmp_path) in ("exact", "tolerance")
