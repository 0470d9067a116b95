"""The realistic-models report: for each model of build.py, compile it with tinyengine_pio
(recording the refusal message), build the generated C on the host with gcc
(tests/helpers/hostrun.py), compare with TFLM on 3 input sets (seeds 0-2 of
tflm.deterministic_inputs; float32 within rtol 1e-4 / atol 1e-5, and whether bit-exact),
the arena against TFLM's (tflm_arena_bytes), and with ``--qemu`` the instructions of one
inference on the Cortex-M4 (mps2-an386) through the benchmarks' harness measurement
(benchmarks/measure.py: QEMU ``-icount shift=0``).

    python -m benchmarks.realistic [--only NAME[,NAME]] [--qemu] [--sanitize]
                                   [--optimize speed|size] [--out DIR]

Writes ``results.json`` and ``results.md`` beside this file (``--only`` replaces just those
rows). Models come from the cache of build.py; building a missing or outdated one needs
TensorFlow (``pip install 'tinyengine-pio[models]'``). tinyengine_pio is imported from a copy
made at the start (benchmarks.run.snapshot), so edits during a run do not mix versions.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BOARD = "mps2-an386"          # Cortex-M4
N_SETS = 3


def log(msg: str = "", end: str = "\n") -> None:
    print(msg, end=end, flush=True)


def op_names(data: bytes) -> list[str]:
    """The builtin operator of every operator of subgraph 0, in order (read with the tflite
    package, so it works for models the compiler refuses)."""
    import tflite
    m = tflite.Model.GetRootAsModel(data, 0)
    names = {v: k for k, v in vars(tflite.BuiltinOperator).items() if not k.startswith("_")}
    sg = m.Subgraphs(0)
    out = []
    for i in range(sg.OperatorsLength()):
        oc = m.OperatorCodes(sg.Operators(i).OpcodeIndex())
        code = max(oc.BuiltinCode(), oc.DeprecatedBuiltinCode())
        out.append(names.get(code, str(code)) if code != 32 else
                   "CUSTOM:" + (oc.CustomCode() or b"?").decode())
    return out


def input_sets(data: bytes) -> list:
    """Seeds 0..N_SETS-1 of tflm.deterministic_inputs (full-range integers, N(0,1) floats)."""
    from tests.helpers.tflm import deterministic_inputs
    return list(deterministic_inputs(data, seeds=range(N_SETS)))[:N_SETS]


def compare(data: bytes, out_dir: Path, host=None) -> str:
    """Assert that the generated C in ``out_dir`` matches TFLM on the input sets; returns
    "exact" (bytes equal, floats bit for bit) or "tolerance" (float32 within rtol 1e-4 /
    atol 1e-5). AssertionError with the first mismatch otherwise."""
    from tests.helpers.hostrun import HostModel, assert_matches_tflm
    sets = input_sets(data)
    own = host is None
    host = host or HostModel(out_dir)
    try:
        try:
            assert_matches_tflm(data, out_dir, sets, host=host, float_exact=True)
            return "exact"
        except AssertionError:
            assert_matches_tflm(data, out_dir, sets, host=host)
            return "tolerance"
    finally:
        if own:
            host.close()


@contextlib.contextmanager
def quiet_fd2():
    """Silence C-level stderr (TensorFlow's converter logs) inside the block; yields a list
    that receives the text, to show when the block fails."""
    from tests.helpers.tflm import capture_fd_stderr
    with capture_fd_stderr() as captured:
        yield captured


def short_error(exc: BaseException, lines: int = 12) -> str:
    """The message of ``exc``, at most ``lines`` lines, without the compiler's list of
    supported operators."""
    text = str(exc).strip() or type(exc).__name__
    kept = [ln if not ln.startswith("Supported operators") else
            "(list of supported operators omitted)" for ln in text.splitlines()]
    return "\n".join(kept[:lines] + (["..."] if len(kept) > lines else []))


def check_model(name: str, work: Path, qemu: bool, core_dir: str | None,
                sanitize: bool = False, optimize: str = "speed") -> dict:
    """One row of the report (see the module docstring)."""
    from tests.helpers.hostrun import HostModel, HostRunError
    from tinyengine_pio.compiler import compile_model
    from tinyengine_pio.emitter import write_files
    from tinyengine_pio.errors import TinyEngineError

    from .build import MODELS, build
    spec = MODELS[name]
    row = dict(model=name, dtype=spec.dtype, what=spec.what)
    t0 = time.time()
    log("  build ...", end="")
    try:
        with quiet_fd2() as converter_log:
            path = build(name)
    except Exception as exc:  # pylint: disable=broad-except
        row.update(build_error=f"{type(exc).__name__}: {short_error(exc)}")
        log(" FAILED")
        if converter_log:
            log(converter_log[0][-2000:])
        return row
    data = path.read_bytes()
    ops = op_names(data)
    row.update(tflite_bytes=len(data), ops=len(ops), op_types=sorted(set(ops)))
    log(f" {len(data):,} B, {len(ops)} ops; compile ...", end="")
    try:
        t1 = time.time()
        cm = compile_model(data, name=f"{name}.tflite", optimize=optimize)
        row.update(compiles=True, arena_ours=cm.arena_bytes, weight_bytes=cm.weight_bytes,
                   compile_seconds=round(time.time() - t1, 1))
    except TinyEngineError as exc:
        row.update(compiles=False, refusal=f"{type(exc).__name__}: {short_error(exc)}")
    except Exception as exc:  # pylint: disable=broad-except
        tb = traceback.extract_tb(exc.__traceback__)[-1]
        row.update(compiles=False, refusal=f"internal error {type(exc).__name__} at "
                   f"{Path(tb.filename).name}:{tb.lineno}: {short_error(exc)}")
    log(" ok" if row["compiles"] else " refused", end="")
    row.update(tflm_probe(path))
    if row["compiles"] and "tflm_error" in row:
        row.update(equal=None, mismatch="not compared: TFLM cannot run the model")
    elif row["compiles"]:
        out = work / name
        write_files(str(out), cm.files)
        log("; host gcc + TFLM ...", end="")
        with HostModel(out) as host:
            try:
                host.build()
                row["equal"] = compare(data, out, host)
            except HostRunError as exc:
                row.update(equal=False, mismatch=f"host build/run: {short_error(exc, 20)}")
            except AssertionError as exc:
                row.update(equal=False, mismatch=short_error(exc))
            except Exception as exc:  # pylint: disable=broad-except
                row.update(equal=None, mismatch=f"{type(exc).__name__}: {short_error(exc)}")
        log(" " + {"exact": "equal (exact)", "tolerance": "equal (within tolerance)"}.get(
            row.get("equal"), "MISMATCH"), end="")
        if sanitize:
            log("; ASan/UBSan + write check ...", end="")
            row.update(sanitized(data, cm, work / f"{name}_checked"))
            log(" clean" if row["sanitize"] == "clean" else " FAILED", end="")
        if qemu:
            log("; qemu ...", end="")
            row.update(measure_m4(name, data, cm, work, core_dir, optimize))
            log(" " + (f"{row['instructions']:,} instructions" if row.get("instructions")
                       else "failed"), end="")
    row["seconds"] = round(time.time() - t0, 1)
    log(f" ({row['seconds']} s)")
    return row


_PROBE = """
import json, sys
from tests.helpers.tflm import deterministic_inputs, tflm_arena_bytes
data = open(sys.argv[1], "rb").read()
x = list(deterministic_inputs(data, seeds=[0]))[0][1]
print(json.dumps(tflm_arena_bytes(data, x)["total"]))
"""


def tflm_probe(path: Path) -> dict:
    """TFLM's arena for the model, from one inference in a child process (TFLM aborts the
    process on some models, e.g. a SOFTMAX input scale below 2^-26); ``tflm_error`` with its
    message (or signal) when it fails."""
    import signal
    proc = subprocess.run([sys.executable, "-c", _PROBE, str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=1800)
    if proc.returncode == 0:
        return dict(arena_tflm=json.loads(proc.stdout.strip().splitlines()[-1]))
    lines = [ln for ln in proc.stderr.splitlines()
             if ln.strip() and not ln.startswith((" ", "Traceback"))]
    why = (f"killed by {signal.Signals(-proc.returncode).name}" if proc.returncode < 0
           else f"exit {proc.returncode}")
    return dict(tflm_error="TFLM %s: %s" % (why, "\n".join(lines[-6:]) or "(no message)"))


def sanitized(data: bytes, cm, out: Path) -> dict:
    """The first input set through the generated C built with ASan/UBSan and the per-layer
    write check (hostrun.write_checked), compared with TFLM: ``sanitize`` is "clean" or
    "failed", ``sanitize_error`` the report."""
    from tests.helpers.hostrun import assert_matches_tflm, write_checked
    write_checked(cm, out)
    try:
        assert_matches_tflm(data, out, input_sets(data)[:1], sanitize=True)
    except Exception as exc:  # pylint: disable=broad-except
        return {"sanitize": "failed", "sanitize_error": short_error(exc, 20)}
    return {"sanitize": "clean"}


def measure_m4(name: str, data: bytes, cm, work: Path, core_dir: str | None,
               optimize: str = "speed") -> dict:
    """Instructions of one inference on the Cortex-M4 in QEMU, through benchmarks/measure.py
    (the harness firmware, seed-0 input of the model's own dtype)."""
    from benchmarks.measure import DoesNotLink, measure
    from benchmarks.run import fitting_boards
    try:
        boards, skipped = fitting_boards(name, cm, [BOARD])
        if not boards:
            return dict(qemu_error=skipped[0]["skipped"])
        x = input_sets(data)[0][1]      # seed 0, every input
        with quiet_fd2():
            m = measure(data, BOARD, x, work / "fw" / name, core_dir, optimize=optimize)
        got = dict(instructions=m.instructions, m4_crc32=m.crc32,
                   m4_matches_tflm=m.matches_tflm, m4_arena=m.arena_bytes,
                   flash=m.sizes["flash"])
        if m.mismatch:
            got["m4_mismatch"] = m.mismatch
        return got
    except DoesNotLink as exc:
        return dict(qemu_error=str(exc))
    except Exception as exc:  # pylint: disable=broad-except
        return dict(qemu_error=f"{type(exc).__name__}: {short_error(exc)}")


# -- report ----------------------------------------------------------------------------------

def _status(r: dict) -> tuple[str, str]:
    if "build_error" in r:
        return "build failed", "-"
    comp = "yes" if r.get("compiles") else "**NO**"
    eq = {"exact": "yes (exact)", "tolerance": "yes (tol.)", False: "**NO**"}.get(
        r.get("equal"), "-")
    return comp, eq


def _n(v) -> str:
    return "-" if v is None else f"{v:,}"


def table(rows: list[dict], markdown: bool = True) -> str:
    head = ["model", "dtype", "ops", "compiles? (s)", "= TFLM?", "arena ours / TFLM",
            "M4 instructions"]
    san = any("sanitize" in r for r in rows)
    if san:
        head.append("ASan/UBSan")
    body = []
    for r in rows:
        comp, eq = _status(r)
        arena = f"{_n(r.get('arena_ours'))} / {_n(r.get('arena_tflm'))}"
        insns = _n(r.get("instructions")) if "qemu_error" not in r else "failed"
        if r.get("m4_matches_tflm") is False:
            insns += " (M4 output != TFLM)"
        ops = str(r.get("ops", "-"))
        if markdown:
            ops += " (" + ", ".join(r.get("op_types", [])) + ")"
        if r.get("compile_seconds") is not None:
            comp += f" ({r['compile_seconds']})"
        body.append([r["model"], r["dtype"], ops, comp, eq, arena, insns]
                    + ([{"clean": "clean", "failed": "**FAILED**"}.get(r.get("sanitize"), "-")]
                       if san else []))
    if markdown:
        lines = ["| " + " | ".join(head) + " |",
                 "|---|---|---|---|---|---:|---:|" + ("---|" if san else "")]
        lines += ["| " + " | ".join(b) + " |" for b in body]
        return "\n".join(lines)
    widths = [max(len(str(x[i])) for x in [head] + body) for i in range(len(head))]
    fmt = "  ".join("%%-%ds" % w for w in widths)
    return "\n".join([fmt % tuple(head)] + [fmt % tuple(b) for b in body])


def failures(rows: list[dict]) -> list[str]:
    out = []
    for r in rows:
        for key, what in (("build_error", "build"), ("refusal", "refusal"),
                          ("mismatch", "mismatch"), ("tflm_error", "TFLM"),
                          ("sanitize_error", "ASan/UBSan/write check"),
                          ("qemu_error", "QEMU"), ("m4_mismatch", "M4 output vs TFLM")):
            if r.get(key):
                out.append(f"### {r['model']}: {what}\n\n```\n{r[key]}\n```")
    return out


def write_report(rows: list[dict], meta: dict, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").write_text(json.dumps(dict(meta=meta, results=rows), indent=1)
                                          + "\n")
    text = ["# Realistic models: tinyengine-pio vs TFLM", "",
            "Generated by `python -m benchmarks.realistic %s` on %s; sources: git %s%s, "
            "TensorFlow %s (models built by `benchmarks/realistic/build.py`, random weights, "
            "seeded). `= TFLM`: the generated C built with gcc on the host against TFLM's "
            "interpreter on %d input sets (integers byte for byte; float32 bit for bit = exact, "
            "or within rtol 1e-4 / atol 1e-5 = tol.). Arena in bytes (TFLM: its recording "
            "allocator's total). M4 instructions: one inference on %s in QEMU (-icount "
            "shift=0) with `--qemu`, its output checked against TFLM by the harness. "
            "(s): seconds compile_model took (this machine, shared). To rebuild the models: "
            "`python -m venv --system-site-packages ~/.venvs/tf && ~/.venvs/tf/bin/pip install "
            "'tensorflow-cpu==2.19.*' && ~/.venvs/tf/bin/pip install --no-deps "
            "'tf_keras==2.19.*'`, then run with that Python." % (" ".join(meta["argv"]), meta["date"], meta["git_head"],
                                          " + uncommitted " + ", ".join(meta["uncommitted"])
                                          if meta["uncommitted"] else "",
                                          meta.get("tensorflow") or "-", N_SETS, BOARD), "",
            table(rows), ""]
    fails = failures(rows)
    if fails:
        text += ["## Failures", ""] + [f + "\n" for f in fails]
    (out_dir / "results.md").write_text("\n".join(text))


def snapshot_head(dest: Path) -> dict:
    """tinyengine_pio as committed at HEAD, extracted to ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True, check=True).stdout.strip()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", head, "tinyengine_pio"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return {"git_head": head, "uncommitted": [], "sources_sha256": None}


def imports(src: Path) -> bool:
    """Whether the copy of tinyengine_pio in ``src`` imports (in a child process)."""
    return subprocess.run([sys.executable, "-c", "import tinyengine_pio"], cwd=src,
                          capture_output=True, check=False).returncode == 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.realistic",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", help="comma-separated model names (or substrings)")
    ap.add_argument("--qemu", action="store_true",
                    help=f"also measure instructions on {BOARD} (Cortex-M4) in QEMU")
    ap.add_argument("--sanitize", action="store_true",
                    help="also run one input set under ASan/UBSan with the write check")
    ap.add_argument("--optimize", choices=("speed", "size"), default="speed",
                    help="the compiler's kernel selection (default speed)")
    ap.add_argument("--out", default=str(HERE), help="where results.json/.md go")
    ap.add_argument("--keep", action="store_true", help="keep the generated code")
    ap.add_argument("--head", action="store_true",
                    help="measure tinyengine_pio as committed at HEAD (default: the checkout "
                         "with its uncommitted edits, or HEAD when that does not import)")
    args = ap.parse_args(argv)

    from benchmarks.run import snapshot, use_snapshot
    work = Path(tempfile.mkdtemp(prefix="te-realistic-"))
    state = snapshot_head(work / "src") if args.head else snapshot(work / "src")
    if not args.head and not imports(work / "src"):
        log("note: the checkout's tinyengine_pio does not import (someone is mid-edit); "
            "measuring the committed HEAD instead")
        shutil.rmtree(work / "src")
        state = snapshot_head(work / "src")
    use_snapshot(work / "src")
    log(f"tinyengine_pio: git {state['git_head']}"
        + (f" + uncommitted {len(state['uncommitted'])} files" if state["uncommitted"] else ""))

    from .build import MODELS, have_tensorflow
    wanted = [w for w in (args.only or "").split(",") if w]
    names = [n for n in MODELS if not wanted or any(w == n for w in wanted)] or \
        [n for n in MODELS if any(w in n for w in wanted)]
    if not names:
        log(f"no model matches {args.only!r}; models: {', '.join(MODELS)}")
        return 2
    tf_version = None
    if have_tensorflow():
        import tensorflow as tf
        tf_version = tf.__version__
    meta = dict(argv=sys.argv[1:] if argv is None else list(argv), date=time.strftime(
        "%Y-%m-%d %H:%M:%S"), tensorflow=tf_version, board=BOARD if args.qemu else None,
        optimize=args.optimize, **state)
    rows = []
    try:
        for k, name in enumerate(names, 1):
            log(f"[{k}/{len(names)}] {name} ({MODELS[name].dtype})")
            rows.append(check_model(name, work, args.qemu, str(work / "pio-core"),
                                    args.sanitize, args.optimize))
            rows[-1]["measured_at"] = state["git_head"] + ("+" if state["uncommitted"] else "")
    finally:
        if args.keep:
            log(f"generated code kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    out = Path(args.out)
    if wanted and (out / "results.json").is_file():     # replace just these rows
        old = json.loads((out / "results.json").read_text())["results"]
        new = {r["model"]: r for r in rows}
        merged = [new.pop(r["model"], r) for r in old if r["model"] in MODELS]
        rows = merged + list(new.values())
        order = list(MODELS)
        rows.sort(key=lambda r: order.index(r["model"]))
    write_report(rows, meta, out)
    log("")
    log(table(rows, markdown=False))
    fails = failures(rows)
    if fails:
        log("\nFailures:\n")
        log("\n\n".join(f.replace("```\n", "").replace("\n```", "") for f in fails))
    log(f"\nwrote {out}/results.md and results.json")
    ok = sum(1 for r in rows if r.get("compiles") and r.get("equal") in ("exact", "tolerance"))
    log(f"{ok} of {len(rows)} models compile and equal TFLM")
    return 0


if __name__ == "__main__":
    sys.exit(main())
