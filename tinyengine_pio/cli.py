"""Command line: `tinyengine-pio compile|report ...`."""
from __future__ import annotations

import argparse
import json
import os
import re
import sys

import numpy as np

from .errors import INTERNAL_EXIT, OptionError, TinyEngineError, internal_error
from .platformio.boards import cpus_with
from .version import __version__


def _compile(args) -> int:
    from .compiler import compile_file, compile_models
    models = _model_specs(args.model, args.prefix)
    if models is not None and args.fuse is not None:
        raise OptionError("--fuse names the steps of one model: give a single model with it")
    options = {"alignment": args.align, "optimize": args.optimize, "limits": _limits(args),
               "check_writes": args.check_writes, "io": args.io, **_schedule_options(args),
               **_flash_options(args)}
    if models is None and not args.shared_arena:      # one plain path: the --prefix form
        cm = compile_file(args.model[0], args.out, prefix=args.prefix or "model", **options)
        files = ", ".join(sorted(cm.files))
        print(f"{args.model[0]}: {len(cm.graph.operators)} operators -> {args.out}/ ({files})")
        print(f"arena {cm.arena_bytes:,} B (classical bound {cm.plan.lower_bound:,} B), "
              f"weights {cm.weight_bytes:,} B")
        _print_schedule(args, cm)
        _print_io(args.io, cm)
        _print_flash(cm)
        return 0
    models = models or [(args.prefix or "model", args.model[0])]
    cs = compile_models(models, args.out, shared_arena=args.shared_arena, **options)
    for (prefix, path), cm in zip(models, cs.models.values()):
        print(f"{prefix}: {path}: {len(cm.graph.operators)} operators, arena {cm.arena_bytes:,} B "
              f"(classical bound {cm.plan.lower_bound:,} B), weights {cm.weight_bytes:,} B")
        _print_schedule(args, cm, f"{prefix}: ")
        _print_io(args.io, cm, f"{prefix}: ")
        _print_flash(cm, f"{prefix}: ")
    print(f"-> {args.out}/ ({', '.join(sorted(cs.files))})")
    how = ("shared (te_shared_arena in te_arena.c, the largest; run the models one after another)"
           if cs.shared_arena else "in total (each model its own)")
    print(f"arena {cs.arena_bytes:,} B {how}, weights {cs.weight_bytes:,} B")
    return 0


def _schedule_options(args) -> dict:
    """compile_model's schedule options from --optimize memory / --ram-budget / --fuse; a
    progress line on stderr for each step of a (long) schedule search."""
    if args.fuse is not None and args.ram_budget is not None:
        raise OptionError("--fuse fixes the stages, --ram-budget lets the search choose them: "
                          "give one of the two")
    opts = {}
    if args.ram_budget is not None:
        opts["ram_budget"] = args.ram_budget
    if args.fuse is not None:
        opts["fuse"] = args.fuse
    if getattr(args, "input_stream", False):
        opts["input_stream"] = True
    if args.optimize == "memory" or args.ram_budget is not None or opts.get("input_stream"):
        opts["progress"] = lambda text: print(f"tinyengine-pio: {text}", file=sys.stderr,
                                              flush=True)
    return opts


def _flash_options(args) -> dict:
    """compile_model's flash_budget / flash_isa from --flash-budget and --cpu."""
    if args.flash_budget is None:
        return {}
    mve, dsp = cpus_with("mve"), cpus_with("dsp")
    isa = "mve" if args.cpu in mve else "dsp" if args.cpu in dsp else "portable"
    return {"flash_budget": args.flash_budget, "flash_isa": isa}


def _print_flash(cm, lead: str = "") -> None:
    """The flash fallback's line, when ops fell back to the size kernels."""
    if cm.flash is not None:
        print(lead + cm.flash.line())


def _considered(args) -> bool:
    """Whether the options made the compiler consider fused stages."""
    return (args.optimize == "memory" or args.ram_budget is not None or args.fuse is not None
            or getattr(args, "input_stream", False))


def _print_schedule(args, cm, lead: str = "") -> None:
    """One line with the chosen schedule when fused stages were considered."""
    from .report import schedule_line
    line = schedule_line(cm, args.ram_budget) if _considered(args) else None
    if line:
        print(lead + line)


def _print_io(io: str, cm, lead: str = "") -> None:
    """What --io int8 dropped (or that it dropped nothing); nothing for --io model."""
    if io == "model":
        return
    from .passes.int8_io import describe
    from .report import NOTHING_DROPPED
    for text in [describe(d) for d in cm.graph.config.get("io_dropped", [])] or [NOTHING_DROPPED]:
        print(f"{lead}--io {io}: {text}")


def _model_specs(given: list[str], prefix: str | None) -> list[tuple[str, str]] | None:
    """`compile`'s positional arguments: None for one plain path (named by --prefix), else
    [(prefix, path)] from prefix:path arguments. An existing file is a plain path even with a
    colon in its name, and so is a drive path on Windows (C:\\x.tflite)."""
    specs: list[tuple[str, str] | None] = []
    for arg in given:
        m = re.fullmatch(r"([^:/\\]+):(.+)", arg, re.DOTALL)
        drive = os.name == "nt" and re.match(r"[A-Za-z]:[/\\]", arg)
        if os.path.exists(arg) or not m or drive:
            specs.append(None)
        else:
            specs.append((m[1], m[2]))
    if len(given) == 1 and specs[0] is None:
        return None
    if None in specs:
        plain = given[specs.index(None)]
        raise OptionError(f"several models: give each one as prefix:path (e.g. "
                          f"kws:model/kws.tflite), not {plain!r} alone")
    if prefix is not None:
        raise OptionError("--prefix names a single plain model path; with prefix:path arguments "
                          "each model has its own prefix")
    return specs


def _limits(args):
    from .validate import Limits
    return Limits(max_bytes=args.max_bytes)


def parse_size(text: str) -> int:
    """A size in bytes: 40960, 40K, 40KiB, 40 kB, 64M, 1G (K, M, G binary) or 0xA000; a
    positive integer. ValueError with the reason otherwise."""
    t = text.strip().lower().replace(" ", "").replace("_", "")
    if re.fullmatch(r"0x[0-9a-f]+", t):
        value = int(t, 16)
    else:
        m = re.fullmatch(r"(\d+)([kmg]?)(?:i?b)?", t)
        if not m:
            raise ValueError(f"not a size: {text!r} (e.g. 40960, 40K, 40KiB, 0xA000, 64M)")
        value = int(m[1]) << {"": 0, "k": 10, "m": 20, "g": 30}[m[2]]
    if value <= 0:
        raise ValueError(f"must be positive: {text!r}")
    return value


def _max_bytes(text: str) -> int:
    """--max-bytes / --ram-budget: parse_size for argparse."""
    try:
        return parse_size(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def parse_fuse(text: str) -> list[tuple[int, int]]:
    """--fuse: step ranges A-B (A < B) separated by commas, disjoint: [(A, B), ...] in order."""
    ranges = []
    for part in text.split(","):
        m = re.fullmatch(r"\s*(\d+)\s*-\s*(\d+)\s*", part)
        if not m:
            raise ValueError(f"not a step range: {part.strip()!r} (expected A-B, e.g. 0-3 or "
                             "0-3,6-7)")
        a, b = int(m[1]), int(m[2])
        if a >= b:
            raise ValueError(f"{a}-{b}: a fused stage runs at least two steps, the first "
                             "before the last")
        ranges.append((a, b))
    ranges.sort()
    for (a0, b0), (a1, b1) in zip(ranges, ranges[1:]):
        if a1 <= b0:
            raise ValueError(f"ranges {a0}-{b0} and {a1}-{b1} overlap: a step runs in one "
                             "stage only")
    return ranges


def _fuse(text: str) -> list[tuple[int, int]]:
    try:
        return parse_fuse(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _report(args) -> int:
    from .compiler import compile_model
    from .frontend import load_bytes
    from .report import build_report, format_report
    data = load_bytes(args.model)
    cm = compile_model(data, name=os.path.basename(args.model), alignment=args.align,
                       optimize=args.optimize, limits=_limits(args), io=args.io,
                       **_schedule_options(args))
    r = build_report(cm, args.cpu, ram_budget=args.ram_budget, considered=_considered(args))
    if args.compare_tflm:
        from .tflm import arena_bytes
        r["tflm"] = arena_bytes(data)
    if args.plot:
        from .plot import plot_memory, plot_tradeoff, tradeoff_path
        plot_memory(cm, args.plot)
        if _considered(args):
            plot_tradeoff(cm, tradeoff_path(args.plot), args.ram_budget)
    if args.json:
        json.dump(r, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_report(r))
    return 0


def _run(args) -> int:
    from .compiler import compile_model
    from .frontend import load_bytes
    from .host import run_on_host, seed_inputs
    from .report import build_report, format_report
    data = load_bytes(args.model)
    cm = compile_model(data, name=os.path.basename(args.model), limits=_limits(args), io=args.io)
    sys.stdout.write(format_report(build_report(cm)))
    outs = run_on_host(cm, seed_inputs(cm, args.seed))
    for n, o in enumerate(outs):
        flat = o.reshape(-1)
        shown = ", ".join(str(v) for v in flat[:16]) + (" ..." if flat.size > 16 else "")
        print(f"output {n} {list(o.shape)} {o.dtype}: [{shown}]")
        if flat.size > 1:
            print(f"  argmax {int(np.argmax(flat))}")
    return 0


def _init(args) -> int:
    from .init import main as init_main
    return init_main(args.rest) or 0


def _setup(args) -> int:
    from .platformio.setup import main as setup_main
    return setup_main(args.rest) or 0


def _bench(args) -> int:
    from .harness.cli import main as bench_main
    return bench_main(args.rest)


def _zephyr_module_path(_args) -> int:
    from .zephyr import module_path
    print(module_path())
    return 0


def _add_io(p: argparse.ArgumentParser) -> None:
    p.add_argument("--io", choices=("model", "int8"), default="model",
                   help="model: the model's own input/output types (default); int8: drop the "
                        "float32 QUANTIZE after an input and DEQUANTIZE before an output, the "
                        "caller passes and receives the quantized tensors (int16 for an int16x8 "
                        "model)")


def _add_schedule(p: argparse.ArgumentParser) -> None:
    p.add_argument("--optimize", choices=("speed", "size", "memory"), default="speed",
                   help="speed: GEMM/im2col/unrolled SIMD kernels, layer by layer (default); "
                        "size: direct loops; memory: the smallest arena, running runs of layers "
                        "row by row as fused stages through line buffers (a few %% slower; "
                        "docs/MEMORY.md)")
    p.add_argument("--ram-budget", type=_max_bytes, metavar="BYTES",
                   help="the fastest schedule whose arena fits BYTES (40960, 40K, 40KiB, "
                        "0xA000): layer by layer when it fits, else fused stages; exit 2 naming "
                        "the smallest arena when none fits")
    p.add_argument("--fuse", type=_fuse, metavar="A-B[,C-D]",
                   help="expert: run steps A..B as one fused stage (steps as numbered by "
                        "`report`; several ranges separated by commas)")
    p.add_argument("--input-stream", action="store_true",
                   help="never hold the input whole: the first fused stage asks the application "
                        "for its rows through <prefix>_read_input_rows() (declared in "
                        "<prefix>.h; a camera or audio front end feeds lines); exit 2 when an "
                        "input cannot stream (its first layer needs it whole)")


def _add_limits(p: argparse.ArgumentParser) -> None:
    p.add_argument("--max-bytes", type=_max_bytes, default=64 << 20, metavar="SIZE",
                   help="refuse a model with a tensor or an arena above SIZE (default 64M)")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tinyengine-pio",
                                description="Compile int8 .tflite models to dependency-free C.")
    p.add_argument("--version", action="version", version=f"tinyengine-pio {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("compile", help="generate <prefix>.c/.h and kernels into a directory")
    c.add_argument("model", nargs="+", metavar="MODEL",
                   help="int8 .tflite model; several as prefix:path (kws:kws.tflite "
                        "person:person.tflite), the kernels written once")
    c.add_argument("--out", required=True, help="output directory")
    c.add_argument("--prefix", help="C symbol and file prefix of a single plain model path "
                                    "(default: model)")
    c.add_argument("--shared-arena", action="store_true",
                   help="one arena for all models, as large as the largest (te_arena.c): only "
                        "when the application runs them one after another, never concurrently")
    c.add_argument("--align", type=int, default=4, help="buffer alignment in bytes (default 4)")
    _add_schedule(c)
    c.add_argument("--flash-budget", type=_max_bytes, metavar="BYTES",
                   help="flash the constants (weights and the fast kernels' packed operands) "
                        "may take (4M, 1000000): where they do not fit, operators fall back one "
                        "by one to the size kernels, the fewest extra instructions per byte "
                        "first (one line says which; model.json's \"flash\"); exit 2 saying by "
                        "how much when even all of them do not fit")
    c.add_argument("--cpu", default="cortex-m4",
                   help="core whose build --flash-budget counts (default cortex-m4; a Helium "
                        "core counts its own operands, a core without DSP the plain ones)")
    c.add_argument("--check-writes", action="store_true",
                   help="add the debug write check: built with -D<PREFIX>_CHECK_WRITES, every "
                        "layer's writes outside its outputs and scratch are reported")
    _add_io(c)
    _add_limits(c)
    c.set_defaults(func=_compile)
    r = sub.add_parser("report", help="per-layer table: shapes, MACs, weights, live memory, arena")
    r.add_argument("model")
    r.add_argument("--json", action="store_true", help="machine-readable JSON")
    r.add_argument("--plot", metavar="PNG",
                   help="draw the memory timeline (needs matplotlib); with --optimize memory, "
                        "--ram-budget or --fuse also <PNG stem>_tradeoff.png: arena against "
                        "predicted instructions, one point per candidate schedule")
    r.add_argument("--compare-tflm", action="store_true",
                   help="also run TFLite Micro's interpreter and show its arena (needs tflite-micro)")
    r.add_argument("--align", type=int, default=4, help="buffer alignment in bytes (default 4)")
    _add_schedule(r)
    mve = cpus_with("mve")            # from the board JSONs' build.cpu / build.isa
    r.add_argument("--cpu", default="cortex-m4",
                   help="core of the latency estimate (default cortex-m4): %s (DSP kernels) or "
                        "%s (Helium kernels)" % (", ".join(c for c in cpus_with("dsp")
                                                           if c not in mve), " / ".join(mve)))
    _add_io(r)
    _add_limits(r)
    r.set_defaults(func=_report)
    s = sub.add_parser("setup", help="prepare PlatformIO for offline builds with the emulated "
                       "boards (idempotent)", add_help=False)
    s.add_argument("rest", nargs=argparse.REMAINDER)
    s.set_defaults(func=_setup)
    i = sub.add_parser("init", help="add tinyengine-pio to a PlatformIO project, portably "
                       "(tinyengine.py shim + platformio.ini lines)", add_help=False)
    i.add_argument("rest", nargs=argparse.REMAINDER)
    i.set_defaults(func=_init)
    b = sub.add_parser("bench", help="build, run and measure a model on a board (QEMU or a serial "
                       "port); check outputs against TFLM", add_help=False)
    b.add_argument("rest", nargs=argparse.REMAINDER)
    b.set_defaults(func=_bench)
    z = sub.add_parser("zephyr-module-path",
                       help="print the Zephyr module directory (-DEXTRA_ZEPHYR_MODULES=...)")
    z.set_defaults(func=_zephyr_module_path)
    h = sub.add_parser("run", help="compile, build with the host gcc and run on a seeded input")
    h.add_argument("model")
    h.add_argument("--seed", type=int, default=0, help="input seed (default 0)")
    _add_io(h)
    _add_limits(h)
    h.set_defaults(func=_run)
    return p


def _error_text(e: TinyEngineError) -> str:
    """The message, for a RamBudgetError with what to do about it."""
    from .stages.search import RamBudgetError
    text = str(e)
    if isinstance(e, RamBudgetError):
        text = text.replace("(layer by layer)",
                            "(layer by layer: no fused stage makes it smaller)")
        text += (f"; give --ram-budget {e.smallest} or more (`report --optimize memory` "
                 "lists the candidate schedules)")
    return text


# subcommands with their own parsers
PASSTHROUGH = {"setup": "_setup", "bench": "_bench", "init": "_init"}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in PASSTHROUGH:
        return globals()[PASSTHROUGH[argv[0]]](argparse.Namespace(rest=argv[1:]))
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except TinyEngineError as e:
        print(f"tinyengine-pio: error: {_error_text(e)}", file=sys.stderr)
        return 2
    except Exception as e:  # noqa: BLE001 - a bug: one line and a report-a-bug note, no traceback
        print(f"tinyengine-pio: {internal_error(e, f'running {args.command}')}", file=sys.stderr)
        return INTERNAL_EXIT


if __name__ == "__main__":
    sys.exit(main())
