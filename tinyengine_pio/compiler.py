"""The compiler driver: bytes -> IR -> passes -> plan -> C files."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from .emitter import (
    SHARED_ARENA_HEADER,
    SHARED_ARENA_SOURCE,
    SHARED_ARENA_SYMBOL,
    c_identifier,
    digest,
    generate,
    shared_arena_source,
    write_files,
)
from .errors import OptionError, TinyEngineError
from .flash import SIZE_OPS, FlashFallback, check_options, fit_flash, op_flash, op_scope
from .frontend import load_bytes, read_model, safe_text
from .ir import Graph
from .kernel_sources import generated_names
from .metadata import SharedArena, metadata_file
from .ops import lookup
from .ops.conv_2d import choose_w16
from .passes import run_pipeline
from .passes.int8_io import check_io
from .planner import Plan
from .planner.policy import GraphPlan
from .planner.policy import choose as choose_memory
from .schedule import choose_order
from .stages import make_stage
from .stages.search import Candidate, batch_pairs, instructions, pick, rows_of, search
from .stages.verify import verify_stage
from .validate import Limits

OPTIMIZE = ("speed", "size", "memory")


@dataclass
class CompiledModel:
    graph: Graph                 # after passes
    source: Graph                # as read
    plan: Plan
    offsets: dict[int, int]      # storage tensor -> arena offset
    lifetimes: dict[int, tuple[int, int]]
    files: dict[str, str] = field(default_factory=dict)
    sha256: str = ""
    schedules: list = field(default_factory=list)   # stages.search.Candidate, the chosen marked
    flash: FlashFallback | None = None   # ops on the size kernels to fit flash_budget (flash.py)

    @property
    def arena_bytes(self) -> int:
        return self.plan.arena_bytes

    @property
    def weight_bytes(self) -> int:
        return sum(self.graph.t(i).nbytes for i in _const_inputs(self.graph))


def _const_inputs(g: Graph) -> set[int]:
    return {i for op in g.operators for i in op.inputs if i >= 0 and g.t(i).is_const}


def compile_model(data: bytes, prefix: str = "model", name: str = "model.tflite",
                  alignment: int = 4, algorithms: list[str] | None = None,
                  overlap: bool = True, emit: bool = True, optimize: str = "speed",
                  limits: Limits | None = None, check_writes: bool = False,
                  shared_arena: bool = False, io: str = "model", ram_budget: int | None = None,
                  fuse: list[tuple[int, int]] | None = None, input_stream: bool = False,
                  progress=None, flash_budget: int | None = None, flash_isa: str = "dsp",
                  size_ops: list[int] | None = None, w16: bool = True) -> CompiledModel:
    """optimize="speed" uses the GEMM / im2col / unrolled kernels; "size" the direct loops.
    `limits` bounds tensor and arena sizes (default 64 MiB each, validate.Limits).
    `check_writes` adds the debug write check (built with -D<PREFIX>_CHECK_WRITES).
    `shared_arena`: the code uses the arena `te_shared_arena` (te_arena.h) instead of its own;
    compile_models() writes the te_arena.c that defines it for a set of models.
    `io="int8"`: the caller passes and receives the quantized tensors of a float-I/O model (the
    boundary QUANTIZE / DEQUANTIZE ops are dropped, passes/int8_io.py); "model" keeps its I/O.
    optimize="memory": the schedule with the smallest arena, fusing runs of layers into
    line-buffered stages (stages/search.py); `ram_budget`: the fastest schedule whose arena fits
    that many bytes (RamBudgetError, with the smallest arena, when none does); `fuse`: explicit
    stages as (first step, last step) ranges, optionally with a third item {step: rows per
    call} (model.json's "batch"; OptionError where they cannot stream).
    `input_stream`: the graph inputs are never whole in RAM: the first fused stage pulls their
    rows from the application's `<prefix>_read_input_rows()` (implies the memory search unless
    `fuse` or `ram_budget` say otherwise; OptionError when an input cannot stream).
    `flash_budget`: bytes the constants (weights and the fast kernels' operands) may take in a
    `flash_isa` build ("dsp": TE_FAST cores, "mve": Helium, "portable"); where they do not
    fit, operators fall back one by one to the size kernels (flash.py; cm.flash, model.json's
    "flash"; FlashBudgetError when even all of them do not fit). `size_ops`: .tflite operator
    indices compiled as with optimize="size" (what model.json's "flash" recorded); `w16=False`:
    no int16 GEMM weights (ops/conv_2d.py choose_w16; model.json's "flash" "w16")."""
    _check_prefix(prefix)
    if optimize not in OPTIMIZE:
        raise OptionError(f"optimize must be one of {', '.join(OPTIMIZE)}, not {optimize!r}")
    if ram_budget is not None and (not isinstance(ram_budget, int) or ram_budget <= 0):
        raise OptionError(f"ram_budget must be a positive number of bytes, not {ram_budget!r}")
    check_options(flash_budget, flash_isa, size_ops)
    check_io(io)
    limits = limits or Limits()
    source = read_model(data, name, limits)
    source.config["optimize"] = optimize
    source.config["io"] = io
    source.config["input_stream"] = bool(input_stream)
    source.config["no_w16"] = not w16
    if size_ops:
        _check_size_ops(source, size_ops)
    goal = "memory" if input_stream and optimize != "size" and ram_budget is None else optimize

    def build(size: list[int]):
        """The graph after the passes and its plan, with the ops `size` on the size kernels."""
        source.config.pop(SIZE_OPS, None)
        if size:
            source.config[SIZE_OPS] = sorted(set(size))
        g = choose_order(run_pipeline(source))

        def plan_with(stages, thorough: bool = False) -> GraphPlan:
            g.stages = list(stages)
            return choose_memory(g, lambda op: _scoped(g, op, "memory_options"),
                                 lambda op: _scoped(g, op, "access"), alignment, algorithms,
                                 overlap, thorough=thorough and bool(stages))

        gp, schedules = _schedule(g, plan_with, goal, ram_budget, fuse, progress)
        choose_w16(g, len(data) - sum(g.t(i).nbytes for i in _const_inputs(g)))
        return g, gp, schedules

    g, gp, schedules = build(list(size_ops or []))
    fallback = None
    if flash_budget is not None:
        g, gp, schedules, fallback = fit_flash(build, source, (g, gp, schedules), flash_budget,
                                               flash_isa, list(size_ops or []))
    elif size_ops or not w16:  # as given (e.g. what a model.json recorded): record them again
        total = op_flash(g, gp.offsets, flash_isa)[1]
        fallback = FlashFallback(budget=None, isa=flash_isa,
                                 size_ops=sorted(set(size_ops or [])), speed_bytes=total,
                                 bytes=total, w16=w16)
    _verify_stages(g, gp)
    if input_stream:
        _check_streamed(g)
    p, offsets, life = gp.plan, gp.offsets, gp.lifetimes
    limits.check_arena(p.arena_bytes)
    sha = digest(data)
    cm = CompiledModel(graph=g, source=source, plan=p, offsets=offsets, lifetimes=life, sha256=sha,
                       schedules=schedules, flash=fallback)
    if emit:
        shared = SharedArena(SHARED_ARENA_SYMBOL, p.arena_bytes, [prefix]) if shared_arena else None
        _emit(cm, prefix, os.path.basename(name), optimize, alignment, check_writes, shared)
    return cm


def _scoped(g: Graph, op, hook: str):
    """An op's memory_options / access as its own optimize sees them (flash.op_scope)."""
    with op_scope(g, op):
        return getattr(lookup(op), hook)(g, op)


def _check_size_ops(source: Graph, size_ops) -> None:
    """size_ops: operator indices of the .tflite (OptionError otherwise)."""
    known = {op.index for op in source.operators}
    bad = sorted(set(size_ops) - known)
    if bad:
        raise OptionError(f"size_ops: the model has no operator {bad[0]} (operators "
                          f"0-{max(known, default=-1)})")


def _schedule(g: Graph, plan_with, optimize: str, ram_budget: int | None, fuse, progress):
    """The plan of the chosen schedule, and the candidate schedules considered (one, unless
    the memory goal or a budget made the search run)."""
    if fuse is not None:
        _check_fuse(g, fuse)
        of = rows_of(g)
        stages = []
        for rng in fuse:
            st = make_stage(g, rng[0], rng[1], of,
                            stream_inputs=g.config.get("input_stream", False),
                            batch=rng[2] if len(rng) == 3 else None)
            if st is None:
                raise OptionError(f"steps {rng[0]}-{rng[1]} cannot run as one fused stage "
                                  "(every layer must stream: CONV_2D, DEPTHWISE_CONV_2D, pools, "
                                  "ADD of equal shapes; only the last one's output read outside)")
            stages.append(st)
        gp = plan_with(sorted(stages, key=lambda s: s.first), thorough=True)
        cand = Candidate(tuple((r[0], r[1]) for r in fuse), gp.plan.arena_bytes,
                         instructions(g, g.stages), chosen=True, stages=g.stages)
        return gp, [cand]
    gp = plan_with([])
    layerwise = Candidate((), gp.plan.arena_bytes, instructions(g, []), stages=[])
    if optimize != "memory" and (ram_budget is None or layerwise.arena <= ram_budget) \
            and not g.config.get("input_stream"):
        layerwise.chosen = True
        return gp, [layerwise]
    path = search(g, lambda stages: plan_with(stages).plan.arena_bytes, progress)
    chosen = pick(path, optimize, ram_budget, g if g.config.get("input_stream") else None)
    limit = chosen.arena if ram_budget is None else max(chosen.arena, ram_budget)
    chosen.stages = batch_pairs(g, chosen.stages,
                                lambda stages: plan_with(stages).plan.arena_bytes, limit)
    gp = plan_with(chosen.stages, thorough=True)
    chosen.arena = gp.plan.arena_bytes
    chosen.instructions = instructions(g, chosen.stages)
    return gp, path


def _check_fuse(g: Graph, fuse) -> None:
    """Explicit stages: (first, last) step ranges inside the graph, disjoint (OptionError)."""
    n = len(g.operators)
    spans = []
    single = g.config.get("input_stream", False)     # one layer streaming the input
    for rng in fuse:
        if len(rng) not in (2, 3) or not (0 <= rng[0] <= rng[1] < n
                                          and (single or rng[0] < rng[1])):
            raise OptionError(f"fused steps {'-'.join(map(str, rng[:2]))}: a stage is a range "
                              f"A-B of steps with A < B, and this model runs steps 0-{n - 1}")
        spans.append((int(rng[0]), int(rng[1])))
    spans.sort()
    for (a0, b0), (a1, b1) in zip(spans, spans[1:]):
        if a1 <= b0:
            raise OptionError(f"fused steps {a0}-{b0} and {a1}-{b1} overlap: a step runs in one "
                              "stage only")


def _verify_stages(g: Graph, gp: GraphPlan) -> None:
    """The chosen stages, checked independently of how they were sized (stages/verify.py),
    with the sink's placement over its sources as planned."""
    for st in g.stages:
        over = {int(p.base[1:]): p.delta for p in gp.plan.pins
                if p.member == f"t{g.storage(st.sink)}" and int(p.base[1:]) in st.sources}
        verify_stage(g, st, over)


def _check_streamed(g: Graph) -> None:
    """--input-stream: every graph input must be streamed by the chosen schedule."""
    streamed = {t for st in g.stages for t in st.streamed}
    consumers = g.consumers()
    for n, i in enumerate(g.inputs):
        if i not in streamed:
            first = consumers.get(i, [None])[0]
            what = (f"its reader #{first.index} {first.kind} " if first is not None else "it ")
            raise OptionError(f"--input-stream: input {n} '{g.t(i).name}' {list(g.t(i).shape)} "
                              f"{g.t(i).dtype} cannot be streamed: {what}needs it whole (only "
                              "NHWC int8 inputs read by CONV_2D, DEPTHWISE_CONV_2D, pools or "
                              "ADD can stream)")


def _emit(cm: CompiledModel, prefix: str, source_name: str, optimize: str, alignment: int,
          check_writes: bool, shared: SharedArena | None) -> None:
    """cm.files: the C (with the shared arena's header when `shared`), kernels, model.json."""
    source_name = safe_text(source_name)     # a file name goes into a C comment too
    cm.files = generate(cm.graph, cm.offsets, cm.arena_bytes, prefix, cm.sha256, source_name,
                        optimize, check_writes=check_writes, shared_arena=shared is not None)
    cm.files.update(metadata_file(cm, prefix, source_name, optimize, alignment, shared))


@dataclass
class CompiledSet:
    """Several models compiled into one directory (compile_models)."""
    models: dict[str, CompiledModel]     # prefix -> model, in the order given
    files: dict[str, str]                # every model's files, each kernel once, te_arena.c
    shared_arena: bool

    @property
    def arena_bytes(self) -> int:
        """RAM of the activations: the largest arena when shared, else the sum of all."""
        sizes = [cm.arena_bytes for cm in self.models.values()]
        return max(sizes) if self.shared_arena else sum(sizes)

    @property
    def weight_bytes(self) -> int:
        return sum(cm.weight_bytes for cm in self.models.values())


def compile_models(models, out_dir: str | os.PathLike | None = None, shared_arena: bool = False,
                   **options) -> CompiledSet:
    """Compile several models for one build: `models` is a list of (prefix, data_or_path) (bytes,
    or the path of a .tflite). Each model gets <prefix>.c/.h/.json; the kernel files (the union
    of what every model uses, identical across models) and te_config.h are written once, so the
    directory links as one program. `options` are compile_model's (alignment, optimize, limits,
    check_writes, ...), the same for every model.

    `shared_arena=True`: the models run one after another, never concurrently; they share one
    arena, `te_shared_arena` (defined in te_arena.c, declared in te_arena.h), as large as the
    largest of theirs instead of their sum. An invoke overwrites the inputs and outputs of the
    other models (copy an output out before invoking another model). Without it each model keeps
    its own static arena, as compile_model() writes it.

    With `out_dir`, everything is written atomically (write_files, one manifest) after every model
    compiled: a failure writes nothing. Prefixes must be distinct C identifiers (OptionError)."""
    for key in ("prefix", "name", "emit", "shared_arena"):
        if key in options:
            raise OptionError(f"compile_models: {key!r} is not an option here (each model is "
                              "(prefix, data_or_path); shared_arena is for the whole set)")
    items = list(models)
    if not items:
        raise OptionError("compile_models: no models given")
    seen: dict[str, str] = {}
    loaded = []
    for item in items:
        if not (isinstance(item, (tuple, list)) and len(item) == 2):
            raise OptionError(f"compile_models: each model is (prefix, data_or_path), not {item!r}")
        prefix, src = item
        _check_prefix(prefix)
        # the macros are <PREFIX>_..., and file systems may ignore case: KWS and kws clash
        if prefix.upper() in seen:
            raise OptionError(f"prefix {prefix!r} is given twice" if seen[prefix.upper()] == prefix
                              else f"prefixes {seen[prefix.upper()]!r} and {prefix!r} differ only in "
                              "case (their macros and file names would clash)")
        seen[prefix.upper()] = prefix
        if isinstance(src, (bytes, bytearray, memoryview)):
            loaded.append((prefix, bytes(src), f"{prefix}.tflite"))
        else:
            loaded.append((prefix, load_bytes(src), os.path.basename(os.fspath(src))))
    optimize = options.get("optimize", "speed")
    alignment = options.get("alignment", 4)
    check_writes = options.get("check_writes", False)
    compiled = {}
    for p, data, name in loaded:
        try:
            compiled[p] = compile_model(data, prefix=p, name=name, emit=False, **options)
        except TinyEngineError as e:     # say which of the models, keep the error's class
            e.args = (f"model {p!r} ({name}): {e}",) + e.args[1:]
            raise
    shared = None
    if shared_arena:
        shared = SharedArena(SHARED_ARENA_SYMBOL, max(cm.arena_bytes for cm in compiled.values()),
                             list(compiled))
    files: dict[str, str] = {}
    owner: dict[str, str] = {}
    for p, _, name in loaded:
        cm = compiled[p]
        _emit(cm, p, name, optimize, alignment, check_writes, shared)
        for fname, text in cm.files.items():
            if fname in files and files[fname] != text:
                raise OptionError(f"prefix {p!r}: its file {fname} clashes with the {fname} of "
                                  f"{owner[fname]!r} (choose another prefix)")
            files.setdefault(fname, text)
            owner.setdefault(fname, p)
    if shared_arena:
        files[SHARED_ARENA_SOURCE] = shared_arena_source(
            list(compiled), [cm.arena_bytes for cm in compiled.values()])
    cs = CompiledSet(models=compiled, files=files, shared_arena=shared_arena)
    if out_dir is not None:
        write_files(os.fspath(out_dir), files)
    return cs


def _check_prefix(prefix) -> None:
    """A C identifier whose <prefix>.c/.h is not also a kernel, te_config.h or te_arena file."""
    if not isinstance(prefix, str):
        raise OptionError(f"prefix {prefix!r} is not a string")
    try:
        c_identifier(prefix)
    except ValueError as e:
        raise OptionError(str(e)) from None
    taken = generated_names() | {"te_config.h", SHARED_ARENA_HEADER, SHARED_ARENA_SOURCE}
    clash = sorted({f"{prefix}.c", f"{prefix}.h"} & taken)
    if clash:
        raise OptionError(f"prefix {prefix!r}: its {clash[0]} would replace the generated "
                          f"{clash[0]} of the kernels (choose another prefix)")


def compile_file(path: str | os.PathLike, out_dir: str | os.PathLike, prefix: str = "model",
                 **kw) -> CompiledModel:
    """Compile a .tflite file and write the C sources to out_dir (only after success)."""
    data = load_bytes(path)
    cm = compile_model(data, prefix=prefix, name=os.path.basename(os.fspath(path)), **kw)
    write_files(os.fspath(out_dir), cm.files)
    return cm


def op_macs(g: Graph) -> list[int]:
    return [lookup(op).macs(g, op) for op in g.operators]
