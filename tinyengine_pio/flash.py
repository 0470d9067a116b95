"""Flash fallback: operators compiled with the size kernels so that the constants fit a flash
budget (compile_model(flash_budget=...), `--flash-budget`, the PlatformIO board's flash).

`--optimize speed` emits host-packed operands for the SIMD kernels (TE_FAST: the DSP GEMMs'
packed weights and requantization blocks, the depthwise int16 taps; TE_MVE: the Helium GEMMs'
own) beside or instead of the plain int8 weights. On a big model these make the constants
outgrow the board's flash. Instead of failing at link time, the compiler compiles some
operators as with `--optimize size` (their portable call only, plain operands, no `#if`), the
others keep the fast kernels. The operators are chosen greedily by the flash their fast
operands cost per instruction they save (the cost model, costmodel.predict_layer, under
both), until the constants fit; FlashBudgetError (exit 2) says by how much they do not when
even every operator on the size kernels is too big.

The per-operator override is the graph config's SIZE_OPS (the .tflite operator indices):
`op_scope(g, op)` shows the operator `g.config["optimize"] == "size"` while its hooks run
(prepare, finalize, memory_options, access, emit, the cost model), so the operators need no
flag of their own. The constants are counted per build (`isa`: "dsp" for TE_FAST cores,
"mve" for Helium ones, "portable" otherwise) by evaluating the `#if` conditions they are
emitted under (FlashCount), without writing any C.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from .errors import OptionError, TinyEngineError

SIZE_OPS = "size_ops"            # g.config key: .tflite operator indices compiled as size
ISAS = ("portable", "dsp", "mve")
# the macros of each build's constants (te_common.h: TE_MVE builds are TE_FAST builds)
BUILD_MACROS = {"portable": {"TE_FAST": 0, "TE_MVE": 0}, "dsp": {"TE_FAST": 1, "TE_MVE": 0},
                "mve": {"TE_FAST": 1, "TE_MVE": 1}}


class FlashBudgetError(TinyEngineError):
    """The constants do not fit the flash budget even with every operator on the size
    kernels; `smallest` is that size."""

    def __init__(self, message: str, smallest: int, budget: int):
        super().__init__(message)
        self.smallest, self.budget = smallest, budget


@dataclass
class FlashFallback:
    """What the fallback chose (model.json's "flash"): the operators (.tflite indices) on the
    size kernels, the constants' bytes before and after, the predicted extra instructions."""
    budget: int | None            # None: size_ops were given (compile_model(size_ops=...))
    isa: str
    size_ops: list[int] = field(default_factory=list)
    speed_bytes: int = 0          # the constants with every operator on its fast kernels
    bytes: int = 0                # the constants as compiled
    extra_instructions: int = 0   # cost model: size kernels minus fast kernels of size_ops
    w16: bool = True              # False: the int16 GEMM weights (choose_w16) turned off first

    @property
    def saved_bytes(self) -> int:
        return self.speed_bytes - self.bytes

    def line(self) -> str:
        """One line for the build output."""
        n = len(self.size_ops)
        if not self.w16 and not n and self.budget is not None:
            return (f"flash: the 2x4 GEMMs' int16 weights are off to fit "
                    f"{size_text(self.budget)} (saves {self.saved_bytes:,} B; constants "
                    f"{self.bytes:,} B)")
        if self.budget is None:
            return (f"flash: {n} op{'s' if n != 1 else ''} on the size kernels as given "
                    f"(constants {self.bytes:,} B)")
        return (f"flash: {n} op{'s' if n != 1 else ''} use{'s' if n == 1 else ''} the size "
                f"kernels to fit {size_text(self.budget)} (saves {self.saved_bytes:,} B, "
                f"+{instructions_text(self.extra_instructions)} instructions; constants "
                f"{self.bytes:,} B)")


def size_text(n: int) -> str:
    """4 MB for whole MiB, 512 KB for whole KiB, else 49,000 B."""
    if n % (1 << 20) == 0:
        return f"{n >> 20} MB"
    if n % 1024 == 0:
        return f"{n >> 10} KB"
    return f"{n:,} B"


def instructions_text(n: int) -> str:
    return f"{n / 1e6:.1f}M" if n >= 100_000 else f"{n:,}"


def check_options(flash_budget, flash_isa: str, size_ops) -> None:
    if flash_budget is not None and (not isinstance(flash_budget, int) or flash_budget <= 0):
        raise OptionError(f"flash_budget must be a positive number of bytes, not {flash_budget!r}")
    if flash_isa not in ISAS:
        raise OptionError(f"flash_isa must be one of {', '.join(ISAS)}, not {flash_isa!r}")
    if size_ops is not None and not all(isinstance(i, int) and i >= 0 for i in size_ops):
        raise OptionError(f"size_ops are operator indices of the .tflite, not {size_ops!r}")


def is_size(g, op) -> bool:
    """Whether `op` runs the size kernels (the whole build, or the fallback's choice)."""
    return g.config.get("optimize") == "size" or op.index in g.config.get(SIZE_OPS, ())


@contextmanager
def op_scope(g, op):
    """While inside: g.config["optimize"] as `op` sees it ("size" for a fallen-back op)."""
    saved = g.config.get("optimize")
    if saved == "size" or op.index not in g.config.get(SIZE_OPS, ()):
        yield
        return
    g.config["optimize"] = "size"
    try:
        yield
    finally:
        g.config["optimize"] = saved


def present(cond: str, isa: str) -> bool:
    """Whether a constant emitted under `#if cond` is in a build for `isa`."""
    if not cond:
        return True
    expr = cond.replace("&&", " and ").replace("||", " or ").replace("!", " not ")
    return bool(eval(expr, {"__builtins__": {}}, dict(BUILD_MACROS[isa])))   # noqa: S307


def op_flash(g, offsets: dict[int, int], isa: str) -> tuple[dict[int, int], int]:
    """({op index: bytes of the constants its emit() adds in an `isa` build}, total), each
    constant counted once (the emitter deduplicates equal arrays), no C written. Every op
    must have its memory option; ops without an arena offset (inside a fused stage) read 0."""
    from .emitter import EmitContext
    from .ops import lookup

    class FlashCount(EmitContext):
        def __init__(self):
            super().__init__(g, offsets, "m")
            self.seen: set = set()
            self.count = 0

        def const(self, values, ctype, hint, comment="", cond=""):
            arr = np.asarray(values).reshape(-1)
            key = (ctype, arr.dtype.str, arr.tobytes(), cond)
            if key not in self.seen and present(cond, isa):
                self.seen.add(key)
                self.count += arr.size * _ITEMSIZE[ctype]
            return f"{hint}_{len(self.seen)}"

        def offset(self, tensor_index):
            storage, alias_offset = self.g.view(tensor_index)
            return self.offsets.get(storage, 0) + alias_offset

    ctx = FlashCount()
    per_op = {}
    for op in g.operators:
        before, scratch = ctx.count, op.scratch_offset
        op.scratch_offset = scratch or 0
        try:
            with op_scope(g, op):
                lookup(op).emit(ctx, op)
        finally:
            op.scratch_offset = scratch
        per_op[op.index] = per_op.get(op.index, 0) + ctx.count - before
    return per_op, ctx.count


_ITEMSIZE = {"int8_t": 1, "uint8_t": 1, "int16_t": 2, "uint16_t": 2, "int32_t": 4,
             "uint32_t": 4, "int64_t": 8, "float": 4}


def predict(g, mve: bool = False) -> list[int]:
    """costmodel.predict with each op's own optimize (a fallen-back op: its size kernel)."""
    from .costmodel import predict_layer
    out = []
    for op in g.operators:
        with op_scope(g, op):
            out.append(predict_layer(g, op, mve))
    return out


def op_instructions(g, isa: str) -> dict[int, int]:
    """The cost model's instructions per op (its own optimize, op_scope)."""
    from .costmodel import predict_layer
    out = {}
    for op in g.operators:
        with op_scope(g, op):
            out[op.index] = out.get(op.index, 0) + predict_layer(g, op, isa == "mve")
    return out


def choose(speed: tuple[dict, int], size: tuple[dict, int], speed_insns: dict[int, int],
           size_insns: dict[int, int], budget: int, skip=()) -> list[int]:
    """The ops (indices) to put on the size kernels so that the constants fit `budget`:
    those saving flash, the most bytes per extra instruction first, until the estimate fits
    (all of them when it never does). `skip`: ops already chosen."""
    (fast_ops, total), (small_ops, _) = speed, size
    gains = []
    for i, b in fast_ops.items():
        saved = b - small_ops.get(i, b)
        if saved > 0 and i not in skip:
            extra = max(1, size_insns.get(i, 0) - speed_insns.get(i, 0))
            gains.append((-saved / extra, i, saved))
    gains.sort()
    chosen = []
    for _, i, saved in gains:
        if total <= budget:
            break
        chosen.append(i)
        total -= saved
    return chosen


def size_graph(source):
    """The graph after the passes with every operator on the size kernels, each with its
    first memory option (the size kernels have one; no plan: only the constants count)."""
    from .ops import lookup
    from .passes import run_pipeline
    from .schedule import choose_order
    saved = source.config.get(SIZE_OPS)
    source.config[SIZE_OPS] = sorted(op.index for op in source.operators)
    try:
        g = choose_order(run_pipeline(source))
    finally:
        if saved is None:
            source.config.pop(SIZE_OPS, None)
        else:
            source.config[SIZE_OPS] = saved
    for op in g.operators:
        with op_scope(g, op):
            op.memory = lookup(op).memory_options(g, op)[0]
    return g


def fit_flash(build, source, built, budget: int, isa: str, given: list[int]):
    """compile_model's flash fallback: (graph, plan, schedules, FlashFallback or None) whose
    constants fit `budget` in an `isa` build. `build(size_ops)` compiles with those ops on the
    size kernels; `built` is its result for `given` (the caller's size_ops)."""
    g, gp, schedules = built
    fast = op_flash(g, gp.offsets, isa)
    w16_bytes = fast[1]
    if fast[1] > budget and any(op.w16 for op in g.operators):
        source.config["no_w16"] = True      # first the 2x4 GEMMs' int16 weights (choose_w16)
        g, gp, schedules = build(given)
        fast = op_flash(g, gp.offsets, isa)
        if fast[1] <= budget:
            return g, gp, schedules, FlashFallback(budget=budget, isa=isa,
                                                   size_ops=sorted(set(given)),
                                                   speed_bytes=w16_bytes, bytes=fast[1],
                                                   w16=False)
    if fast[1] <= budget:
        return g, gp, schedules, None
    small_g = size_graph(source)
    small = op_flash(small_g, {}, isa)
    if small[1] > budget:
        raise FlashBudgetError(
            f"the constants take {small[1]:,} B of flash even with every operator on the size "
            f"kernels ({fast[1]:,} B with the fast ones): over the flash budget of {budget:,} B "
            f"by {small[1] - budget:,} B (a board with more flash, or a smaller model)",
            small[1], budget)
    fast_insns, small_insns = op_instructions(g, isa), op_instructions(small_g, isa)
    target, chosen = budget, []
    while True:
        extra = choose(fast, small, fast_insns, small_insns, target, skip=given)
        chosen = sorted(set(given) | set(extra))
        g, gp, schedules = build(chosen)
        total = op_flash(g, gp.offsets, isa)[1]
        if total <= budget:
            break
        if target <= 0 or not extra:
            raise FlashBudgetError(
                f"the constants take {total:,} B of flash with {len(chosen)} operators on the "
                f"size kernels: over the flash budget of {budget:,} B by {total - budget:,} B",
                total, budget)
        target -= total - budget
    more = sum(small_insns.get(i, 0) - fast_insns.get(i, 0) for i in chosen)
    return g, gp, schedules, FlashFallback(budget=budget, isa=isa, size_ops=chosen,
                                           speed_bytes=w16_bytes, bytes=total,
                                           extra_instructions=int(more),
                                           w16=not source.config.get("no_w16"))
