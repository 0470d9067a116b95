"""TFLite Micro's interpreter on the host as the reference (``pip install tflite-micro``)."""
from __future__ import annotations

import numpy as np

from .errors import HarnessError


def tflm_outputs(model_bytes: bytes, inputs: list, num_outputs: int) -> list:
    """One inference with TFLM's Python interpreter; outputs in model order."""
    try:
        from tflite_micro.python.tflite_micro import runtime
    except ImportError:
        raise HarnessError("the reference check needs TFLite Micro's interpreter: "
                           "pip install tflite-micro") from None
    it = runtime.Interpreter.from_bytes(bytes(model_bytes),
                                        arena_size=max(16 << 20, 8 * len(model_bytes)))
    for i, x in enumerate(inputs):
        d = it.get_input_details(i)
        it.set_input(np.ascontiguousarray(np.asarray(x).astype(d["dtype"], copy=False)
                                          .reshape(d["shape"])), i)
    it.invoke()
    outs = [np.array(it.get_output(i), copy=True) for i in range(num_outputs)]
    return outs


FLOAT_RTOL, FLOAT_ATOL = 1e-4, 1e-5     # float32 outputs: TFLM's std::exp & co. vs ours


def first_mismatch(device: list, reference: list) -> str | None:
    """None if byte-exact (float32 outputs: within rtol 1e-4 / atol 1e-5 of TFLM's, NaN where
    TFLM has NaN), else a sentence naming the first differing element."""
    if len(device) != len(reference):
        return "the target has %d outputs, TFLM %d" % (len(device), len(reference))
    for k, (a, b) in enumerate(zip(device, reference)):
        a = np.asarray(a)
        b = np.asarray(b)
        if a.dtype != b.dtype or a.size != b.size:
            return "output %d: target %s[%d], TFLM %s[%d]" % (k, a.dtype, a.size, b.dtype, b.size)
        fa, fb = a.reshape(-1), b.reshape(-1)
        if fa.tobytes() == fb.tobytes():
            continue
        if fa.dtype == np.float32:
            wa, wb = fa.astype(np.float64), fb.astype(np.float64)
            close = (np.abs(wa - wb) <= FLOAT_ATOL + FLOAT_RTOL * np.abs(wb)) | (wa == wb) | \
                (np.isnan(wa) & np.isnan(wb))
            if close.all():
                continue
            j = int(np.flatnonzero(~close)[0])
            idx = tuple(int(v) for v in np.unravel_index(j, b.shape)) if b.shape else ()
            return ("output %d differs first at element %d %s: target %r, TFLM %r, beyond rtol "
                    "%g / atol %g (%d of %d elements)" % (k, j, list(idx), float(fa[j]),
                                                          float(fb[j]), FLOAT_RTOL, FLOAT_ATOL,
                                                          int((~close).sum()), fa.size))
        ra = fa.view(np.uint8).reshape(fa.size, -1)
        rb = fb.view(np.uint8).reshape(fb.size, -1)
        diff = np.flatnonzero(np.any(ra != rb, axis=1))
        j = int(diff[0])
        idx = tuple(int(v) for v in np.unravel_index(j, b.shape)) if b.shape else ()
        return ("output %d differs first at element %d %s: target %s, TFLM %s "
                "(%d of %d elements differ)" % (k, j, list(idx), fa[j].item(), fb[j].item(),
                                                 diff.size, fa.size))
    return None
