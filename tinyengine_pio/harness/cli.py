"""``tinyengine-pio bench MODEL.tflite --board mps2-an386 [--port URL | --place NAME |
--runner renode] [--per-layer] [--json]``, or ``tinyengine-pio bench --pio-project DIR
[--pio-env ENV]`` (the user's own PlatformIO project: `pio run -t upload`, then its
monitor_port).

Builds the measurement firmware (tinyengine-qemu PlatformIO platform), runs it
(QEMU or Renode, the target already running at ``--port``, or the board of a
labgrid ``--place``), sends a seeded input,
runs N inferences, reads outputs and figures, checks the outputs against TFLM
and prints a table (or JSON).  Exit status: 0 outputs byte-exact, 1 they
differ (or no reference), 2 error.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

from ..platformio.boards import board_ids


def build_parser(prog: str = "tinyengine-pio bench") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, description="Build, run and measure a model on a "
                                "target (emulated board in QEMU, or --port) and check its outputs "
                                "against TFLite Micro.")
    p.add_argument("model", nargs="?", help="int8 .tflite model (optional with --pio-project: "
                   "default the env's custom_tinyengine_model)")
    p.add_argument("--board", default="mps2-an386",
                   help="tinyengine-qemu board (default mps2-an386; one of %s)"
                   % ", ".join(board_ids()))
    p.add_argument("--port", help="talk to an already running target instead of starting QEMU: "
                   "a serial port (/dev/ttyACM0), socket://HOST:PORT or a pty path")
    p.add_argument("--baud", type=int, default=115200, help="baud rate for a serial --port")
    p.add_argument("--runner", choices=("qemu", "renode"), default="qemu",
                   help="emulator that starts the target when there is no --port/--place "
                   "(default qemu; renode: generated .resc, UART on Renode's socket terminal)")
    p.add_argument("--renode", metavar="PATH", help="renode executable (default $RENODE or "
                   "renode on PATH)")
    p.add_argument("--place", help="use the board held by this labgrid place: serial from its "
                   "NetworkSerialPort (acquired for the run, then released)")
    p.add_argument("--coordinator", metavar="HOST:PORT", help="labgrid coordinator (default "
                   "$LG_COORDINATOR or 127.0.0.1:20408)")
    p.add_argument("--lg-env", metavar="FILE", help="labgrid environment file for --place "
                   "(drivers for flashing/power; default: the place's serial port only)")
    p.add_argument("--pio-project", metavar="DIR", help="your own PlatformIO project: its env "
                   "(custom_tinyengine_model, custom_tinyengine_harness = yes, monitor_port) is "
                   "built and uploaded with `pio run -t upload`, then the harness talks to "
                   "monitor_port (or upload_port) at monitor_speed")
    p.add_argument("--pio-env", metavar="ENV", help="env of --pio-project (default: its "
                   "default_envs or its only env)")
    p.add_argument("--zephyr-build", metavar="DIR", help="a Zephyr build with "
                   "CONFIG_TINYENGINE_HARNESS=y (sample_apps/zephyr_harness): `west flash -d DIR` "
                   "then the harness on --port; or --zephyr-run (QEMU board). MODEL defaults to "
                   "the build's model")
    p.add_argument("--west-runner", metavar="RUNNER", help="west flash -r RUNNER (jlink, "
                   "openocd, pyocd ...; default: the board's runner)")
    p.add_argument("--west-flash-arg", metavar="ARG", action="append", default=[],
                   help="extra argument for west flash (repeatable), e.g. --west-flash-arg=--dev-id=...")
    p.add_argument("--no-flash", action="store_true", help="with --zephyr-build --port: the "
                   "board already runs the build, do not flash it")
    p.add_argument("--zephyr-run", action="store_true", help="with --zephyr-build (QEMU "
                   "board): `west build -d DIR`, then QEMU as its run target starts it, with the "
                   "harness UART (chosen tinyengine,harness-uart, not the console) on a TCP "
                   "socket")
    p.add_argument("--optimize", choices=("speed", "size", "memory"), default="speed",
                   help="the compile of the firmware it builds (default speed; memory: fused "
                   "stages, the smallest arena)")
    p.add_argument("--io", choices=("model", "int8"), default="model",
                   help="the compile's --io of the firmware it builds (int8: a float-I/O model "
                   "takes and gives the quantized tensors)")
    p.add_argument("--runs", type=int, default=10, help="inferences to time (default 10)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random input (default 0)")
    p.add_argument("--per-layer", action="store_true",
                   help="build with per-layer timing (the generated code brackets each layer) "
                   "and print a per-layer table (step, op, MACs, latency, share); in --json "
                   "as \"layers\"")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--output", metavar="FILE", help="also write the JSON result to FILE")
    p.add_argument("--timeout", type=float, default=10.0,
                   help="seconds to wait for any answer of the target (default 10)")
    p.add_argument("--invoke-timeout", type=float, default=600.0,
                   help="seconds to wait for the N inferences (default 600)")
    p.add_argument("--cache-dir", help="where the firmware projects are built "
                   "(default ~/.cache/tinyengine-pio/bench)")
    p.add_argument("--core-dir", help="PlatformIO core dir (default $PLATFORMIO_CORE_DIR or "
                   "~/.platformio; prepared for offline use)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    return p


def _fmt(n) -> str:
    return "n/a" if n is None else "{:,}".format(n)


def format_table(res, how: str) -> str:
    rows = [
        ("latency", "%s %s (last of %d runs; min %s, max %s)" % (
            _fmt(res.latency), res.latency_unit, res.runs, _fmt(res.latency_min),
            _fmt(res.latency_max))),
        ("arena", "%s B" % _fmt(res.arena_bytes)),
        ("stack peak", "%s B (of %s B; model_invoke %s B)" % (
            _fmt(res.stack_peak_bytes), _fmt(res.stack_size_bytes),
            _fmt(res.invoke_stack_bytes))),
        ("static RAM", "%s B (.data + .bss incl. arena, less the harness's own %s B)" % (
            _fmt(res.static_ram_bytes), _fmt(res.harness_ram_bytes))),
        ("peak SRAM", "%s B (static RAM + stack peak)" % _fmt(res.peak_sram_bytes)),
        ("flash", "%s B (ELF: code + rodata + .data image)" % _fmt(res.flash_bytes)),
        ("outputs byte-exact", ("yes" if res.matches_reference else
                                "NO: " + str(res.mismatch) if res.matches_reference is False
                                else "unknown: " + str(res.reference_error))),
    ]
    w = max(len(k) for k, _ in rows)
    head = "%s on %s (%s)" % (res.model, res.board, how)
    return "\n".join([head, "-" * len(head)] + ["%-*s  %s" % (w, k, v) for k, v in rows]) + "\n"


def add_layer_figures(res, cm) -> None:
    """Adds MACs (tinyengine_pio.report) and share % of the layers' sum to res.layers."""
    if not res.layers:
        return
    from ..report import build_report
    macs = {L["step"]: L["macs"] for L in build_report(cm)["layers"]}
    total = sum(L["latency"] for L in res.layers) or 1
    for L in res.layers:
        L["macs"] = macs.get(L["step"])
        L["share"] = round(100.0 * L["latency"] / total, 2)


def format_layers(res) -> str:
    if not res.layers:
        return "per-layer timing unavailable: %s\n" % (res.layers_error or "not requested")
    rows = [("step", "op", "MACs", "latency (%s)" % res.latency_unit, "share")]
    for L in res.layers:
        rows.append((str(L["step"]), L["op"], _fmt(L.get("macs")), _fmt(L["latency"]),
                     "%.1f %%" % L.get("share", 0.0)))
    s = sum(L["latency"] for L in res.layers)
    rows.append(("", "sum", _fmt(sum(L.get("macs") or 0 for L in res.layers)), _fmt(s),
                 "%.1f %% of total" % (100.0 * s / res.latency if res.latency else 0.0)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["per-layer (last run)"]
    for n, r in enumerate(rows):
        lines.append("  ".join(c.ljust(w) if i == 1 else c.rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths))).rstrip())
        if n == 0 or n == len(rows) - 2:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def _sayer(args):
    """Progress lines on stderr, stamped with the seconds since the bench started."""
    t0 = time.monotonic()

    def say(msg: str) -> None:
        if not args.quiet:
            sys.stderr.write("[%6.1fs] %s\n" % (time.monotonic() - t0, msg))
            sys.stderr.flush()
    return say


def _read_model(path: str):
    """The model's bytes, or None after printing why it cannot be read."""
    try:
        with open(path, "rb") as fp:
            return fp.read()
    except OSError as exc:
        print("tinyengine-pio bench: error: cannot read %s: %s" % (path, exc.strerror),
              file=sys.stderr)
        return None


# lines of the tools' output shown as progress (and any line that mentions an error)
PIO_BUILD_LINES = ("Compiling", "Linking", "TinyEngine:", "Building", "Error", "*** ", "RAM:",
                   "Flash:")
PIO_UPLOAD_LINES = PIO_BUILD_LINES + ("Uploading", "Configuring upload", "UART on", "Running",
                                      "Processing")
WEST_LINES = ("-- west", "-- runners", "[", "ERROR", "FATAL", "QEMU", "qemu")


def _progress(say, tool: str, starts: tuple):
    """A progress callback for ``tool``'s output: the lines that start with ``starts``."""
    def line(text: str) -> None:
        s = text.strip()
        if s.startswith(starts) or "error" in s.lower():
            say("  %s: %s" % (tool, s))
    return line


def _measure(args, dut, say):
    """Identity, ``args.runs`` inferences and the TFLM comparison on a connected ``dut``."""
    say("target %s: model %s..., code %s..., arena %s B, latency in %s" % (
        dut.identity.board, dut.identity.model_sha256[:12], dut.identity.code_sha256[:12],
        _fmt(dut.identity.arena_bytes), dut.identity.latency_unit))
    say("running %d inference(s) on seed-%d input ..." % (args.runs, args.seed))
    # None: per-layer figures when the firmware has them (a Zephyr build configured so)
    res = dut.infer(runs=args.runs, seed=args.seed, per_layer=args.per_layer or None)
    if args.per_layer:
        add_layer_figures(res, dut.cm)
    say("comparing with TFLM: %s" % ("byte-exact" if res.matches_reference else
                                     res.mismatch or res.reference_error))
    return res


def _check_args(parser, args) -> None:
    """The combinations of options that make no sense (argparse error, exit status 2)."""
    if args.zephyr_build:
        if args.pio_project or args.place or args.runner == "renode":
            parser.error("--zephyr-build cannot be combined with --pio-project, --place or "
                         "--runner renode")
        if bool(args.port) == bool(args.zephyr_run):
            parser.error("--zephyr-build needs --port PORT (west flash, then that serial port) "
                         "or --zephyr-run (QEMU board), not both")
        return
    if args.west_runner or args.west_flash_arg or args.no_flash or args.zephyr_run:
        parser.error("--west-runner, --west-flash-arg, --no-flash and --zephyr-run need "
                     "--zephyr-build DIR")
    if args.pio_project:
        clash = [o for o, v in (("--port", args.port), ("--place", args.place),
                                ("--runner renode", args.runner == "renode")) if v]
        if clash:
            parser.error("--pio-project cannot be combined with %s" % ", ".join(clash))
    elif args.pio_env:
        parser.error("--pio-env needs --pio-project")
    elif not args.model:
        parser.error("the following arguments are required: model (or --pio-project DIR)")


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _check_args(parser, args)
    from ..errors import TinyEngineError
    from .dut import Dut

    say = _sayer(args)
    model = None
    if args.model:
        model = _read_model(args.model)
        if model is None:
            return 2
    dut = None
    try:
        target = _target(args, model, say)
        dut = Dut.attach(target, model, os.path.basename(args.model) if args.model else None,
                         timeout=args.timeout, invoke_timeout=args.invoke_timeout)
        how = target.describe()
        if args.pio_project:
            say("connected to %s; firmware %s: flash %s B" % (
                target.url, dut.firmware.elf, _fmt(dut.firmware.sizes.get("flash_bytes"))))
        res = _measure(args, dut, say)
    except TinyEngineError as exc:
        print("tinyengine-pio bench: error: %s" % exc, file=sys.stderr)
        return 2
    finally:
        if dut is not None:
            dut.close()
    return _report(args, res, how)


def _target(args, model, say):
    """The target the arguments name (a key of :data:`.targets.TARGETS` and its options)."""
    from .targets import TARGETS
    if args.zephyr_build:
        return _zephyr_target(args, model, say)
    if args.pio_project:
        say("building and uploading PlatformIO project %s%s (pio run -t upload) ..."
            % (args.pio_project, " env " + args.pio_env if args.pio_env else ""))
        return TARGETS["platformio"](args.pio_project, model, env=args.pio_env,
                                     core_dir=args.core_dir,
                                     progress=_progress(say, "pio", PIO_UPLOAD_LINES))
    fw = _firmware(args, model, say)
    target = _board_target(args, model, fw, say)
    target.optimize, target.io = args.optimize, args.io   # the Dut's host compile: the same
    return target


def _board_target(args, model, fw, say):
    """A target running the firmware built here: labgrid, a port, Renode or QEMU."""
    from .targets import TARGETS
    if args.place:
        say("acquiring labgrid place %s ..." % args.place)
        return TARGETS["labgrid"](args.place, coordinator=args.coordinator,
                                  env_config=args.lg_env, firmware=fw)
    if args.port:
        say("connecting to %s ..." % args.port)
        return TARGETS["serial"](args.port, baudrate=args.baud, firmware=fw)
    if args.runner == "renode":
        say("starting Renode (%s) ..." % args.board)
        return TARGETS["renode"](model, args.board, firmware=fw, renode=args.renode)
    say("starting QEMU (%s, -icount shift=0) ..." % args.board)
    return TARGETS["qemu"](model, args.board, firmware=fw)


def _firmware(args, model, say):
    """The measurement firmware of ``model`` for ``--board`` (Renode's presence is checked
    first when it is to run it: the message says how to install it)."""
    from .firmware import build_firmware
    from .targets.renode import find_renode
    if args.runner == "renode" and not (args.port or args.place):
        find_renode(args.renode)  # before the build: say how to install it
    say("building firmware for %s (%s) ..." % (args.board, os.path.basename(args.model)))
    fw = build_firmware(model, args.board, cache_dir=args.cache_dir, core_dir=args.core_dir,
                        progress=_progress(say, "pio", PIO_BUILD_LINES),
                        per_layer=args.per_layer, optimize=args.optimize, io=args.io)
    say("firmware %s: flash %s B (%.1f s)" % (fw.elf, _fmt(fw.sizes["flash_bytes"]),
                                               fw.build_seconds))
    return fw


def _zephyr_target(args, model, say):
    """``--zephyr-build DIR (--port PORT [--west-runner R] | --zephyr-run)``."""
    from .targets import TARGETS
    if args.zephyr_run:
        say("west build -d %s, then its QEMU run target (harness UART on a TCP socket) ..."
            % args.zephyr_build)
    else:
        say("%s ..." % ("connecting to %s" % args.port if args.no_flash else
                        "west flash -d %s%s, then %s" % (
                            args.zephyr_build,
                            " -r " + args.west_runner if args.west_runner else "", args.port)))
    return TARGETS["zephyr"](args.zephyr_build, model, port=args.port,
                             name=os.path.basename(args.model) if args.model else None,
                             runner=args.west_runner, flash_args=args.west_flash_arg,
                             baudrate=args.baud, flash=not args.no_flash, run=args.zephyr_run,
                             progress=_progress(say, "west", WEST_LINES))


def _report(args, res, how: str) -> int:
    """Writes --output / --json / the table; the exit status for ``res``."""
    data = res.to_dict()
    if args.output:
        with open(args.output, "w", encoding="utf8") as fp:
            json.dump(data, fp, indent=1)
            fp.write("\n")
    if args.json:
        sys.stdout.write(json.dumps(data, indent=1) + "\n")
    else:
        sys.stdout.write(format_table(res, how))
        if args.per_layer:
            sys.stdout.write("\n" + format_layers(res))
    return 0 if res.matches_reference else 1


if __name__ == "__main__":
    sys.exit(main())
