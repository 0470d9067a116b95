"""Train, quantize and write the shapes demo: a small int8 CNN naming the shape in a 16x16 image.

The task is generated, so the project ships no third-party data or weights: every image is a
shape drawn procedurally (circle, square, triangle, plus, cross or line, at a random position,
size, rotation, stroke width and brightness, with noise and stray dots). A float CNN is trained
with numpy alone (no TensorFlow), then quantized the way the TFLite converter does it:

* weights symmetric int8 (CONV_2D per output channel, FULLY_CONNECTED per tensor), zero point 0;
* biases int32 with scale = input scale * weight scale;
* activations asymmetric int8, ranges calibrated (min/max) on training images;
* int8 input (pixel p in [0, 1] -> round(255 p) - 128) and a SOFTMAX output (scale 1/256,
  zero point -128, i.e. probability = (q + 128) / 256).

    [1,16,16,1] -> CONV_2D 3x3 (8, RELU) -> MAX_POOL_2D 2x2 -> CONV_2D 3x3 (16, RELU)
                -> MAX_POOL_2D 2x2 -> RESHAPE [1,256] -> FULLY_CONNECTED (6) -> SOFTMAX

The .tflite is written with the project's flatbuffer builder (tests/helpers/builder.py). Also
written: src/samples.h, ten held-out images with their true labels that the firmware classifies.
Everything is seeded; the committed files are what this script writes. Run from anywhere
(needs `pip install -e .[test]` for the builder's flatbuffer schema, from tflite_micro):

    python sample_apps/platformio_shapes/make_model.py          # ~10 s of numpy on one core
"""
from __future__ import annotations

import os

if __name__ == "__main__":
    # One BLAS thread, set before numpy loads: the float sums then come in the same order on
    # every run, so the same bytes come out (more threads split the matrix products differently).
    for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[_var] = "1"

import argparse
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

MODEL_FILE = os.path.join("model", "shapes.tflite")
SAMPLES_FILE = os.path.join("src", "samples.h")

CLASSES = ("circle", "square", "triangle", "plus", "cross", "line")
SIZE = 16
SEED = 2024
N_TRAIN = 6000
N_TEST = 2000
N_SAMPLES = 10
EPOCHS = 8
BATCH = 32
LEARNING_RATE = 3e-3
IN_SCALE, IN_ZP = float(np.float32(1.0 / 255.0)), -128


# -- the task: procedurally drawn shapes ------------------------------------------------------

def _segment_distance(px, py, a, b):
    """Distance from every pixel centre (px, py) to the segment a-b."""
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    t = np.clip(((px - ax) * dx + (py - ay) * dy) / max(dx * dx + dy * dy, 1e-9), 0.0, 1.0)
    return np.hypot(px - (ax + t * dx), py - (ay + t * dy))


def draw(rng: np.random.Generator, label: int) -> np.ndarray:
    """One SIZE x SIZE image in [0, 1] (float32) of shape CLASSES[label]."""
    py, px = np.mgrid[0:SIZE, 0:SIZE].astype(np.float64)
    half = rng.uniform(3.8, 7.2)                       # half extent in pixels
    margin = half + 0.3
    cx = rng.uniform(margin - 0.5, SIZE - 0.5 - margin)
    cy = rng.uniform(margin - 0.5, SIZE - 0.5 - margin)
    theta = rng.uniform(-0.3, 0.3)                      # small rotation (a 45 deg plus is a cross)
    width = rng.uniform(0.8, 1.9)                       # stroke width

    def pt(r, ang):
        return (cx + r * np.cos(ang + theta), cy + r * np.sin(ang + theta))

    name = CLASSES[label]
    if name == "circle":
        d = np.abs(np.hypot(px - cx, py - cy) - half * rng.uniform(0.85, 1.0))
    else:
        if name == "square":
            r = half * np.sqrt(2) * rng.uniform(0.85, 1.0)
            pts = [pt(r, a) for a in np.radians([45, 135, 225, 315])]
            segs = list(zip(pts, pts[1:] + pts[:1]))
        elif name == "triangle":
            angles = np.radians([-90, 30, 150]) + rng.uniform(-0.15, 0.15, 3)
            pts = [pt(half * rng.uniform(0.9, 1.1), a) for a in angles]
            segs = list(zip(pts, pts[1:] + pts[:1]))
        elif name == "plus":
            segs = [(pt(half, 0), pt(half, np.pi)), (pt(half, np.pi / 2), pt(half, -np.pi / 2))]
        elif name == "cross":
            r = half * np.sqrt(2) * 0.9
            segs = [(pt(r, np.pi / 4), pt(r, 5 * np.pi / 4)),
                    (pt(r, 3 * np.pi / 4), pt(r, -np.pi / 4))]
        else:  # line, any direction
            ang = rng.uniform(0, np.pi) - theta
            segs = [(pt(half * 1.1, ang), pt(half * 1.1, ang + np.pi))]
        d = np.min([_segment_distance(px, py, a, b) for a, b in segs], axis=0)
    img = np.clip(width / 2 + 0.5 - d, 0.0, 1.0) * rng.uniform(0.6, 1.0)
    img += rng.normal(0.0, rng.uniform(0.0, 0.12), img.shape)
    for _ in range(rng.integers(0, 4)):                 # stray dots
        img[rng.integers(0, SIZE), rng.integers(0, SIZE)] += rng.uniform(0.3, 0.8)
    return np.clip(img, 0.0, 1.0).astype(np.float32)


def dataset(seed: int, n: int):
    """n images [n,16,16,1] (already on the input's 1/255 grid) and labels, classes balanced."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % len(CLASSES)
    rng.shuffle(labels)
    x = np.stack([draw(rng, int(k)) for k in labels])[..., None]
    return np.round(x * 255.0).astype(np.float32) / 255.0, labels.astype(np.int64)


def to_int8(x: np.ndarray) -> np.ndarray:
    """Images in [0, 1] -> the model's int8 input (scale 1/255, zero point -128)."""
    return (np.round(np.asarray(x, np.float64) * 255.0) - 128).astype(np.int8)


# -- a float CNN in numpy ---------------------------------------------------------------------

def _im2col(x):
    """[B,H,W,C] -> [B*H*W, 9*C] 3x3 SAME windows, column order (kh, kw, c) = TFLite's OHWI."""
    b, h, w, c = x.shape
    xp = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    win = np.lib.stride_tricks.sliding_window_view(xp, (3, 3), axis=(1, 2))  # [B,H,W,C,3,3]
    return np.ascontiguousarray(win.transpose(0, 1, 2, 4, 5, 3)).reshape(b * h * w, 9 * c)


def _col2im(dcol, shape):
    b, h, w, c = shape
    d = dcol.reshape(b, h, w, 3, 3, c)
    dxp = np.zeros((b, h + 2, w + 2, c), dcol.dtype)
    for i in range(3):
        for j in range(3):
            dxp[:, i:i + h, j:j + w, :] += d[:, :, :, i, j, :]
    return dxp[:, 1:-1, 1:-1, :]


def _pool(x):
    b, h, w, c = x.shape
    v = x.reshape(b, h // 2, 2, w // 2, 2, c)
    y = v.max(axis=(2, 4))
    return y, (v == y[:, :, None, :, None, :])


def _unpool(dy, mask):
    first = mask & (np.cumsum(np.cumsum(mask, 2), 4) == 1)   # route to one max per window
    d = first * dy[:, :, None, :, None, :]
    b, h2, _, w2, _, c = d.shape
    return d.reshape(b, h2 * 2, w2 * 2, c)


def init_params(rng):
    def he(shape, fan_in):
        return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)
    return {"w1": he((9, 8), 9), "b1": np.zeros(8, np.float32),
            "w2": he((72, 16), 72), "b2": np.zeros(16, np.float32),
            "w3": he((256, len(CLASSES)), 256), "b3": np.zeros(len(CLASSES), np.float32)}


def forward(p, x, keep=False):
    """Float forward pass; returns logits (and the intermediates when keep)."""
    b = x.shape[0]
    c1 = _im2col(x)
    z1 = (c1 @ p["w1"] + p["b1"]).reshape(b, SIZE, SIZE, 8)
    a1 = np.maximum(z1, 0)
    m1, k1 = _pool(a1)
    c2 = _im2col(m1)
    z2 = (c2 @ p["w2"] + p["b2"]).reshape(b, SIZE // 2, SIZE // 2, 16)
    a2 = np.maximum(z2, 0)
    m2, k2 = _pool(a2)
    f = m2.reshape(b, -1)                     # NHWC flatten = TFLite RESHAPE
    logits = f @ p["w3"] + p["b3"]
    if keep:
        return logits, {"c1": c1, "z1": z1, "k1": k1, "m1": m1, "c2": c2, "z2": z2, "k2": k2,
                        "f": f, "a1": a1, "a2": a2}
    return logits


def backward(p, x, y):
    logits, s = forward(p, x, keep=True)
    b = x.shape[0]
    e = np.exp(logits - logits.max(1, keepdims=True))
    prob = e / e.sum(1, keepdims=True)
    loss = -np.mean(np.log(prob[np.arange(b), y] + 1e-12))
    dl = prob
    dl[np.arange(b), y] -= 1
    dl /= b
    g = {"w3": s["f"].T @ dl, "b3": dl.sum(0)}
    dm2 = (dl @ p["w3"].T).reshape(s["k2"].shape[0], SIZE // 4, SIZE // 4, 16)
    dz2 = _unpool(dm2, s["k2"]) * (s["z2"] > 0)
    dz2 = dz2.reshape(-1, 16)
    g["w2"], g["b2"] = s["c2"].T @ dz2, dz2.sum(0)
    dm1 = _col2im(dz2 @ p["w2"].T, s["m1"].shape)
    dz1 = (_unpool(dm1, s["k1"]) * (s["z1"] > 0)).reshape(-1, 8)
    g["w1"], g["b1"] = s["c1"].T @ dz1, dz1.sum(0)
    return loss, g


def train(x, y, seed=SEED, epochs=EPOCHS, log=print):
    """Adam on mini-batches; the learning rate is halved at the 5th, 6th and 8th epoch."""
    rng = np.random.default_rng(seed)
    p = init_params(rng)
    m = {k: np.zeros_like(v) for k, v in p.items()}
    v = {k: np.zeros_like(val) for k, val in p.items()}
    step = 0
    for epoch in range(epochs):
        lr = LEARNING_RATE * 0.5 ** ((epoch - 1) // 2 if epoch >= 4 else 0)
        order = rng.permutation(len(x))
        losses = []
        for i in range(0, len(x), BATCH):
            idx = order[i:i + BATCH]
            loss, g = backward(p, x[idx], y[idx])
            losses.append(loss)
            step += 1
            for k in p:
                m[k] = 0.9 * m[k] + 0.1 * g[k]
                v[k] = 0.999 * v[k] + 0.001 * g[k] * g[k]
                mh = m[k] / (1 - 0.9 ** step)
                vh = v[k] / (1 - 0.999 ** step)
                p[k] = (p[k] - lr * mh / (np.sqrt(vh) + 1e-8)).astype(np.float32)
        log(f"epoch {epoch + 1}: loss {float(np.mean(losses)):.4f}")
    return p


def accuracy_float(p, x, y) -> float:
    return float(np.mean(np.argmax(forward(p, x), 1) == y))


# -- int8 quantization, as the TFLite converter does it ---------------------------------------

def _round(v):
    """Round half away from zero (std::round, what the converter uses)."""
    v = np.asarray(v, np.float64)
    return np.sign(v) * np.floor(np.abs(v) + 0.5)


def activation_params(lo: float, hi: float):
    """Asymmetric int8 (scale, zero point) for a calibrated [lo, hi] (widened to include 0)."""
    lo, hi = min(float(lo), 0.0), max(float(hi), 0.0)
    scale = (hi - lo) / 255.0
    zp = int(np.clip(_round(-128 - lo / scale), -128, 127))
    return float(np.float32(scale)), zp


def symmetric(w: np.ndarray, axis: int | None):
    """Symmetric int8 weights: per channel along axis (or per tensor) scale = max|w| / 127."""
    if axis is None:
        scale = np.float32(max(float(np.max(np.abs(w))), 1e-8) / 127.0)
        return np.clip(_round(w / np.float64(scale)), -127, 127).astype(np.int8), float(scale)
    red = tuple(i for i in range(w.ndim) if i != axis)
    scale = (np.maximum(np.max(np.abs(w), axis=red), 1e-8) / 127.0).astype(np.float32)
    shape = [1] * w.ndim
    shape[axis] = -1
    q = np.clip(_round(w / scale.astype(np.float64).reshape(shape)), -127, 127)
    return q.astype(np.int8), scale


def bias_int32(b: np.ndarray, in_scale: float, w_scale):
    """int32 bias; its scale is the float32 product of the two stored float32 scales."""
    scale = np.float32(in_scale) * np.asarray(w_scale, np.float32)
    return _round(b / scale.astype(np.float64)).astype(np.int32), scale


def calibrate(p, x) -> dict:
    """min/max of every activation over the calibration images (the converter's calibrator)."""
    logits, s = forward(p, x, keep=True)
    return {"conv1": (float(s["a1"].min()), float(s["a1"].max())),
            "conv2": (float(s["a2"].min()), float(s["a2"].max())),
            "logits": (float(logits.min()), float(logits.max()))}


def build_tflite(p, ranges: dict) -> bytes:
    from tests.helpers.builder import ModelBuilder

    mb = ModelBuilder(description="tinyengine-pio shapes demo (numpy-trained, int8)")
    x = mb.tensor([1, SIZE, SIZE, 1], "int8", scale=IN_SCALE, zero_point=IN_ZP, name="image")

    def conv(inp, in_scale, w_col, bias, cin, cout, rng_key, name):
        w = w_col.reshape(3, 3, cin, cout).transpose(3, 0, 1, 2)    # (kh,kw,c),o -> OHWI
        wq, ws = symmetric(w, axis=0)
        bq, bs = bias_int32(bias, in_scale, ws)
        scale, zp = activation_params(*ranges[rng_key])
        hw = inp.shape[1]
        out = mb.tensor([1, hw, hw, cout], "int8", scale=scale, zero_point=zp, name=name)
        weights = mb.const(wq, scale=ws, zero_point=0, quant_dim=0, name=name + "/w")
        biases = mb.const(bq, scale=bs, zero_point=0, name=name + "/b")
        mb.op("CONV_2D", [inp, weights, biases], [out],
              {"padding": "SAME", "stride_h": 1, "stride_w": 1,
               "fused_activation_function": "RELU"})
        pooled = mb.tensor([1, hw // 2, hw // 2, cout], "int8", scale=scale, zero_point=zp,
                           name=name + "/pool")
        mb.op("MAX_POOL_2D", [out], [pooled], {"padding": "VALID", "filter_height": 2,
                                               "filter_width": 2, "stride_h": 2, "stride_w": 2})
        return pooled, scale, zp

    h1, s1, _ = conv(x, IN_SCALE, p["w1"], p["b1"], 1, 8, "conv1", "conv1")
    h2, s2, z2 = conv(h1, s1, p["w2"], p["b2"], 8, 16, "conv2", "conv2")
    flat = mb.tensor([1, 256], "int8", scale=s2, zero_point=z2, name="flatten")
    mb.op("RESHAPE", [h2, mb.int32([1, 256])], [flat], {"new_shape": [1, 256]})
    wq, ws = symmetric(p["w3"].T, axis=None)                         # FC weights [out, in]
    bq, bs = bias_int32(p["b3"], s2, ws)
    ls, lz = activation_params(*ranges["logits"])
    logits = mb.tensor([1, len(CLASSES)], "int8", scale=ls, zero_point=lz, name="logits")
    mb.op("FULLY_CONNECTED", [flat, mb.const(wq, scale=ws, zero_point=0, name="fc/w"),
                              mb.const(bq, scale=bs, zero_point=0, name="fc/b")], [logits])
    prob = mb.tensor([1, len(CLASSES)], "int8", scale=1.0 / 256, zero_point=-128, name="prob")
    mb.op("SOFTMAX", [logits], [prob], {"beta": 1.0})
    return mb.build([x], [prob])


# -- the whole recipe -------------------------------------------------------------------------

def build(log=print):
    """Train and quantize; returns (tflite bytes, float held-out accuracy)."""
    x, y = dataset(SEED, N_TRAIN)
    p = train(x, y, log=log)
    xt, yt = dataset(SEED + 1, N_TEST)
    acc = accuracy_float(p, xt, yt)
    log(f"float held-out accuracy: {100 * acc:.2f} % ({N_TEST} images)")
    return build_tflite(p, calibrate(p, x[:2000])), acc


def int8_predictions(model: bytes, images: np.ndarray) -> np.ndarray:
    """[n, classes] int8 outputs of the model for images in [0, 1], by TFLM's interpreter."""
    from tests.helpers.tflm import run_tflm_many
    outs = run_tflm_many(model, [to_int8(im)[None] for im in images])
    return np.stack([o[0].reshape(-1) for o in outs])


def demo_samples():
    """The N_SAMPLES images of src/samples.h: drawn with their own seed (SEED + 2), so held out
    from training and from the accuracy test set; the classes in turn."""
    rng = np.random.default_rng(SEED + 2)
    labels = [k % len(CLASSES) for k in range(N_SAMPLES)]
    images = np.stack([draw(rng, k) for k in labels])[..., None]
    return images, np.array(labels)


def samples_header(images: np.ndarray, labels, test_accuracy: float) -> str:
    lines = [
        "/* Generated by make_model.py: held-out shapes for the demo (not used in training). */",
        "#ifndef SHAPES_SAMPLES_H",
        "#define SHAPES_SAMPLES_H",
        "",
        "#include <stdint.h>",
        "",
        f"#define SHAPES_NUM_CLASSES {len(CLASSES)}",
        f"#define SHAPES_NUM_SAMPLES {len(labels)}",
        f"#define SHAPES_SIDE {SIZE}",
        "/* int8 held-out accuracy of model/shapes.tflite (TFLM), in hundredths of a percent */",
        f"#define SHAPES_TEST_ACCURACY_BP {round(test_accuracy * 10000)}",
        f"#define SHAPES_TEST_IMAGES {N_TEST}",
        "",
        "static const char *const shapes_class_names[SHAPES_NUM_CLASSES] = {",
        "    " + ", ".join(f'"{c}"' for c in CLASSES) + ",",
        "};",
        "",
        "static const uint8_t shapes_sample_labels[SHAPES_NUM_SAMPLES] = {"
        + ", ".join(str(int(k)) for k in labels) + "};",
        "",
        "/* int8 pixels (scale 1/255, zero point -128), row-major 16x16 */",
        "static const int8_t shapes_samples[SHAPES_NUM_SAMPLES][SHAPES_SIDE * SHAPES_SIDE] = {",
    ]
    for k, im in zip(labels, images):
        q = to_int8(im).reshape(SIZE, SIZE)
        lines.append(f"    {{ /* {CLASSES[int(k)]} */")
        for row in q:
            lines.append("        " + ", ".join(str(int(v)) for v in row) + ",")
        lines.append("    },")
    lines += ["};", "", "#endif", ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out-dir", default=HERE,
                    help="where model/shapes.tflite and src/samples.h go (default: this sample)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    model, _ = build()
    xt, yt = dataset(SEED + 1, N_TEST)
    acc = float(np.mean(np.argmax(int8_predictions(model, xt), 1) == yt))
    print(f"int8 held-out accuracy (TFLM): {100 * acc:.2f} % ({N_TEST} images, "
          f"chance {100.0 / len(CLASSES):.1f} %)")
    images, labels = demo_samples()
    model_path = os.path.join(args.out_dir, MODEL_FILE)
    samples_path = os.path.join(args.out_dir, SAMPLES_FILE)
    for path in (model_path, samples_path):
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(model_path, "wb") as fp:
        fp.write(model)
    with open(samples_path, "w") as fp:
        fp.write(samples_header(images, labels, acc))
    print(f"wrote {model_path} ({len(model)} bytes) and {samples_path} "
          f"in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
