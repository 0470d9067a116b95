"""Benchmark runner: compile each shared model, build firmware with the tinyengine-qemu
PlatformIO platform, run it in QEMU (-icount shift=0) and record instructions,
flash, arena and stack; compare the output CRC32 with the TFLM baseline and with
TFLM on the host.

    python -m benchmarks [--models kws,vww] [--boards mps2-an386,mps2-an500] [--per-layer]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import numpy as np

from tinyengine_pio.compiler import compile_model
from tinyengine_pio.costmodel import MVE_CPUS, predict
from tinyengine_pio.metadata import ModelMetadata
from tinyengine_pio.platformio import BOARDS_DIR
from tinyengine_pio.platformio.hook import fit_errors
from tinyengine_pio.platformio.setup import offline_env, setup

from .firmware import BENCH_MAIN_C, BENCH_PROFILE_H, input_header

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
MODELS_DIR = SHARED / "models"
BASELINE = SHARED / "baselines" / "tflm_cmsisnn_m4.json"
CROSSCHECK = SHARED / "baselines" / "tflm_m4_crosscheck.json"
OUT_DIR = Path(__file__).resolve().parent
SKIP = {"float32_reject"}
BASELINE_BOARD = "mps2-an386"


def log(msg: str) -> None:
    print(msg, flush=True)


def load_board(board: str) -> dict:
    return json.loads(Path(BOARDS_DIR, board + ".json").read_text())


def seed0_input(cm) -> np.ndarray:
    """The shared seed-0 recipe (models.json): int8 integers, float32 standard normal."""
    t = cm.graph.t(cm.graph.inputs[0])
    rng = np.random.default_rng(0)
    if t.dtype == "float32":
        return rng.standard_normal(t.shape).astype(np.float32)
    return rng.integers(-128, 128, size=t.shape, dtype=np.int64).astype(np.int8)


def tflm_crc(model: bytes, x: np.ndarray) -> str | None:
    try:
        from tests.helpers.tflm import run_tflm
    except ImportError:
        return None
    out = run_tflm(model, x)[0]
    return "%08x" % zlib.crc32(np.ascontiguousarray(out).tobytes())


def baselines() -> dict:
    found = {}
    for path, key in ((CROSSCHECK, "instructions_cmsis_nn"), (BASELINE, "instructions")):
        if path.is_file():
            for m in json.loads(path.read_text())["models"]:
                found.setdefault(m["model"], {}).update(
                    instructions=m.get(key) or m.get("instructions"),
                    crc32=m.get("output0_crc32") or found.get(m["model"], {}).get("crc32"))
    return found


def elf_sizes(elf: Path) -> dict:
    berk = subprocess.run(["arm-none-eabi-size", "-B", "-d", str(elf)], capture_output=True,
                          text=True, check=True).stdout.splitlines()[1].split()
    text, data, bss = (int(v) for v in berk[:3])
    sysv = subprocess.run(["arm-none-eabi-size", "-A", "-d", str(elf)], capture_output=True,
                          text=True, check=True).stdout
    rodata = sum(int(m.group(1)) for m in re.finditer(r"^\.rodata\s+(\d+)", sysv, re.M))
    return dict(text=text, data=data, bss=bss, rodata=rodata, flash=text + data)


def write_project(proj: Path, model: bytes, x: np.ndarray, boards: list[str],
                  per_layer: bool, optimize: str = "speed") -> None:
    (proj / "src").mkdir(parents=True, exist_ok=True)
    (proj / "model").mkdir(exist_ok=True)
    (proj / "model" / "model.tflite").write_bytes(model)
    (proj / "src" / "main.c").write_text(BENCH_MAIN_C)
    (proj / "src" / "bench_input.h").write_text(input_header(x.tobytes()))
    flags = ""
    if per_layer:
        (proj / "include").mkdir(exist_ok=True)
        (proj / "include" / "bench_profile.h").write_text(BENCH_PROFILE_H)
        flags = "build_flags = -include %s\n" % (proj / "include" / "bench_profile.h")
    envs = "".join("[env:%s]\nboard = %s\n" % (b, b) for b in boards)
    (proj / "platformio.ini").write_text(
        "[env]\nplatform = tinyengine-qemu\ncustom_tinyengine_model = model/model.tflite\n"
        "custom_tinyengine_optimize = %s\ncustom_qemu_timeout = 1800\n%s%s"
        % (optimize, flags, envs))


def pio(env: dict, proj: Path, board: str, *args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "platformio", "run", "-d", str(proj), "-e", board,
                           *args], env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)
    out = proc.stdout + proc.stderr
    if proc.returncode != 0:
        raise RuntimeError("pio run %s failed (%d):\n%s" % (" ".join(args), proc.returncode,
                                                            out[-3000:]))
    return out


def bench_one(name: str, path: Path, boards: list[str], env: dict, work: Path, per_layer: bool,
              base: dict, optimize: str = "speed") -> list[dict]:
    model = path.read_bytes()
    cm = compile_model(model, name=path.name, optimize=optimize)   # fit check, input, estimate
    x = seed0_input(cm)
    host_crc = tflm_crc(model, x)
    fitting = []
    rows = []
    for board in boards:
        cfg = load_board(board)["upload"]
        errs = fit_errors(board, {"upload.maximum_ram_size": cfg["maximum_ram_size"],
                                  "upload.maximum_size": cfg["maximum_size"]},
                          cm.arena_bytes, cm.weight_bytes)
        if errs:
            log("  %-10s skip: %s" % (board, "; ".join(errs)))
            rows.append(dict(model=name, board=board, skipped="; ".join(errs)))
        else:
            fitting.append(board)
    if not fitting:
        return rows
    proj = work / name
    write_project(proj, model, x, fitting, per_layer, optimize)
    for board in fitting:
        t0 = time.time()
        log("  %-10s building ..." % board)
        try:
            pio(env, proj, board)
        except RuntimeError as exc:  # weights fit, but weights + code + input do not
            over = re.search(r"region `(\w+)' overflowed by (\d+) bytes", str(exc))
            if not over:
                raise
            msg = "does not link: region %s overflowed by %s bytes" % over.groups()
            log("  %-10s skip: %s" % (board, msg))
            rows.append(dict(model=name, board=board, skipped=msg))
            continue
        t_build = time.time() - t0
        # the figures of the code this firmware was built from (its model.json)
        md = ModelMetadata.load(proj / ".pio" / "build" / board / "tinyengine" / "src")
        predicted = predict(cm.graph, load_board(board)["build"]["cpu"] in MVE_CPUS)
        log("  %-10s built in %.1f s; running in QEMU ..." % (board, t_build))
        t0 = time.time()
        out = pio(env, proj, board, "-t", "upload")
        t_run = time.time() - t0
        m = re.search(r"^bench: ticks=(\d+) hz=(\d+) crc32=([0-9a-f]{8}) stack=(\d+) "
                      r"out_bytes=\d+ arena=(\d+)", out, re.M)
        if not m:
            raise RuntimeError("no bench line in output:\n" + out[-3000:])
        ticks, hz, crc, stack, arena = int(m[1]), int(m[2]), m[3], int(m[4]), int(m[5])
        if arena != md.arena.bytes:
            raise RuntimeError("the firmware reports arena %d B, its model.json %d B"
                               % (arena, md.arena.bytes))
        insns = ticks * 10**9 // hz
        b = base.get(name, {}) if board == BASELINE_BOARD else {}
        row = dict(
            model=name, board=board, macs=md.macs, instructions=insns, ticks=ticks,
            insns_per_mac=round(insns / md.macs, 3) if md.macs else None,
            arena_bytes=arena, weight_bytes=md.weight_bytes, stack_peak_bytes=stack,
            **elf_sizes(proj / ".pio" / "build" / board / "program.elf"),
            crc32=crc, tflm_host_crc32=host_crc,
            matches_tflm_host=(crc == host_crc) if host_crc else None,
            baseline_crc32=base.get(name, {}).get("crc32"),
            matches_baseline=(crc == base[name]["crc32"]) if base.get(name, {}).get("crc32")
            else None,
            baseline_instructions=b.get("instructions"),
            ratio_to_baseline=round(insns / b["instructions"], 3) if b.get("instructions")
            else None,
            build_seconds=round(t_build, 1), run_seconds=round(t_run, 1))
        row["predicted_instructions"] = sum(predicted)
        row["prediction_error"] = round(sum(predicted) / insns - 1, 4) if insns else None
        if per_layer:
            layers = [(int(s), int(t)) for s, t in re.findall(r"^layer: (\d+) (\d+)", out, re.M)]
            row["layers"] = [dict(step=s, op=md.layers[s].op, macs=md.layers[s].macs,
                                  instructions=t * 10**9 // hz, predicted=predicted[s])
                             for s, t in layers]
        rows.append(row)
        log("  %-10s %s instructions (%.2f/MAC; predicted %s, %+.1f%%), crc %s %s, stack %d B, "
            "flash %d B, run %.1f s"
            % (board, f"{insns:,}", row["insns_per_mac"] or 0, f"{sum(predicted):,}",
               100 * (row["prediction_error"] or 0), crc,
               "ok" if row["matches_tflm_host"] is not False and row["matches_baseline"]
               is not False else "MISMATCH", stack, row["flash"], t_run))
    return rows


def fmt(v, spec=","):
    return "-" if v is None else format(v, spec)


def write_results(rows: list[dict], meta: dict, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").write_text(json.dumps(dict(meta=meta, results=rows), indent=1)
                                          + "\n")
    lines = ["# tinyengine-pio benchmark results", "",
             "Generated by `python -m benchmarks %s`. QEMU %s with `-icount shift=0`; instructions "
             "= SysTick ticks of the second of two invokes x 1e9 / f_cpu (+-1 tick). Input: seed-0 "
             "recipe of `../shared/models/models.json`. flash = text + data (`arm-none-eabi-size`,"
             " includes the bench harness and newlib-nano printf); rodata is part of text. "
             "stack = peak bytes from the top of RAM (main + invoke). `vs TFLM` = instructions / "
             "TFLM+CMSIS-NN instructions (`../shared/baselines`, mps2-an386 only)."
             % (" ".join(meta["argv"]), meta["qemu"]), "",
             "Sources: git %s%s (tinyengine_pio digest %s), %s.%s" % (
                 meta["git_head"], " + uncommitted " + ", ".join(meta["uncommitted"])
                 if meta["uncommitted"] else "", meta["sources_sha256"], meta["date"],
                 " (copied at the start of the run)"), "",
             "| model | board | MACs | instructions | predicted (error) | instr/MAC | vs TFLM | flash "
             "| rodata | arena | stack | CRC32 | = TFLM host | = baseline |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|"]
    yn = {True: "yes", False: "**NO**", None: "-"}
    for r in rows:
        if "skipped" in r:
            lines.append("| %s | %s | skipped: %s |" % (r["model"], r["board"], r["skipped"]))
            continue
        lines.append("| %s | %s | %s | %s | %s (%s) | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["model"], r["board"], fmt(r["macs"]), fmt(r["instructions"]),
            fmt(r.get("predicted_instructions")), fmt(r.get("prediction_error"), "+.1%"),
            fmt(r["insns_per_mac"], ".2f"), fmt(r["ratio_to_baseline"], ".3f"), fmt(r["flash"]),
            fmt(r["rodata"]), fmt(r["arena_bytes"]), fmt(r["stack_peak_bytes"]), r["crc32"],
            yn[r["matches_tflm_host"]], yn[r["matches_baseline"]]))
    for r in rows:
        if r.get("layers"):
            lines += ["", "## %s on %s: per layer" % (r["model"], r["board"]), "",
                      "| step | op | MACs | instructions | predicted | instr/MAC |",
                      "|---:|---|---:|---:|---:|---:|"]
            lines += ["| %d | %s | %s | %s | %s | %s |" % (
                L["step"], L["op"], fmt(L["macs"]), fmt(L["instructions"]), fmt(L.get("predicted")),
                fmt(L["instructions"] / L["macs"] if L["macs"] else None, ".2f"))
                for L in r["layers"]]
    (out_dir / "results.md").write_text("\n".join(lines) + "\n")


def snapshot(dest: Path) -> dict:
    """Copy tinyengine_pio to ``dest`` (firmware is generated from this copy, so edits made
    to the checkout during a run do not mix versions); returns what was measured."""
    shutil.copytree(ROOT / "tinyengine_pio", dest / "tinyengine_pio",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    h = hashlib.sha256()
    for f in sorted((dest / "tinyengine_pio").rglob("*")):
        if f.is_file():
            h.update(str(f.relative_to(dest)).encode() + f.read_bytes())

    def git(*a):
        return subprocess.run(["git", "-C", str(ROOT), *a], capture_output=True,
                              text=True).stdout
    dirty = [ln[3:] for ln in git("status", "--porcelain", "--", "tinyengine_pio").splitlines()]
    return dict(git_head=git("rev-parse", "--short", "HEAD").strip(), uncommitted=dirty,
                sources_sha256=h.hexdigest()[:16])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", help="comma-separated substrings of model names (default: all)")
    ap.add_argument("--boards", default="mps2-an386,mps2-an500")
    ap.add_argument("--per-layer", action="store_true",
                    help="also time every layer (builds with TE_PROFILE_LAYER)")
    ap.add_argument("--out", default=str(OUT_DIR), help="where results.md/.json go")
    ap.add_argument("--keep", action="store_true", help="keep the temporary projects")
    ap.add_argument("--optimize", choices=("speed", "size"), default="speed",
                    help="the compiler's kernel selection (default speed)")
    args = ap.parse_args(argv)
    if not MODELS_DIR.is_dir():
        log("error: %s not found" % MODELS_DIR)
        return 2
    boards = [b for b in args.boards.split(",") if b]
    wanted = [w for w in (args.models or "").split(",") if w]
    models = [p for p in sorted(MODELS_DIR.glob("*.tflite"), key=lambda p: p.stat().st_size)
              if p.stem not in SKIP and (not wanted or any(w in p.stem for w in wanted))]
    work = Path(tempfile.mkdtemp(prefix="te-bench-"))
    state = snapshot(work / "src")
    env = offline_env(setup(str(work / "pio-core"), str(
        work / "src" / "tinyengine_pio" / "platformio" / "platform")))
    env["PYTHONPATH"] = os.pathsep.join([str(work / "src")] + [p for p in [env.get("PYTHONPATH")]
                                                               if p])
    qemu = subprocess.run(["qemu-system-arm", "--version"], capture_output=True,
                          text=True).stdout.split("\n")[0]
    meta = dict(argv=sys.argv[1:] if argv is None else argv, boards=boards, qemu=qemu,
                date=time.strftime("%Y-%m-%d %H:%M:%S"), per_layer=args.per_layer,
                optimize=args.optimize,
                **state)
    rows, t_all = [], time.time()
    base = baselines()
    try:
        for n, path in enumerate(models, 1):
            log("[%d/%d] %s" % (n, len(models), path.stem))
            try:
                rows += bench_one(path.stem, path, boards, env, work, args.per_layer, base,
                                  args.optimize)
            except Exception as exc:  # pylint: disable=broad-except
                log("  FAILED: %s" % exc)
                rows.append(dict(model=path.stem, board=",".join(boards), skipped="failed: %s"
                                 % str(exc).splitlines()[0]))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            log("projects kept in %s" % work)
    meta["total_seconds"] = round(time.time() - t_all, 1)
    write_results(rows, meta, Path(args.out))
    log("wrote %s/results.md and results.json (%.0f s)" % (args.out, meta["total_seconds"]))
    return 0 if all("skipped" not in r or not r["skipped"].startswith("failed")
                    for r in rows) else 1
