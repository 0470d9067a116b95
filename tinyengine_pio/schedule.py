"""Operator execution order: for graphs with branches (residual ADD, CONCATENATION), pick the
topological order that lowers peak memory. Candidates: the model's own order, a memory-greedy
list schedule and a depth-first schedule; each is scored by the classical bound of its tensor
lifetimes (ties keep the model's order, so linear graphs never change)."""
from __future__ import annotations

from .ir import Graph, Operator


def _deps(g: Graph) -> tuple[dict[int, set[int]], dict[int, int]]:
    producer = {}
    for n, op in enumerate(g.operators):
        for o in op.outputs:
            producer[g.storage(o)] = n
    deps = {n: {producer[g.storage(i)] for i in op.inputs if i >= 0 and g.storage(i) in producer}
            for n, op in enumerate(g.operators)}
    return deps, producer


def peak_bytes(g: Graph, order: list[int]) -> int:
    """Classical bound of an order: max over steps of live activation bytes."""
    last_use: dict[int, int] = {}
    first: dict[int, int] = {}
    for step, n in enumerate(order):
        op = g.operators[n]
        for i in op.inputs:
            if i >= 0 and not g.t(g.storage(i)).is_const:
                last_use[g.storage(i)] = step
        for o in op.outputs:
            first.setdefault(g.storage(o), step)
    end = len(order)
    for i in g.inputs:
        first[g.storage(i)] = 0
    for o in g.outputs:
        last_use[g.storage(o)] = end
    peak = 0
    for step in range(end):
        live = sum(g.t(t).nbytes for t, s in first.items() if s <= step <= last_use.get(t, s))
        peak = max(peak, live)
    return peak


def _list_schedule(g: Graph, deps, key) -> list[int]:
    done: list[int] = []
    remaining = set(range(len(g.operators)))
    while remaining:
        ready = [n for n in remaining if deps[n] <= set(done)]
        n = min(ready, key=lambda r: key(r, done))
        done.append(n)
        remaining.remove(n)
    return done


def candidate_orders(g: Graph) -> list[list[int]]:
    deps, _ = _deps(g)
    users: dict[int, int] = {}
    for op in g.operators:
        for i in op.inputs:
            if i >= 0:
                users[g.storage(i)] = users.get(g.storage(i), 0) + 1

    def mem_delta(n: int, done: list[int]) -> tuple:
        op: Operator = g.operators[n]
        alloc = sum(g.t(o).nbytes for o in op.outputs)
        freed = 0
        for i in {g.storage(i) for i in op.inputs if i >= 0}:
            consumers_left = sum(1 for m in range(len(g.operators)) if m not in done and m != n
                                 and any(g.storage(x) == i for x in g.operators[m].inputs if x >= 0))
            if consumers_left == 0 and i not in {g.storage(o) for o in g.outputs}:
                freed += g.t(i).nbytes
        return (alloc - freed, n)

    def depth_first(n: int, done: list[int]) -> tuple:
        last = done[-1] if done else -1
        follows = last in deps[n]
        return (0 if follows else 1, n)

    return [list(range(len(g.operators))), _list_schedule(g, deps, mem_delta),
            _list_schedule(g, deps, depth_first)]


def choose_order(g: Graph) -> Graph:
    """Reorder g.operators in place to the best candidate order (pure for linear graphs)."""
    if len(g.operators) < 3:
        return g
    orders = candidate_orders(g)
    best = min(orders, key=lambda o: (peak_bytes(g, o), orders.index(o)))
    g.operators = [g.operators[n] for n in best]
    return g
