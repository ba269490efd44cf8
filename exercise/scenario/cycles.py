"""Cycles in the ``requires`` graph, found in one linear pass (no recursion)."""

from __future__ import annotations

from collections.abc import Iterator


def requires_cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """One cycle in each strongly connected part of the requires graph that has one, as a
    list of ids starting at the part's first element in file order.

    Tarjan's algorithm with an explicit stack (a 250-element chain must not recurse), then
    a breadth-first search inside the part for the shortest way back to its start: linear
    in the graph.
    """
    order = {node: i for i, node in enumerate(graph)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    parts: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(graph[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            step = next(edges, None)
            if step is not None:
                if step not in index:
                    index[step] = low[step] = len(index)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(graph.get(step, ()))))
                elif step in on_stack:
                    low[node] = min(low[node], index[step])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                part = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    part.append(member)
                    if member == node:
                        break
                if len(part) > 1 or node in graph.get(node, ()):
                    parts.append(part)
    cycles = []
    for part in sorted(parts, key=lambda p: min(order[n] for n in p)):
        members = set(part)
        start = min(part, key=order.__getitem__)
        came: dict[str, str] = {}
        frontier = [start]
        back: str | None = None
        while frontier and back is None:
            following = []
            for node in frontier:
                for step in graph[node]:
                    if step == start:
                        back = node
                        break
                    if step in members and step not in came:
                        came[step] = node
                        following.append(step)
                if back is not None:
                    break
            frontier = following
        assert back is not None, "a strongly connected part has a cycle through each member"
        trail = [back]
        while trail[-1] != start:
            trail.append(came[trail[-1]])
        cycles.append(trail[::-1])
    return cycles
