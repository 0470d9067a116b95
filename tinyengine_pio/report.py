"""Per-layer report of a compiled model: operator, shapes, MACs, weight bytes, live bytes."""
from __future__ import annotations

from .compiler import CompiledModel
from .ops import lookup
from .passes.int8_io import describe as describe_io

NOTHING_DROPPED = ("nothing dropped: no float32 input read only by a QUANTIZE, no float32 output "
                   "written by a DEQUANTIZE; the model's I/O is unchanged")


def build_report(cm: CompiledModel, cpu: str = "cortex-m4") -> dict:
    """`cpu` picks the cost model's keys: a Cortex-M4 with DSP, or a core with Helium."""
    g = cm.graph
    from .costmodel import MVE_CPUS, predict
    from .emitter import state_layout
    est = predict(g, cpu in MVE_CPUS)
    layers = []
    for step, op in enumerate(g.operators):
        live = sum(g.t(t).nbytes for t, (s, e) in cm.lifetimes.items() if s <= step < e)
        weights = sum(g.t(i).nbytes for i in op.inputs if i >= 0 and g.t(i).is_const)
        layers.append(dict(
            step=step, index=op.index, op=op.kind,
            inputs=[list(g.t(i).shape) for i in op.inputs if i >= 0 and not g.t(i).is_const],
            output=list(g.t(op.outputs[0]).shape),
            outputs=[list(g.t(o).shape) for o in op.outputs], macs=lookup(op).macs(g, op),
            weight_bytes=weights, live_bytes=live, est_instructions=est[step],
            fused=fused_names(op)))
    return dict(
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
        buffers=[dict(tensor=g.t(t).name, offset=cm.offsets[t], bytes=g.t(t).nbytes,
                      lifetime=[s, e]) for t, (s, e) in sorted(cm.lifetimes.items())],
    )


def fused_names(op) -> list[str]:
    """What the passes folded into `op`: an activation, a PAD, the input zero point."""
    folded = getattr(op.params, "offset_folded", None)
    return [x for x in (op.fused.activation, "PAD" if op.fused.pad_from is not None else None,
                        "input zero point" if folded and folded(op.memory.variant) else None) if x]


def format_report(r: dict) -> str:
    rows = [("step", "#", "operator", "input", "output", "MACs", "est. instr", "weights B", "live B",
             "fused")]
    for L in r["layers"]:
        rows.append((str(L["step"]), str(L["index"]), L["op"],
                     " ".join("x".join(map(str, s)) for s in L["inputs"]),
                     "x".join(map(str, L["output"])), f"{L['macs']:,}", f"{L['est_instructions']:,}",
                     f"{L['weight_bytes']:,}",
                     f"{L['live_bytes']:,}", ",".join(L["fused"])))
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
        "(per-kernel cost model)",
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
    return "\n".join(lines) + "\n"
