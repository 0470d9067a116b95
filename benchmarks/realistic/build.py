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
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

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


def _rep(shapes, seed: int = 1234, dist: str = "normal"):
    """A representative dataset: REP_SAMPLES sets of seeded random float32 inputs."""
    def gen():
        rng = np.random.default_rng(seed)
        for _ in range(REP_SAMPLES):
            if dist == "uniform":
                yield [rng.uniform(-1, 1, s).astype(np.float32) for s in shapes]
            else:
                yield [rng.standard_normal(s).astype(np.float32) for s in shapes]
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


def convert(km=None, mode: str = "int8", concrete=None, shapes=None, dist: str = "normal",
            allow_float: bool = False) -> bytes:
    """Convert a Keras model (or a concrete function) to .tflite.

    mode: "float32" (no quantization), "int8" (full integer, int8 input/output), "int16x8"
    (16-bit activations, 8-bit weights, int16 input/output), "uint8" (int8 body, uint8
    input/output). ``allow_float`` lets the converter keep float ops it cannot quantize."""
    tf, _ = _tf()
    if concrete is not None:
        conv = tf.lite.TFLiteConverter.from_concrete_functions([concrete])
    else:
        shapes = shapes or _shapes(km)
        calibrate_bn(km, shapes, dist)
        conv = tf.lite.TFLiteConverter.from_keras_model(km)
    if mode == "float32":
        return conv.convert()
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    conv.representative_dataset = _rep(shapes, dist=dist)
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


# -- the models ------------------------------------------------------------------------------

@model("mobilenet_v1_025_96_int8", "int8", "MobileNetV1 alpha 0.25, 96x96x3, 10 classes")
def mobilenet_v1_025_96_int8() -> bytes:
    _, keras = _seed(1)
    km = keras.applications.MobileNet(input_shape=(96, 96, 3), alpha=0.25, weights=None,
                                      classes=10)
    return convert(km, "int8", dist="uniform")


def _mobilenet_v2(keras):
    return keras.applications.MobileNetV2(input_shape=(96, 96, 3), alpha=0.35, weights=None,
                                          classes=10)


@model("mobilenet_v2_035_96_int8", "int8", "MobileNetV2 alpha 0.35, 96x96x3, 10 classes")
def mobilenet_v2_035_96_int8() -> bytes:
    _, keras = _seed(2)
    return convert(_mobilenet_v2(keras), "int8", dist="uniform")


@model("mobilenet_v2_035_96_float32", "float32", "MobileNetV2 alpha 0.35, 96x96x3, float")
def mobilenet_v2_035_96_float32() -> bytes:
    _, keras = _seed(2)
    return convert(_mobilenet_v2(keras), "float32")


@model("resnet8_cifar_int8", "int8", "MLPerf Tiny ResNet-8 (CIFAR-10, 32x32x3)")
def resnet8_cifar_int8() -> bytes:
    _, keras = _seed(3)
    L = keras.layers
    inp = keras.Input((32, 32, 3), batch_size=1)
    x = L.Conv2D(16, 3, padding="same", kernel_regularizer=None)(inp)
    x = L.BatchNormalization()(x)
    x = L.Activation("relu")(x)
    for filters, stride in ((16, 1), (32, 2), (64, 2)):
        y = L.Conv2D(filters, 3, strides=stride, padding="same")(x)
        y = L.BatchNormalization()(y)
        y = L.Activation("relu")(y)
        y = L.Conv2D(filters, 3, padding="same")(y)
        y = L.BatchNormalization()(y)
        if stride != 1:
            x = L.Conv2D(filters, 1, strides=stride, padding="same")(x)
        x = L.Activation("relu")(L.add([x, y]))
    x = L.AveragePooling2D(pool_size=x.shape[1:3])(x)
    x = L.Flatten()(x)
    out = L.Dense(10, activation="softmax")(x)
    return convert(keras.Model(inp, out), "int8", dist="uniform")


def _ds_cnn(keras):
    """MLPerf Tiny's DS-CNN keyword spotter (49x10 MFCC, 64 filters, 12 classes)."""
    L = keras.layers
    inp = keras.Input((49, 10, 1), batch_size=1)
    x = L.Conv2D(64, (10, 4), strides=(2, 2), padding="same")(inp)
    x = L.BatchNormalization()(x)
    x = L.Activation("relu")(x)
    x = L.Dropout(0.2)(x)
    for _ in range(4):
        x = L.DepthwiseConv2D(3, padding="same")(x)
        x = L.BatchNormalization()(x)
        x = L.Activation("relu")(x)
        x = L.Conv2D(64, 1, padding="same")(x)
        x = L.BatchNormalization()(x)
        x = L.Activation("relu")(x)
    x = L.Dropout(0.4)(x)
    x = L.AveragePooling2D(pool_size=x.shape[1:3])(x)
    x = L.Flatten()(x)
    out = L.Dense(12, activation="softmax")(x)
    return keras.Model(inp, out)


@model("ds_cnn_kws_int8", "int8", "DS-CNN keyword spotter (MLPerf Tiny KWS)")
def ds_cnn_kws_int8() -> bytes:
    _, keras = _seed(4)
    return convert(_ds_cnn(keras), "int8")


@model("ds_cnn_kws_int16x8", "int16x8", "DS-CNN keyword spotter, 16-bit activations")
def ds_cnn_kws_int16x8() -> bytes:
    _, keras = _seed(4)
    return convert(_ds_cnn(keras), "int16x8")


def _lstm_kws(keras):
    L = keras.layers
    inp = keras.Input((49, 10), batch_size=1)
    x = L.LSTM(32)(inp)
    out = L.Dense(12, activation="softmax")(x)
    return keras.Model(inp, out)


@model("lstm_kws_float32", "float32", "Keras LSTM(32) over 49x10 MFCC, 12 classes")
def lstm_kws_float32() -> bytes:
    _, keras = _seed(5)
    return convert(_lstm_kws(keras), "float32")


@model("lstm_kws_int8", "int8", "Keras LSTM(32) over 49x10 MFCC, 12 classes, int8")
def lstm_kws_int8() -> bytes:
    _, keras = _seed(5)
    return convert(_lstm_kws(keras), "int8")


@model("conv1d_audio_int8", "int8", "1-D CNN over 1024 raw audio samples")
def conv1d_audio_int8() -> bytes:
    _, keras = _seed(6)
    L = keras.layers
    inp = keras.Input((1024, 1), batch_size=1)
    x = L.Conv1D(8, 16, strides=4, padding="same", activation="relu")(inp)
    x = L.MaxPooling1D(2)(x)
    x = L.Conv1D(16, 8, strides=2, padding="same", activation="relu")(x)
    x = L.MaxPooling1D(2)(x)
    x = L.Conv1D(32, 3, padding="valid", activation="relu")(x)
    x = L.GlobalAveragePooling1D()(x)
    out = L.Dense(10, activation="softmax")(x)
    return convert(keras.Model(inp, out), "int8")


@model("autoencoder_float32", "float32", "MLPerf Tiny anomaly-detection Dense autoencoder")
def autoencoder_float32() -> bytes:
    _, keras = _seed(7)
    L = keras.layers
    inp = keras.Input((640,), batch_size=1)
    x = inp
    for units in (128, 128, 128, 128, 8, 128, 128, 128, 128):
        x = L.Dense(units)(x)
        x = L.BatchNormalization()(x)
        x = L.Activation("relu")(x)
    out = L.Dense(640)(x)
    return convert(keras.Model(inp, out), "float32")


@model("dynamic_batch_reshape_int8", "int8",
       "Keras Flatten/Reshape with an unknown batch: SHAPE->STRIDED_SLICE->PACK->RESHAPE")
def dynamic_batch_reshape_int8() -> bytes:
    tf, keras = _seed(8)
    L = keras.layers
    conv = L.Conv2D(8, 3, strides=2, padding="same", activation="relu")
    dense1 = L.Dense(32, activation="relu")
    dense2 = L.Dense(10)
    for layer, shape in ((conv, (None, 16, 16, 3)), (dense1, (None, 512)), (dense2, (None, 32))):
        layer.build(shape)

    @tf.function(input_signature=[tf.TensorSpec([None, 16, 16, 3], tf.float32)])
    def f(x):
        y = conv(x)
        # Keras' Flatten and Reshape((4, 8)) keep the unknown batch: the new shape is
        # PACK(STRIDED_SLICE(SHAPE(x)), known dims), computed on the device
        y = tf.reshape(y, [tf.shape(y)[0], 512])
        y = dense1(y)
        y = tf.reshape(y, [tf.shape(y)[0], 4, 8])
        y = tf.reshape(y, [tf.shape(y)[0], 32])
        return dense2(y)
    return convert(mode="int8", concrete=f.get_concrete_function(), shapes=[(1, 16, 16, 3)])


@model("int8_body_float_log_softmax", "int8+float-tail",
       "int8 CNN body, float LOG_SOFTMAX tail (selective quantization)")
def int8_body_float_log_softmax() -> bytes:
    tf, keras = _seed(9)
    L = keras.layers
    inp = keras.Input((16, 16, 1), batch_size=1)
    x = L.Conv2D(8, 3, activation="relu")(inp)
    x = L.MaxPooling2D(2)(x)
    x = L.Flatten()(x)
    x = L.Dense(10)(x)
    out = L.Lambda(lambda t: tf.nn.log_softmax(t))(x)
    km = keras.Model(inp, out)
    conv = tf.lite.TFLiteConverter.from_keras_model(km)
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    conv.representative_dataset = _rep(_shapes(km))
    # the QuantizationDebugger's selective quantization keeps LOG_SOFTMAX in float
    opts = tf.lite.experimental.QuantizationDebugOptions(denylisted_ops=["LOG_SOFTMAX"])
    dbg = tf.lite.experimental.QuantizationDebugger(converter=conv,
                                                    debug_dataset=_rep(_shapes(km)),
                                                    debug_options=opts)
    return dbg.get_nondebug_quantized_model()


@model("ssd_head_int8", "int8", "SSD-style detector: two feature maps, box/class heads, "
       "RESHAPE/CONCATENATION, LOGISTIC")
def ssd_head_int8() -> bytes:
    _, keras = _seed(10)
    L = keras.layers
    anchors, classes = 3, 4
    inp = keras.Input((64, 64, 3), batch_size=1)
    x = L.Conv2D(8, 3, strides=2, padding="same", activation="relu6")(inp)
    x = L.DepthwiseConv2D(3, strides=2, padding="same", activation="relu6")(x)
    f1 = L.Conv2D(16, 1, activation="relu6")(x)                       # 16x16
    x = L.DepthwiseConv2D(3, strides=2, padding="same", activation="relu6")(f1)
    f2 = L.Conv2D(32, 1, activation="relu6")(x)                       # 8x8
    boxes, scores = [], []
    for f in (f1, f2):
        b = L.Conv2D(anchors * 4, 3, padding="same")(f)
        c = L.Conv2D(anchors * classes, 3, padding="same")(f)
        boxes.append(L.Reshape((-1, 4))(b))
        scores.append(L.Reshape((-1, classes))(c))
    box = L.Concatenate(axis=1, name="boxes")(boxes)
    score = L.Activation("sigmoid", name="scores")(L.Concatenate(axis=1)(scores))
    return convert(keras.Model(inp, [box, score]), "int8", dist="uniform")


@model("uint8_io_int8", "uint8-io", "int8 CNN with uint8 input and output")
def uint8_io_int8() -> bytes:
    _, keras = _seed(11)
    L = keras.layers
    inp = keras.Input((24, 24, 3), batch_size=1)
    x = L.Conv2D(8, 3, strides=2, padding="same", activation="relu")(inp)
    x = L.DepthwiseConv2D(3, padding="same", activation="relu")(x)
    x = L.GlobalAveragePooling2D()(x)
    out = L.Dense(5, activation="softmax")(x)
    return convert(keras.Model(inp, out), "uint8", dist="uniform")


@model("unet_int8", "int8", "UNet-like segmenter: TRANSPOSE_CONV and RESIZE_BILINEAR")
def unet_int8() -> bytes:
    _, keras = _seed(12)
    L = keras.layers
    inp = keras.Input((32, 32, 3), batch_size=1)
    c1 = L.Conv2D(8, 3, padding="same", activation="relu")(inp)
    x = L.MaxPooling2D(2)(c1)
    c2 = L.Conv2D(16, 3, padding="same", activation="relu")(x)
    x = L.MaxPooling2D(2)(c2)
    x = L.Conv2D(32, 3, padding="same", activation="relu")(x)
    x = L.Conv2DTranspose(16, 2, strides=2, padding="same")(x)
    x = L.Concatenate()([x, c2])
    x = L.Conv2D(16, 3, padding="same", activation="relu")(x)
    x = L.UpSampling2D(2, interpolation="bilinear")(x)
    x = L.Concatenate()([x, c1])
    x = L.Conv2D(8, 3, padding="same", activation="relu")(x)
    out = L.Conv2D(1, 1, activation="sigmoid")(x)
    return convert(keras.Model(inp, out), "int8", dist="uniform")


def _elementwise_mix(tf, keras, div: bool):
    """LeakyReLU, PReLU, Maximum, Minimum, SUB, (DIV,) tf.split and tf.gather."""
    L = keras.layers
    inp = keras.Input((12, 12, 8), batch_size=1)
    x = L.Conv2D(8, 3, padding="same")(inp)
    a = L.LeakyReLU(0.1)(x)
    b = L.PReLU(alpha_initializer=keras.initializers.RandomUniform(0.0, 0.5),
                shared_axes=[1, 2])(x)
    hi = L.Maximum()([a, b])
    lo = L.Minimum()([a, b])
    d = L.Subtract()([hi, lo])
    if div:
        d = L.Lambda(lambda t: tf.math.divide(t[0], t[1]))(
            [d, L.Lambda(lambda t: tf.abs(t) + 1.0)(lo)])
    p, q = L.Lambda(lambda t: tf.split(t, 2, axis=-1))(d)
    g = L.Lambda(lambda t: tf.gather(t, [3, 1, 2, 0, 0, 1], axis=-1))(p)
    y = L.Concatenate()([g, q])
    y = L.GlobalAveragePooling2D()(y)
    return keras.Model(inp, L.Dense(6)(y))


@model("elementwise_mix_int8", "int8",
       "LeakyReLU, PReLU, Maximum, Minimum, SUB, tf.split, tf.gather")
def elementwise_mix_int8() -> bytes:
    tf, keras = _seed(13)
    return convert(_elementwise_mix(tf, keras, div=False), "int8")


@model("elementwise_mix_float32", "float32",
       "LeakyReLU, PReLU, Maximum, Minimum, SUB, DIV, tf.split, tf.gather")
def elementwise_mix_float32() -> bytes:
    tf, keras = _seed(13)
    return convert(_elementwise_mix(tf, keras, div=True), "float32")


@model("elementwise_mix_div_hybrid", "int8+float-div",
       "the int8 mix with a DIV the quantizer leaves in float (DEQUANTIZE/QUANTIZE around it)")
def elementwise_mix_div_hybrid() -> bytes:
    tf, keras = _seed(13)
    return convert(_elementwise_mix(tf, keras, div=True), "int8", allow_float=True)


@model("mobilenet_v3_small_075_96_int8", "int8",
       "MobileNetV3-Small alpha 0.75, 96x96x3: hard-swish, squeeze-excitation")
def mobilenet_v3_small_075_96_int8() -> bytes:
    _, keras = _seed(14)
    km = keras.applications.MobileNetV3Small(input_shape=(96, 96, 3), alpha=0.75,
                                             weights=None, classes=10, dropout_rate=0.0,
                                             include_preprocessing=False)
    return convert(km, "int8", dist="uniform")


def _tiny_transformer(keras):
    """One pre-norm encoder block (LayerNormalization, 2-head self-attention, ReLU MLP,
    residuals) over 16 tokens of 32 features, mean-pooled into 4 classes."""
    L = keras.layers
    inp = keras.Input((16, 32), batch_size=1)
    x = L.LayerNormalization(epsilon=1e-6)(inp)
    x = L.MultiHeadAttention(num_heads=2, key_dim=16)(x, x)
    x = L.add([inp, x])
    y = L.LayerNormalization(epsilon=1e-6)(x)
    y = L.Dense(64, activation="relu")(y)
    y = L.Dense(32)(y)
    x = L.add([x, y])
    x = L.GlobalAveragePooling1D()(x)
    return keras.Model(inp, L.Dense(4, activation="softmax")(x))


@model("tiny_transformer_int8", "int8",
       "transformer encoder block: LayerNorm, multi-head attention (BATCH_MATMUL), MLP")
def tiny_transformer_int8() -> bytes:
    _, keras = _seed(15)
    return convert(_tiny_transformer(keras), "int8")


@model("tiny_transformer_float32", "float32",
       "transformer encoder block: LayerNorm, multi-head attention (BATCH_MATMUL), MLP")
def tiny_transformer_float32() -> bytes:
    _, keras = _seed(15)
    return convert(_tiny_transformer(keras), "float32")


# -- the cache -------------------------------------------------------------------------------

_CONVERT_CODE = "".join(inspect.getsource(f) for f in (_seed, _rep, _shapes, calibrate_bn,
                                                        convert))


def recipe_key(spec: Spec) -> str:
    """What a cached file was built from: the builder's source (and the helpers it calls by
    name in this module), the conversion code and the TensorFlow version."""
    import tensorflow as tf
    src = inspect.getsource(spec.builder)
    helpers = [inspect.getsource(v) for k, v in globals().items()
               if k.startswith("_") and callable(v) and k + "(" in src
               and k not in ("_seed", "_rep", "_shapes", "_tf")]
    text = "\0".join([src, *helpers, _CONVERT_CODE, str(REP_SAMPLES), tf.__version__])
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
