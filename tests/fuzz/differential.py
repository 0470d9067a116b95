"""Differential fuzzer: random small int8 graphs (tests/helpers/randgraph.py), compiled by
tinyengine_pio in both ``optimize="speed"`` and ``"size"``, run on the host with gcc and compared
with TFLM byte for byte (float outputs: rtol 1e-4, atol 1e-5).

    python -m tests.fuzz.differential --seed 0 --cases 2000 [--jobs 2] [--json out.json]
                                      [--minimize] [--save-corpus] [--corpus] [--sanitize]

Each case is one seed (plus, for a minimised case, the cut/outputs steps that shrink it) and is
classified as

* ``exact``       both builds match TFLM on every input set;
* ``mismatch``    a build's output differs from TFLM's (a failure);
* ``crash``       our compiler raised something that is not a TinyEngineError, the C did not
                  build, the program crashed, ``invoke()`` failed (arena canary) or output sizes
                  differ (a failure);
* ``refused``     our compiler raised a TinyEngineError: ``documented`` when the reason is one of
                  DOCUMENTED_LIMITS, else ``suspicious`` (TFLM runs the model: listed);
* ``tflm_refused`` / ``tflm_crash``   TFLM would not run the generated model (a generator bug).

Speed: the Python side of a case (generate, TFLM, two compiles) runs in ``--jobs`` worker
processes (a TFLM segfault only loses that worker); the generated C of a batch of cases is built
into one host program per optimize mode (one object per model, the kernels through hostrun's
object cache) that serves every (model, input set) request from stdin in one process.
"""
from __future__ import annotations

import argparse
import collections
import concurrent.futures as cf
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

# the compile modes each case is built in; TE_FUZZ_MODES=speed,size,memory adds the fused-stage
# schedule search (--optimize memory)
MODES = tuple(m for m in os.environ.get("TE_FUZZ_MODES", "speed,size").split(",") if m)
CORPUS = Path(__file__).with_name("corpus") / "differential.json"
RTOL, ATOL = 1e-4, 1e-5

# TinyEngineError reasons that are documented limitations (README "Supported operators", the
# ops' docstrings): a refusal for one of these is acceptable, any other one is suspicious
DOCUMENTED_LIMITS = [
    r"broadcast needs more than 4096 kernel calls",
    r"at most 4 kept and 4 reduced dimensions",
    r"more than 4 non-unit dimensions",
    r"paddings must match an input of rank <= 4",
    r"fused activation on CONCATENATION",
]


@dataclass
class Case:
    seed: int
    steps: list = field(default_factory=list)     # GraphSpec.replay steps (minimised cases)
    note: str = ""                                 # corpus: what the case found
    graph: str = ""                                # corpus: GraphSpec.summary() when saved
    generator: str = "int8"                        # "float32": randgraph_float (no steps)

    @property
    def key(self) -> str:
        return f"{self.seed}" + (f"+{json.dumps(self.steps, separators=(',', ':'))}"
                                 if self.steps else "")


@dataclass
class Outcome:
    case: Case
    klass: str                       # exact | mismatch | crash | refused | tflm_refused | tflm_crash
    detail: str = ""                 # refusal reason, first difference, traceback tail ...
    mode: str = ""                   # the build that failed ("speed", "size", "both")
    summary: str = ""                # GraphSpec.summary()
    n_ops: int = 0

    @property
    def refusal_kind(self) -> str:
        if self.klass != "refused":
            return ""
        return "documented" if any(re.search(p, self.detail) for p in DOCUMENTED_LIMITS) \
            else "suspicious"


def normalise_reason(msg: str) -> str:
    """A refusal message without the model-specific parts (operator index, tensor names,
    numbers), so equal reasons count together."""
    msg = msg.splitlines()[0] if msg else msg
    msg = re.sub(r"operator #\d+", "operator #N", msg)
    msg = re.sub(r"'t\d+'", "'tN'", msg)
    msg = re.sub(r"-?\d+(\.\d+)?(e-?\d+)?", "N", msg)
    return msg


# -- the per-case Python side (worker processes) ----------------------------------------------


def input_sets(model_bytes: bytes, seed: int) -> list[list[np.ndarray]]:
    """Three seeded input sets: two random, one at an extreme (all min or all max by seed)."""
    from tests.helpers.tflm import model_io

    descs = model_io(model_bytes)["inputs"]
    sets = []
    for k in range(2):
        rng = np.random.default_rng([seed, k])
        one = []
        for d in descs:
            if d["dtype"].kind == "f":
                one.append((rng.standard_normal(d["shape"]) * 1.5).astype(d["dtype"]))
            else:
                info = np.iinfo(d["dtype"])
                one.append(rng.integers(info.min, info.max + 1, size=d["shape"])
                           .astype(d["dtype"]))
        sets.append(one)
    high = seed % 2 == 1
    sets.append([np.full(d["shape"], (3.0 if high else -3.0) if d["dtype"].kind == "f" else
                         (np.iinfo(d["dtype"]).max if high else np.iinfo(d["dtype"]).min),
                         d["dtype"]) for d in descs])
    return sets


def _write_atomic_if_absent(path: Path, text: str) -> None:
    if path.exists():
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def prepare_case(case: Case, prefix: str, dirs: dict[str, str]) -> dict:
    """Generate the case's model, run TFLM, compile it in both modes into ``dirs[mode]``
    (model files named ``prefix``). Returns a picklable dict."""
    from tests.helpers.randgraph import random_spec
    from tests.helpers.tflm import run_tflm_many
    from tinyengine_pio.compiler import compile_model
    from tinyengine_pio.errors import TinyEngineError

    res: dict = {"case": case, "prefix": prefix}
    try:
        if case.generator == "float32":
            from tests.helpers.randgraph_float import (
                random_float_model,
                random_float_ops,
            )
            model, ops = random_float_model(case.seed), random_float_ops(case.seed)
            res["summary"] = res["description"] = " -> ".join(ops)
            res["n_ops"] = len(ops)
        else:
            spec = random_spec(case.seed).replay(case.steps)
            model = spec.to_bytes()
            res["summary"], res["n_ops"] = spec.summary(), len(spec.ops)
            res["description"] = spec.describe()
    except Exception:                                   # noqa: BLE001 - a generator bug
        res["klass"], res["detail"] = "tflm_refused", "generator: " + traceback.format_exc(-1)
        return res
    try:
        sets = input_sets(model, case.seed)
        refs = run_tflm_many(model, sets)
    except Exception as e:                              # noqa: BLE001
        res["klass"], res["detail"] = "tflm_refused", f"{type(e).__name__}: {e}"
        return res
    res["sets"], res["refs"] = sets, refs
    res["builds"] = {}
    for mode in MODES:
        try:
            cm = compile_model(model, prefix=prefix, name=f"seed{case.seed}.tflite",
                               optimize=mode)
        except TinyEngineError as e:
            res["builds"][mode] = ("refused", str(e))
            continue
        except Exception:                               # noqa: BLE001 - a compiler crash
            res["builds"][mode] = ("crash", traceback.format_exc(-3))
            continue
        out = Path(dirs[mode])
        shared = {}
        for name, text in cm.files.items():
            if name.endswith(".json"):
                continue
            if name in (f"{prefix}.c", f"{prefix}.h"):
                (out / name).write_text(text)
            else:
                _write_atomic_if_absent(out / name, text)
                shared[name] = hashlib.sha256(text.encode()).hexdigest()
        res["builds"][mode] = ("ok", shared)
    return res


def _prepare_isolated(args) -> dict:
    """prepare_case in a fresh process of its own (after a worker died: which case was it?)."""
    ctx = multiprocessing.get_context("fork")
    with cf.ProcessPoolExecutor(1, mp_context=ctx) as ex:
        try:
            return ex.submit(prepare_case, *args).result()
        except cf.process.BrokenProcessPool:
            return {"case": args[0], "prefix": args[1], "klass": "tflm_crash",
                    "detail": "the Python process died (TFLM segfault?)"}


def prepare_all(jobs: list[tuple], workers: int) -> list[dict]:
    """prepare_case over ``jobs`` [(case, prefix, dirs)] in ``workers`` processes; a case whose
    worker dies is rerun alone to tell it from the innocent ones."""
    ctx = multiprocessing.get_context("fork")
    results: list[dict | None] = [None] * len(jobs)
    with cf.ProcessPoolExecutor(max(1, workers), mp_context=ctx) as ex:
        futs = {ex.submit(prepare_case, *j): k for k, j in enumerate(jobs)}
        broken = []
        for fut in cf.as_completed(futs):
            k = futs[fut]
            try:
                results[k] = fut.result()
            except cf.process.BrokenProcessPool:
                broken.append(k)
    for k in broken:
        results[k] = _prepare_isolated(jobs[k])
    return results   # type: ignore[return-value]


# -- the host side: one program per batch and mode ---------------------------------------------

BATCH_HARNESS = r"""/* differential fuzz batch harness (tests/fuzz/differential.py) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
@includes@
typedef struct {
    int (*invoke)(void);
    void *(*input)(int);
    const void *(*output)(int);
    size_t (*input_bytes)(int);
    size_t (*output_bytes)(int);
    int (*num_inputs)(void);
    int (*num_outputs)(void);
} fuzz_model_t;

static const fuzz_model_t models[] = {
@table@
};

int main(void) {
    int32_t id;
    while (fread(&id, sizeof id, 1, stdin) == 1) {
        const fuzz_model_t *m;
        int32_t rc;
        int i;
        if (id < 0 || (size_t)id >= sizeof models / sizeof models[0]) return 5;
        m = &models[id];
        for (i = 0; i < m->num_inputs(); ++i) {
            size_t want = m->input_bytes(i);
            if (fread(m->input(i), 1, want, stdin) != want) return 2;
        }
        rc = m->invoke();
        if (fwrite(&rc, sizeof rc, 1, stdout) != 1) return 4;
        for (i = 0; i < m->num_outputs(); ++i) {
            size_t n = m->output_bytes(i);
            if (fwrite(m->output(i), 1, n, stdout) != n) return 4;
        }
        fflush(stdout);
    }
    return 0;
}
"""


def _harness(prefixes: list[str]) -> str:
    inc = "\n".join(f'#include "{p}.h"' for p in prefixes)
    table = ",\n".join(f"    {{{p}_invoke, {p}_input, {p}_output, {p}_input_bytes, "
                       f"{p}_output_bytes, {p}_num_inputs, {p}_num_outputs}}" for p in prefixes)
    return BATCH_HARNESS.replace("@includes@", inc).replace("@table@", table or "    {0}")


SANITIZE = ("-g", "-fsanitize=address,undefined", "-fno-sanitize-recover=all",
            "-fno-omit-frame-pointer")


def build_batch(out: Path, prefixes: list[str], threads: int,
                extra: tuple = ()) -> tuple[Path, dict, list]:
    """Compile every model of a batch dir (one object each, in ``threads`` gcc processes) and
    the shared kernels (hostrun's object cache), link one program. Returns (exe or None,
    {prefix: build error}, prefixes linked) - a model whose C fails to compile is left out."""
    from tests.helpers.hostrun import DEFAULT_CFLAGS, _compile_cached

    cc = os.environ.get("CC", "gcc")
    cflags = [cc, *DEFAULT_CFLAGS, *extra, f"-I{out}"]
    objs, errors = [], {}
    obj_dir = out / "obj"
    obj_dir.mkdir(exist_ok=True)
    model_files = {f"{p}.c" for p in prefixes}
    for src in sorted(out.glob("*.c")):
        if src.name in model_files or src.name == "harness.c":
            continue
        obj, _ = _compile_cached(cflags, src, obj_dir / f"{src.stem}.o", out)
        objs.append(str(obj))

    def one(p: str):
        cmd = cflags + [f"-D{p.upper()}_ARENA_CANARY", "-c", str(out / f"{p}.c"),
                        "-o", str(obj_dir / f"{p}.o")]
        proc = subprocess.run(cmd, check=False, capture_output=True, text=True)
        return p, proc.returncode, proc.stderr

    with cf.ThreadPoolExecutor(max(1, threads)) as ex:
        for p, rc, err in ex.map(one, prefixes):
            if rc != 0:
                errors[p] = "gcc: " + err.strip()[-1500:]
    good = [p for p in prefixes if p not in errors]
    (out / "harness.c").write_text(_harness(good))
    proc = subprocess.run(cflags + ["-c", str(out / "harness.c"), "-o", str(obj_dir / "h.o")],
                          check=False, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError("batch harness did not compile:\n" + proc.stderr)
    exe = out / "fuzz_batch"
    proc = subprocess.run([cc, *DEFAULT_CFLAGS, *extra, *objs, *[str(obj_dir / f"{p}.o") for p in good],
                           str(obj_dir / "h.o"), "-lm", "-o", str(exe)],
                          check=False, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError("batch link failed:\n" + proc.stderr)
    return exe, errors, good


def run_batch(exe: Path, requests: list[tuple[int, list[np.ndarray], list[int]]],
              timeout: float = 120) -> list:
    """Serve ``requests`` [(model id in the program, inputs, output sizes)] in as few processes
    as possible. Returns per request (rc, [output bytes]) or ("crash", message); after a crash
    the rest of that model's requests are skipped ("crash" too) and a new process continues."""
    results: list = [None] * len(requests)
    start = 0
    while start < len(requests):
        payload = bytearray()
        for mid, inputs, _ in requests[start:]:
            payload += struct.pack("<i", mid)
            for a in inputs:
                payload += np.ascontiguousarray(a).tobytes()
        try:
            proc = subprocess.run([str(exe)], input=bytes(payload), check=False, capture_output=True,
                                  timeout=timeout)
            stdout, rc, err = proc.stdout, proc.returncode, proc.stderr
        except subprocess.TimeoutExpired as e:
            stdout, rc, err = e.stdout or b"", "timeout", b""
        pos, k = 0, start
        while k < len(requests):
            sizes = requests[k][2]
            need = 4 + sum(sizes)
            if len(stdout) - pos < need:
                break
            (irc,) = struct.unpack_from("<i", stdout, pos)
            outs, p = [], pos + 4
            for s in sizes:
                outs.append(stdout[p:p + s])
                p += s
            results[k] = (irc, outs)
            pos, k = p, k + 1
        if k >= len(requests):
            break
        if rc == 0 and pos == len(stdout):
            raise RuntimeError("batch program stopped early without an error")
        msg = f"host program {'timed out' if rc == 'timeout' else f'exited with {rc}'}" \
              f" ({err.decode(errors='replace').strip()[-300:]})"
        bad = requests[k][0]
        while k < len(requests) and requests[k][0] == bad:
            results[k] = ("crash", msg)
            k += 1
        start = k
    return results


def compare(refs: list, got: list) -> str:
    """'' if every output of every set matches, else the first difference."""
    for s, (want_set, got_set) in enumerate(zip(refs, got)):
        for o, (want, raw) in enumerate(zip(want_set, got_set)):
            if len(raw) != want.nbytes:
                return f"set {s} output {o}: {len(raw)} bytes, TFLM has {want.nbytes}"
            g = np.frombuffer(raw, dtype=want.dtype).reshape(want.shape)
            if want.dtype.kind == "f":
                bad = ~np.isclose(g, want, rtol=RTOL, atol=ATOL, equal_nan=True)
            else:
                bad = g != want
            if bad.any():
                flat = int(np.flatnonzero(bad.ravel())[0])
                diff = np.abs(g.astype(np.float64) - want.astype(np.float64))
                return (f"set {s} output {o} ({want.dtype}{list(want.shape)}): "
                        f"{int(bad.sum())} of {want.size} differ, first at "
                        f"{np.unravel_index(flat, want.shape)}: ours={g.ravel()[flat]!r} "
                        f"tflm={want.ravel()[flat]!r}, max abs diff {np.max(diff):g}")
    return ""


# -- driver ---------------------------------------------------------------------------------


def evaluate(cases: list[Case], workers: int = 2, batch: int = 64,
             keep_dir: str | None = None, progress=None, sanitize: bool = False
             ) -> list[Outcome]:
    """Classify every case (see the module docstring). ``progress(done, total)`` is called
    after each batch; ``sanitize`` builds the C with ASan/UBSan (a report is a crash)."""
    import tests.helpers.tflm  # noqa: F401 - imported once here, inherited by the workers
    import tinyengine_pio.compiler  # noqa: F401

    outcomes: list[Outcome] = []
    root_tmp = tempfile.TemporaryDirectory(prefix="te_fuzz_diff_")
    root = Path(keep_dir or root_tmp.name)
    try:
        for b0 in range(0, len(cases), batch):
            chunk = cases[b0:b0 + batch]
            bdir = root / f"b{b0 // batch}"
            dirs = {m: str(bdir / m) for m in MODES}
            for d in dirs.values():
                Path(d).mkdir(parents=True, exist_ok=True)
            jobs = [(c, f"m{k}", dirs) for k, c in enumerate(chunk)]
            prepared = prepare_all(jobs, workers)
            outcomes.extend(_host_side(prepared, dirs, workers, SANITIZE if sanitize else ()))
            if keep_dir is None:
                shutil.rmtree(bdir, ignore_errors=True)
            if progress:
                progress(len(outcomes), len(cases))
    finally:
        root_tmp.cleanup()
    return outcomes


def _host_side(prepared: list[dict], dirs: dict, threads: int, extra: tuple = ()
               ) -> list[Outcome]:
    status: dict[int, dict] = {k: {} for k in range(len(prepared))}
    for mode in MODES:
        ok = [k for k, r in enumerate(prepared)
              if "klass" not in r and r["builds"][mode][0] == "ok"]
        shared: dict[str, str] = {}
        for k in ok:
            for name, sha in prepared[k]["builds"][mode][1].items():
                if shared.setdefault(name, sha) != sha:
                    raise RuntimeError(f"{mode}: kernel file {name} differs between models of "
                                       f"one batch (not batchable)")
        if not ok:
            continue
        prefixes = [prepared[k]["prefix"] for k in ok]
        exe, errors, good = build_batch(Path(dirs[mode]), prefixes, threads, extra)
        for k in ok:
            p = prepared[k]["prefix"]
            if p in errors:
                status[k][mode] = ("crash", errors[p])
        ids = {p: i for i, p in enumerate(good)}
        requests, owners = [], []
        for k in ok:
            p = prepared[k]["prefix"]
            if p not in ids:
                continue
            sizes = [r.nbytes for r in prepared[k]["refs"][0]]
            for inputs in prepared[k]["sets"]:
                requests.append((ids[p], inputs, sizes))
                owners.append(k)
        answers = run_batch(exe, requests)
        per_case: dict[int, list] = collections.defaultdict(list)
        for k, ans in zip(owners, answers):
            per_case[k].append(ans)
        for k, answers_k in per_case.items():
            crash = next((a for a in answers_k if a[0] == "crash"), None)
            if crash:
                status[k][mode] = ("crash", crash[1])
                continue
            bad_rc = next((a[0] for a in answers_k if a[0] != 0), None)
            if bad_rc is not None:
                status[k][mode] = ("crash", f"invoke() returned {bad_rc} (arena canary?)")
                continue
            diff = compare(prepared[k]["refs"], [a[1] for a in answers_k])
            status[k][mode] = ("mismatch", diff) if diff else ("exact", "")
        for k in ok:
            if mode not in status[k]:
                status[k][mode] = ("crash", "no answer")
    out = []
    for k, r in enumerate(prepared):
        o = Outcome(case=r["case"], klass="", summary=r.get("summary", ""),
                    n_ops=r.get("n_ops", 0))
        if "klass" in r:
            o.klass, o.detail = r["klass"], r["detail"]
            out.append(o)
            continue
        st = {m: r["builds"][m] if r["builds"][m][0] != "ok" else status[k][m] for m in MODES}
        for klass in ("crash", "mismatch", "refused"):
            bad = [m for m in MODES if st[m][0] == klass]
            if bad:
                o.klass, o.detail = klass, st[bad[0]][1]
                o.mode = "both" if len(bad) == 2 else bad[0]
                break
        else:
            o.klass = "exact"
        out.append(o)
    return out


def minimise(outcome: Outcome, workers: int = 2, max_rounds: int = 20,
             sanitize: bool = False) -> Outcome:
    """Greedy: drop an output or cut an operator (its outputs become inputs) while the case
    still fails the same way (same class); each round tries every candidate in one batch and
    keeps the smallest that still fails."""
    from tests.helpers.randgraph import random_spec

    best = outcome
    for _ in range(max_rounds):
        spec = random_spec(best.case.seed).replay(best.case.steps)
        cands = []
        if len(spec.outputs) > 1:
            for o in spec.outputs:
                cands.append([*best.case.steps, ["outputs", [x for x in spec.outputs if x != o]]])
        for k, op in enumerate(spec.ops):
            if all(spec.tensors[t].dtype == "int8" for t in op.outputs):
                cands.append([*best.case.steps, ["cut", k]])
        if not cands:
            break
        results = evaluate([Case(best.case.seed, c) for c in cands], workers=workers,
                           sanitize=sanitize)
        still = [r for r in results if r.klass == outcome.klass and r.mode == outcome.mode] or \
            [r for r in results if r.klass == outcome.klass]
        if not still:
            break
        nxt = min(still, key=lambda r: (r.n_ops, len(r.case.steps)))
        if nxt.n_ops > best.n_ops or (nxt.n_ops == best.n_ops and nxt.summary == best.summary):
            break
        best = nxt
    return best


def describe_case(case: Case) -> str:
    from tests.helpers.randgraph import random_spec

    return random_spec(case.seed).replay(case.steps).describe()


def load_corpus() -> list[Case]:
    if not CORPUS.exists():
        return []
    return [Case(e["seed"], e.get("steps", []), e.get("description", ""), e.get("graph", ""))
            for e in json.loads(CORPUS.read_text())]


def write_corpus(entries: list[dict]) -> None:
    """One entry a line: seed, steps, description, graph (GraphSpec.summary(), which tells a
    changed generator from a fixed bug)."""
    CORPUS.parent.mkdir(parents=True, exist_ok=True)
    CORPUS.write_text("[\n" + ",\n".join(" " + json.dumps(e) for e in entries) + "\n]\n")


def save_corpus(new: list[tuple[Outcome, str]]) -> None:
    """Append minimised failing cases (seed, steps, a short description) to the corpus."""
    entries = json.loads(CORPUS.read_text()) if CORPUS.exists() else []
    have = {(e["seed"], json.dumps(e.get("steps", []))) for e in entries}
    for o, desc in new:
        k = (o.case.seed, json.dumps(o.case.steps))
        if k in have:
            continue
        have.add(k)
        entries.append({"seed": o.case.seed, "steps": o.case.steps,
                        "description": desc, "graph": o.summary})
    write_corpus(entries)


def tally(outcomes: list[Outcome]) -> dict:
    counts = collections.Counter(o.klass if o.klass != "refused" else f"refused_{o.refusal_kind}"
                                 for o in outcomes)
    reasons = collections.Counter(normalise_reason(o.detail) for o in outcomes
                                  if o.klass == "refused")
    tflm = collections.Counter(normalise_reason(o.detail) for o in outcomes
                               if o.klass.startswith("tflm"))
    return {"cases": len(outcomes), "counts": dict(sorted(counts.items())),
            "refusal_reasons": dict(reasons.most_common()),
            "tflm_refusals": dict(tflm.most_common()),
            "failures": [{"seed": o.case.seed, "steps": o.case.steps, "class": o.klass,
                          "mode": o.mode, "graph": o.summary, "detail": o.detail[:600]}
                         for o in outcomes if o.klass in ("mismatch", "crash")],
            "suspicious_refusals": [{"seed": o.case.seed, "steps": o.case.steps,
                                     "graph": o.summary, "reason": o.detail.splitlines()[0]}
                                    for o in outcomes if o.refusal_kind == "suspicious"]}


def table(t: dict) -> str:
    lines = [f"{t['cases']} cases"]
    order = ["exact", "mismatch", "crash", "refused_documented", "refused_suspicious",
             "tflm_refused", "tflm_crash"]
    for k in order:
        lines.append(f"  {k:<20} {t['counts'].get(k, 0):>6}")
    if t["refusal_reasons"]:
        lines.append("refusal reasons:")
        lines += [f"  {n:>6}  {r}" for r, n in t["refusal_reasons"].items()]
    if t["tflm_refusals"]:
        lines.append("TFLM refused (generator bugs):")
        lines += [f"  {n:>6}  {r[:150]}" for r, n in t["tflm_refusals"].items()]
    for f in t["failures"]:
        lines.append(f"FAIL {f['class']} seed {f['seed']}{' ' + json.dumps(f['steps']) if f['steps'] else ''}"
                     f" [{f['mode']}] {f['graph']}: {f['detail'].splitlines()[0][:300]}")
    for f in t["suspicious_refusals"]:
        lines.append(f"SUSPICIOUS refusal seed {f['seed']} {f['graph']}: {f['reason'][:200]}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.fuzz.differential",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=0, help="first seed")
    ap.add_argument("--cases", type=int, default=500, help="number of seeds")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--batch", type=int, default=64, help="cases per host program")
    ap.add_argument("--corpus", action="store_true", help="replay the corpus first")
    ap.add_argument("--minimize", action="store_true", help="minimise failing cases")
    ap.add_argument("--save-corpus", action="store_true",
                    help="append minimised failures to tests/fuzz/corpus/differential.json")
    ap.add_argument("--json", metavar="PATH", help="write the tally as JSON ('-' = stdout)")
    ap.add_argument("--keep", metavar="DIR", help="keep the generated C here")
    ap.add_argument("--sanitize", action="store_true", help="build with ASan/UBSan (slower)")
    args = ap.parse_args(argv)

    cases = (load_corpus() if args.corpus else []) + \
        [Case(s) for s in range(args.seed, args.seed + args.cases)]
    t0 = time.time()

    def progress(done, total):
        print(f"  {done}/{total} cases, {time.time() - t0:.0f} s", file=sys.stderr, flush=True)

    outcomes = evaluate(cases, workers=args.jobs, batch=args.batch, keep_dir=args.keep,
                        progress=progress, sanitize=args.sanitize)
    t = tally(outcomes)
    t["seconds"] = round(time.time() - t0, 1)
    t["first_seed"], t["jobs"] = args.seed, args.jobs
    minimised = []
    if args.minimize:
        seen: set = set()
        for o in outcomes:
            if o.klass not in ("mismatch", "crash"):
                continue
            m = minimise(o, workers=args.jobs, sanitize=args.sanitize)
            desc = describe_case(m.case)
            sig = (m.klass, m.summary)
            minimised.append({"seed": m.case.seed, "steps": m.case.steps, "class": m.klass,
                              "mode": m.mode, "graph": desc, "detail": m.detail[:600],
                              "duplicate": sig in seen})
            if args.save_corpus and sig not in seen:
                save_corpus([(m, f"{m.klass} [{m.mode}]: {m.detail.splitlines()[0][:200]}")])
            seen.add(sig)
        t["minimised"] = minimised
    print(table(t))
    for m in minimised:
        print(f"\nminimised {m['class']} seed {m['seed']} steps {json.dumps(m['steps'])} "
              f"[{m['mode']}]: {m['detail'].splitlines()[0][:300]}\n{m['graph']}")
    print(f"{t['seconds']} s")
    if args.json:
        text = json.dumps(t, indent=1, default=str)
        if args.json == "-":
            print(text)
        else:
            Path(args.json).write_text(text + "\n")
    return 1 if t["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
