"""Write <prefix>.h, <prefix>.c and the kernel sources a compiled graph needs."""
from __future__ import annotations

import hashlib
import os
import re

import numpy as np

from .cwriter import CWriter, c_array_body
from .flash import op_scope
from .ir import Graph
from .kernel_sources import ISAS, available_isas, kernel_files
from .ops import lookup
from .planner.policy import buffer_bytes
from .stages import row_bytes
from .stages.emit import emit_stage
from .variants import ISA_GUARDS, KernelCall
from .version import __version__

MANIFEST = ".tinyengine-manifest"

# One arena for several models that run one after another (compile_models(shared_arena=True)):
# every model's C refers to this symbol, te_arena.c defines it sized by the largest of them.
SHARED_ARENA_SYMBOL = "te_shared_arena"
SHARED_ARENA_HEADER = "te_arena.h"
SHARED_ARENA_SOURCE = "te_arena.c"


class EmitContext:
    """What an operator's emit() sees: tensor pointers, constant arrays and the body writer."""

    def __init__(self, graph: Graph, offsets: dict[int, int], prefix: str):
        self.g = graph
        self.offsets = offsets          # storage tensor index -> arena offset
        self.prefix = prefix
        self.body = CWriter()
        self.consts = CWriter()
        self._const_names: dict[int, str] = {}
        self._dedup: dict[tuple, str] = {}
        self.const_bytes = 0
        self.isas: set[str] = set()     # ISAs the current op's calls use (dispatch / call)
        self.funcs = CWriter()          # functions before the invoke (fused stages' rows)
        self.row_ptrs: dict[int, str] = {}   # inside a stage: tensor -> its current row's pointer
        self.state, self.state_bytes = state_layout(graph)   # variable tensor -> state offset

    # --- tensors -------------------------------------------------------------------------
    def ptr(self, tensor_index: int, byte_offset: int = 0) -> str:
        """C expression of the (typed) data pointer of a tensor, optionally advanced by bytes."""
        if tensor_index in self.row_ptrs:          # a fused stage's row (stages/emit.py)
            if byte_offset:
                raise ValueError(f"tensor #{tensor_index}: a byte offset into a stage's row")
            return f"((int8_t *){self.row_ptrs[tensor_index]})"
        t = self.g.t(tensor_index)
        if t.is_variable:
            return f"(({t.ctype} *)(TE_STATE + {self.state[tensor_index] + byte_offset}))"
        if t.is_const:
            name = self._tensor_const(tensor_index)
            if byte_offset == 0:
                return name
            if t.ctype == "int8_t":
                return f"((const int8_t *){name} + {byte_offset})"
            return f"((const {t.ctype} *)((const int8_t *){name} + {byte_offset}))"
        return f"(({t.ctype} *)(TE_ARENA + {self.offset(tensor_index) + byte_offset}))"

    def offset(self, tensor_index: int) -> int:
        """Arena offset of an activation tensor (an alias: its storage's, plus its own offset)."""
        storage, alias_offset = self.g.view(tensor_index)
        return self.offsets[storage] + alias_offset

    def arena_ptr(self, offset: int, ctype: str = "int8_t") -> str:
        return f"(({ctype} *)(TE_ARENA + {offset}))"

    def _tensor_const(self, index: int) -> str:
        if index not in self._const_names:
            t = self.g.t(index)
            self._const_names[index] = self.const(t.data, t.ctype, f"t{index}",
                                                  comment=f"{t.name} {list(t.shape)}")
        return self._const_names[index]

    def const(self, values, ctype: str, hint: str, comment: str = "", cond: str = "") -> str:
        """Emit a `static const` array (deduplicated) and return its name; with `cond`, only
        inside `#if cond` (see cond_const)."""
        arr = np.asarray(values).reshape(-1)
        key = (ctype, arr.dtype.str, arr.tobytes(), cond)
        if key in self._dedup:
            return self._dedup[key]
        name = f"{self.prefix}_{hint}"
        n = 1
        while name in self._dedup.values():
            name = f"{self.prefix}_{hint}_{n}"
            n += 1
        self._dedup[key] = name
        if comment:
            self.consts.line(f"/* {comment} */")
        vals = arr.tolist() if arr.dtype.kind != "f" else [float(np.float32(v)) for v in arr]
        with self.consts.block(f"static const {ctype} {name}[{max(len(vals), 1)}] TE_WEIGHT =", "};"):
            self.consts.lines(c_array_body(vals or [0]))
        self.const_bytes += arr.size * np.dtype(_NP[ctype]).itemsize
        return name

    def cond_const(self, values, ctype: str, hint: str, cond: str) -> str:
        """A constant emitted under `#if cond` (e.g. TE_FAST or !TE_FAST): only the builds that
        use it carry it (an unused static const would also warn); returns its name."""
        before = self.consts
        self.consts = CWriter()
        name = self.const(values, ctype, hint, cond=cond)
        text = self.consts.text()
        self.consts = before
        if text.strip():
            self.consts.lines([f"#if {cond}"] + text.splitlines() + ["#endif"])
        return name

    def plain_ptr(self, tensor_index: int) -> str:
        """A constant tensor for the non-TE_FAST builds only (their TE_FAST twin is packed)."""
        t = self.g.t(tensor_index)
        return self.cond_const(t.data, t.ctype, f"t{tensor_index}", "!TE_FAST")

    def dispatch(self, *calls: KernelCall | None) -> None:
        """The one place a kernel variant is chosen: each ISA variant under its guard, most
        specific first, and the portable call in the #else (alone where it is the only
        variant): `#if TE_MVE mve(...) #elif TE_FAST dsp(...) #else portable(...) #endif`.
        Records the ISAs used, so only their kernel files are copied."""
        variants = {c.isa: c for c in calls if c is not None}
        portable = variants.pop("portable")
        guarded = [(guard, variants[isa]) for isa, guard in ISA_GUARDS if isa in variants]
        for n, (guard, c) in enumerate(guarded):
            self.body.line(f"#if {guard}" if n == 0 else f"#elif {guard}")
            self.isas.add(c.isa)
            self.body.call(c.func, *c.args)
        if guarded:
            self.body.line("#else")
        self.call(portable.func, *portable.args)
        if guarded:
            self.body.line("#endif")

    def call(self, func: str, *args) -> None:
        """A portable kernel call (the only variant)."""
        self.isas.add("portable")
        self.body.call(func, *args)


_NP = {"int8_t": np.int8, "uint8_t": np.uint8, "int16_t": np.int16, "uint16_t": np.uint16, "int32_t": np.int32, "uint32_t": np.uint32,
       "int64_t": np.int64, "float": np.float32}


def state_layout(g: Graph) -> tuple[dict[int, int], int]:
    """The model's state memory: {variable tensor: byte offset} (8-aligned, in tensor order) over
    the variable tensors its operators read, and its size in bytes (0: the model has no state)."""
    used = sorted({i for op in g.operators for i in op.inputs if i >= 0 and g.t(i).is_variable})
    offsets, end = {}, 0
    for i in used:
        offsets[i] = end
        end += (g.t(i).nbytes + 7) // 8 * 8
    return offsets, end


def _state_source(w: CWriter, g: Graph, ctx: EmitContext, prefix: str) -> None:
    """The state memory and <prefix>_reset() (only for a model with variable tensors)."""
    w.lines(["/* The model's state: its variable tensors (an LSTM's or SVDF's memory), kept across",
             f" * invokes in their own static memory, outside the arena. {prefix}_reset() sets each to its",
             " * initial value, the zero point of an int8 tensor and 0 otherwise, as TFLM's",
             " * MicroInterpreter::Reset() does; the first invoke calls it. */",
             f"static union {{ int8_t b[{ctx.state_bytes}]; int64_t align_; }} {prefix}_state;",
             f"static int {prefix}_state_ready;",
             f"#define TE_STATE ({prefix}_state.b)", ""])
    with w.block(f"void {prefix}_reset(void)"):
        w.line("int32_t i;")
        for i, off in sorted(ctx.state.items(), key=lambda kv: kv[1]):
            t = g.t(i)
            value = t.zp if t.dtype == "int8" and t.zero_point is not None else 0
            w.line(f"/* '{t.name}' {list(t.shape)} {t.dtype} */")
            with w.block(f"for (i = {off}; i < {off + t.nbytes}; ++i)"):
                w.line(f"TE_STATE[i] = {value};")
        w.line(f"{prefix}_state_ready = 1;")
    w.line("")


def c_identifier(prefix: str) -> str:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", prefix):
        raise ValueError(f"prefix {prefix!r} is not a C identifier")
    return prefix


def generate(graph: Graph, offsets: dict[int, int], arena_bytes: int, prefix: str,
             model_sha256: str, source_name: str, optimize: str = "speed",
             check_writes: bool = False, shared_arena: bool = False) -> dict[str, str]:
    """Return {file name: text} for every file of the generated directory.

    `check_writes` adds the debug write check (`<PREFIX>_CHECK_WRITES`, see _write_check): the
    code stays the same unless a build defines that macro. Off, nothing of it is written.
    `shared_arena`: the activations live in the arena `te_shared_arena` declared by te_arena.h
    (added to the files; te_arena.c, which defines it for a set of models, comes from
    shared_arena_source()) instead of the model's own static `<prefix>_arena`."""
    ctx = EmitContext(graph, offsets, prefix)
    kernels: list[str] = []
    uses: dict[tuple[str, str], None] = {}      # (kernel stem, ISA) in first-use order
    up = prefix.upper()
    stage_at = {st.first: (k, st) for k, st in enumerate(graph.stages)}
    in_stage = {step: k for k, st in enumerate(graph.stages) for step in st.steps}
    for step, op in enumerate(graph.operators):
        opdef = lookup(op)
        ins = ", ".join(_shape(graph, i) for i in op.inputs if i >= 0 and not graph.t(i).is_const)
        outs = ", ".join(_shape(graph, o) for o in op.outputs)
        ctx.body.line(f"/* step {step}: #{op.index} {op.kind} {ins} -> {outs} */")
        ctx.isas = set()
        if step in stage_at:                  # the whole stage runs here, row by row
            stage_kernels, stage_uses = emit_stage(ctx, stage_at[step][1], stage_at[step][0])
            kernels.extend(k for k in stage_kernels if k not in kernels)
            uses.update((use, None) for use in sorted(stage_uses))
        elif step in in_stage:
            ctx.body.line(f"/* (runs inside stage {in_stage[step]}) */")
        else:
            with op_scope(graph, op):      # a flash fallback's op: its size call only
                opdef.emit(ctx, op)
        if check_writes:
            ctx.body.line(f"#ifdef {up}_CHECK_WRITES")
            with ctx.body.block(f"if ({prefix}_check_step({step}) != 0)"):
                ctx.body.line(f"return {up}_CHECK_WRITES_ERROR;")
            ctx.body.line("#endif")
        # optional per-layer hook (off unless the build defines TE_PROFILE_LAYER(step))
        ctx.body.lines(["#ifdef TE_PROFILE_LAYER", f"TE_PROFILE_LAYER({step});", "#endif"])
        for k in opdef.kernels:
            if k not in kernels:
                kernels.append(k)
            uses.update(((k, isa), None) for isa in ISAS if isa in ctx.isas)
    files = {f"{prefix}.h": _header(graph, prefix, arena_bytes, model_sha256, check_writes),
             f"{prefix}.c": _source(graph, ctx, prefix, kernels, model_sha256, source_name,
                                     arena_bytes, check_writes, shared_arena)}
    if shared_arena:
        files[SHARED_ARENA_HEADER] = shared_arena_header()
    files["te_config.h"] = ("/* Generated by tinyengine-pio: kernel build options. */\n"
                            "#ifndef TE_CONFIG_H_\n#define TE_CONFIG_H_\n"
                            f"#define TE_OPTIMIZE_SIZE {1 if optimize == 'size' else 0}\n"
                            "#endif\n")
    # only the variants the calls use (a stem's SIMD file where the op has one: an op's
    # SIMD call may use several of its stems, e.g. conv_2d's GEMM in gemm_dsp.c)
    files.update(kernel_files(use for use in uses if use[1] in available_isas(use[0])))
    return files


def _shape(g: Graph, i: int) -> str:
    t = g.t(i)
    return "x".join(str(s) for s in t.shape) + f" {t.dtype}"


def _header(g: Graph, prefix: str, arena_bytes: int, sha: str, check_writes: bool = False) -> str:
    up = prefix.upper()
    w = CWriter()
    w.lines([f"/* Generated by tinyengine-pio {__version__}. Do not edit. model sha256 {sha} */",
             f"#ifndef {up}_H_", f"#define {up}_H_", "", "#include <stddef.h>", "#include <stdint.h>", "",
             "#ifdef __cplusplus", 'extern "C" {', "#endif", "",
             f"#define {up}_ARENA_BYTES {arena_bytes}", f"#define {up}_NUM_INPUTS {len(g.inputs)}",
             f"#define {up}_NUM_OUTPUTS {len(g.outputs)}", f'#define {up}_SHA256 "{sha}"', ""])
    caller_quantizes = {(d["side"], d["position"]) for d in g.config.get("io_dropped", [])}
    for kind, idxs in (("INPUT", g.inputs), ("OUTPUT", g.outputs)):
        for n, i in enumerate(idxs):
            t = g.t(i)
            w.line(f"/* {kind.lower()} {n}: '{t.name}' {list(t.shape)} {t.dtype}"
                   + (f" scale {t.s!r} zero_point {t.zp}" if t.scale is not None else "") + " */")
            w.line(f"#define {up}_{kind}{n}_BYTES {t.nbytes}")
            if (kind.lower(), n) in caller_quantizes:    # --io int8 dropped its (DE)QUANTIZE
                w.line(f"#define {up}_{kind}{n}_SCALE {float(t.s)!r}f")
                w.line(f"#define {up}_{kind}{n}_ZERO_POINT {t.zp}")
    w.lines(["", f"int {prefix}_invoke(void);", f"void *{prefix}_input(int i);",
             f"const void *{prefix}_output(int i);", f"size_t {prefix}_input_bytes(int i);",
             f"size_t {prefix}_output_bytes(int i);", f"int {prefix}_num_inputs(void);",
             f"int {prefix}_num_outputs(void);", ""])
    _stream_header(w, g, prefix)
    state_bytes = state_layout(g)[1]
    if state_bytes:
        w.lines(["/* The model keeps state across invokes (its variable tensors, e.g. an LSTM's):",
                 f" * {up}_STATE_BYTES bytes of static memory besides the arena. {prefix}_reset() sets it to",
                 " * its initial value (as TFLM's MicroInterpreter::Reset()); the first invoke does. */",
                 f"#define {up}_STATE_BYTES {state_bytes}", f"void {prefix}_reset(void);", ""])
    if check_writes:
        w.lines([f"#ifdef {up}_CHECK_WRITES",
                 f"/* Debug write check: {prefix}_invoke() returns {up}_CHECK_WRITES_ERROR when",
                 f" * a layer wrote arena bytes outside its outputs and scratch; {prefix}_write_fault()",
                 " * says where. */",
                 f"#define {up}_CHECK_WRITES_ERROR (-2)",
                 "typedef struct {",
                 "    int32_t step;       /* layer (model.json layers[].step) that wrote, -1: none */",
                 "    int32_t op_index;   /* its operator index in the .tflite */",
                 "    const char *op;     /* its kind, e.g. \"CONV_2D\" */",
                 "    int32_t offset;     /* first offending arena byte (negative: head guard) */",
                 f"}} {prefix}_write_fault_t;",
                 f"const {prefix}_write_fault_t *{prefix}_write_fault(void);", "#endif", ""])
    w.lines(["#ifdef __cplusplus", "}", "#endif", f"#endif /* {up}_H_ */"])
    return w.text()


def _source(g: Graph, ctx: EmitContext, prefix: str, kernels: list[str], sha, source_name,
            arena_bytes: int, check_writes: bool = False, shared_arena: bool = False) -> str:
    up = prefix.upper()
    w = CWriter()
    w.lines([f"/* Generated by tinyengine-pio {__version__} from {source_name}. Do not edit.",
             f" * model sha256 {sha} */", "#include <stddef.h>", "#include <stdint.h>",
             f'#include "{prefix}.h"', '#include "te_common.h"'])
    w.lines(f'#include "{k}.h"' for k in kernels)
    w.lines(["", "#ifndef TE_WEIGHT", "#define TE_WEIGHT", "#endif", ""])
    if shared_arena:
        canary = "TE_SHARED_ARENA_CANARY"
        base, size = f"(int8_t *){SHARED_ARENA_SYMBOL}", f"{SHARED_ARENA_SYMBOL}_bytes"
        w.lines([f"/* The arena is shared with the other models of this build: {SHARED_ARENA_SYMBOL},",
                 f" * defined by {SHARED_ARENA_SOURCE}, sized by the largest of them. Run them one after",
                 " * another, never concurrently: an invoke of any of them overwrites the inputs and",
                 f" * outputs of the others. This model uses its first {up}_ARENA_BYTES bytes. Build every",
                 f" * file with -D{canary} to guard both ends: {prefix}_invoke() then",
                 " * returns -1 if anything wrote outside the arena. */",
                 f'#include "{SHARED_ARENA_HEADER}"', "#define TE_GUARD TE_SHARED_ARENA_GUARD",
                 f"#define TE_ARENA ((int8_t *){SHARED_ARENA_SYMBOL} + TE_GUARD)", ""])
    else:
        canary = f"{up}_ARENA_CANARY"
        base, size = f"{prefix}_arena.b", str(max(1, arena_bytes))
        w.lines(["/* The one static arena: every activation and scratch buffer lives at a planned offset.",
                 f" * Build with -D{up}_ARENA_CANARY to guard both ends: {prefix}_invoke() then returns -1",
                 " * if anything wrote outside the arena. */",
                 f"#ifdef {up}_ARENA_CANARY", "#define TE_GUARD 8", "#else", "#define TE_GUARD 0", "#endif",
                 f"static union {{ int8_t b[{max(1, arena_bytes)} + 2 * TE_GUARD]; int64_t align_; }} "
                 f"{prefix}_arena;", f"#define TE_ARENA ({prefix}_arena.b + TE_GUARD)", ""])
    if ctx.state_bytes:
        _state_source(w, g, ctx, prefix)
    if check_writes:
        _write_check(w, g, ctx, prefix, arena_bytes, shared_arena)
    w.lines(ctx.consts.text().splitlines())
    w.line("")
    streamed = streamed_inputs(g)
    if streamed:
        w.lines([f"static int {prefix}_stream_error;   /* a {prefix}_read_input_rows() failed */", ""])
    if g.stages:
        w.lines(ctx.funcs.text().splitlines())
    with w.block(f"int {prefix}_invoke(void)"):
        w.line(f"#ifdef {canary}")
        w.line(f"if (te_canary_check({base}, TE_GUARD, {size}) != 0) {{")
        w.line("    return -1;")
        w.line("}")
        w.line("#endif")
        if ctx.state_bytes:
            with w.block(f"if (!{prefix}_state_ready)"):
                w.line(f"{prefix}_reset();")
        if check_writes:
            w.lines([f"#ifdef {up}_CHECK_WRITES", f"{prefix}_check_start();", "#endif"])
        if streamed:
            w.line(f"{prefix}_stream_error = 0;")
        w.lines(ctx.body.text().splitlines())
        if streamed:
            with w.block(f"if ({prefix}_stream_error != 0)"):
                w.line(f"return {up}_INPUT_STREAM_ERROR;")
        w.line(f"#ifdef {canary}")
        w.line(f"return te_canary_check({base}, TE_GUARD, {size});")
        w.line("#else")
        w.line("return 0;")
        w.line("#endif")
    w.line("")
    for kind, idxs, const in (("input", g.inputs, ""), ("output", g.outputs, "const ")):
        offs = [ctx.offset(i) for i in idxs]
        sizes = [g.t(i).nbytes for i in idxs]
        with w.block(f"{const}void *{prefix}_{kind}(int i)"):
            with w.block("switch (i)"):
                for n, off in enumerate(offs):
                    if idxs[n] in streamed:
                        w.line(f"case {n}: return NULL;   /* streamed: {prefix}_read_input_rows */")
                    else:
                        w.line(f"case {n}: return TE_ARENA + {off};")
                w.line("default: return NULL;")
        with w.block(f"size_t {prefix}_{kind}_bytes(int i)"):
            with w.block("switch (i)"):
                for n, sz in enumerate(sizes):
                    w.line(f"case {n}: return {sz}u;")
                w.line("default: return 0u;")
        w.line(f"int {prefix}_num_{kind}s(void) {{ return {len(idxs)}; }}")
        w.line("")
    if streamed:
        with w.block(f"size_t {prefix}_input_row_bytes(int i)"):
            with w.block("switch (i)"):
                for n, i in enumerate(g.inputs):
                    if i in streamed:
                        w.line(f"case {n}: return {row_bytes(g, i)}u;")
                w.line("default: return 0u;")
        w.line("")
    return w.text()


def streamed_inputs(g: Graph) -> set[int]:
    """Graph inputs the fused stages read row by row from the application (--input-stream)."""
    return {t for st in g.stages for t in st.streamed}


def _stream_header(w: CWriter, g: Graph, prefix: str) -> None:
    """--input-stream: the callback the application defines and the macros describing it."""
    streamed = streamed_inputs(g)
    if not streamed:
        return
    up = prefix.upper()
    w.lines(["/* Streamed input (--input-stream): the model never holds these inputs whole. While",
             f" * {prefix}_invoke() runs, it asks the application for their rows in order, each once,",
             " * through this function, which the application defines: copy rows [row, row + rows)",
             f" * of input `input` ({up}_INPUT<n>_ROW_BYTES bytes each, NHWC) to dst and return 0.",
             f" * A non-zero return makes {prefix}_invoke() return {up}_INPUT_STREAM_ERROR (after",
             f" * finishing with whatever dst held). {prefix}_input() is NULL for a streamed input. */",
             f"#define {up}_INPUT_STREAM 1", f"#define {up}_INPUT_STREAM_ERROR (-3)"])
    for n, i in enumerate(g.inputs):
        if i in streamed:
            w.line(f"#define {up}_INPUT{n}_STREAMED 1")
            w.line(f"#define {up}_INPUT{n}_ROWS {g.t(i).shape[1]}")
            w.line(f"#define {up}_INPUT{n}_ROW_BYTES {row_bytes(g, i)}")
    w.lines([f"int {prefix}_read_input_rows(int input, int row, int rows, void *dst);",
             f"size_t {prefix}_input_row_bytes(int i);", ""])


def writable_ranges(g: Graph, ctx: EmitContext, arena_bytes: int) -> list[list[tuple[int, int]]]:
    """Per step, the arena byte ranges [begin, end) its kernel calls may write: the bytes of its
    outputs (views followed) and its scratch, sorted and merged, clipped to the arena. The
    planner may place an output over a dying input: such input bytes are writable only where
    they lie inside the output."""
    out = []
    stage_of = {st.first: st for st in g.stages}
    inside = {step for st in g.stages for step in st.steps}
    sizes = buffer_bytes(g)
    for step, op in enumerate(g.operators):
        ops = ([g.operators[s] for s in stage_of[step].steps] if step in stage_of
               else [] if step in inside else [op])      # a stage writes all at its first step
        written = [o for x in ops for o in x.outputs]
        if step in stage_of:                       # the rows a streamed input brings in
            written += list(stage_of[step].streamed)
        spans = [(ctx.offset(o), ctx.offset(o) + sizes.get(g.storage(o), g.t(o).nbytes))
                 for o in written]
        spans += [(x.scratch_offset, x.scratch_offset + x.memory.scratch) for x in ops
                  if x.memory.scratch and x.scratch_offset is not None]
        merged: list[tuple[int, int]] = []
        for b, e in sorted((max(0, b), min(arena_bytes, e)) for b, e in spans):
            if e <= b:
                continue
            if merged and b <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], e))
            else:
                merged.append((b, e))
        out.append(merged)
    return out


def _write_check(w: CWriter, g: Graph, ctx: EmitContext, prefix: str, arena_bytes: int,
                 shared_arena: bool = False) -> None:
    """The `<PREFIX>_CHECK_WRITES` debug build: a shadow copy of the whole arena object (guard
    words and padding included) is taken when an invoke starts; after each step every byte
    outside that step's writable ranges must still equal the shadow (then the step's own ranges
    are copied into it). A difference is recorded in `<prefix>_write_fault()` and ends the
    invoke with `<PREFIX>_CHECK_WRITES_ERROR`. With a shared arena the shadow covers the
    model's own extent of it (its bytes and both guards' worth)."""
    up = prefix.upper()
    arena = f"{prefix}_arena"
    obj, obj_size = f"&{arena}", f"sizeof({arena})"
    if shared_arena:
        obj, obj_size = SHARED_ARENA_SYMBOL, f"({max(1, arena_bytes)} + 2 * TE_GUARD)"
    shadow, fault = f"{prefix}_shadow", f"{prefix}_fault"
    steps = writable_ranges(g, ctx, max(1, arena_bytes))
    first = [0]
    for ranges in steps:
        first.append(first[-1] + len(ranges))
    pairs = [v for ranges in steps for r in ranges for v in r]
    w.lines([f"#ifdef {up}_CHECK_WRITES",
             f"/* Debug write check (-D{up}_CHECK_WRITES): after each step, every arena byte outside",
             " * the step's outputs and scratch must be unchanged (compared with a shadow copy). */",
             "#include <string.h>",
             f"static int8_t {shadow}[{obj_size}];",
             f"static {prefix}_write_fault_t {fault} = {{-1, -1, \"\", 0}};",
             ""])
    with w.block(f"const {prefix}_write_fault_t *{prefix}_write_fault(void)"):
        w.line(f"return &{fault};")
    w.line("")
    with w.block(f"static void {prefix}_check_start(void)"):
        w.line(f"memcpy({shadow}, {obj}, {obj_size});")
        w.line(f"{fault}.step = -1;")
        w.line(f"{fault}.op_index = -1;")
        w.line(f'{fault}.op = "";')
        w.line(f"{fault}.offset = 0;")
    w.line("")
    if not steps:
        w.lines(["#endif", ""])
        return
    w.line("/* per step: the arena ranges [begin, end) it may write, from pair writable_at[step] */")
    with w.block(f"static const int32_t {prefix}_writable[{max(1, len(pairs))}] =", "};"):
        w.lines(c_array_body(pairs or [0]))
    with w.block(f"static const int32_t {prefix}_writable_at[{len(first)}] =", "};"):
        w.lines(c_array_body(first))
    with w.block(f"static const int32_t {prefix}_step_index[{len(steps)}] =", "};"):
        w.lines(c_array_body([op.index for op in g.operators]))
    with w.block(f"static const char *const {prefix}_step_op[{len(steps)}] =", "};"):
        names = [f'"{op.kind}"' for op in g.operators]
        w.lines(", ".join(names[i:i + 6]) + ("," if i + 6 < len(names) else "")
                for i in range(0, len(names), 6))
    w.line("")
    w.line("/* 0 when `step` wrote only its own ranges (then copied into the shadow for the next) */")
    with w.block(f"static int {prefix}_check_step(int32_t step)"):
        w.line(f"const int8_t *now = (const int8_t *){obj};")
        w.line(f"const int32_t end = {prefix}_writable_at[step + 1];")
        w.line("int32_t pos = 0;")
        w.line("int32_t r;")
        with w.block(f"for (r = {prefix}_writable_at[step]; r <= end; ++r)"):
            w.line(f"int32_t stop = r < end ? TE_GUARD + {prefix}_writable[2 * r] "
                   f": (int32_t){obj_size};")
            with w.block(f"if (memcmp(now + pos, {shadow} + pos, (size_t)(stop - pos)) != 0)"):
                with w.block(f"while (now[pos] == {shadow}[pos])"):
                    w.line("++pos;")
                w.line(f"{fault}.step = step;")
                w.line(f"{fault}.op_index = {prefix}_step_index[step];")
                w.line(f"{fault}.op = {prefix}_step_op[step];")
                w.line(f"{fault}.offset = pos - TE_GUARD;")
                w.line(f"return {up}_CHECK_WRITES_ERROR;")
            with w.block("if (r < end)"):
                w.line(f"pos = TE_GUARD + {prefix}_writable[2 * r + 1];")
        with w.block(f"for (r = {prefix}_writable_at[step]; r < end; ++r)"):
            w.line(f"pos = TE_GUARD + {prefix}_writable[2 * r];")
            w.call("memcpy", f"{shadow} + pos", "now + pos",
                   f"(size_t)(TE_GUARD + {prefix}_writable[2 * r + 1] - pos)")
        w.line("return 0;")
    w.lines(["#endif", ""])


def shared_arena_header() -> str:
    """te_arena.h: the declaration of the shared arena (the same text for every model and set)."""
    return (f"/* Generated by tinyengine-pio {__version__}. Do not edit. */\n"
            "/* The arena shared by the models of this build (defined in te_arena.c, sized by the\n"
            " * largest): run them one after another, never concurrently; an invoke overwrites the\n"
            " * inputs and outputs of the others. -DTE_SHARED_ARENA_CANARY (for every file) guards\n"
            " * both ends. */\n"
            "#ifndef TE_ARENA_H_\n#define TE_ARENA_H_\n#include <stdint.h>\n\n"
            "#ifdef TE_SHARED_ARENA_CANARY\n#define TE_SHARED_ARENA_GUARD 8\n"
            "#else\n#define TE_SHARED_ARENA_GUARD 0\n#endif\n\n"
            f"extern int64_t {SHARED_ARENA_SYMBOL}[];\n"
            f"extern const int32_t {SHARED_ARENA_SYMBOL}_bytes;   /* without the guards */\n"
            "\n#endif /* TE_ARENA_H_ */\n")


def shared_arena_source(prefixes: list[str], sizes: list[int] | None = None) -> str:
    """te_arena.c: defines the shared arena of the models `prefixes`, sized at C compile time by
    the largest of their `<PREFIX>_ARENA_BYTES` (so it stays right if one model is regenerated);
    `sizes`, when known, only go into a comment."""
    w = CWriter()
    w.lines([f"/* Generated by tinyengine-pio {__version__}. Do not edit.",
             f" * The arena shared by {', '.join(prefixes)}: run them one after another, never",
             " * concurrently; an invoke overwrites the inputs and outputs of the others. */",
             f'#include "{SHARED_ARENA_HEADER}"'])
    w.lines(f'#include "{p}.h"' for p in prefixes)
    w.line("")
    if sizes is not None:
        w.line("/* " + ", ".join(f"{p} {n} B" for p, n in zip(prefixes, sizes))
               + f": {max([1] + list(sizes))} B */")
    w.line("#define TE_SHARED_ARENA_BYTES_ 1")
    for p in prefixes:
        m = f"{p.upper()}_ARENA_BYTES"
        w.lines([f"#if {m} > TE_SHARED_ARENA_BYTES_", "#undef TE_SHARED_ARENA_BYTES_",
                 f"#define TE_SHARED_ARENA_BYTES_ {m}", "#endif"])
    w.line(f"int64_t {SHARED_ARENA_SYMBOL}[(TE_SHARED_ARENA_BYTES_ + 2 * TE_SHARED_ARENA_GUARD + 7) / 8];")
    w.line(f"const int32_t {SHARED_ARENA_SYMBOL}_bytes = TE_SHARED_ARENA_BYTES_;")
    return w.text()


def write_files(out_dir: str, files: dict[str, str]) -> None:
    """Write atomically: each file via a temp name + os.replace; stale generated files removed."""
    os.makedirs(out_dir, exist_ok=True)
    man = os.path.join(out_dir, MANIFEST)
    old = []
    if os.path.exists(man):
        with open(man) as f:
            old = [ln.strip() for ln in f if ln.strip()]
    for name, text in list(files.items()) + [(MANIFEST, "\n".join(sorted(files)) + "\n")]:
        path = os.path.join(out_dir, name)
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    for name in old:
        if name not in files and os.path.basename(name) == name:
            try:
                os.remove(os.path.join(out_dir, name))
            except FileNotFoundError:
                pass


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
