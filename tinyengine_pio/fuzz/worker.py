"""Worker processes for the model fuzzer: each one mutates, runs the target under a SIGALRM
watchdog and an RLIMIT_AS memory limit, classifies what happened, and (for a sampled fraction)
checks the CLI's contract and the generated C under the sanitizers. The parent `Pool` kills a
worker that misses its deadline or replaces one that died, so the run survives both."""
from __future__ import annotations

import faulthandler
import multiprocessing
import multiprocessing.connection
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import TinyEngineError
from .mutators import MutationFailed, mutate_any

PKG_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(PKG_DIR)
FUZZ_DIR = os.path.join(PKG_DIR, "fuzz")
GOOD = ("named_error", "accepted", "accepted_clean", "mutator_failed")
GRACE = 5.0          # seconds past a phase's budget before the parent kills the worker
MUTATE_BUDGET = 60.0


@dataclass
class Seed:
    name: str
    data: bytes = field(repr=False)
    baseline: str = ""         # the seed's own outcome
    seconds: float = 0.0       # ... and compile time


@dataclass(frozen=True)
class MutantSpec:
    index: int
    seed: int                  # index into the seed list
    mutator: str | None        # None: the seed itself (baseline run)
    rng_seed: int = 0
    cli: bool = False
    sanitize: bool = False
    budget: float = 10.0       # seconds for the in-process compile


@dataclass
class Result:
    index: int
    seed: str
    mutator: str | None
    outcome: str
    exc_type: str = ""
    message: str = ""
    site: str = ""             # file:line in function (the last frame in our package)
    key: str = ""              # what makes two bad results the same finding
    seconds: float = 0.0
    warning: str = ""          # first Python warning raised while compiling
    data: bytes | None = field(default=None, repr=False)   # the mutant, when bad
    retire: bool = False       # the worker exits after this result (state may be damaged)


@dataclass
class WorkerConfig:
    seeds: list[Seed]
    target: Callable[[bytes], Any]
    memory: int = 2 << 30      # bytes of address space on top of the worker's own
    quiet: bool = True


class _Timeout(BaseException):
    """Raised by SIGALRM; a BaseException so the compiler's `except Exception` cannot eat it."""


def _alarm(_signum, _frame):
    raise _Timeout


def site_of(tb) -> str:
    frames = [f for f in traceback.extract_tb(tb) if not f.filename.startswith(FUZZ_DIR + os.sep)]
    if not frames:
        return "?"
    ours = [f for f in frames if f.filename.startswith(PKG_DIR + os.sep)]
    f = (ours or frames)[-1]
    path = os.path.relpath(f.filename, ROOT) if ours else f.filename
    return f"{path}:{f.lineno} in {f.name}"


def _loc(site: str) -> str:
    return site.split(" in ")[0]


def run_target(target, data: bytes, budget: float, res: Result) -> Any:
    """Run target(data) and fill res.outcome & co; returns target's return value (or None)."""
    t0 = time.monotonic()
    ret = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        signal.setitimer(signal.ITIMER_REAL, budget)
        try:
            ret = target(data)
            res.outcome = "accepted"
        except _Timeout as e:
            res.outcome, res.site = "hang", site_of(e.__traceback__)
            res.message = f"compile ran longer than {budget:.1f} s; interrupted in {res.site}"
        except TinyEngineError as e:
            res.outcome, res.exc_type, res.message = "named_error", type(e).__name__, str(e)[:400]
        except MemoryError as e:
            res.outcome, res.exc_type, res.site = "huge_allocation", type(e).__name__, site_of(
                e.__traceback__)
            res.message = f"{type(e).__name__}: {e}"[:400]
        except Exception as e:  # noqa: BLE001  (classifying every failure is the point)
            res.outcome, res.exc_type, res.site = "crash", type(e).__name__, site_of(e.__traceback__)
            res.message = str(e)[:400]
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        res.seconds = time.monotonic() - t0
        if caught:
            w = caught[0]
            res.warning = f"{w.category.__name__}: {w.message} at " + (
                os.path.relpath(w.filename, ROOT) if w.filename.startswith(PKG_DIR) else w.filename
            ) + f":{w.lineno}"
    if res.outcome in ("crash", "huge_allocation"):
        res.key = f"{res.outcome}|{res.exc_type}|{_loc(res.site)}"
    elif res.outcome == "hang":   # interrupted anywhere in a loop: one finding per function
        res.key = f"hang||{res.site.split(':')[0]} {res.site.split(' in ')[-1]}"
    return ret


def _snapshot(d: str) -> dict | None:
    if not os.path.isdir(d):
        return None
    snap = {}
    for root, _dirs, files in os.walk(d):
        for n in files:
            p = os.path.join(root, n)
            with open(p, "rb") as f:
                snap[os.path.relpath(p, d)] = f.read()
    return snap


def cli_check(data: bytes, res: Result, budget: float, existing_out: bool) -> None:
    """`python -m tinyengine_pio compile` must agree with the in-process outcome: exit 2, one
    `tinyengine-pio: error:` line, no traceback and an untouched --out on a named error."""
    with tempfile.TemporaryDirectory(prefix="tinyengine-fuzz-cli-") as d:
        model, out = os.path.join(d, "mutant.tflite"), os.path.join(d, "out")
        with open(model, "wb") as f:
            f.write(data)
        if existing_out:
            os.makedirs(out)
            with open(os.path.join(out, "keep.txt"), "w") as f:
                f.write("sentinel\n")
        before = _snapshot(out)
        env = {**os.environ, "PYTHONPATH": ROOT + os.pathsep + os.environ.get("PYTHONPATH", "")}
        try:
            p = subprocess.run([sys.executable, "-m", "tinyengine_pio", "compile", model,
                                "--out", out], capture_output=True, text=True, errors="replace",
                               timeout=budget + 20, env=env, cwd=d, check=False)
        except subprocess.TimeoutExpired:
            res.outcome, res.message, res.key = "cli_error", "the CLI hung", "cli_error|hang"
            return
        problems = []
        if res.outcome == "named_error":
            if p.returncode != 2:
                problems.append(f"exit status {p.returncode} (expected 2)")
            n = sum(1 for ln in p.stderr.splitlines() if ln.startswith("tinyengine-pio: error:"))
            if n != 1:
                problems.append(f"{n} 'tinyengine-pio: error:' lines")
            if "Traceback" in p.stderr:
                problems.append("a traceback on stderr")
            if _snapshot(out) != before:
                problems.append("--out was " + ("changed" if existing_out else "created"))
        elif p.returncode != 0:
            last = (p.stderr.strip().splitlines() or [""])[-1]
            problems.append(f"accepted in process, CLI exit status {p.returncode}: {last[:200]}")
        if problems:
            res.outcome, res.message = "cli_error", "; ".join(problems)
            res.key = "cli_error|" + "; ".join(s.split(" (")[0].split(":")[0] for s in problems)


def _limit_memory(extra: int) -> None:
    try:
        with open("/proc/self/status") as f:
            vm = next(int(ln.split()[1]) * 1024 for ln in f if ln.startswith("VmSize:"))
    except (OSError, StopIteration):
        vm = 0
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = vm + extra
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def worker_main(conn, cfg: WorkerConfig) -> None:
    if cfg.quiet:
        faulthandler.disable()   # pytest's would print a crashing worker's stack on its stderr
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGALRM, _alarm)
    _limit_memory(cfg.memory)
    cache = os.path.join(tempfile.gettempdir(), f"tinyengine-fuzz-objs-{os.getuid()}")
    while True:
        try:
            spec = conn.recv()
        except EOFError:
            return
        if spec is None:
            return
        seed = cfg.seeds[spec.seed]
        res = Result(spec.index, seed.name, spec.mutator, "")
        data = seed.data
        if spec.mutator is not None:
            conn.send(("phase", "mutate", MUTATE_BUDGET))
            try:
                res.mutator, data = mutate_any(seed.data, spec.mutator, spec.rng_seed)
            except MutationFailed as e:
                res.outcome, res.message = "mutator_failed", str(e)
                conn.send(("result", res))
                continue
        conn.send(("phase", "compile", spec.budget))
        ret = run_target(cfg.target, data, spec.budget, res)
        if spec.cli and res.outcome in ("named_error", "accepted"):
            conn.send(("phase", "cli", spec.budget + 20))
            cli_check(data, res, spec.budget, existing_out=spec.index % 2 == 1)
        if spec.sanitize and res.outcome == "accepted" and getattr(ret, "files", None):
            from . import sanitize
            conn.send(("phase", "sanitize", 900))
            s = sanitize.check(ret, seed=spec.index, cache=cache)
            res.outcome = "accepted_clean" if s.ok else (
                "accepted_build_error" if s.kind == "build" else "accepted_sanitizer_error")
            res.message, res.key = s.message or res.message, (
                f"{res.outcome}|{s.key}" if not s.ok else "")
        if res.outcome not in GOOD:
            res.data = data
        res.retire = res.outcome in ("hang", "huge_allocation")
        del ret
        conn.send(("result", res))
        if res.retire:
            return


class _Worker:
    def __init__(self, ctx, cfg: WorkerConfig):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=worker_main, args=(child, cfg), daemon=True)
        self.proc.start()
        child.close()
        self.spec: MutantSpec | None = None
        self.phase, self.deadline = "", float("inf")

    def assign(self, spec: MutantSpec) -> None:
        self.spec, self.phase, self.deadline = spec, "send", time.monotonic() + MUTATE_BUDGET
        self.conn.send(spec)

    def stop(self, kill: bool = False) -> int | None:
        if kill and self.proc.is_alive():
            self.proc.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()
        return self.proc.exitcode


def _signame(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return signal.Signals(-code).name
        except ValueError:
            pass
    return f"exit status {code}"


class Pool:
    """`jobs` fork()ed workers; run(specs, on_result) feeds them and survives hangs and deaths.
    A worker lost in the compile phase gives a `hang` (killed at its deadline) or a `crash`
    (it died, e.g. SIGSEGV in native code); the result's data is None then."""

    def __init__(self, cfg: WorkerConfig, jobs: int):
        self.cfg, self.ctx = cfg, multiprocessing.get_context("fork")
        self.workers = [_Worker(self.ctx, cfg) for _ in range(max(1, jobs))]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for w in self.workers:
            w.stop(kill=exc[0] is not None)

    def _lost(self, i: int, killed: bool) -> Result:
        w = self.workers[i]
        spec, phase = w.spec, w.phase
        code = w.stop(kill=True)
        self.workers[i] = _Worker(self.ctx, self.cfg)
        res = Result(spec.index, self.cfg.seeds[spec.seed].name, spec.mutator, "")
        if phase in ("mutate", "send"):
            res.outcome = "mutator_failed"
            res.message = f"mutation {'hung' if killed else 'killed the worker'}"
        elif killed:
            res.outcome, res.site = "hang", f"native code ({phase})"
            res.message = f"no answer within the {phase} budget + {GRACE:g} s (SIGALRM did not " \
                          "interrupt it: stuck in native code)"
        else:
            res.outcome, res.exc_type = "crash", "WorkerDied"
            res.site = f"native code ({phase}, {_signame(code)})"
            res.message = f"the worker process died during {phase}: {_signame(code)}"
        res.key = f"{res.outcome}|{res.exc_type}|{res.site}"
        if res.outcome != "mutator_failed" and spec.mutator is not None:   # the mutant, again
            res.mutator, res.data = mutate_any(self.cfg.seeds[spec.seed].data, spec.mutator,
                                               spec.rng_seed)
        return res

    def run(self, specs, on_result: Callable[[Result], None]) -> None:
        it = iter(specs)
        more = True
        while True:
            for w in self.workers:
                if w.spec is None and more:
                    spec = next(it, None)
                    if spec is None:
                        more = False
                    else:
                        w.assign(spec)
            busy = [i for i, w in enumerate(self.workers) if w.spec is not None]
            if not busy:
                return
            wait = max(0.0, min(self.workers[i].deadline for i in busy) - time.monotonic())
            ready = multiprocessing.connection.wait([self.workers[i].conn for i in busy], wait)
            for i in busy:
                w = self.workers[i]
                if w.conn in ready:
                    try:
                        kind, *msg = w.conn.recv()
                    except (EOFError, OSError):
                        on_result(self._lost(i, killed=False))
                        continue
                    if kind == "phase":
                        w.phase, w.deadline = msg[0], time.monotonic() + msg[1] + GRACE
                        continue
                    on_result(msg[0])
                    w.spec = None
                    if msg[0].retire:
                        w.stop()
                        self.workers[i] = _Worker(self.ctx, self.cfg)
                elif time.monotonic() > w.deadline:
                    on_result(self._lost(i, killed=True))
