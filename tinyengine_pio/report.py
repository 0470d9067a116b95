"""Per-layer report of a compiled model: operator, shapes, MACs, weight bytes, live bytes; with
fused stages (--optimize memory, --ram-budget, --fuse) the candidate schedules and the chosen
stages' line buffers (docs/MEMORY.md)."""
from __future__ import annotations

from .compiler import CompiledModel
from .ops import lookup
from .passes.int8_io import describe as describe_io

NOTHING_DROPPED = ("nothing dropped: no float32 input read only by a QUANTIZE, no float32 output "
                   "written by a DEQUANTIZE; the model's I/O is unchanged")


def build_report(cm: CompiledModel, cpu: str = "cortex-m4", ram_budget: int | None = None,
                 considered: bool = False) -> dict:
    """`cpu` picks the cost model's keys: a Cortex-M4 with DSP, or a core with Helium.
    `ram_budget` (bytes) and `considered` (fused stages were an option: --optimize memory,
    --ram-budget, --fuse) only add to the schedule section, present when stages were considered
    or are used."""
    g = cm.graph
    from .costmodel import MVE_CPUS
    from .emitter import state_layout
    from .flash import predict
    from .planner.policy import buffer_bytes
    est = predict(g, cpu in MVE_CPUS)
    sizes = buffer_bytes(g)                  # a tensor inside a stage: its line buffer
    stage_of = {step: (st.first, st.last) for st in g.stages for step in st.steps}
    layers = []
    for step, op in enumerate(g.operators):
        live = sum(sizes.get(t, g.t(t).nbytes) for t, (s, e) in cm.lifetimes.items()
                   if s <= step < e)
        weights = sum(g.t(i).nbytes for i in op.inputs if i >= 0 and g.t(i).is_const)
        layers.append(dict(
            step=step, index=op.index, op=op.kind,
            inputs=[list(g.t(i).shape) for i in op.inputs if i >= 0 and not g.t(i).is_const],
            output=list(g.t(op.outputs[0]).shape),
            outputs=[list(g.t(o).shape) for o in op.outputs], macs=lookup(op).macs(g, op),
            weight_bytes=weights, live_bytes=live, est_instructions=est[step],
            fused=fused_names(op), stage=list(stage_of[step]) if step in stage_of else None))
    r = dict(
        model=g.description, sha256=cm.sha256, operators=len(layers),
        macs=sum(layer["macs"] for layer in layers),
        est_instructions=sum(est), est_cpu=cpu,
        weight_bytes=cm.weight_bytes,
        arena_bytes=cm.arena_bytes, lower_bound_bytes=cm.plan.lower_bound,
        state_bytes=state_layout(g)[1],
        arena_over_lower_bound=round(cm.plan.ratio, 4), planner=cm.plan.algorithm,
        planner_candidates=cm.plan.candidates, overlaps=len(cm.plan.pins),
        pins=[dict(base=p.base, member=p.member, delta=p.delta) for p in cm.plan.pins],
        code_files=sorted(cm.files), layers=layers, folded=list(g.config.get("folded", [])),
        io=g.config.get("io", "model"),
        io_dropped=[dict(d, text=describe_io(d)) for d in g.config.get("io_dropped", [])],
        buffers=[dict(tensor=g.t(t).name, offset=cm.offsets[t], bytes=sizes.get(t, g.t(t).nbytes),
                      lifetime=[s, e]) for t, (s, e) in sorted(cm.lifetimes.items())],
    )
    if considered or g.stages or len(cm.schedules) > 1:
        r.update(schedule_section(cm, ram_budget))
        r["est_instructions"] += r["stage_overhead_instructions"]
    return r


def fused_names(op) -> list[str]:
    """What the passes folded into `op`: an activation, a PAD, the input zero point."""
    folded = getattr(op.params, "offset_folded", None)
    return [x for x in (op.fused.activation, "PAD" if op.fused.pad_from is not None else None,
                        "input zero point" if folded and folded(op.memory.variant) else None) if x]


def format_report(r: dict) -> str:
    staged = any(L.get("stage") for L in r["layers"])
    rows = [("step", "#", "operator", "input", "output", "MACs", "est. instr", "weights B", "live B",
             "fused") + (("stage",) if staged else ())]
    for L in r["layers"]:
        rows.append((str(L["step"]), str(L["index"]), L["op"],
                     " ".join("x".join(map(str, s)) for s in L["inputs"]),
                     "x".join(map(str, L["output"])), f"{L['macs']:,}", f"{L['est_instructions']:,}",
                     f"{L['weight_bytes']:,}",
                     f"{L['live_bytes']:,}", ",".join(L["fused"]))
                    + (("{}-{}".format(*L["stage"]) if L.get("stage") else "",) if staged else ()))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    right = {0, 1, 5, 6, 7, 8}
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(c.rjust(w) if i in right else c.ljust(w)
                               for i, (c, w) in enumerate(zip(row, widths))).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines += [
        "",
        f"model            {r['model']}  (sha256 {r['sha256'][:16]})",
        f"operators        {r['operators']}"
        + (f"   (folded at compile time: {', '.join(r['folded'])})" if r.get("folded") else ""),
        f"MACs             {r['macs']:,}",
        f"est. latency     {r['est_instructions']:,} instructions on a {r['est_cpu']} "
        "(per-kernel cost model" + (f", stages' bookkeeping +{r['stage_overhead_instructions']:,})"
                                    if r.get("stage_overhead_instructions") else ")"),
        f"flash: weights   {r['weight_bytes']:,} B",
        f"arena (SRAM)     {r['arena_bytes']:,} B   planner {r['planner']}",
        f"classical bound  {r['lower_bound_bytes']:,} B   arena / bound "
        f"{r['arena_over_lower_bound']:.3f}   (largest live set with outputs apart from inputs; "
        "overlaps go below it)",
        f"overlaps         {r['overlaps']} outputs placed over their dying inputs",
    ]
    if r.get("io", "model") != "model":
        label = f"--io {r['io']}".ljust(17)
        lines += [label + d["text"] for d in r.get("io_dropped", [])] or [label + NOTHING_DROPPED]
    if r.get("state_bytes"):
        lines.append(f"state (SRAM)     {r['state_bytes']:,} B   variable tensors kept across "
                     "invokes, outside the arena")
    if "tflm" in r:
        t = r["tflm"]
        lines.append(f"TFLM arena       {t['total']:,} B (tensors {t['head']:,} B + runtime "
                     f"{t['tail']:,} B); ours / TFLM total = {r['arena_bytes'] / t['total']:.3f}")
    if "schedules" in r:
        lines += [""] + format_schedule(r)
    return "\n".join(lines) + "\n"


# ---- fused stages: the candidate schedules and the chosen stages (docs/MEMORY.md) ----

def _tensor(g, t: int) -> dict:
    return dict(tensor=t, name=g.t(t).name, shape=[int(s) for s in g.t(t).shape],
                bytes=int(g.t(t).nbytes))


def schedule_section(cm: CompiledModel, ram_budget: int | None = None) -> dict:
    """The report's schedule keys: `schedules` (cm.schedules: every candidate the compiler
    weighed, the chosen one marked), `stages` (the chosen schedule's stages with their line
    buffers), `layer_by_layer_instructions` (the ratios' base), `stage_overhead_instructions`
    (what the chosen stages add to the layers' own estimates) and `ram_budget`."""
    from .stages.search import instructions, stage_overhead
    g = cm.graph
    layerwise = [c.instructions for c in cm.schedules if not c.ranges]
    base = layerwise[0] if layerwise else instructions(g, [])     # --fuse: not a candidate
    schedules = [dict(ranges=[list(r) for r in c.ranges], label=c.label(), arena=c.arena,
                      instructions=c.instructions,
                      ratio=round(c.instructions / base, 4) if base else None, chosen=c.chosen)
                 for c in cm.schedules]
    stages = []
    for st in g.stages:
        rings = []
        for t, ring in st.rings.items():
            step = st.producer.get(t)
            rings.append(dict(_tensor(g, t), step=step,
                              op=g.operators[step].kind if step is not None else None,
                              rows=ring.cap, height=ring.rows, row_bytes=ring.row_bytes,
                              ring_bytes=ring.nbytes))
        stages.append(dict(
            first=st.first, last=st.last, ops=[g.operators[s].kind for s in st.steps],
            sink=_tensor(g, st.sink), sources=[_tensor(g, t) for t in st.sources],
            streamed=[_tensor(g, t) for t in getattr(st, "streamed", ())],
            rings=rings, ring_bytes=st.ring_bytes, calls=st.calls, moved_bytes=st.moved_bytes,
            overhead_instructions=stage_overhead(g, st)))
    return dict(schedules=schedules, stages=stages, ram_budget=ram_budget,
                layer_by_layer_instructions=base,
                stage_overhead_instructions=sum(s["overhead_instructions"] for s in stages))


def _shape(shape) -> str:
    return "x".join(map(str, shape))


def _short(name: str, width: int = 40) -> str:
    """A tensor name for the text: the first of a converter's ';'-joined names, its tail."""
    name = name.split(";")[0]
    return name if len(name) <= width else "..." + name[-(width - 3):]


def _layers(ops: list[str]) -> str:
    """"CONV_2D, DEPTHWISE_CONV_2D" or "8 layers: 4 CONV_2D, 4 DEPTHWISE_CONV_2D"."""
    if len(ops) <= 3:
        return ", ".join(ops)
    counts: dict[str, int] = {}
    for op in ops:
        counts[op] = counts.get(op, 0) + 1
    return f"{len(ops)} layers: " + ", ".join(f"{n} {op}" for op, n in counts.items())


def format_schedule(r: dict) -> list[str]:
    """The text of the schedule section: the candidates' table, then each chosen stage."""
    budget = r.get("ram_budget")
    lines = ["schedule         " + ("fused stages: " if r["stages"] else "layer by layer: ")
             + f"{len(r['schedules'])} candidate schedule(s), * the chosen"
             + (f" (RAM budget {budget:,} B)" if budget else "")]
    rows = [("", "fused steps", "arena B", "est. instr", "vs layer by layer")]
    for c in r["schedules"]:
        rows.append(("*" if c["chosen"] else "", c["label"], f"{c['arena']:,}",
                     f"{c['instructions']:,}",
                     f"{c['ratio']:.3f}" if c["ratio"] is not None else "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        lines.append("  " + "  ".join(c.rjust(w) if i >= 2 else c.ljust(w)
                                      for i, (c, w) in enumerate(zip(row, widths))).rstrip())
        if n == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    for st in r["stages"]:
        lines += ["", f"stage {st['first']}-{st['last']}".ljust(17) + f"{_layers(st['ops'])}; "
                  f"{st['calls']:,} row calls, {st['moved_bytes']:,} B moved, "
                  f"+{st['overhead_instructions']:,} instr"]
        for t in st["sources"]:
            lines.append(f"  whole source   {_short(t['name'])} {_shape(t['shape'])} ({t['bytes']:,} B)")
        for t in st.get("streamed", []):
            lines.append(f"  streamed input {_short(t['name'])} {_shape(t['shape'])}: row by row from "
                         "the application")
        for ring in st["rings"]:
            what = (f"step {ring['step']} {ring['op']} output" if ring["step"] is not None
                    else "input")
            lines.append(f"  line buffer    {what} {_shape(ring['shape'])}: {ring['rows']} of "
                         f"{ring['height']} rows x {ring['row_bytes']:,} B = "
                         f"{ring['ring_bytes']:,} B (whole {ring['bytes']:,} B)")
        lines.append(f"  whole sink     {_short(st['sink']['name'])} {_shape(st['sink']['shape'])} "
                     f"({st['sink']['bytes']:,} B)")
        lines.append(f"  line buffers   {st['ring_bytes']:,} B in all")
    return lines


def schedule_line(cm: CompiledModel, ram_budget: int | None = None) -> str:
    """`compile`'s one line on the chosen schedule, e.g. "fused stages 0-3 (line buffers
    3,840 B): arena 31,928 B, was 36,896 B layer by layer"."""
    g = cm.graph
    layerwise = next((c for c in cm.schedules if not c.ranges), None)
    fits = f" (RAM budget {ram_budget:,} B)" if ram_budget else ""
    if not g.stages:
        why = ("layer by layer fits" if ram_budget and len(cm.schedules) == 1
               else "no fused stage makes it smaller")
        return f"schedule: layer by layer, arena {cm.arena_bytes:,} B{fits}: {why}"
    ranges = ", ".join(f"{st.first}-{st.last}" for st in g.stages)
    line = (f"fused stages {ranges} (line buffers {sum(st.ring_bytes for st in g.stages):,} B): "
            f"arena {cm.arena_bytes:,} B")
    if layerwise is not None:
        line += f", was {layerwise.arena:,} B layer by layer"
    return line + fits
