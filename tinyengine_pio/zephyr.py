"""Zephyr integration helpers: the module's path and the logic of
`west tinyengine report|bench` (usable without west: `python -m tinyengine_pio.zephyr ...`)."""
from __future__ import annotations

import argparse
import json
import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from .errors import TinyEngineError

DONE_MARKER = "tinyengine: done"


def module_path() -> str:
    """Directory of the Zephyr module (the one holding zephyr/module.yml), for
    `-DEXTRA_ZEPHYR_MODULES=...` or west's manifest."""
    here = Path(__file__).resolve().parent
    for cand in (here / "zephyr_module", here.parent / "zephyr_module"):
        if (cand / "zephyr" / "module.yml").is_file():
            return str(cand)
    raise TinyEngineError(f"the Zephyr module is not installed beside {here} "
                          "(expected zephyr_module/zephyr/module.yml)")


def build_models(build_dir: str) -> dict:
    """The models of a configured build, as written by tinyengine_add_model()."""
    p = Path(build_dir) / "tinyengine" / "models.json"
    if not p.is_file():
        raise TinyEngineError(f"{p} not found: {build_dir} is not a configured Zephyr build "
                              "with tinyengine models (run `west build` first)")
    return json.loads(p.read_text())


def build_options(m: dict) -> list[str]:
    """`report` options for one model of a build: the optimize mode, alignment and I/O it was
    compiled with (CONFIG_TINYENGINE_OPTIMIZE_SIZE/_MEMORY, ALIGNMENT, IO_INT8), from its
    <prefix>.json, and the RAM budget (CONFIG_TINYENGINE_RAM_BUDGET, or the board's SRAM minus
    CONFIG_TINYENGINE_RAM_RESERVE) and --input-stream (CONFIG_TINYENGINE_INPUT_STREAM) from the
    build's models.json."""
    from .metadata import ModelMetadata
    path = Path(m["out_dir"]) / f"{m['prefix']}.json"
    if not path.is_file():
        raise TinyEngineError(f"{path} not found: re-run the build's configuration (`west build`)")
    md = ModelMetadata.load(path)
    budget = m.get("ram_budget")
    return ["--optimize", md.optimize, "--align", str(md.arena.alignment)] + (
        ["--io", md.io] if md.io != "model" else []) + (
        ["--ram-budget", str(int(budget))] if budget else []) + (
        ["--input-stream"] if m.get("input_stream") else [])


def report(build_dir: str, json_out: bool = False, compare_tflm: bool = False) -> int:
    from .cli import main as cli_main
    rc = 0
    for m in build_models(build_dir)["models"]:
        print(f"== {m['prefix']}: {m['model']} ({m['out_dir']})", flush=True)
        args = ["report", m["model"], *build_options(m)] + (["--json"] if json_out else []) + \
            (["--compare-tflm"] if compare_tflm else [])
        rc = max(rc, cli_main(args))
    return rc


def parse_run_output(text: str) -> dict:
    """The sample's lines: 'output[<prefix>]: ..', 'time[<prefix>]: N ticks (F Hz), M us',
    'arena...'."""
    res: dict = {}
    for ln in text.splitlines():
        m = re.match(r"\s*(output|time|arena|top)\[(\w+)\]:\s*(.*)$", ln)
        if m:
            res.setdefault(m.group(2), {})[m.group(1)] = m.group(3).strip()
    return res


def _run_target_failure(build_dir: str, target: str, rc: int, text: str) -> str:
    """Why the build's run target ended before the sample's done line."""
    board = ""
    cache = Path(build_dir) / "CMakeCache.txt"
    if cache.is_file():
        m = re.search(r"^BOARD:\w+=(.*)$", cache.read_text(errors="replace"), re.MULTILINE)
        board = m.group(1).strip() if m else ""
    on = f" ({board})" if board else ""
    if re.search(rf"unknown target '{re.escape(target)}'", text):
        return (f"the build {build_dir}{on} has no '{target}' target: its board has no "
                f"emulator in Zephyr; flash it (west flash -d {build_dir}) and read the "
                f"sample's lines on its console")
    missing = re.search(r"\b([A-Z0-9_]+)-NOTFOUND\b", text)
    if missing:
        return (f"the '{target}' target of {build_dir}{on} needs an emulator that is not "
                f"installed ({missing.group(0)}: CMake found no {missing.group(1)}); run the "
                f"image (zephyr/zephyr.elf) on the board or an emulator yourself")
    return (f"the '{target}' target of {build_dir}{on} ended (exit {rc}) before the sample "
            f"printed '{DONE_MARKER}'")


def bench(build_dir: str, timeout: float = 120.0, target: str = "run", build: bool = True) -> int:
    """Build, run the build's `run` target (QEMU, or flash+console by hand on boards), stop at
    the sample's "tinyengine: done" line and print the per-model summary."""
    build_models(build_dir)
    if build:
        r = subprocess.run(["cmake", "--build", build_dir], check=False)
        if r.returncode:
            return r.returncode
    proc = subprocess.Popen(["cmake", "--build", build_dir, "--target", target],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    lines, done, t0, buf = [], False, time.monotonic(), b""
    try:
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        while not done:
            left = timeout - (time.monotonic() - t0)
            if left <= 0 or not select.select([fd], [], [], min(left, 0.5))[0]:
                if left <= 0:
                    break
                continue
            chunk = os.read(fd, 4096)
            if not chunk:
                break                                     # the run target ended
            buf += chunk
            *full, buf = buf.split(b"\n")
            for raw in full:
                ln = raw.decode(errors="replace") + "\n"
                sys.stdout.write(ln)
                lines.append(ln)
                if DONE_MARKER in ln or "tinyengine: failed" in ln:
                    done = True
                    break
        if buf and not done:
            lines.append(buf.decode(errors="replace"))
            sys.stdout.write(lines[-1])
        sys.stdout.flush()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    res = parse_run_output("".join(lines))
    print("== tinyengine bench")
    for prefix, r in res.items():
        print(f"{prefix}: time {r.get('time', '?')}; arena {r.get('arena', '?')}")
    if not done:
        if proc.returncode is not None and time.monotonic() - t0 < timeout:
            msg = _run_target_failure(build_dir, target, proc.returncode, "".join(lines))
        else:
            msg = f"no '{DONE_MARKER}' line within {timeout:g} s (the run was stopped)"
        print(f"tinyengine: {msg}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tinyengine_pio.zephyr")
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("module-path", help="print the Zephyr module's directory")
    add_build_commands(sub)
    args = p.parse_args(argv)
    try:
        if args.cmd == "module-path":
            print(module_path())
            return 0
        return run_build_command(args)
    except TinyEngineError as e:
        print(f"tinyengine-pio: error: {e}", file=sys.stderr)
        return 2


def add_build_commands(sub) -> None:
    """`report` and `bench` subcommands (shared with the west extension)."""
    r = sub.add_parser("report", help="per-layer report of every model of a build")
    r.add_argument("-d", "--build-dir", default="build")
    r.add_argument("--json", action="store_true")
    r.add_argument("--compare-tflm", action="store_true")
    b = sub.add_parser("bench", help="build, run (QEMU) and summarize time and arena per model")
    b.add_argument("-d", "--build-dir", default="build")
    b.add_argument("--timeout", type=float, default=120.0)
    b.add_argument("-t", "--target", default="run", help="build target that runs the image")
    b.add_argument("--no-build", action="store_true")


def run_build_command(args) -> int:
    # relative to the caller's directory (west runs extension commands there too)
    args.build_dir = os.path.abspath(args.build_dir)
    if args.cmd == "report":
        return report(args.build_dir, args.json, args.compare_tflm)
    if args.cmd == "bench":
        return bench(args.build_dir, args.timeout, args.target, not args.no_build)
    raise TinyEngineError(f"unknown command {args.cmd}")


if __name__ == "__main__":
    sys.exit(main())
