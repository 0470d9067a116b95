"""Fuzz the host serial client: a fake device answers the real Dut/Client with damaged frames.

Each session plays a realistic client sequence (HELLO and the identity check, then
``Dut.infer``: SET_INPUT, INVOKE, GET_OUTPUT, GET_STATS, maybe GET_LAYERS; one to three
rounds; EXIT) against :class:`..harness.fake_device.FakeDevice`, over a real
``socket://127.0.0.1`` connection or a real pty.  At most one answer of the session is
damaged (one mutation: bit flips, truncation, wrong length or CRC, junk before the frame,
wrong response type or size, inconsistent figures, a hang-up mid-frame, silence...).

Outcomes: ``ok`` (nothing damaged, or damage the protocol tolerates: junk before a frame
is skipped and reported, the EXIT answer is not needed, and the data came through
intact), ``named_error`` (a harness error whose message quotes the bytes received); bad:
``crash`` (any other exception), ``hang`` (over the session's wall-clock budget),
``accepted_corrupt`` (damage accepted as data), ``false_alarm`` (an intact session that
failed), ``unquoted_error`` (a harness error that does not quote the bytes),
``unreported_junk`` (junk skipped without a record of it).  Deterministic for a seed.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import struct
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..harness import dut as dut_mod
from ..harness import protocol as P
from ..harness.client import Client
from ..harness.errors import HarnessError
from ..harness.fake_device import DeviceSpec, FakeDevice, Reply, Round, error_payload
from ..harness.transport import open_transport

GOOD = ("ok", "named_error")
BAD = ("crash", "hang", "accepted_corrupt", "false_alarm", "unquoted_error", "unreported_junk")
ANY = (P.HELLO, P.SET_INPUT, P.INVOKE, P.GET_OUTPUT, P.GET_STATS, P.GET_LAYERS, P.EXIT)
# mutation kind -> the answers (request commands) it applies to; weights are equal
KINDS = {
    "clean": ANY, "bitflip": ANY, "truncate": ANY, "hangup": ANY, "silence": ANY,
    "bad_crc": ANY, "wrong_length": ANY, "junk": ANY, "junk_flood": ANY, "wrong_type": ANY,
    "wrong_version": ANY, "error_answer": ANY, "ready": ANY,
    "trailing": (P.HELLO, P.SET_INPUT, P.INVOKE, P.GET_OUTPUT, P.GET_STATS, P.EXIT),
    "short_payload": (P.HELLO, P.SET_INPUT, P.INVOKE, P.GET_OUTPUT, P.GET_STATS),
    "wrong_size": (P.GET_OUTPUT,),
    "bad_stats": (P.INVOKE, P.GET_STATS),
    "bad_field": (P.HELLO, P.SET_INPUT, P.INVOKE, P.GET_OUTPUT, P.GET_STATS),
}
QUOTE = re.compile(r"nothing \(0 bytes\)|\b\d+ bytes(?:, [a-z0-9 ]+)?: [0-9a-f]{2}")   # hexdump()
DEFAULT_MODEL = Path(__file__).resolve().parents[2] / "sample_apps/zephyr_kws/model/sample.tflite"


@dataclass
class Mutation:
    kind: str
    answer: int          # which answer of the session (0 = HELLO's) is damaged
    command: int         # the request it answers
    seed: int            # the mutation's own random choices
    detail: str = ""     # what exactly was sent, filled in when applied

    @property
    def tolerated(self) -> bool:
        return self.kind in ("clean", "junk") or self.command == P.EXIT


@dataclass
class Plan:
    seed: int
    index: int
    transport: str                 # "socket" | "pty"
    runs: list                     # runs per Dut.infer() round
    per_layer: bool
    mutation: Mutation


@dataclass
class Result:
    plan: Plan
    outcome: str
    seconds: float
    message: str = ""


def answers(plan: Plan, n_in: int, n_out: int) -> list:
    """The request commands of an undamaged session, in order."""
    one = [P.SET_INPUT] * n_in + [P.INVOKE] + [P.GET_OUTPUT] * n_out + [P.GET_STATS]
    one += [P.GET_LAYERS] if plan.per_layer else []
    return [P.HELLO] + one * len(plan.runs) + [P.EXIT]


def make_plan(seed: int, index: int, n_in: int, n_out: int, transport: str = "mixed") -> Plan:
    rng = random.Random("serial-plan:%d:%d" % (seed, index))
    kind = rng.choice(sorted(KINDS))
    way = transport if transport != "mixed" else ("pty" if rng.random() < 0.25 else "socket")
    plan = Plan(seed, index, way, [rng.choice((1, 1, 2, 5)) for _ in range(rng.randint(1, 3))],
                rng.random() < 0.3, Mutation(kind, -1, 0, rng.getrandbits(32)))
    seq = answers(plan, n_in, n_out)
    fits = [k for k, c in enumerate(seq) if c in KINDS[kind]]
    k = rng.choice(fits)
    plan.mutation.answer, plan.mutation.command = k, seq[k]
    return plan


def _junk(rng: random.Random, n: int) -> bytes:
    """Boot-log-like bytes without 0xA5 (so no frame magic)."""
    words = [b"Booting", b"Zephyr OS", b"build v4.1.99", b"*** ", b"[00:00:00.010]", b"<inf>",
             b"uart:", b"\r\n", b"\x00", b"\xff\xfe", b"ok"]
    out = bytearray()
    while len(out) < n:
        out += rng.choice(words) + (b" " if rng.random() < 0.5 else bytes([rng.randrange(0xA5)]))
    return bytes(out[:n])


def damage(m: Mutation, k: int, cmd: int, frame: bytes) -> Reply:
    """The device's answer ``k`` (to ``cmd``), damaged as ``m`` says when ``k == m.answer``."""
    if k != m.answer or m.kind == "clean":
        return Reply(frame)
    rng = random.Random(m.seed)
    _, _, rcmd, n = P.HEADER.unpack(frame[:8])
    payload = frame[8:-4]
    kind = m.kind
    out, hang = frame, False
    if kind == "bitflip":
        bits = sorted(rng.sample(range(len(frame) * 8), rng.randint(1, 3)))
        b = bytearray(frame)
        for bit in bits:
            b[bit // 8] ^= 1 << (bit % 8)
        out, m.detail = bytes(b), "bits %s of %d" % (bits, len(frame) * 8)
    elif kind in ("truncate", "hangup"):
        cut = rng.randrange(1 if kind == "truncate" else 0, len(frame))
        out, hang, m.detail = frame[:cut], kind == "hangup", "%d of %d bytes" % (cut, len(frame))
    elif kind == "silence":
        out = b""
    elif kind == "bad_crc":
        crc = struct.unpack("<I", frame[-4:])[0] ^ rng.randrange(1, 1 << 32)
        out, m.detail = frame[:-4] + struct.pack("<I", crc), "crc 0x%08x" % crc
    elif kind == "wrong_length":
        n2 = rng.choice((max(0, n - rng.randint(1, 64)), n + rng.randint(1, 64),
                         rng.randrange(1 << 20, 1 << 32)))
        n2 = n2 if n2 != n else n + 1
        out, m.detail = P.HEADER.pack(P.MAGIC, P.VERSION, rcmd, n2) + frame[8:], \
            "length %d instead of %d" % (n2, n)
    elif kind in ("junk", "junk_flood"):
        size = rng.randint(1, 2048) if kind == "junk" else P.MAX_JUNK + rng.randint(1, 4096)
        out, m.detail = _junk(rng, size) + frame, "%d bytes before the frame" % size
    elif kind == "wrong_type":
        new = rng.choice([c for c in (0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, P.READY,
                                      P.ERROR, 0x01, 0x03, rng.randrange(256)) if c != rcmd])
        out, m.detail = P.encode(new, payload), "command 0x%02x instead of 0x%02x" % (new, rcmd)
    elif kind == "wrong_version":
        v = rng.choice((0, 2, 3, 0x81, 0xFF))
        out, m.detail = P.encode(rcmd, payload, version=v), "version %d" % v
    elif kind == "error_answer":
        code = rng.choice((1, 2, 4, 5, 6, 7, 8))
        out, m.detail = P.encode(P.ERROR, error_payload(code, cmd, "fuzz")), "ERROR %d" % code
    elif kind == "ready":
        out = P.encode(P.READY, bytes([P.VERSION]))
    elif kind == "trailing":
        extra = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        out, m.detail = P.encode(rcmd, payload + extra), "%d bytes appended" % len(extra)
    elif kind == "short_payload":
        cut = rng.randrange(0, len(payload))
        out, m.detail = P.encode(rcmd, payload[:cut]), "%d of %d payload bytes" % (cut, n)
    else:
        out = P.encode(rcmd, _semantic(m, rng, cmd, bytearray(payload)))
    return Reply(out, hang)


def _semantic(m: Mutation, rng: random.Random, cmd: int, p: bytearray) -> bytes:
    """A well-framed answer whose content contradicts itself or the request."""
    def put(fmt, off, *vals):
        struct.pack_into(fmt, p, off, *vals)
    if m.kind == "wrong_size":           # self-consistent, but not the model's output size
        size = len(p) - 9
        new = rng.choice([s for s in (0, 1, size - 1, size + 1, 2 * size + 8) if s >= 0
                          and s != size])
        data = bytes(rng.randrange(256) for _ in range(new))
        m.detail = "%d output bytes instead of %d" % (new, size)
        return struct.pack("<BII", p[0], P.crc32(data), new) + data
    if m.kind == "bad_stats":
        runs = struct.unpack_from("<I", p, 1 if cmd == P.GET_STATS else 4)[0]
        last, mn, mx, total = struct.unpack_from("<4Q", p, 9)
        choices = {"last > max": (mx + 1, mn, mx, total), "min > last": (last, last + 1, mx,
                                                                         total),
                   "total > runs*max": (last, mn, mx, runs * mx + 1),
                   "total < runs*min": (last, mn, mx, runs * mn - 1)}
        if cmd == P.GET_STATS:
            choices["invoke stack > peak"] = choices["stack peak > size"] = None
        m.detail = rng.choice(sorted(choices))
        if choices[m.detail] is not None:
            put("<4Q", 9, *choices[m.detail])
        elif m.detail == "invoke stack > peak":
            put("<I", 49, struct.unpack_from("<I", p, 45)[0] + 1)
        else:
            put("<I", 45, struct.unpack_from("<I", p, 41)[0] + 1)
        return bytes(p)
    fields = {P.HELLO: ("protocol version", "unit", "board length"),
              P.SET_INPUT: ("index", "crc"), P.INVOKE: ("runs", "unit"),
              P.GET_OUTPUT: ("index", "tensor crc", "nbytes"), P.GET_STATS: ("unit",)}[cmd]
    what = m.detail = rng.choice(fields)
    if what == "protocol version":
        p[0] = rng.choice((0, 2, 7))
    elif what == "unit":
        p[{P.HELLO: 1, P.INVOKE: 8, P.GET_STATS: 0}[cmd]] = rng.randrange(3, 256)
    elif what == "board length":
        off = len(p) - 1 - len(DeviceSpec.board)         # the board name's length byte
        p[off] = len(p) - off - 1 + rng.randint(1, 10)   # longer than what follows
    elif what == "index":
        p[0] ^= rng.randint(1, 255)
    elif what in ("crc", "tensor crc"):
        put("<I", 1, struct.unpack_from("<I", p, 1)[0] ^ rng.randrange(1, 1 << 32))
    elif what == "runs":
        put("<I", 4, struct.unpack_from("<I", p, 4)[0] + rng.choice((1, 2, 1000)))
    elif what == "nbytes":
        put("<I", 5, (struct.unpack_from("<I", p, 5)[0] + rng.choice((-1, 1, 1 << 20))) % (1 << 32))
    return bytes(p)


# ---- sessions ------------------------------------------------------------------------------

@dataclass
class Context:
    """What every session shares: the model, its compiled form, the timeouts."""
    model: bytes
    cm: object
    timeout: float = 0.3          # the client's answer timeout (short: silence costs this)
    budget: float = 20.0          # wall-clock seconds before a session counts as a hang

    @classmethod
    def load(cls, path=None, **kw) -> Context:
        from ..compiler import compile_model
        data = Path(path or DEFAULT_MODEL).read_bytes()
        return cls(data, compile_model(data, prefix="model", name="model.tflite"), **kw)

    def sizes(self) -> tuple:
        g = self.cm.graph
        return len(g.inputs), len(g.outputs)


@dataclass
class _Live:
    """A running session: its device and transport (closed from outside on a hang)."""
    device: FakeDevice | None = None
    transport: object = None
    result: Result | None = None
    started: float = field(default_factory=time.monotonic)


def _rounds(plan: Plan, ctx: Context) -> list:
    rng = random.Random("serial-data:%d:%d" % (plan.seed, plan.index))
    g = ctx.cm.graph
    return [Round([rng.randbytes(g.t(i).nbytes) for i in g.outputs],
                  [rng.randrange(1000, 1 << 40) for _ in range(rng.randint(1, 3))])
            for _ in plan.runs]


def _check(results: list, rounds: list, spec: DeviceSpec, plan: Plan) -> str:
    """'' when the session's results are what the device meant to send, else what differs."""
    for k, (res, rnd, runs) in enumerate(zip(results, rounds, plan.runs)):
        want = {"outputs": [bytes(o) for o in rnd.outputs], "timing": rnd.timing(runs),
                "runs": runs, "unit": P.UNITS[spec.unit], "stack": spec.stack,
                "arena": spec.arena_bytes, "layers": None}
        got = {"outputs": [o.tobytes() for o in res.outputs],
               "timing": (res.latency, res.latency_min, res.latency_max,
                          round(res.latency_mean * res.runs)), "runs": res.runs,
               "unit": res.latency_unit, "stack": (res.stack_size_bytes, res.stack_peak_bytes,
                                                   res.invoke_stack_bytes),
               "arena": res.arena_bytes, "layers": res.layers}
        bad = [key for key in want if want[key] != got[key]]
        if bad:
            return "round %d: %s differ (got %s)" % (k, ", ".join(bad),
                                                     {b: got[b] for b in bad})
    return ""


def run_session(plan: Plan, ctx: Context, live: _Live | None = None) -> Result:
    live = live or _Live()
    t0 = time.monotonic()
    rounds = _rounds(plan, ctx)
    spec = DeviceSpec.for_model(ctx.model, ctx.cm, rounds)
    m = plan.mutation
    live.device = dev = FakeDevice(spec, lambda k, cmd, frame: damage(m, k, cmd, frame))
    results, client = [], None
    try:
        if plan.transport == "pty":
            path, slave = dev.start_pty()
            live.transport = open_transport(path)
            os.close(slave)
        else:
            live.transport = open_transport(dev.start_socket(), connect_timeout=5)
        client = Client(live.transport, ctx.timeout, ctx.timeout)
        d = dut_mod.Dut(client, ctx.model, compiled=ctx.cm)
        for k, runs in enumerate(plan.runs):
            res = d.infer(seed=k, runs=runs, reference=False, per_layer=plan.per_layer)
            results.append(res)
            _forget(res)
        d.close()
    except HarnessError as exc:
        outcome = ("unquoted_error" if not QUOTE.search(str(exc)) else
                   "false_alarm" if m.tolerated else "named_error")
        return Result(plan, outcome, time.monotonic() - t0, "%s: %s" % (type(exc).__name__, exc))
    except Exception as exc:  # pylint: disable=broad-except
        return Result(plan, "crash", time.monotonic() - t0, "%s: %s" % (type(exc).__name__, exc))
    finally:
        if live.transport is not None:
            live.transport.close()
        dev.close()
    if dev.error is not None:
        return Result(plan, "crash", time.monotonic() - t0, "fake device: %r" % dev.error)
    diff = _check(results, rounds, spec, plan)
    if diff or not m.tolerated:
        return Result(plan, "accepted_corrupt", time.monotonic() - t0,
                      diff or "the damaged answer was accepted: %s %s" % (m.kind, m.detail))
    if m.kind == "junk" and m.command != P.EXIT and not any(
            s.data == _junk_of(m) for s in client.skipped):
        return Result(plan, "unreported_junk", time.monotonic() - t0,
                      "skipped: %s" % client.skipped)
    return Result(plan, "ok", time.monotonic() - t0)


def _junk_of(m: Mutation) -> bytes:
    rng = random.Random(m.seed)
    return _junk(rng, rng.randint(1, 2048))


def _forget(res) -> None:
    """Drop ``res`` from the process-wide result list (the pytest plugin writes it)."""
    for i in range(len(dut_mod.RESULTS) - 1, -1, -1):
        if dut_mod.RESULTS[i] is res:
            del dut_mod.RESULTS[i]
            return


def run_plans(plans: list, ctx: Context, jobs: int = 8) -> list:
    """Run the sessions, ``jobs`` at a time (they mostly wait); results in plan order."""
    lives: dict = {}
    pending = list(range(len(plans)))[::-1]
    running: dict = {}
    while pending or running:
        while pending and len(running) < jobs:
            i = pending.pop()
            lives[i] = live = _Live()

            def work(i=i, live=live):
                res = run_session(plans[i], ctx, live)
                if live.result is None:        # not already declared a hang
                    live.result = res
            running[i] = threading.Thread(target=work, daemon=True)
            running[i].start()
        time.sleep(0.005)
        for i, th in list(running.items()):
            live = lives[i]
            if not th.is_alive():
                del running[i]
            elif time.monotonic() - live.started > ctx.budget:
                live.result = Result(plans[i], "hang", time.monotonic() - live.started,
                                     "session still running after %g s" % ctx.budget)
                for end in (live.device, live.transport):
                    if end is not None:
                        end.close()
                del running[i]
    return [lives[i].result for i in range(len(plans))]


# ---- report, corpus, command line --------------------------------------------------------------

@dataclass
class Report:
    seed: int
    results: list
    seconds: float

    def counts(self) -> dict:
        out = {o: 0 for o in GOOD + BAD}
        for r in self.results:
            out[r.outcome] += 1
        return out

    def by_kind(self) -> dict:
        table: dict = {}
        for r in self.results:
            row = table.setdefault(r.plan.mutation.kind, {})
            row[r.outcome] = row.get(r.outcome, 0) + 1
        return dict(sorted(table.items()))

    def bad(self) -> list:
        return [r for r in self.results if r.outcome not in GOOD]

    def to_dict(self) -> dict:
        return {"seed": self.seed, "sessions": len(self.results),
                "seconds": round(self.seconds, 2), "outcomes": self.counts(),
                "by_kind": self.by_kind(),
                "by_transport": {t: sum(r.plan.transport == t for r in self.results)
                                 for t in ("socket", "pty")},
                "bad": [case_dict(r) for r in self.bad()]}

    def table(self) -> str:
        cols = [o for o in GOOD + BAD if o in GOOD or self.counts()[o]]
        rows = [["mutation"] + cols + ["total"]]
        for kind, row in self.by_kind().items():
            rows.append([kind] + [str(row.get(c, 0)) for c in cols] + [str(sum(row.values()))])
        c = self.counts()
        rows.append(["all"] + [str(c[o]) for o in cols] + [str(len(self.results))])
        w = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines = ["  ".join(x.ljust(w[i]) if i == 0 else x.rjust(w[i]) for i, x in enumerate(r))
                 for r in rows]
        lines.insert(1, "-" * len(lines[0]))
        lines.insert(len(lines) - 1, "-" * len(lines[0]))
        head = "serial fuzz: seed %d, %d sessions in %.1f s" % (self.seed, len(self.results),
                                                              self.seconds)
        return "\n".join([head] + lines)


def case_dict(r: Result) -> dict:
    return {"seed": r.plan.seed, "index": r.plan.index, "outcome": r.outcome,
            "message": r.message[:2000], "plan": asdict(r.plan)}


def plan_from_case(case: dict) -> Plan:
    p = dict(case["plan"])
    m = Mutation(**{k: v for k, v in p.pop("mutation").items() if k != "detail"})
    return Plan(mutation=m, **p)


def save_case(r: Result, corpus: Path) -> Path:
    corpus.mkdir(parents=True, exist_ok=True)
    path = corpus / ("serial-%d-%d-%s.json" % (r.plan.seed, r.plan.index, r.plan.mutation.kind))
    path.write_text(json.dumps(case_dict(r), indent=1) + "\n")
    return path


def run(seed: int, sessions: int, ctx: Context | None = None, jobs: int = 8,
        transport: str = "mixed") -> Report:
    ctx = ctx or Context.load()
    n_in, n_out = ctx.sizes()
    t0 = time.monotonic()
    plans = [make_plan(seed, i, n_in, n_out, transport) for i in range(sessions)]
    return Report(seed, run_plans(plans, ctx, jobs), time.monotonic() - t0)


def replay(path, ctx: Context | None = None) -> Result:
    """Run the session a corpus file describes again."""
    return run_session(plan_from_case(json.loads(Path(path).read_text())), ctx or Context.load())


def main(argv: list | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tinyengine_pio.fuzz serial",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--sessions", type=int, default=500)
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    ap.add_argument("--corpus", type=Path, help="save each bad case as a JSON file here")
    ap.add_argument("--transport", choices=("mixed", "socket", "pty"), default="mixed",
                    help="mixed: a quarter of the sessions on a pty (default)")
    ap.add_argument("--jobs", type=int, default=8, help="sessions at a time (default 8)")
    ap.add_argument("--timeout", type=float, default=0.3,
                    help="the client's answer timeout in seconds (default 0.3)")
    ap.add_argument("--model", help="the .tflite the fake device serves (default the "
                    "repository's sample_apps/zephyr_kws model)")
    ap.add_argument("--replay", nargs="+", metavar="CASE", help="run corpus files again")
    args = ap.parse_args(argv)
    ctx = Context.load(args.model, timeout=args.timeout)
    if args.replay:
        results = [replay(path, ctx) for path in args.replay]
        for path, r in zip(args.replay, results):
            print("%s: %s %s" % (path, r.outcome, r.message[:300]))
        return int(any(r.outcome not in GOOD for r in results))
    report = run(args.seed, args.sessions, ctx, args.jobs, args.transport)
    if args.corpus:
        for r in report.bad():
            save_case(r, args.corpus)
    print(json.dumps(report.to_dict(), indent=1) if args.json else report.table())
    if not args.json:
        for r in report.bad()[:20]:
            print("BAD %s: session %d, %s on answer %d (%s): %s" % (
                r.outcome, r.plan.index, r.plan.mutation.kind, r.plan.mutation.answer,
                r.plan.mutation.detail, r.message[:500]))
    return int(bool(report.bad()))


if __name__ == "__main__":
    sys.exit(main())
