"""Write the line camera's model: the shapes CNN of ../platformio_shapes behind a 64x64 camera.

The camera sees 64x64 pixels; an AVERAGE_POOL_2D 4x4 / stride 4 brings them to the 16x16 grey
image the shapes CNN (numpy-trained, int8; its make_model.py) was trained on, so the predictions
mean something, and the input (4,096 B) is now the largest tensor: the one that streaming
removes from RAM.

    [1,64,64,1] -> AVERAGE_POOL_2D 4x4 s4 -> [1,16,16,1] -> the shapes CNN (CONV_2D 3x3 (8) ->
    MAX_POOL_2D -> CONV_2D 3x3 (16) -> MAX_POOL_2D -> RESHAPE -> FULLY_CONNECTED (6) -> SOFTMAX)

The pool keeps the input's quantization (scale 1/255, zero point -128), as TFLite requires of
an int8 AVERAGE_POOL_2D. The shapes model's tensors, constants and operator options are copied
as they are (tests/helpers/builder.py writes the flatbuffer), so nothing is retrained: the
output is the same bytes every time. Run from anywhere (needs `pip install -e .[test]`):

    python sample_apps/platformio_linecam/make_model.py
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

SHAPES_MODEL = os.path.join(ROOT, "sample_apps", "platformio_shapes", "model", "shapes.tflite")
MODEL_FILE = os.path.join("model", "linecam.tflite")
CAMERA = 64          # camera side (pixels)
POOL = 4             # CAMERA / POOL = 16, the shapes CNN's side


def _np_type(fb, code: int):
    return {fb.TensorType.INT8: np.int8, fb.TensorType.INT32: np.int32,
            fb.TensorType.INT16: np.int16, fb.TensorType.INT64: np.int64,
            fb.TensorType.FLOAT32: np.float32}[code]


def build(shapes: bytes) -> bytes:
    """The line camera model's .tflite bytes from the shapes model's."""
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as fb

    from tests.helpers.builder import _NP_TO_NAME, ModelBuilder

    src = fb.ModelT.InitFromPackedBuf(shapes, 0)
    sg = src.subgraphs[0]
    mb = ModelBuilder(description="tinyengine-pio line camera demo: 64x64 -> 4x4 average pool "
                                  "-> the shapes CNN (int8)")

    def quant(t):
        q = t.quantization
        if q is None or q.scale is None or len(q.scale) == 0:
            return None, None, 0
        scale = np.asarray(q.scale, np.float32)
        zp = np.asarray(q.zeroPoint, np.int64)
        if scale.size == 1:
            return float(scale[0]), int(zp[0]), 0
        return scale, zp, int(q.quantizedDimension)

    refs = []
    for t in sg.tensors:
        scale, zp, dim = quant(t)
        name = t.name.decode() if isinstance(t.name, bytes) else t.name
        data = src.buffers[t.buffer].data if t.buffer else None
        dtype = _np_type(fb, t.type)
        if data is not None and len(data):
            arr = np.frombuffer(bytes(bytearray(data)), dtype).reshape(list(t.shape))
            refs.append(mb.const(arr, _NP_TO_NAME[np.dtype(dtype)], scale=scale, zero_point=zp,
                                 quant_dim=dim, name=name))
        else:
            refs.append(mb.tensor(list(t.shape), _NP_TO_NAME[np.dtype(dtype)], scale=scale,
                                  zero_point=zp, quant_dim=dim, name=name))
    (image,) = sg.inputs
    img = refs[image]
    assert list(img.shape) == [1, CAMERA // POOL, CAMERA // POOL, 1], img.shape
    camera = mb.tensor([1, CAMERA, CAMERA, 1], "int8", scale=img.scale,
                       zero_point=img.zero_point, name="camera")
    mb.op("AVERAGE_POOL_2D", [camera], [img],
          {"padding": "VALID", "filter_height": POOL, "filter_width": POOL, "stride_h": POOL,
           "stride_w": POOL})
    names = {v: k for k, v in vars(fb.BuiltinOperator).items() if not k.startswith("_")}
    for op in sg.operators:
        code = src.operatorCodes[op.opcodeIndex]
        k = mb.op(names[max(code.builtinCode, code.deprecatedBuiltinCode)],
                  [refs[i] if i >= 0 else None for i in op.inputs],
                  [refs[i] for i in op.outputs])
        mb._operators[k].builtinOptionsType = op.builtinOptionsType     # as they are
        mb._operators[k].builtinOptions = op.builtinOptions
    return mb.build([camera], [refs[o] for o in sg.outputs])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out-dir", default=HERE,
                    help="where model/linecam.tflite goes (default: this sample)")
    args = ap.parse_args(argv)
    with open(SHAPES_MODEL, "rb") as fp:
        model = build(fp.read())
    path = os.path.join(args.out_dir, MODEL_FILE)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "wb") as fp:
        fp.write(model)
    print(f"wrote {path} ({len(model)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
