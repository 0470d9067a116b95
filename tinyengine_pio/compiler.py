"""The compiler driver: bytes -> IR -> passes -> plan -> C files."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from .emitter import c_identifier, digest, generate, write_files
from .errors import OptionError
from .frontend import load_bytes, read_model
from .ir import Graph
from .metadata import metadata_file
from .ops import lookup
from .passes import run_pipeline
from .planner import Plan
from .planner.policy import choose as choose_memory
from .schedule import choose_order
from .validate import Limits


@dataclass
class CompiledModel:
    graph: Graph                 # after passes
    source: Graph                # as read
    plan: Plan
    offsets: dict[int, int]      # storage tensor -> arena offset
    lifetimes: dict[int, tuple[int, int]]
    files: dict[str, str] = field(default_factory=dict)
    sha256: str = ""

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
                  limits: Limits | None = None, check_writes: bool = False) -> CompiledModel:
    """optimize="speed" uses the GEMM / im2col / unrolled kernels; "size" the direct loops.
    `limits` bounds tensor and arena sizes (default 64 MiB each, validate.Limits).
    `check_writes` adds the debug write check (built with -D<PREFIX>_CHECK_WRITES)."""
    try:
        c_identifier(prefix)
    except ValueError as e:
        raise OptionError(str(e)) from None
    if optimize not in ("speed", "size"):
        raise OptionError(f"optimize must be 'speed' or 'size', not {optimize!r}")
    limits = limits or Limits()
    source = read_model(data, name, limits)
    source.config["optimize"] = optimize
    g = choose_order(run_pipeline(source))
    gp = choose_memory(g, lambda op: lookup(op).memory_options(g, op),
                       lambda op: lookup(op).access(g, op), alignment, algorithms, overlap)
    p, offsets, life = gp.plan, gp.offsets, gp.lifetimes
    limits.check_arena(p.arena_bytes)
    sha = digest(data)
    cm = CompiledModel(graph=g, source=source, plan=p, offsets=offsets, lifetimes=life, sha256=sha)
    if emit:
        cm.files = generate(g, offsets, p.arena_bytes, prefix, sha, os.path.basename(name),
                            optimize, check_writes=check_writes)
        cm.files.update(metadata_file(cm, prefix, os.path.basename(name), optimize, alignment))
    return cm


def compile_file(path: str | os.PathLike, out_dir: str | os.PathLike, prefix: str = "model",
                 **kw) -> CompiledModel:
    """Compile a .tflite file and write the C sources to out_dir (only after success)."""
    data = load_bytes(path)
    cm = compile_model(data, prefix=prefix, name=os.path.basename(os.fspath(path)), **kw)
    write_files(os.fspath(out_dir), cm.files)
    return cm


def op_macs(g: Graph) -> list[int]:
    return [lookup(op).macs(g, op) for op in g.operators]
