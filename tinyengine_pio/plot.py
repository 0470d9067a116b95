"""Memory timeline picture: steps across, arena offsets up, one rectangle per buffer."""
from __future__ import annotations

from .compiler import CompiledModel


def plot_memory(cm: CompiledModel, path: str) -> None:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.patches import Rectangle
    except ImportError:
        from .errors import TinyEngineError
        raise TinyEngineError("--plot needs matplotlib: pip install matplotlib") from None
    g = cm.graph
    steps = max(len(g.operators), 1)
    fig, ax = plt.subplots(figsize=(max(8, min(24, steps * 0.35)), 6))
    cmap = plt.get_cmap("tab20")
    pinned = {p.member for p in cm.plan.pins} | {p.base for p in cm.plan.pins}
    for n, (t, (start, end)) in enumerate(sorted(cm.lifetimes.items())):
        off, size = cm.offsets[t], g.t(t).nbytes
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
    live = [sum(g.t(t).nbytes for t, (s, e) in cm.lifetimes.items() if s <= st < e) for st in range(steps)]
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
