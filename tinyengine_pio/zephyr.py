"""Zephyr integration helpers: the module's path and the logic of
`west tinyengine report|bench` (usable without west: `python -m tinyengine_pio.zephyr ...`)."""
from __future__ import annotations

import argparse
import json
import os
import re
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
    """`report` options for one model of a build: the optimize mode and alignment it was
    compiled with (CONFIG_TINYENGINE_OPTIMIZE_SIZE, ALIGNMENT), from its <prefix>.json."""
    from .metadata import ModelMetadata
    path = Path(m["out_dir"]) / f"{m['prefix']}.json"
    if not path.is_file():
        raise TinyEngineError(f"{path} not found: re-run the build's configuration (`west build`)")
    md = ModelMetadata.load(path)
    return ["--optimize", md.optimize, "--align", str(md.arena.alignment)]


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
    """The sample's lines: 'output[<prefix>]: ..', 'time[<prefix>]: N cycles, M us', 'arena...'."""
    res: dict = {}
    for ln in text.splitlines():
        m = re.match(r"\s*(output|time|arena|top)\[(\w+)\]:\s*(.*)$", ln)
        if m:
            res.setdefault(m.group(2), {})[m.group(1)] = m.group(3).strip()
    return res


def bench(build_dir: str, timeout: float = 120.0, target: str = "run", build: bool = True) -> int:
    """Build, run the build's `run` target (QEMU, or flash+console by hand on boards), stop at
    the sample's "tinyengine: done" line and print the per-model summary."""
    build_models(build_dir)
    if build:
        r = subprocess.run(["cmake", "--build", build_dir])
        if r.returncode:
            return r.returncode
    proc = subprocess.Popen(["cmake", "--build", build_dir, "--target", target],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    lines, done, t0 = [], False, time.monotonic()
    try:
        assert proc.stdout is not None
        os.set_blocking(proc.stdout.fileno(), True)
        for ln in proc.stdout:
            sys.stdout.write(ln)
            lines.append(ln)
            if DONE_MARKER in ln or "tinyengine: failed" in ln:
                done = True
                break
            if time.monotonic() - t0 > timeout:
                break
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
    res = parse_run_output("".join(lines))
    print("== tinyengine bench")
    for prefix, r in res.items():
        print(f"{prefix}: time {r.get('time', '?')}; arena {r.get('arena', '?')}")
    if not done:
        print(f"tinyengine: no '{DONE_MARKER}' line within {timeout:g} s", file=sys.stderr)
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
    if args.cmd == "report":
        return report(args.build_dir, args.json, args.compare_tflm)
    if args.cmd == "bench":
        return bench(args.build_dir, args.timeout, args.target, not args.no_build)
    raise TinyEngineError(f"unknown command {args.cmd}")


if __name__ == "__main__":
    sys.exit(main())
