"""Benchmark runner: compile each shared model, build its harness firmware with the
tinyengine-qemu PlatformIO platform, run it in QEMU (-icount shift=0) as the harness's
QEMU target and read instructions, stack, arena and the output CRC32 over the harness
protocol (benchmarks/measure.py); flash from the ELF; compare the CRC32 with the TFLM
baseline and with TFLM on the host.

    python -m benchmarks [--models kws,vww] [--boards mps2-an386,mps2-an500] [--per-layer]

tinyengine_pio is imported from a copy made at the start of the run (see :func:`snapshot`),
so edits to the checkout during a run do not mix versions; hence the imports inside the
functions.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from .measure import DoesNotLink, measure

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


def seed0_input(cm) -> np.ndarray:
    """The shared seed-0 recipe (models.json): int8 integers, float32 standard normal."""
    t = cm.graph.t(cm.graph.inputs[0])
    rng = np.random.default_rng(0)
    if t.dtype == "float32":
        return rng.standard_normal(t.shape).astype(np.float32)
    return rng.integers(-128, 128, size=t.shape, dtype=np.int64).astype(np.int8)


def baselines() -> dict:
    found = {}
    for path, key in ((CROSSCHECK, "instructions_cmsis_nn"), (BASELINE, "instructions")):
        if path.is_file():
            for m in json.loads(path.read_text())["models"]:
                found.setdefault(m["model"], {}).update(
                    instructions=m.get(key) or m.get("instructions"),
                    crc32=m.get("output0_crc32") or found.get(m["model"], {}).get("crc32"))
    return found


def fitting_boards(name: str, cm, boards: list[str]) -> tuple[list[str], list[dict]]:
    """The boards whose RAM/flash the arena and weights fit, and a skip row for each other."""
    from tinyengine_pio.platformio.boards import load_board
    from tinyengine_pio.platformio.hook import fit_errors
    fitting, rows = [], []
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
    return fitting, rows


def bench_one(name: str, path: Path, boards: list[str], env, work: Path, per_layer: bool,
              base: dict, optimize: str = "speed") -> list[dict]:
    """Rows of ``name`` on every board (a skip row where it does not fit).  ``env``: the
    PlatformIO core dir, or an environment dict with PLATFORMIO_CORE_DIR (None: the
    default core dir)."""
    from tinyengine_pio.compiler import compile_model
    from tinyengine_pio.costmodel import MVE_CPUS, predict
    from tinyengine_pio.metadata import ModelMetadata
    from tinyengine_pio.platformio.boards import load_board
    core_dir = env.get("PLATFORMIO_CORE_DIR") if isinstance(env, dict) else env
    model = path.read_bytes()
    cm = compile_model(model, name=path.name, optimize=optimize)   # fit check, input, estimate
    x = seed0_input(cm)
    fitting, rows = fitting_boards(name, cm, boards)
    for board in fitting:
        log("  %-10s building and running through the harness ..." % board)
        try:
            m = measure(model, board, x, work / name, core_dir, per_layer, optimize)
        except DoesNotLink as exc:
            log("  %-10s skip: %s" % (board, exc))
            rows.append(dict(model=name, board=board, skipped=str(exc)))
            continue
        except Exception as exc:  # pylint: disable=broad-except  (this board only)
            log("  %-10s FAILED: %s" % (board, exc))
            rows.append(dict(model=name, board=board, skipped="failed: %s"
                             % str(exc).splitlines()[0]))
            continue
        # the figures of the code this firmware was built from (its model.json)
        md = ModelMetadata.load(m.model_json_dir)
        if m.arena_bytes != md.arena.bytes:
            raise RuntimeError("the firmware reports arena %d B, its model.json %d B"
                               % (m.arena_bytes, md.arena.bytes))
        predicted = predict(cm.graph, load_board(board)["build"]["cpu"] in MVE_CPUS)
        row = report_row(name, board, m, md, base, sum(predicted))
        if per_layer:
            row["layers"] = [dict(step=s, op=md.layers[s].op, macs=md.layers[s].macs,
                                  instructions=t, predicted=predicted[s])
                             for s, t in m.layer_instructions]
        rows.append(row)
        log("  %-10s %s instructions (%.2f/MAC; predicted %s, %+.1f%%), crc %s %s, stack %d B "
            "(invoke %d B), flash %d B, build %.1f s, run %.1f s"
            % (board, f"{m.instructions:,}", row["insns_per_mac"] or 0, f"{sum(predicted):,}",
               100 * (row["prediction_error"] or 0), m.crc32,
               "ok" if row["matches_tflm_host"] is not False and row["matches_baseline"]
               is not False else "MISMATCH", m.stack_peak_bytes, m.invoke_stack_bytes,
               row["flash"], m.build_seconds, m.run_seconds))
    return rows


def report_row(name: str, board: str, m, md, base: dict, predicted: int) -> dict:
    """The results.json row of one measurement (keys as the printf runner wrote them, plus
    invoke_stack_bytes)."""
    insns, crc, host_crc = m.instructions, m.crc32, m.tflm_host_crc32
    b = base.get(name, {}) if board == BASELINE_BOARD else {}
    base_crc = base.get(name, {}).get("crc32")
    return dict(
        model=name, board=board, macs=md.macs, instructions=insns, ticks=m.ticks,
        insns_per_mac=round(insns / md.macs, 3) if md.macs else None,
        arena_bytes=m.arena_bytes, weight_bytes=md.weight_bytes,
        stack_peak_bytes=m.stack_peak_bytes, invoke_stack_bytes=m.invoke_stack_bytes,
        **m.sizes,
        crc32=crc, tflm_host_crc32=host_crc,
        matches_tflm_host=(crc == host_crc) if host_crc else None,
        baseline_crc32=base_crc, matches_baseline=(crc == base_crc) if base_crc else None,
        baseline_instructions=b.get("instructions"),
        ratio_to_baseline=round(insns / b["instructions"], 3) if b.get("instructions")
        else None,
        build_seconds=round(m.build_seconds, 1), run_seconds=round(m.run_seconds, 1),
        predicted_instructions=predicted,
        prediction_error=round(predicted / insns - 1, 4) if insns else None)


def fmt(v, spec=","):
    return "-" if v is None else format(v, spec)


def write_results(rows: list[dict], meta: dict, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").write_text(json.dumps(dict(meta=meta, results=rows), indent=1)
                                          + "\n")
    lines = ["# tinyengine-pio benchmark results", "",
             "Generated by `python -m benchmarks %s`, measured through the harness protocol "
             "(harness firmware as a QEMU target). QEMU %s with `-icount shift=0`; instructions "
             "= SysTick ticks of the second of two invokes x 1e9 / f_cpu (SysTick restarted at "
             "the start of the run: exact to the tick). Input: seed-0 recipe of "
             "`../shared/models/models.json`. flash = text + data (`arm-none-eabi-size`, includes "
             "the harness protocol runtime); rodata is part of text. stack = peak bytes from the "
             "top of the stack since boot (harness serve loop + INVOKE handler + model_invoke; "
             "results.json `invoke_stack_bytes`: model_invoke alone). `vs TFLM` = instructions / "
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
    to the checkout during a run do not mix versions, see :func:`use_snapshot`); returns
    what was measured."""
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


def use_snapshot(src: Path) -> str:
    """Import tinyengine_pio from the copy in ``src`` from now on (the harness builds its
    firmware from the package it is imported from: its PlatformIO platform, its PYTHONPATH);
    returns the package directory measured.  When tinyengine_pio was imported before (a
    caller of main() in the same process), that import stays and is what is measured."""
    if "tinyengine_pio" not in sys.modules:
        sys.path.insert(0, str(src))
    import tinyengine_pio
    where = str(Path(tinyengine_pio.__file__).resolve().parent)
    if not where.startswith(str(src.resolve())):
        log("note: tinyengine_pio was imported before the copy was made; measuring %s" % where)
    return where


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
    use_snapshot(work / "src")
    core_dir = str(work / "pio-core")
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
                rows += bench_one(path.stem, path, boards, core_dir, work, args.per_layer, base,
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
