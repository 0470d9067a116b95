"""Pictures of `report --plot`: the memory timeline (steps across, arena offsets up, one
rectangle per buffer) and, when fused stages were considered, the trade-off of the candidate
schedules (arena against predicted instructions)."""
from __future__ import annotations

import os

from .compiler import CompiledModel


def _pyplot():
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        from .errors import TinyEngineError
        raise TinyEngineError("--plot needs matplotlib: pip install matplotlib") from None
    return plt


def tradeoff_path(path: str) -> str:
    """`<stem>_tradeoff.png` beside the timeline picture `path`."""
    stem, ext = os.path.splitext(path)
    return f"{stem}_tradeoff{ext or '.png'}"


def plot_tradeoff(cm: CompiledModel, path: str, ram_budget: int | None = None) -> None:
    """One point per candidate schedule (cm.schedules): x its arena, y its predicted
    instructions; the chosen one marked, the RAM budget as a vertical line."""
    plt = _pyplot()
    cands = cm.schedules
    fig, ax = plt.subplots(figsize=(8, 5))
    xs = [c.arena for c in cands]
    ys = [c.instructions for c in cands]
    ax.plot(xs, ys, color="grey", linewidth=0.8, zorder=1)          # the search's path
    ax.scatter(xs, ys, color="tab:blue", s=28, zorder=2, label="candidate schedule")
    for c in cands:
        ax.annotate(c.label(), (c.arena, c.instructions), textcoords="offset points",
                    xytext=(5, 4), fontsize=7)
    chosen = [c for c in cands if c.chosen]
    if chosen:
        ax.scatter([c.arena for c in chosen], [c.instructions for c in chosen], s=140,
                   facecolors="none", edgecolors="red", linewidths=1.6, zorder=3,
                   label=f"chosen: {chosen[0].label()}, arena {chosen[0].arena:,} B")
    if ram_budget:
        ax.axvline(ram_budget, color="red", linestyle="--", linewidth=1,
                   label=f"RAM budget {ram_budget:,} B")
    lo = min(xs + ([ram_budget] if ram_budget else []))
    hi = max(xs + ([ram_budget] if ram_budget else []))
    pad = max(1, (hi - lo) * 0.08)
    ax.set_xlim(lo - pad, hi + pad * 2)
    from matplotlib.ticker import FuncFormatter
    thousands = FuncFormatter(lambda v, _: f"{v:,.0f}")
    ax.xaxis.set_major_formatter(thousands)
    ax.yaxis.set_major_formatter(thousands)
    ax.set_xlabel("arena (bytes)")
    ax.set_ylabel("predicted instructions per invoke")
    ax.set_title(f"{cm.graph.description}: candidate schedules (fused stages)")
    ax.legend(fontsize=8, loc="best")
    ax.grid(True, linewidth=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_memory(cm: CompiledModel, path: str) -> None:
    plt = _pyplot()
    from matplotlib.patches import Rectangle

    from .planner.policy import buffer_bytes
    g = cm.graph
    sizes = buffer_bytes(g)                  # a tensor inside a fused stage: its line buffer
    steps = max(len(g.operators), 1)
    fig, ax = plt.subplots(figsize=(max(8, min(24, steps * 0.35)), 6))
    cmap = plt.get_cmap("tab20")
    pinned = {p.member for p in cm.plan.pins} | {p.base for p in cm.plan.pins}
    for n, (t, (start, end)) in enumerate(sorted(cm.lifetimes.items())):
        off, size = cm.offsets[t], sizes.get(t, g.t(t).nbytes)
        ax.add_patch(Rectangle((start, off), end - start, size, facecolor=cmap(n % 20),
                               edgecolor="black", linewidth=0.6, alpha=0.8,
                               hatch="//" if f"t{t}" in pinned else None))
        if size > cm.arena_bytes * 0.04:
            ax.text(start + 0.05, off + size / 2, g.t(t).name[-18:], fontsize=6, va="center")
    for step, op in enumerate(g.operators):
        if op.memory.scratch:
            ax.add_patch(Rectangle((step, op.scratch_offset), 1, op.memory.scratch,
                                   facecolor="lightgrey", edgecolor="red", linewidth=0.6))
    ax.axhline(cm.arena_bytes, color="red", linestyle="--", linewidth=1)
    ax.axhline(cm.plan.lower_bound, color="grey", linestyle=":", linewidth=1)
    for stage in g.stages:                   # fused stages: their steps run interleaved
        ax.axvspan(stage.first, stage.last + 1, color="tab:green", alpha=0.08, zorder=0)
        ax.text(stage.first + 0.05, 0, f"stage {stage.first}-{stage.last}", fontsize=7,
                color="tab:green", va="bottom")
    live = [sum(sizes.get(t, g.t(t).nbytes) for t, (s, e) in cm.lifetimes.items() if s <= st < e)
            for st in range(steps)]
    peak = max(range(steps), key=lambda s: live[s]) if live else 0
    ax.annotate(f"arena {cm.arena_bytes:,} B", (0, cm.arena_bytes), textcoords="offset points",
                xytext=(4, 4), color="red", fontsize=8)
    ax.annotate(f"classical bound {cm.plan.lower_bound:,} B (peak at step {peak})",
                (0, cm.plan.lower_bound), textcoords="offset points", xytext=(4, -12), color="grey",
                fontsize=8)
    ax.set_xlim(0, steps)
    ax.set_ylim(0, max(cm.arena_bytes, cm.plan.lower_bound) * 1.08 + 1)
    ax.set_xlabel("operator step")
    ax.set_ylabel("arena offset (bytes)")
    ax.set_xticks(range(steps))
    ax.set_xticklabels([f"{s}:{op.kind[:4]}" for s, op in enumerate(g.operators)], rotation=90,
                       fontsize=6)
    ax.set_title(f"{g.description}: {cm.plan.algorithm}, {len(cm.plan.pins)} overlapped "
                 "(hatched) buffers")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
