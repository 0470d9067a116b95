"""Fast feedback for architecture search: peak SRAM, flash and MACs without emitting C."""
from __future__ import annotations

from dataclasses import dataclass, field

from .compiler import compile_model
from .ops import lookup

# Per-operator code size of the portable kernels on Cortex-M4 -O2 (bytes, arm-none-eabi-size),
# plus the straight-line call sequence: an estimate, the build is the truth.
KERNEL_CODE_BYTES = 600
CALL_BYTES = 48
STACK_ESTIMATE_BYTES = 512


@dataclass
class Analysis:
    arena_bytes: int
    lower_bound_bytes: int
    weight_bytes: int
    code_bytes_estimate: int
    stack_bytes_estimate: int
    macs: int
    layers: list[dict] = field(default_factory=list)

    @property
    def peak_sram_bytes(self) -> int:
        return self.arena_bytes + self.stack_bytes_estimate

    @property
    def flash_bytes(self) -> int:
        return self.weight_bytes + self.code_bytes_estimate

    def fits(self, board: dict) -> bool:
        up = board.get("upload", board)
        return (self.peak_sram_bytes <= up.get("maximum_ram_size", float("inf"))
                and self.flash_bytes <= up.get("maximum_size", float("inf")))


def analyze(model_bytes: bytes, board: dict | None = None, overlap: bool = True) -> Analysis:
    """Plan the model (no C emitted) and return its memory and compute figures.
    `board` (a boards/*.json dict) is accepted for API symmetry; use Analysis.fits(board)."""
    cm = compile_model(model_bytes, emit=False, overlap=overlap)
    g = cm.graph
    layers = [dict(op=op.kind, macs=lookup(op).macs(g, op),
                   output=list(g.t(op.outputs[0]).shape)) for op in g.operators]
    kernels = {k for op in g.operators for k in lookup(op).kernels}
    return Analysis(arena_bytes=cm.arena_bytes, lower_bound_bytes=cm.plan.lower_bound,
                    weight_bytes=cm.weight_bytes,
                    code_bytes_estimate=len(kernels) * KERNEL_CODE_BYTES + len(layers) * CALL_BYTES,
                    stack_bytes_estimate=STACK_ESTIMATE_BYTES, macs=sum(x["macs"] for x in layers),
                    layers=layers)
