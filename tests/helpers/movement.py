"""The float32 / int16 / int32 sections of the data-movement operators' tests
(tinyengine_pio/ops/movement.py): tensors of a dtype, input sets that cover its whole range (and
float32's special values: signed zeros, denormals, infinities, NaN, the largest finite), and
`check`, which compares the generated C with TFLM bit for bit where TFLM runs the operator in
that dtype, and with a numpy reference where it does not (TFLM's kernels refuse them; the
bytes move the same way, so this compiler runs them)."""
from __future__ import annotations

import numpy as np

from .builder import ModelBuilder
from .hostrun import HostModel, assert_matches_tflm

DTYPES = ("float32", "int16", "int32")
NP = {"float32": np.float32, "int16": np.int16, "int32": np.int32, "int8": np.int8}

# (builtin, dtype) the tflite-micro wheel refuses (its kernels' type switches), so the C is
# compared with numpy there; checked by `check` (it fails once TFLM runs one of them)
TFLM_REFUSES = {
    ("TRANSPOSE", "int32"), ("EXPAND_DIMS", "int32"), ("RESIZE_NEAREST_NEIGHBOR", "int32"),
    ("GATHER", "int16"), ("GATHER", "int32"),
    ("DEPTH_TO_SPACE", "int16"), ("DEPTH_TO_SPACE", "int32"),
    ("SPACE_TO_DEPTH", "int16"), ("SPACE_TO_DEPTH", "int32"),
    ("SPACE_TO_BATCH_ND", "int16"), ("SPACE_TO_BATCH_ND", "int32"),
    ("BATCH_TO_SPACE_ND", "int16"), ("BATCH_TO_SPACE_ND", "int32"),
}

_F32 = np.finfo(np.float32)
SPECIAL_F32 = np.array([0.0, -0.0, 1.5, -2.25, np.inf, -np.inf, np.nan, _F32.max, -_F32.max,
                        _F32.tiny, 1e-45, -1e-45, 3.0e38, 1e-30, 7.0, -1e4], np.float32)


def quant(dtype: str) -> dict:
    """int16 activations are symmetric (zero point 0); float32 and int32 carry none."""
    return {"int16": dict(scale=0.01, zero_point=0),
            "int8": dict(scale=0.05, zero_point=-3)}.get(dtype, {})


def tensor(mb: ModelBuilder, shape, dtype: str, name: str | None = None):
    return mb.tensor(list(shape), dtype, name=name, **quant(dtype))


def values(shape, dtype: str, rng, special: bool = False) -> np.ndarray:
    if dtype == "float32":
        if special:
            return np.resize(SPECIAL_F32, shape).astype(np.float32)
        return (rng.standard_normal(shape) * 100).astype(np.float32)
    info = np.iinfo(NP[dtype])
    if special:
        return np.resize(np.array([info.min, info.max, 0, -1, 1], NP[dtype]), shape)
    return rng.integers(info.min, info.max, size=shape, endpoint=True).astype(NP[dtype])


def data_sets(inputs, seed: int = 0) -> list[list[np.ndarray]]:
    """Three random sets and one of special values for [(shape, dtype)] inputs."""
    rng = np.random.default_rng(seed)
    sets = [[values(s, d, rng) for s, d in inputs] for _ in range(3)]
    return sets + [[values(s, d, rng, special=True) for s, d in inputs]]


def check(compile_to, model: bytes, kind: str, dtype: str, ref=None, sets=None):
    """Compile `model`, check every remaining operator runs the `dtype` implementation, and
    compare with TFLM bit for bit, or with `ref(*inputs) -> [outputs]` where TFLM refuses
    `kind` in `dtype`. Returns the CompiledModel."""
    from .tflm import run_tflm_many
    cm, out = compile_to(model)
    assert all(op.dtype == dtype for op in cm.graph.operators if op.kind == kind), \
        [(op.kind, op.dtype) for op in cm.graph.operators]
    g = cm.graph
    sets = sets or data_sets([(g.t(i).shape, g.t(i).dtype) for i in g.inputs])
    with HostModel(out, "model") as host, np.errstate(invalid="ignore"):
        if (kind, dtype) not in TFLM_REFUSES:
            assert_matches_tflm(model, out, sets, host=host, float_exact=True)
            return cm
        try:
            run_tflm_many(model, sets[:1])
        except Exception:
            pass
        else:
            raise AssertionError(f"TFLM runs {kind} in {dtype} now: drop it from TFLM_REFUSES")
        assert ref is not None, f"TFLM refuses {kind} in {dtype}: give a numpy reference"
        for inputs, got in zip(sets, host.run(sets)):
            want = ref(*inputs)
            assert len(got) == len(want)
            for raw, w in zip(got, want):
                w = np.ascontiguousarray(np.asarray(w, NP[dtype]))
                assert raw == w.tobytes(), (np.frombuffer(raw, NP[dtype]), w.ravel())
    return cm
