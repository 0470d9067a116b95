"""Realistic models for the acceptance set, built with TensorFlow's converter.

Each builder constructs a small Keras (tf_keras, i.e. Keras 2) model from a public architecture
with fixed seeds and random weights, and converts it with ``tf.lite.TFLiteConverter``; the
quantized ones are calibrated on a representative dataset of random data (seeded). The
.tflite files go to a cache directory (default ``~/.cache/tinyengine-pio/realistic/``, or
``$TINYENGINE_REALISTIC_CACHE``), never into the repository; a model is rebuilt only when its
builder's source, this module's conversion code or the TensorFlow version changed.

TensorFlow is an optional dependency (``pip install tinyengine-pio[models]``); it is imported
only when a model has to be (re)built.

    python -m benchmarks.realistic.build [NAME ...]      # build (or reuse) into the cache
"""
from __future__ import annotations

import hashlib
import inspect
import json
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import architectures as arch

DEFAULT_CACHE = Path.home() / ".cache" / "tinyengine-pio" / "realistic"
REP_SAMPLES = 16          # representative-dataset samples (random, seeded)


@dataclass(frozen=True)
class Spec:
    """One model of the set: its name, the dtype recipe it is converted with, what it covers."""
    name: str
    dtype: str            # float32, int8, int16x8, uint8-io, int8+float-tail, int8+float-div
    what: str
    builder: Callable


MODELS: dict[str, Spec] = {}


def model(name: str, dtype: str, what: str):
    def deco(fn):
        MODELS[name] = Spec(name, dtype, what, fn)
        return fn
    return deco


# -- TensorFlow, imported lazily -------------------------------------------------------------

def _tf():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")   # the machine is shared: one core
    os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
    try:
        import tensorflow as tf
        import tf_keras as keras
    except ImportError as exc:   # pragma: no cover - depends on the environment
        raise RuntimeError("building the realistic models needs TensorFlow and tf_keras: "
                           "pip install 'tinyengine-pio[models]'") from exc
    return tf, keras


def _seed(seed: int = 0):
    tf, keras = _tf()
    keras.utils.set_random_seed(seed)      # python, numpy and TensorFlow
    keras.backend.clear_session()
    return tf, keras


def _rep(shapes, seed: int = 1234, dist: str = "normal", names=None):
    """A representative dataset: REP_SAMPLES sets of seeded random float32 inputs; a dict by
    input name when ``names`` are given (the converter's calibration feeds the inputs in
    its signature's order, not Keras')."""
    def gen():
        rng = np.random.default_rng(seed)
        for _ in range(REP_SAMPLES):
            if dist == "uniform":
                xs = [rng.uniform(-1, 1, s).astype(np.float32) for s in shapes]
            else:
                xs = [rng.standard_normal(s).astype(np.float32) for s in shapes]
            yield dict(zip(names, xs)) if names else xs
    return gen


def _shapes(km) -> list[tuple]:
    return [tuple(1 if d is None else d for d in t.shape) for t in km.inputs]


def calibrate_bn(km, shapes, dist: str = "normal", n: int = 32, seed: int = 99) -> None:
    """Give a random-weight Keras model a trained network's activation statistics: every
    BatchNormalization's moving mean and variance become the batch statistics of ``n`` seeded
    random inputs (one forward pass in training mode with momentum 0 and dropout off), so the
    activations stay normalized through a deep network instead of shrinking layer by layer
    (which would leave quantization scales too small for TFLite's SOFTMAX, say)."""
    _, keras = _tf()
    bns = [m for m in km.submodules if isinstance(m, keras.layers.BatchNormalization)]
    if not bns:
        return
    for m in km.submodules:
        if isinstance(m, keras.layers.BatchNormalization):
            m.momentum = 0.0
        elif isinstance(m, keras.layers.Dropout):
            m.rate = 0.0
    rng = np.random.default_rng(seed)
    batch = [(rng.uniform(-1, 1, (n,) + s[1:]) if dist == "uniform"
              else rng.standard_normal((n,) + s[1:])).astype(np.float32) for s in shapes]
    km(batch if len(batch) > 1 else batch[0], training=True)


def convert(km=None, mode: str = "int8", concrete=None, trackable=None, shapes=None,
            dist: str = "normal", allow_float: bool = False) -> bytes:
    """Convert a Keras model (or a concrete function of the tf.Module ``trackable``) to .tflite.

    mode: "float32" (no quantization), "int8" (full integer, int8 input/output), "int16x8"
    (16-bit activations, 8-bit weights, int16 input/output), "uint8" (int8 body, uint8
    input/output). ``allow_float`` lets the converter keep float ops it cannot quantize."""
    tf, _ = _tf()
    if concrete is not None:
        conv = tf.lite.TFLiteConverter.from_concrete_functions([concrete], trackable)
    else:
        shapes = shapes or _shapes(km)
        calibrate_bn(km, shapes, dist)
        conv = tf.lite.TFLiteConverter.from_keras_model(km)
    if mode == "float32":
        return conv.convert()
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    names = list(km.input_names) if km is not None and len(km.inputs) > 1 else None
    conv.representative_dataset = _rep(shapes, dist=dist, names=names)
    if mode == "int16x8":
        conv.target_spec.supported_ops = [
            tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
        conv.inference_input_type = conv.inference_output_type = tf.int16
        return conv.convert()
    conv.target_spec.supported_ops = ([tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
                                      + ([tf.lite.OpsSet.TFLITE_BUILTINS] if allow_float else []))
    io = {"int8": tf.int8, "uint8": tf.uint8}[mode]
    conv.inference_input_type = conv.inference_output_type = io
    return conv.convert()


def convert_keeping_float(km, ops: list[str]) -> bytes:
    """int8 quantization (float input and output) except for the builtin operators ``ops``,
    which stay float32 between a DEQUANTIZE and a QUANTIZE: the QuantizationDebugger's
    selective quantization (``denylisted_ops``)."""
    tf, _ = _tf()
    shapes = _shapes(km)
    calibrate_bn(km, shapes)
    conv = tf.lite.TFLiteConverter.from_keras_model(km)
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    conv.representative_dataset = _rep(shapes)
    opts = tf.lite.experimental.QuantizationDebugOptions(denylisted_ops=list(ops))
    dbg = tf.lite.experimental.QuantizationDebugger(converter=conv, debug_dataset=_rep(shapes),
                                                    debug_options=opts)
    return dbg.get_nondebug_quantized_model()


# -- the models ------------------------------------------------------------------------------
# One builder per model: seed, architecture (architectures.py), conversion recipe.

@model("mobilenet_v1_025_96_int8", "int8", "MobileNetV1 alpha 0.25, 96x96x3, 10 classes")
def mobilenet_v1_025_96_int8() -> bytes:
    _, keras = _seed(1)
    return convert(arch.mobilenet_v1(keras), "int8", dist="uniform")


@model("mobilenet_v2_035_96_int8", "int8", "MobileNetV2 alpha 0.35, 96x96x3, 10 classes")
def mobilenet_v2_035_96_int8() -> bytes:
    _, keras = _seed(2)
    return convert(arch.mobilenet_v2(keras), "int8", dist="uniform")


@model("mobilenet_v2_035_96_float32", "float32", "MobileNetV2 alpha 0.35, 96x96x3, float")
def mobilenet_v2_035_96_float32() -> bytes:
    _, keras = _seed(2)
    return convert(arch.mobilenet_v2(keras), "float32")


@model("mobilenet_v2_035_96_int16x8", "int16x8",
       "MobileNetV2 alpha 0.35, 96x96x3, 16-bit activations")
def mobilenet_v2_035_96_int16x8() -> bytes:
    _, keras = _seed(2)
    return convert(arch.mobilenet_v2(keras), "int16x8", dist="uniform")


@model("mobilenet_v3_small_075_96_int8", "int8",
       "MobileNetV3-Small alpha 0.75, 96x96x3: hard-swish, squeeze-excitation")
def mobilenet_v3_small_075_96_int8() -> bytes:
    _, keras = _seed(14)
    return convert(arch.mobilenet_v3_small(keras), "int8", dist="uniform")


@model("resnet8_cifar_int8", "int8", "MLPerf Tiny ResNet-8 (CIFAR-10, 32x32x3)")
def resnet8_cifar_int8() -> bytes:
    _, keras = _seed(3)
    return convert(arch.resnet8(keras), "int8", dist="uniform")


@model("ds_cnn_kws_int8", "int8", "DS-CNN keyword spotter (MLPerf Tiny KWS)")
def ds_cnn_kws_int8() -> bytes:
    _, keras = _seed(4)
    return convert(arch.ds_cnn(keras), "int8")


@model("ds_cnn_kws_int16x8", "int16x8", "DS-CNN keyword spotter, 16-bit activations")
def ds_cnn_kws_int16x8() -> bytes:
    _, keras = _seed(4)
    return convert(arch.ds_cnn(keras), "int16x8")


@model("ds_cnn_kws_float32", "float32", "DS-CNN keyword spotter, float")
def ds_cnn_kws_float32() -> bytes:
    _, keras = _seed(4)
    return convert(arch.ds_cnn(keras), "float32")


@model("lstm_kws_float32", "float32", "Keras LSTM(32) over 49x10 MFCC, 12 classes")
def lstm_kws_float32() -> bytes:
    _, keras = _seed(5)
    return convert(arch.lstm_kws(keras), "float32")


@model("lstm_kws_int8", "int8", "Keras LSTM(32) over 49x10 MFCC, 12 classes, int8")
def lstm_kws_int8() -> bytes:
    _, keras = _seed(5)
    return convert(arch.lstm_kws(keras), "int8")


@model("conv1d_audio_int8", "int8", "1-D CNN over 1024 raw audio samples")
def conv1d_audio_int8() -> bytes:
    _, keras = _seed(6)
    return convert(arch.conv1d_audio(keras), "int8")


@model("conv1d_audio_float32", "float32", "1-D CNN over 1024 raw audio samples, float")
def conv1d_audio_float32() -> bytes:
    _, keras = _seed(6)
    return convert(arch.conv1d_audio(keras), "float32")


@model("autoencoder_float32", "float32", "MLPerf Tiny anomaly-detection Dense autoencoder")
def autoencoder_float32() -> bytes:
    _, keras = _seed(7)
    return convert(arch.autoencoder(keras), "float32")


@model("dynamic_batch_reshape_int8", "int8",
       "Flatten/Reshape with an unknown batch: SHAPE->STRIDED_SLICE->PACK->RESHAPE")
def dynamic_batch_reshape_int8() -> bytes:
    tf, keras = _seed(8)
    m = arch.dynamic_batch_reshape(tf, keras)
    return convert(concrete=m.f.get_concrete_function(), trackable=m, mode="int8",
                   shapes=[(1, 16, 16, 3)])


@model("dynamic_batch_reshape_float32", "float32",
       "Flatten/Reshape with an unknown batch: SHAPE->STRIDED_SLICE->PACK->RESHAPE, float")
def dynamic_batch_reshape_float32() -> bytes:
    tf, keras = _seed(8)
    m = arch.dynamic_batch_reshape(tf, keras)
    return convert(concrete=m.f.get_concrete_function(), trackable=m, mode="float32")


@model("int8_body_float_log_softmax", "int8+float-tail",
       "int8 CNN body, float LOG_SOFTMAX tail (selective quantization)")
def int8_body_float_log_softmax() -> bytes:
    tf, keras = _seed(9)
    return convert_keeping_float(arch.cnn_log_softmax(tf, keras), ["LOG_SOFTMAX"])


@model("ssd_head_int8", "int8", "SSD-style detector: two feature maps, box/class heads, "
       "RESHAPE/CONCATENATION, LOGISTIC")
def ssd_head_int8() -> bytes:
    _, keras = _seed(10)
    return convert(arch.ssd_head(keras), "int8", dist="uniform")


@model("ssd_head_int16x8", "int16x8", "SSD-style detector, 16-bit activations")
def ssd_head_int16x8() -> bytes:
    _, keras = _seed(10)
    return convert(arch.ssd_head(keras), "int16x8", dist="uniform")


@model("ssd_head_float32", "float32", "SSD-style detector, float")
def ssd_head_float32() -> bytes:
    _, keras = _seed(10)
    return convert(arch.ssd_head(keras), "float32")


@model("uint8_io_int8", "uint8-io", "int8 CNN with uint8 input and output")
def uint8_io_int8() -> bytes:
    _, keras = _seed(11)
    return convert(arch.small_cnn(keras), "uint8", dist="uniform")


@model("unet_int8", "int8", "UNet-like segmenter: TRANSPOSE_CONV and RESIZE_BILINEAR")
def unet_int8() -> bytes:
    _, keras = _seed(12)
    return convert(arch.unet(keras), "int8", dist="uniform")


@model("unet_int16x8", "int16x8", "UNet-like segmenter, 16-bit activations, nearest-neighbour "
       "upsampling (TFLM has no int16 RESIZE_BILINEAR)")
def unet_int16x8() -> bytes:
    _, keras = _seed(12)
    return convert(arch.unet(keras, "nearest"), "int16x8", dist="uniform")


@model("unet_float32", "float32", "UNet-like segmenter, float")
def unet_float32() -> bytes:
    _, keras = _seed(12)
    return convert(arch.unet(keras), "float32")


@model("elementwise_mix_int8", "int8",
       "LeakyReLU, PReLU, Maximum, Minimum, SUB, tf.split, tf.gather")
def elementwise_mix_int8() -> bytes:
    tf, keras = _seed(13)
    return convert(arch.elementwise_mix(tf, keras, div=False), "int8")


@model("elementwise_mix_int16x8", "int16x8",
       "LeakyReLU, SUB, tf.split, CONCATENATION, 16-bit activations (no PRELU, MAXIMUM, "
       "MINIMUM, GATHER: the 16x8 converter or TFLM lacks them)")
def elementwise_mix_int16x8() -> bytes:
    tf, keras = _seed(13)
    return convert(arch.elementwise_mix(tf, keras, div=False, int16=True), "int16x8")


@model("elementwise_mix_float32", "float32",
       "LeakyReLU, PReLU, Maximum, Minimum, SUB, DIV, tf.split, tf.gather")
def elementwise_mix_float32() -> bytes:
    tf, keras = _seed(13)
    return convert(arch.elementwise_mix(tf, keras, div=True), "float32")


@model("elementwise_mix_div_hybrid", "int8+float-div",
       "the int8 mix with a DIV the quantizer leaves in float (DEQUANTIZE/QUANTIZE around it)")
def elementwise_mix_div_hybrid() -> bytes:
    tf, keras = _seed(13)
    return convert(arch.elementwise_mix(tf, keras, div=True), "int8", allow_float=True)


@model("tiny_transformer_int8", "int8",
       "transformer encoder block: LayerNorm, multi-head attention (BATCH_MATMUL), MLP")
def tiny_transformer_int8() -> bytes:
    _, keras = _seed(15)
    return convert(arch.tiny_transformer(keras), "int8")


@model("tiny_transformer_float32", "float32",
       "transformer encoder block: LayerNorm, multi-head attention (BATCH_MATMUL), MLP")
def tiny_transformer_float32() -> bytes:
    _, keras = _seed(15)
    return convert(arch.tiny_transformer(keras), "float32")


@model("multi_input_int8", "int8", "two inputs (image, features), two outputs (softmax, "
       "regression)")
def multi_input_int8() -> bytes:
    _, keras = _seed(16)
    return convert(arch.multi_input(keras), "int8")


@model("gru_unrolled_int8", "int8", "Keras GRU(16, unroll=True) over 20x8")
def gru_unrolled_int8() -> bytes:
    _, keras = _seed(17)
    return convert(arch.gru_unrolled(keras), "int8")


@model("gru_unrolled_float32", "float32", "Keras GRU(16, unroll=True) over 20x8, float")
def gru_unrolled_float32() -> bytes:
    _, keras = _seed(17)
    return convert(arch.gru_unrolled(keras), "float32")


@model("tcn_dilated_int8", "int8", "temporal conv net: causal dilated Conv1D 1/2/4, residuals")
def tcn_dilated_int8() -> bytes:
    _, keras = _seed(18)
    return convert(arch.tcn(keras), "int8")


# -- the cache -------------------------------------------------------------------------------

_CONVERT_CODE = "".join(inspect.getsource(f) for f in (_seed, _rep, _shapes, calibrate_bn,
                                                        convert, convert_keeping_float))


def recipe_key(spec: Spec) -> str:
    """What a cached file was built from: the builder's source, the architectures it calls
    (``arch.NAME(``), the conversion code and the TensorFlow version."""
    import tensorflow as tf
    src = inspect.getsource(spec.builder)
    archs = [inspect.getsource(getattr(arch, n)) for n in sorted(set(re.findall(
        r"arch\.(\w+)\(", src)))]
    text = "\0".join([src, *archs, _CONVERT_CODE, str(REP_SAMPLES), tf.__version__])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def cache_dir(path=None) -> Path:
    return Path(path or os.environ.get("TINYENGINE_REALISTIC_CACHE") or DEFAULT_CACHE)


def cached(name: str, cache=None) -> Path | None:
    """The cached .tflite of ``name`` if it exists (whatever built it), else None."""
    p = cache_dir(cache) / f"{name}.tflite"
    return p if p.is_file() else None


def have_tensorflow() -> bool:
    try:
        import tensorflow  # noqa: F401
        import tf_keras  # noqa: F401
    except ImportError:
        return False
    return True


def build(name: str, cache=None, force: bool = False) -> Path:
    """The .tflite of model ``name``: from the cache when its recipe is unchanged, else built.
    Without TensorFlow a cached file is used as it is."""
    spec = MODELS[name]
    d = cache_dir(cache)
    path, meta = d / f"{name}.tflite", d / f"{name}.json"
    if not have_tensorflow():
        if path.is_file():
            return path
        _tf()     # raises the install hint
    key = recipe_key(spec)
    if not force and path.is_file() and meta.is_file():
        if json.loads(meta.read_text()).get("recipe") == key:
            return path
    data = spec.builder()
    d.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    import tensorflow as tf
    meta.write_text(json.dumps(dict(name=name, dtype=spec.dtype, what=spec.what, recipe=key,
                                    tensorflow=tf.__version__, bytes=len(data)), indent=1))
    return path


def main(argv=None) -> int:
    names = (sys.argv[1:] if argv is None else argv) or list(MODELS)
    for n in names:
        p = build(n)
        print(f"{n}: {p} ({p.stat().st_size:,} B)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
