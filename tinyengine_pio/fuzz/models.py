"""Structure-aware malformed-model fuzzer (issue 16): mutate seed .tflite models and check that
the compiler answers every mutant with a named error (TinyEngineError) or compiles it.

    python -m tinyengine_pio.fuzz models [SEED.tflite|DIR ...] [--mutants N] [--seed S]
        [--jobs J] [--timeout SEC] [--sanitize FRACTION] [--cli FRACTION]
        [--corpus DIR] [--json FILE] [--with-generated] [--mutators a,b]
    python -m tinyengine_pio.fuzz models --replay CORPUS_DIR|MUTANT.tflite ...

Outcomes: named_error, accepted (accepted_clean when the generated C was also run under
ASan/UBSan), crash (any other exception; its site is the last frame in our package), hang,
huge_allocation (MemoryError under the workers' RLIMIT_AS), accepted_sanitizer_error,
accepted_build_error, cli_error; mutator_failed counts draws that produced no mutant. Exit status
1 when anything but named_error / accepted(_clean) happened. Each distinct bad finding is saved
once into --corpus as <outcome>-<hash>.tflite + .json (seed, mutator, outcome, message).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from .mutators import MUTATORS, STRUCTURE
from .worker import GOOD, MutantSpec, Pool, Result, Seed, WorkerConfig

OUTCOMES = ("named_error", "accepted", "accepted_clean", "crash", "hang", "huge_allocation",
            "accepted_sanitizer_error", "accepted_build_error", "cli_error", "mutator_failed")


@dataclass
class FuzzConfig:
    mutants: int = 1000
    seed: int = 0
    jobs: int = 2
    timeout: float = 10.0
    sanitize: float = 0.0       # fraction of mutants whose accepted C runs under ASan/UBSan
    cli: float = 0.02           # fraction also compiled through the CLI in a subprocess
    byte_fraction: float = 0.2  # share of byte-level mutators
    memory_mib: int = 2048
    mutators: list[str] | None = None
    corpus: str | None = None
    progress: int = 500


@dataclass
class Finding:
    key: str
    outcome: str
    exc_type: str
    site: str
    count: int = 0
    example: dict = field(default_factory=dict)


@dataclass
class FuzzReport:
    config: dict
    seeds: list[dict]
    counts: dict[str, int]
    by_mutator: dict[str, dict[str, int]]
    findings: list[Finding]
    warnings: list[Finding]
    elapsed: float
    rate: float

    @property
    def bad(self) -> int:
        return sum(n for o, n in self.counts.items() if o not in GOOD)

    def to_json(self) -> dict:
        return asdict(self)


def compile_target(data: bytes):
    from ..compiler import compile_model
    return compile_model(data, emit=True)


def load_seeds(paths: list[str], with_generated: bool = False) -> list[Seed]:
    seeds = []
    for p in paths:
        files = sorted(os.path.join(p, n) for n in os.listdir(p) if n.endswith(".tflite")) \
            if os.path.isdir(p) else [p]
        for f in files:
            with open(f, "rb") as fh:
                seeds.append(Seed(os.path.basename(f), fh.read()))
    if with_generated or not paths:
        from .seeds import generated_seeds
        seeds += [Seed(n, d) for n, d in generated_seeds().items()]
    return seeds


def make_specs(cfg: FuzzConfig, seeds: list[Seed]):
    """The mutant list, a pure function of (cfg.seed, cfg.mutants, seeds, mutators, fractions)."""
    names = cfg.mutators or list(MUTATORS)
    structure = [n for n in names if n in STRUCTURE]
    raw = [n for n in names if n not in STRUCTURE]
    r = random.Random(cfg.seed)
    for i in range(cfg.mutants):
        s = r.randrange(len(seeds))
        use_raw = r.random() < cfg.byte_fraction
        m = r.choice(raw if raw and (use_raw or not structure) else structure)
        rng_seed, cli, san = r.getrandbits(64), r.random() < cfg.cli, r.random() < cfg.sanitize
        yield MutantSpec(i, s, m, rng_seed, cli, san,
                         budget=cfg.timeout + 3 * seeds[s].seconds)


class _Collector:
    def __init__(self, cfg: FuzzConfig, seeds: list[Seed], specs: dict, log):
        self.cfg, self.seeds, self.specs, self.log = cfg, seeds, specs, log
        self.counts: Counter = Counter()
        self.by_mut: dict = defaultdict(Counter)
        self.findings: dict[str, Finding] = {}
        self.warn: dict[str, Finding] = {}
        self.t0 = time.monotonic()

    def __call__(self, r: Result) -> None:
        self.counts[r.outcome] += 1
        self.by_mut[r.mutator][r.outcome] += 1
        spec = self.specs.get(r.index)
        ex = {"seed": r.seed, "mutator": r.mutator, "index": r.index,
              "rng_seed": spec.rng_seed if spec else None, "message": r.message}
        if r.outcome not in GOOD:
            f = self.findings.get(r.key)
            if f is None:
                f = self.findings[r.key] = Finding(r.key, r.outcome, r.exc_type, r.site, 0, ex)
                f.example["corpus"] = self._save(r, spec)
            f.count += 1
        if r.warning and r.outcome in ("accepted", "accepted_clean"):
            w = self.warn.setdefault(r.warning, Finding(r.warning, "warning", "", r.warning, 0, ex))
            w.count += 1
        done = sum(self.counts.values())
        if self.cfg.progress and done % self.cfg.progress == 0:
            rate = done / max(time.monotonic() - self.t0, 1e-9)
            self.log(f"fuzz: {done}/{self.cfg.mutants} mutants, {rate:.1f}/s, " + ", ".join(
                f"{o} {n}" for o, n in self.counts.most_common()))

    def _save(self, r: Result, spec: MutantSpec | None) -> str | None:
        if not self.cfg.corpus:
            return None
        data = r.data
        if data is None:
            return None
        os.makedirs(self.cfg.corpus, exist_ok=True)
        base = os.path.join(self.cfg.corpus, f"{r.outcome}-"
                            f"{hashlib.sha256(r.key.encode()).hexdigest()[:12]}")
        if not os.path.exists(base + ".tflite"):
            with open(base + ".tflite", "wb") as f:
                f.write(data)
            seed = self.seeds[spec.seed].data if spec else b""
            meta = {"seed": r.seed, "seed_sha256": hashlib.sha256(seed).hexdigest(),
                    "mutator": r.mutator, "rng_seed": spec.rng_seed if spec else None,
                    "index": r.index, "fuzz_seed": self.cfg.seed, "outcome": r.outcome,
                    "exc_type": r.exc_type, "site": r.site, "key": r.key, "message": r.message}
            with open(base + ".json", "w") as f:
                json.dump(meta, f, indent=2)
        return base + ".tflite"


def _baselines(seeds: list[Seed], pool: Pool) -> None:
    def keep(r: Result):
        seeds[r.index].baseline, seeds[r.index].seconds = r.outcome, r.seconds
    pool.run([MutantSpec(i, i, None, budget=120.0) for i in range(len(seeds))], keep)


def run(cfg: FuzzConfig, seeds: list[Seed], target: Callable[[bytes], Any] | None = None,
        log: Callable[[str], None] | None = None) -> FuzzReport:
    """Fuzz `target` (default: compile_model(data, emit=True)) with cfg.mutants mutants."""
    log = log or (lambda s: print(s, file=sys.stderr, flush=True))
    if not seeds:
        raise ValueError("no seed models")
    unknown = set(cfg.mutators or ()) - set(MUTATORS)
    if unknown:
        raise ValueError(f"unknown mutators {sorted(unknown)}; known: {', '.join(MUTATORS)}")
    wcfg = WorkerConfig(seeds, target or compile_target, cfg.memory_mib << 20,
                        quiet=not os.environ.get("TINYENGINE_FUZZ_DEBUG"))
    t0 = time.monotonic()
    with Pool(wcfg, cfg.jobs) as pool:
        _baselines(seeds, pool)
        specs = {s.index: s for s in make_specs(cfg, seeds)}
        col = _Collector(cfg, seeds, specs, log)
        t0 = time.monotonic()
        pool.run(specs.values(), col)
    elapsed = time.monotonic() - t0
    done = sum(col.counts.values())
    return FuzzReport(
        config=asdict(cfg),
        seeds=[{"name": s.name, "bytes": len(s.data), "baseline": s.baseline,
                "seconds": round(s.seconds, 3)} for s in seeds],
        counts=dict(sorted(col.counts.items(), key=lambda kv: OUTCOMES.index(kv[0]))),
        by_mutator={str(m): dict(c) for m, c in sorted(col.by_mut.items(), key=str)},
        findings=sorted(col.findings.values(), key=lambda f: (-f.count, f.key)),
        warnings=sorted(col.warn.values(), key=lambda f: (-f.count, f.key)),
        elapsed=round(elapsed, 2), rate=round(done / max(elapsed, 1e-9), 2))


def replay(paths: list[str], target: Callable[[bytes], Any] | None = None, timeout: float = 10.0,
           jobs: int = 2, memory_mib: int = 2048) -> list[Result]:
    """Run the target on saved mutants (files or corpus directories) under the same watchdog and
    memory limit: one Result per file, in order."""
    seeds = load_seeds(paths) if paths else []
    results: list = [None] * len(seeds)
    wcfg = WorkerConfig(seeds, target or compile_target, memory_mib << 20,
                        quiet=not os.environ.get("TINYENGINE_FUZZ_DEBUG"))
    with Pool(wcfg, jobs) as pool:
        pool.run([MutantSpec(i, i, None, budget=timeout) for i in range(len(seeds))],
                 lambda r: results.__setitem__(r.index, r))
    return results


def format_report(rep: FuzzReport) -> str:
    total = sum(rep.counts.values()) or 1
    head = f"{total} mutants in {rep.elapsed:.1f} s ({rep.rate:.1f}/s), {len(rep.seeds)} seeds"
    out = [head, "", "outcome                    count      %"]
    out += [f"{o:<26}{n:>6} {100 * n / total:>6.1f}" for o, n in rep.counts.items()]
    cols = [o for o in OUTCOMES if o in rep.counts]
    short = {o: o.replace("accepted_", "acc_").replace("_error", "_err")[:12] for o in cols}
    out += ["", "mutator             " + " ".join(f"{short[o]:>12}" for o in cols)]
    for m, c in rep.by_mutator.items():
        out.append(f"{m:<20}" + " ".join(f"{c.get(o, 0):>12}" for o in cols))
    if rep.findings:
        out += ["", f"{len(rep.findings)} distinct findings:"]
        for f in rep.findings:
            e = f.example
            out.append(f"  {f.outcome:<24} x{f.count:<5} {f.exc_type} {f.site}".rstrip())
            out.append(f"      e.g. {e['seed']} / {e['mutator']}: {e['message'][:160]!r}")
            if e.get("corpus"):
                out.append(f"      saved {e['corpus']}")
    if rep.warnings:
        out += ["", "warnings while compiling accepted mutants:"]
        out += [f"  x{w.count:<5} {w.key[:200]}" for w in rep.warnings[:20]]
    bad_seeds = [s for s in rep.seeds if s["baseline"] not in ("accepted", "named_error")]
    if bad_seeds:
        out += ["", "seeds that fail on their own: " + ", ".join(
            f"{s['name']} ({s['baseline']})" for s in bad_seeds)]
    return "\n".join(out) + "\n"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m tinyengine_pio.fuzz models",
                                description=__doc__.split("\n\n")[0])
    p.add_argument("seeds", nargs="*", help=".tflite files or directories of them "
                   "(default: the fuzzer's own generated seed models)")
    p.add_argument("--with-generated", action="store_true",
                   help="add the generated seed models to the given ones")
    p.add_argument("--mutants", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    p.add_argument("--timeout", type=float, default=10.0,
                   help="seconds per compile (plus 3x the seed's own compile time)")
    p.add_argument("--memory", type=int, default=2048, metavar="MIB",
                   help="address space each worker may add (default 2048 MiB)")
    p.add_argument("--sanitize", type=float, default=0.0, metavar="FRACTION",
                   help="fraction of mutants whose accepted C is built with ASan/UBSan and run")
    p.add_argument("--cli", type=float, default=0.02, metavar="FRACTION",
                   help="fraction also run through `python -m tinyengine_pio compile`")
    p.add_argument("--bytes", type=float, default=0.2, metavar="FRACTION",
                   help="share of byte-level mutators (default 0.2)")
    p.add_argument("--mutators", help="comma-separated subset of: " + ", ".join(MUTATORS))
    p.add_argument("--corpus", metavar="DIR", help="save each distinct bad mutant here")
    p.add_argument("--json", metavar="FILE", help="write the report as JSON")
    p.add_argument("--progress", type=int, default=500, help="progress line every N mutants")
    p.add_argument("--replay", action="store_true", help="run the compiler once on each given "
                   ".tflite (e.g. a --corpus directory) and print its outcome; no mutation")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    cfg = FuzzConfig(mutants=args.mutants, seed=args.seed, jobs=args.jobs, timeout=args.timeout,
                     sanitize=args.sanitize, cli=args.cli, byte_fraction=args.bytes,
                     memory_mib=args.memory, corpus=args.corpus, progress=args.progress,
                     mutators=args.mutators.split(",") if args.mutators else None)
    try:
        if args.replay:
            results = replay(args.seeds, timeout=args.timeout, jobs=args.jobs,
                             memory_mib=args.memory)
            for r in results:
                print(f"{r.seed}: {r.outcome} {r.exc_type} {r.site} {r.message[:200]!r}")
            return 1 if any(r.outcome not in GOOD for r in results) else 0
        seeds = load_seeds(args.seeds, args.with_generated)
        rep = run(cfg, seeds)
    except (OSError, ValueError, RuntimeError) as e:
        print(f"fuzz: error: {e}", file=sys.stderr)
        return 2
    sys.stdout.write(format_report(rep))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rep.to_json(), f, indent=2)
    return 1 if rep.bad else 0
