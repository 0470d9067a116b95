"""`<prefix>.json` beside `<prefix>.c`: what the compiler decided, for tools (docs/MODEL_JSON.md).

The PlatformIO hook, the harness, the Zephyr module and the benchmarks read the figures of a
generated model (code hash, arena, input/output layout, per-layer table) from this file instead of
parsing the generated C.  Importing this module costs nothing heavy (stdlib only); building a
document from a compiled model imports the compiler's report lazily.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from typing import Any

FORMAT_VERSION = 1
CODE_SUFFIXES = (".c", ".h")     # the files whose digest is `code_sha256` (as the harness hashes)


@dataclass
class SourceModel:
    name: str                    # base name of the .tflite the code was generated from
    sha256: str                  # of its bytes (the `<PREFIX>_SHA256` macro)


@dataclass
class SharedArena:
    symbol: str                  # the arena's C symbol (te_shared_arena, defined in te_arena.c)
    bytes: int                   # its size: the largest arena.bytes of `models`
    models: list[str]            # prefixes of the models compiled together around it


@dataclass
class Arena:
    bytes: int                   # `<PREFIX>_ARENA_BYTES`: the one static activation arena
    lower_bound_bytes: int       # the largest live set at any step (no plan can do better)
    alignment: int               # buffer alignment the planner used
    shared: SharedArena | None = None   # None (key absent): the model's own `<prefix>_arena`


@dataclass
class TensorInfo:
    index: int                   # i of `<prefix>_input(i)` / `<prefix>_output(i)`
    tensor: int                  # tensor index in the .tflite subgraph
    name: str
    shape: list[int]
    dtype: str                   # int8, uint8, int16, int32, float32, ...
    scale: float | None          # None: not quantized
    zero_point: int | None
    bytes: int                   # `<prefix>_input_bytes(i)`
    arena_offset: int            # byte offset of its data in the arena


@dataclass
class Layer:
    step: int                    # position in the generated code (TE_PROFILE_LAYER(step))
    index: int                   # operator index in the .tflite
    op: str                      # TFLite builtin name, e.g. CONV_2D
    inputs: list[list[int]]      # shapes of its activation (non-constant) inputs
    outputs: list[list[int]]     # shapes of its outputs
    macs: int
    weight_bytes: int            # constant operands (flash)
    est_instructions: int        # cost-model estimate on `est_cpu`
    fused: list[str] = field(default_factory=list)   # folded activation / PAD / zero point


@dataclass
class StageInfo:
    first: int                   # first step of a fused stage (steps run row by row together)
    last: int                    # its last step; its output (the sink) is the one written whole
    ring_bytes: int              # its line buffers in the arena, all together
    # steps computing several rows per kernel call inside their interior ({step: rows} as
    # strings of numbers, absent when every step computes one row per call)
    batch: dict[str, int] = field(default_factory=dict)


@dataclass
class FlashInfo:
    size_ops: list[int]          # .tflite operator indices compiled with the size kernels
    isa: str                     # the build whose constants were counted: dsp | mve | portable
    budget: int | None           # the flash budget they fit (None: size_ops were given)
    speed_bytes: int             # constants with every op on its fast kernels (that build)
    bytes: int                   # constants as compiled
    extra_instructions: int      # cost model: what the size kernels of size_ops add
    w16: bool = True             # False: the 2x4 GEMMs' int16 weights were turned off first


@dataclass
class ModelMetadata:
    format_version: int
    tinyengine_pio_version: str
    prefix: str
    source: SourceModel
    code_sha256: str             # harness.code_sha256 of the generated .c/.h (the firmware's)
    optimize: str                # speed | size | memory
    arena: Arena
    weight_bytes: int
    macs: int
    est_cpu: str
    est_instructions: int
    inputs: list[TensorInfo]
    outputs: list[TensorInfo]
    layers: list[Layer]
    # compile_model's io option: "int8" when the float I/O's QUANTIZE / DEQUANTIZE were dropped
    # (passes/int8_io.py; inputs/outputs then describe the int8 tensors); absent: "model"
    io: str = "model"
    # fused stages of the chosen schedule (--optimize memory, --ram-budget, --fuse, docs/MEMORY.md);
    # absent: layer by layer
    stages: list[StageInfo] = field(default_factory=list)
    # the flash fallback (--flash-budget, the PlatformIO board's flash; tinyengine_pio/flash.py):
    # operators on the size kernels in a speed build; absent: none
    flash: FlashInfo | None = None

    @property
    def input_copy_bytes(self) -> int:
        """Bytes of all inputs together (the harness's input copy)."""
        return sum(t.bytes for t in self.inputs)

    def to_json(self) -> str:
        """The file's text: keys in field order, 2-space indent, lists of numbers or of shapes on
        one line, trailing newline (deterministic: the golden hashes cover it)."""
        d = asdict(self)
        if d["arena"]["shared"] is None:       # absent for a model with its own arena
            del d["arena"]["shared"]
        if d["io"] == "model":                 # absent for the model's own I/O
            del d["io"]
        if not d["stages"]:                    # absent layer by layer
            del d["stages"]
        if d["flash"] is None:                 # absent without a flash fallback
            del d["flash"]
        for st in d.get("stages", []):
            if not st["batch"]:
                del st["batch"]
        return _format(d, "") + "\n"

    @classmethod
    def from_json(cls, text: str) -> ModelMetadata:
        return cls.from_dict(json.loads(text))

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ModelMetadata:
        version = d.get("format_version")
        if not isinstance(version, int) or not 1 <= version <= FORMAT_VERSION:
            raise ValueError(f"model.json format_version {version!r} is not supported by this "
                             f"tinyengine-pio (reads 1..{FORMAT_VERSION}): regenerate the code")
        kw = _known(cls, d)
        kw.update(source=SourceModel(**_known(SourceModel, d["source"])),
                  arena=_arena(d["arena"]),
                  inputs=[TensorInfo(**_known(TensorInfo, t)) for t in d["inputs"]],
                  outputs=[TensorInfo(**_known(TensorInfo, t)) for t in d["outputs"]],
                  layers=[Layer(**_known(Layer, L)) for L in d["layers"]],
                  stages=[StageInfo(**_known(StageInfo, st)) for st in d.get("stages", [])],
                  flash=FlashInfo(**_known(FlashInfo, d["flash"])) if d.get("flash") else None)
        return cls(**kw)

    @classmethod
    def load(cls, path: str | os.PathLike, prefix: str = "model") -> ModelMetadata:
        """From a `<prefix>.json` file, or from the directory of the generated code."""
        path = os.fspath(path)
        if os.path.isdir(path):
            path = os.path.join(path, prefix + ".json")
        with open(path, encoding="utf8") as fp:
            return cls.from_json(fp.read())


def _arena(d: dict[str, Any]) -> Arena:
    arena = Arena(**_known(Arena, d))
    if isinstance(arena.shared, dict):
        arena.shared = SharedArena(**_known(SharedArena, arena.shared))
    return arena


def _format(value: Any, indent: str) -> str:
    """json.dumps(indent=2), except that a list without objects stays on one line."""
    inner = indent + "  "
    if isinstance(value, dict) and value:
        items = [f"{inner}{json.dumps(k)}: {_format(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        return "[\n" + ",\n".join(inner + _format(v, inner) for v in value) + "\n" + indent + "]"
    return json.dumps(value)


def _known(cls, d: dict[str, Any]) -> dict[str, Any]:
    """The keys `cls` has (a newer minor addition to the format is ignored)."""
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in d.items() if k in names}


def _tensor_info(cm, position: int, tensor: int) -> TensorInfo:
    g = cm.graph
    t = g.t(tensor)
    storage, offset = g.view(tensor)
    quantized = t.scale is not None
    return TensorInfo(index=position, tensor=tensor, name=t.name, shape=[int(s) for s in t.shape],
                      dtype=t.dtype, scale=t.s if quantized else None,
                      zero_point=t.zp if quantized else None, bytes=int(t.nbytes),
                      arena_offset=int(cm.offsets[storage] + offset))


def build_metadata(cm, prefix: str, source_name: str, optimize: str,
                   alignment: int, shared: SharedArena | None = None) -> ModelMetadata:
    """The document for a compiled model whose `cm.files` holds the generated C; `shared`: the
    arena it shares with other models (compiler.compile_models(shared_arena=True))."""
    from .harness import code_sha256
    from .report import build_report
    from .version import __version__
    r = build_report(cm)
    g = cm.graph
    layers = [Layer(step=L["step"], index=L["index"], op=L["op"], inputs=L["inputs"],
                    outputs=L["outputs"], macs=L["macs"], weight_bytes=L["weight_bytes"],
                    est_instructions=L["est_instructions"], fused=L["fused"])
              for L in r["layers"]]
    return ModelMetadata(
        format_version=FORMAT_VERSION, tinyengine_pio_version=__version__, prefix=prefix,
        source=SourceModel(name=source_name, sha256=cm.sha256),
        code_sha256=code_sha256({n: t for n, t in cm.files.items() if n.endswith(CODE_SUFFIXES)}),
        optimize=optimize,
        arena=Arena(bytes=r["arena_bytes"], lower_bound_bytes=r["lower_bound_bytes"],
                    alignment=alignment, shared=shared),
        weight_bytes=r["weight_bytes"], macs=r["macs"], est_cpu=r["est_cpu"],
        est_instructions=r["est_instructions"],
        inputs=[_tensor_info(cm, n, i) for n, i in enumerate(g.inputs)],
        outputs=[_tensor_info(cm, n, i) for n, i in enumerate(g.outputs)],
        layers=layers, io=g.config.get("io", "model"),
        stages=[StageInfo(first=st.first, last=st.last, ring_bytes=st.ring_bytes,
                          batch={str(k): v for k, v in sorted(st.batch.items())})
                for st in g.stages],
        flash=None if cm.flash is None else FlashInfo(
            size_ops=list(cm.flash.size_ops), isa=cm.flash.isa, budget=cm.flash.budget,
            speed_bytes=cm.flash.speed_bytes, bytes=cm.flash.bytes,
            extra_instructions=cm.flash.extra_instructions, w16=cm.flash.w16))


def metadata_file(cm, prefix: str, source_name: str, optimize: str,
                  alignment: int, shared: SharedArena | None = None) -> dict[str, str]:
    """`{"<prefix>.json": text}`, to add to `cm.files` (after the C is generated)."""
    return {prefix + ".json": build_metadata(cm, prefix, source_name, optimize,
                                             alignment, shared).to_json()}
