r"""Loopless multigraphs for energy flow polynomials: enumeration, canonical forms, tokens.

An energy flow polynomial (EFP) is labelled by a loopless multigraph G with vertices V and
edge multiset E (arXiv:1712.07124),

.. math::

    \mathrm{EFP}_G = \sum_{i_1=1}^{M} \cdots \sum_{i_N=1}^{M}
        z_{i_1} \cdots z_{i_N} \prod_{(k, l) \in E} \theta_{i_k i_l},

so the degree d of the EFP is the number of edges counted with multiplicity, and the cost of
evaluating it by variable elimination is O(M^chi). This module enumerates one multigraph per
isomorphism class for every degree d <= 10, labels each one with a canonical edge list and a
stable text token, computes the descriptors used to select EFPs (n, d, e, v, chi, p, h) and an
elimination order for the EFP engine, and draws graphs for reports.

Conventions, chosen to match energyflow 1.4.0 so that counts and selections agree:

- A graph never has isolated vertices, except the degree-0 graph, which is a single vertex
  (its EFP is sum_i z_i) and counts as prime.
- Connected graphs are "prime"; a disconnected graph is "composite" and its EFP is the product
  of the EFPs of its connected components (its prime factors), each of degree >= 1.
- chi of a composite is the largest chi of its prime factors, because the factors are
  evaluated separately and multiplied.

Nothing here imports networkx, igraph or energyflow: the canonical labelling is a small
individualisation-refinement search written for graphs with at most a few dozen vertices.
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
import math
import os
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

__all__ = [
    "DMAX_SUPPORTED",
    "Graph",
    "canonical_form",
    "draw_multigraph",
    "elimination_order",
    "graph_from_edges",
    "graph_from_token",
    "multigraphs",
    "prime_factors",
    "select_graphs",
    "token_of",
]

#: Largest degree that ``multigraphs`` enumerates. The d = 10 catalogue has 33160 graphs.
DMAX_SUPPORTED = 10

# Connected loopless multigraphs per number of edges d = 0..10 (OEIS A076864, with the single
# vertex at d = 0), used to check every enumeration and every cache file.
_PRIME_COUNTS = (1, 1, 2, 5, 12, 33, 103, 333, 1183, 4442, 17576)

# Degrees from which the enumeration result is also written to the user cache directory,
# because enumerating them from scratch takes seconds (see ``multigraphs``).
_DISK_CACHE_MIN_D = 8

# Bump when the on-disk catalogue layout or any descriptor definition changes.
_CACHE_FORMAT_VERSION = 2

_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"

Edge = tuple[int, int]
Edges = tuple[Edge, ...]


# ---------------------------------------------------------------------------------------------
# Input validation
# ---------------------------------------------------------------------------------------------


def _as_edge_list(edges: Iterable) -> list[Edge]:
    """Convert ``edges`` to a list of (i, j) integer pairs, rejecting self-loops and bad items."""
    if isinstance(edges, (str, bytes)):
        raise TypeError(
            f"edges must be a sequence of (i, j) vertex pairs, got the string {edges!r}; "
            "use graph_from_token to parse a token"
        )
    try:
        items = list(edges)
    except TypeError as exc:
        raise TypeError(
            f"edges must be a sequence of (i, j) vertex pairs, got {type(edges).__name__}"
        ) from exc

    out = []
    for index, item in enumerate(items):
        try:
            pair = tuple(item)
        except TypeError as exc:
            raise TypeError(
                f"edge {index} is {item!r}, expected a pair of vertex indices (i, j)"
            ) from exc
        if len(pair) != 2:
            raise ValueError(
                f"edge {index} is {item!r} with {len(pair)} entries, expected a pair (i, j)"
            )

        vertices = []
        for vertex in pair:
            # Accept Python and numpy integers, reject floats and bools so that a float array
            # of indices is not silently truncated.
            if isinstance(vertex, bool) or not hasattr(vertex, "__index__"):
                raise TypeError(
                    f"edge {index} is {item!r}: vertex labels must be integers, "
                    f"got {type(vertex).__name__}"
                )
            value = int(vertex.__index__())
            if value < 0:
                raise ValueError(
                    f"edge {index} is {item!r}: vertex labels must be non-negative integers"
                )
            vertices.append(value)

        i, j = vertices
        if i == j:
            raise ValueError(
                f"edge {index} is {item!r}, a self-loop; EFP multigraphs are loopless because "
                "theta_ii = 0 would make the EFP vanish"
            )
        out.append((min(i, j), max(i, j)))
    return out


def _relabel_contiguous(edges: list[Edge]) -> tuple[int, list[Edge], list[int]]:
    """Relabel the vertices that appear in ``edges`` to 0..n-1 in increasing label order.

    Returns n, the relabelled edges and the original label of each new vertex. An empty edge
    list is the degree-0 graph, a single vertex.
    """
    labels = sorted({v for edge in edges for v in edge})
    if not labels:
        return 1, [], [0]
    index = {label: k for k, label in enumerate(labels)}
    return len(labels), [(index[i], index[j]) for i, j in edges], labels


# ---------------------------------------------------------------------------------------------
# Canonical labelling (individualisation-refinement)
# ---------------------------------------------------------------------------------------------


def _neighbour_lists(n: int, edges: Sequence[Edge]) -> list[list[tuple[int, int]]]:
    """Return, per vertex, the (neighbour, multiplicity) pairs of a multigraph."""
    counts: dict[Edge, int] = {}
    for edge in edges:
        counts[edge] = counts.get(edge, 0) + 1
    neighbours: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for (i, j), mult in counts.items():
        neighbours[i].append((j, mult))
        neighbours[j].append((i, mult))
    return neighbours


def _refine(colours: list[int], neighbours: list[list[tuple[int, int]]]) -> list[int]:
    """Refine a vertex colouring until it is equitable (colour refinement, 1-WL).

    Colours are ranks 0..k-1 of the signatures, each cell split in decreasing order, so the result
    depends only on the graph and the input colouring, never on the vertex labels, which makes
    it usable for canonical forms. Decreasing order gives vertices of high valency the small
    labels, so a star reads ``01-02-03`` rather than ``03-13-23``.
    """
    n_colours = len(set(colours))
    while True:
        signatures = [
            (colours[v], tuple(sorted((colours[u], mult) for u, mult in neighbours[v])))
            for v in range(len(colours))
        ]
        # Keep the order of the old colours and split each cell in decreasing signature order:
        # sort descending, then stable-sort ascending by the old colour.
        distinct = sorted(sorted(set(signatures), reverse=True), key=lambda sig: sig[0])
        ranks = {sig: rank for rank, sig in enumerate(distinct)}
        refined = [ranks[sig] for sig in signatures]
        if len(ranks) == n_colours:
            return refined
        colours, n_colours = refined, len(ranks)


def _individualise(colours: list[int], vertex: int) -> list[int]:
    """Give ``vertex`` its own colour, just below the rest of its cell."""
    keyed = [(colour, 0 if v == vertex else 1) for v, colour in enumerate(colours)]
    ranks = {key: rank for rank, key in enumerate(sorted(set(keyed)))}
    return [ranks[key] for key in keyed]


def _are_twins(rows: list[dict[int, int]], u: int, w: int) -> bool:
    """Check whether u and w have the same multiplicity to every third vertex.

    Then the transposition (u w) is an automorphism, and it fixes every individualised vertex
    other than u and w, so the search only needs to individualise one of them.
    """
    others = (set(rows[u]) | set(rows[w])) - {u, w}
    return all(rows[u].get(x, 0) == rows[w].get(x, 0) for x in others)


def _canonical_connected(n: int, edges: Sequence[Edge]) -> tuple[Edges, list[int]]:
    """Return the canonical edge list of a connected multigraph and the labelling that makes it.

    The search individualises, cell by cell, each vertex of the first non-singleton cell of the
    equitable colouring, refines, and recurses until every colour is a singleton. Each leaf is a
    relabelling; the canonical form is the lexicographically smallest sorted edge list over all
    leaves. Because the colouring and the choice of cell are label-invariant, isomorphic inputs
    reach the same set of leaves and so the same minimum. Twin vertices are explored once.
    """
    if n == 1:
        return (), [0]

    neighbours = _neighbour_lists(n, edges)
    rows: list[dict[int, int]] = []
    best: list = [None, None]

    def search(colours: list[int]) -> None:
        colours = _refine(colours, neighbours)
        n_colours = max(colours) + 1
        if n_colours == n:
            # A discrete colouring is a relabelling: vertex v becomes colours[v].
            certificate = tuple(
                sorted((min(colours[i], colours[j]), max(colours[i], colours[j])) for i, j in edges)
            )
            if best[0] is None or certificate < best[0]:
                best[0], best[1] = certificate, list(colours)
            return

        # First colour with more than one vertex; the colour value itself is label-invariant.
        sizes = [0] * n_colours
        for colour in colours:
            sizes[colour] += 1
        target = next(c for c in range(n_colours) if sizes[c] > 1)

        if not rows:
            rows.extend(dict(neighbours[v]) for v in range(n))
        explored: list[int] = []
        for v in range(n):
            if colours[v] != target or any(_are_twins(rows, v, u) for u in explored):
                continue
            explored.append(v)
            search(_individualise(colours, v))

    # Start from valencies, largest first, so that hubs get the small labels in the token.
    valency = [sum(mult for _, mult in neighbours[v]) for v in range(n)]
    distinct = sorted(set(valency), reverse=True)
    search([distinct.index(value) for value in valency])
    return best[0], best[1]


def _components(n: int, edges: Sequence[Edge]) -> list[list[int]]:
    """Return the vertex sets of the connected components, each sorted, in order of first vertex."""
    parent = list(range(n))

    def find(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for i, j in edges:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, list[int]] = {}
    for v in range(n):
        groups.setdefault(find(v), []).append(v)
    return list(groups.values())


def _prime_key(edges: Edges) -> tuple:
    """Sort key of a canonical prime: degree, vertex count, then the edge list."""
    n = 1 + max((j for _, j in edges), default=0)
    return (len(edges), n, edges)


def _canonical_factors(n: int, edges: list[Edge]) -> list[Edges]:
    """Return the canonical edge lists of the connected components, sorted by ``_prime_key``."""
    factors = []
    for vertices in _components(n, edges):
        local = {v: k for k, v in enumerate(vertices)}
        members = set(vertices)
        sub = [(local[i], local[j]) for i, j in edges if i in members]
        canon, _ = _canonical_connected(len(vertices), sub)
        factors.append(canon)
    factors.sort(key=_prime_key)
    return factors


def _join_factors(factors: Sequence[Edges]) -> Edges:
    """Concatenate canonical primes into one edge list, shifting each by the vertices before it."""
    joined: list[Edge] = []
    offset = 0
    for factor in factors:
        joined.extend((i + offset, j + offset) for i, j in factor)
        offset += 1 + max((j for _, j in factor), default=0)
    return tuple(joined)


def canonical_form(edges: Iterable) -> Edges:
    """Return the canonical edge list of a loopless multigraph.

    Isomorphic multigraphs (same graph up to relabelling of the vertices) get the same
    canonical edge list, and non-isomorphic ones get different lists. The result has vertices
    labelled 0..n-1, each edge written (i, j) with i < j, multi-edges repeated, and the edges
    sorted. Connected components are canonicalised separately and placed in the order of
    their degree, vertex count and edge list.

    Parameters
    ----------
    edges : iterable of (int, int)
        Edges as pairs of non-negative integer vertex labels; repeat a pair for a multi-edge.
        Labels need not be contiguous, because only vertices that appear in an edge exist. An
        empty list is the degree-0 graph (one vertex).

    Returns
    -------
    tuple of (int, int)
        Canonical edges, length d.

    Raises
    ------
    ValueError
        For self-loops or negative labels.
    TypeError
        For items that are not integer pairs.

    Notes
    -----
    The search refines vertex colours to an equitable partition and then individualises
    vertices (one per twin class), which is fast for the graphs of EFPs (d <= 10, at most
    11 vertices per component) but exponential in the worst case for large highly symmetric
    graphs.
    """
    n, relabelled, _ = _relabel_contiguous(_as_edge_list(edges))
    return _join_factors(_canonical_factors(n, relabelled))


def prime_factors(edges: Iterable) -> tuple[Edges, ...]:
    """Return the canonical edge lists of the connected components (prime factors) of a graph.

    Parameters
    ----------
    edges : iterable of (int, int)
        Edges as in ``canonical_form``.

    Returns
    -------
    tuple of tuple of (int, int)
        One canonical edge list per component, sorted by degree, vertex count and edges. The
        degree-0 graph returns ``((),)``.
    """
    n, relabelled, _ = _relabel_contiguous(_as_edge_list(edges))
    return tuple(_canonical_factors(n, relabelled))


# ---------------------------------------------------------------------------------------------
# Variable elimination
# ---------------------------------------------------------------------------------------------


def _simple_adjacency(n: int, edges: Iterable[Edge]) -> list[set[int]]:
    adjacency: list[set[int]] = [set() for _ in range(n)]
    for i, j in edges:
        adjacency[i].add(j)
        adjacency[j].add(i)
    return adjacency


def _eliminate(adjacency: list[set[int]], v: int) -> None:
    """Remove ``v`` and connect its neighbours pairwise (the fill-in of summing over v)."""
    neighbours = adjacency[v]
    for u in neighbours:
        adjacency[u].discard(v)
        adjacency[u].update(w for w in neighbours if w != u)
    adjacency[v] = set()


def _is_clique(adjacency: list[set[int]], vertices: Iterable[int]) -> bool:
    vertices = list(vertices)
    return all(b in adjacency[a] for a, b in itertools.combinations(vertices, 2))


# Largest number of vertices, after the reductions, for the exact O(2^m m^2) subset search.
_EXACT_ORDER_MAX_VERTICES = 16


def _exact_order(adjacency: list[set[int]], alive: list[int]) -> tuple[list[int], int]:
    """Return an elimination order of ``alive`` minimising the largest neighbourhood, and that size.

    Dynamic programming over subsets S of eliminated vertices: the cost of eliminating v after
    S is the number of vertices outside S + {v} reachable from v through S (its neighbourhood in
    the graph with S eliminated). Cost is O(2^m m^2) for m alive vertices.
    """
    m = len(alive)
    index = {v: k for k, v in enumerate(alive)}
    masks = [0] * m
    for v in alive:
        for u in adjacency[v]:
            masks[index[v]] |= 1 << index[u]

    @functools.cache
    def reach(eliminated: int, k: int) -> int:
        # Vertices reachable from k through eliminated vertices, excluding eliminated ones.
        seen = 1 << k
        frontier = 1 << k
        found = 0
        while frontier:
            low = frontier & -frontier
            frontier ^= low
            nbrs = masks[low.bit_length() - 1] & ~seen
            seen |= nbrs
            found |= nbrs & ~eliminated
            frontier |= nbrs & eliminated
        return bin(found).count("1")

    full = (1 << m) - 1
    best_cost = {0: 0}
    best_last = {}
    for size in range(1, m + 1):
        for combo in itertools.combinations(range(m), size):
            subset = 0
            for k in combo:
                subset |= 1 << k
            cost_here, last_here = None, None
            for k in combo:
                rest = subset & ~(1 << k)
                cost = max(best_cost[rest], reach(rest, k))
                if cost_here is None or cost < cost_here:
                    cost_here, last_here = cost, k
            best_cost[subset] = cost_here
            best_last[subset] = last_here

    order = []
    subset = full
    while subset:
        k = best_last[subset]
        order.append(alive[k])
        subset &= ~(1 << k)
    order.reverse()
    return order, best_cost[full]


def _elimination_order_contiguous(n: int, edges: Iterable[Edge]) -> tuple[list[int], int]:
    """Optimal elimination order and chi for vertices 0..n-1 (see ``elimination_order``)."""
    adjacency = _simple_adjacency(n, edges)
    alive = set(range(n))
    order: list[int] = []

    # Safe reduction rules for treewidth. Eliminating a simplicial vertex (its neighbours form
    # a clique) costs its degree, which any order must pay, so it can go first. An almost
    # simplicial vertex (all but one neighbour form a clique) can go first when its degree does
    # not exceed the lower bound found so far. These rules shrink EFP graphs with d <= 10 to a
    # few vertices before the exponential search.
    lower = 0
    reduced = True
    while reduced and alive:
        reduced = False
        for v in sorted(alive, key=lambda x: (len(adjacency[x]), x)):
            nbrs = adjacency[v]
            simplicial = _is_clique(adjacency, nbrs)
            almost = (
                not simplicial
                and len(nbrs) <= lower
                and any(_is_clique(adjacency, nbrs - {u}) for u in nbrs)
            )
            if simplicial or almost:
                lower = max(lower, len(nbrs))
                order.append(v)
                _eliminate(adjacency, v)
                alive.discard(v)
                reduced = True
                break

    if len(alive) > _EXACT_ORDER_MAX_VERTICES:
        # NOTE: beyond this size the subset search is too slow in Python, so chi is only an
        # upper bound here. EFP graphs with d <= 10 never reach this branch.
        logger.warning(
            "elimination order of a graph with %d vertices left after reductions uses the "
            "greedy min-fill heuristic, so chi is an upper bound",
            len(alive),
        )
        rest_order, rest_width = _min_fill_order(adjacency, alive)
    elif alive:
        rest_order, rest_width = _exact_order(adjacency, sorted(alive))
    else:
        rest_order, rest_width = [], 0
    order.extend(rest_order)
    return order, max(lower, rest_width) + 1


def _min_fill_order(adjacency: list[set[int]], alive: set[int]) -> tuple[list[int], int]:
    """Eliminate, one at a time, the vertex whose elimination adds the fewest fill edges."""
    adjacency = [set(nbrs) for nbrs in adjacency]
    alive = set(alive)
    order, width = [], 0
    while alive:

        def fill(v: int) -> int:
            return sum(
                1 for a, b in itertools.combinations(adjacency[v], 2) if b not in adjacency[a]
            )

        v = min(sorted(alive), key=lambda x: (fill(x), len(adjacency[x])))
        width = max(width, len(adjacency[v]))
        order.append(v)
        _eliminate(adjacency, v)
        alive.discard(v)
    return order, width


def elimination_order(edges: Iterable) -> tuple[tuple[int, ...], int]:
    r"""Find a vertex elimination order of smallest cost for evaluating an EFP.

    Summing the EFP over the particle index of one vertex at a time, the step that eliminates
    vertex v builds a tensor over v and its current neighbours, so it costs
    O(M^{1 + \#neighbours}). Eliminating v then connects its neighbours pairwise. The
    complexity chi of an order is the largest exponent over its steps, and this function
    returns an order of minimal chi, which equals the treewidth of the simple graph plus one.

    Parameters
    ----------
    edges : iterable of (int, int)
        Edges as in ``canonical_form``; multi-edges do not change the order or chi.

    Returns
    -------
    order : tuple of int
        Every vertex label that appears in ``edges``, in the order to sum over them. The
        degree-0 graph (empty ``edges``) returns ``((0,), 1)``.
    chi : int
        Cost exponent: evaluating the EFP with this order is O(M^chi) for M particles.

    Notes
    -----
    Exact: simplicial and almost simplicial vertices are removed first (safe treewidth
    reductions), then a dynamic programme over subsets of the remaining m vertices, O(2^m m^2),
    finds the optimum. When more than 16 vertices remain (never for d <= 10), a greedy
    min-fill order is used instead and chi is only an upper bound, with a logged warning.

    energyflow 1.4.0 reports its ``c`` from numpy's greedy einsum path. The two agree for
    every graph with d <= 7, and for 8 <= d <= 10 the greedy path is one or two powers of M
    worse for 82 of the 23691 primes (both tested). For a composite graph chi is the largest
    chi of its prime factors.

    References
    ----------
    P. T. Komiske, E. M. Metodiev, J. Thaler, "Energy flow polynomials: a complete linear
    basis for jet substructure", JHEP 04 (2018) 013, arXiv:1712.07124.
    """
    n, relabelled, labels = _relabel_contiguous(_as_edge_list(edges))
    order, chi = _elimination_order_contiguous(n, relabelled)
    return tuple(labels[v] for v in order), chi


# chi of prime factors read from the disk cache, keyed by canonical edges, so that loading a
# catalogue skips the elimination-order search.
_CHI_FROM_DISK: dict[Edges, int] = {}


@functools.cache
def _chi_of_simple(simple_edges: Edges) -> int:
    """Compute chi of a simple graph on vertices 0..n-1 given as sorted distinct edges.

    Cached on the labelled edge list, which is cheaper than canonicalising the simple graph
    and still hits often, because canonical multigraphs with the same simple graph tend to
    share its labelling.
    """
    n = 1 + max((j for _, j in simple_edges), default=0)
    return _elimination_order_contiguous(n, simple_edges)[1]


# ---------------------------------------------------------------------------------------------
# Graph record
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Graph:
    """Loopless multigraph of an EFP, in canonical form, with its selection descriptors.

    Attributes
    ----------
    edges : tuple of (int, int)
        Canonical edges (i < j, sorted, multi-edges repeated), vertices 0..n-1.
    n : int
        Number of vertices (1 for the degree-0 graph).
    d : int
        Degree: number of edges counted with multiplicity.
    e : int
        Number of distinct edges (edges of the underlying simple graph).
    v : int
        Largest valency (vertex degree counted with multiplicity).
    chi : int
        Variable-elimination complexity: the EFP costs O(M^chi) for M particles with the best
        elimination order. NOTE: energyflow 1.4.0 reports ``c`` from numpy's greedy einsum
        path, which is one or two higher than chi for 82 of its 23691 primes with
        8 <= d <= 10, so a ``'chi<=4'`` selection keeps those graphs where energyflow's
        ``'c<=4'`` drops them.
    p : int
        Number of prime factors (connected components).
    h : int
        Number of valency-1 vertices.
    factors : tuple of tuple of (int, int)
        Canonical prime factors, sorted; a prime graph is its own single factor.
    """

    edges: Edges
    n: int
    d: int
    e: int
    v: int
    chi: int
    p: int
    h: int
    factors: tuple[Edges, ...] = field(repr=False)

    @property
    def is_prime(self) -> bool:
        """Whether the graph is connected (one prime factor)."""
        return self.p == 1

    @property
    def token(self) -> str:
        """Stable text token of the graph, see ``token_of``."""
        return _token_from_canonical(self.edges)


def _graph_from_canonical_factors(factors: Sequence[Edges]) -> Graph:
    """Build the Graph record of the composite (or prime) made of canonical, sorted factors."""
    edges = _join_factors(factors)
    n = 1 + max((j for _, j in edges), default=0)

    valency = [0] * n
    for i, j in edges:
        valency[i] += 1
        valency[j] += 1

    chi = max(
        _CHI_FROM_DISK[f] if f in _CHI_FROM_DISK else _chi_of_simple(tuple(sorted(set(f))))
        for f in factors
    )
    return Graph(
        edges=edges,
        n=n,
        d=len(edges),
        e=len(set(edges)),
        v=max(valency),
        chi=chi,
        p=len(factors),
        h=sum(1 for value in valency if value == 1),
        factors=tuple(factors),
    )


def graph_from_edges(edges: Iterable) -> Graph:
    """Build the Graph record (canonical form and descriptors) of any loopless multigraph.

    Parameters
    ----------
    edges : iterable of (int, int)
        Edges as in ``canonical_form``.

    Returns
    -------
    Graph
        Record with canonical edges, n, d, e, v, chi, p, h and the prime factors.
    """
    n, relabelled, _ = _relabel_contiguous(_as_edge_list(edges))
    return _graph_from_canonical_factors(_canonical_factors(n, relabelled))


# ---------------------------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------------------------

_TOKEN_RE = re.compile(r"^d(0|[1-9][0-9]*)_([0-9a-z]{1,2}(?:-[0-9a-z]{2})*)$")


def _token_from_canonical(edges: Edges) -> str:
    if not edges:
        return "d0_0"
    n = 1 + max(j for _, j in edges)
    if n > len(_BASE36):
        raise ValueError(
            f"a token writes each vertex as one base-36 digit, so it supports at most 36 "
            f"vertices; this graph has {n}"
        )
    return f"d{len(edges)}_" + "-".join(_BASE36[i] + _BASE36[j] for i, j in edges)


def token_of(edges: Iterable) -> str:
    """Return the stable text token of a multigraph.

    The token is ``d<d>_<edges>``: the degree in decimal, an underscore, then the canonical
    edges joined by ``-``, each edge written as its two vertex labels in base 36
    (``0-9`` then ``a-z``). The degree-0 graph, a single vertex, is ``d0_0``. Examples: the
    single edge is ``d1_01``, the doubled edge ``d2_01-01``, the wedge ``d2_01-02`` and the
    triangle ``d3_01-02-12``. Tokens contain only ``[0-9a-z_-]``, so they are valid inside
    XGBoost feature names and file names, and isomorphic graphs get the same token.

    Parameters
    ----------
    edges : iterable of (int, int)
        Edges as in ``canonical_form`` (need not be canonical).

    Returns
    -------
    str
        Token; ``graph_from_token(token_of(edges)).edges == canonical_form(edges)``.

    Raises
    ------
    ValueError
        For graphs with more than 36 vertices, which base-36 digits cannot label.
    """
    return _token_from_canonical(canonical_form(edges))


def graph_from_token(token: str) -> Graph:
    """Parse a token written by ``token_of`` back into its Graph record.

    Parameters
    ----------
    token : str
        Token such as ``"d3_01-02-12"``.

    Returns
    -------
    Graph
        Record of the graph. The edges are canonicalised again, so a hand-written token with
        non-canonical labels still parses to the canonical graph.

    Raises
    ------
    ValueError
        When the token is malformed or its degree does not match its number of edges.
    """
    if not isinstance(token, str):
        raise TypeError(f"token must be a str such as 'd2_01-02', got {type(token).__name__}")
    match = _TOKEN_RE.match(token)
    if match is None:
        raise ValueError(
            f"invalid multigraph token {token!r}: expected 'd<degree>_<edges>' with edges as "
            "pairs of base-36 vertex digits joined by '-', e.g. 'd2_01-02' (or 'd0_0')"
        )
    d = int(match.group(1))
    body = match.group(2)
    if d == 0:
        if body != "0":
            raise ValueError(f"invalid multigraph token {token!r}: the degree-0 graph is 'd0_0'")
        return graph_from_edges(())

    pieces = body.split("-")
    if any(len(piece) != 2 for piece in pieces):
        raise ValueError(
            f"invalid multigraph token {token!r}: every edge must be two base-36 vertex digits"
        )
    if len(pieces) != d:
        raise ValueError(
            f"invalid multigraph token {token!r}: it declares degree {d} but lists "
            f"{len(pieces)} edges"
        )
    edges = [(_BASE36.index(piece[0]), _BASE36.index(piece[1])) for piece in pieces]
    try:
        return graph_from_edges(edges)
    except ValueError as exc:
        raise ValueError(f"invalid multigraph token {token!r}: {exc}") from exc


# ---------------------------------------------------------------------------------------------
# Enumeration
# ---------------------------------------------------------------------------------------------


def _extend_prime(edges: Edges) -> set[Edges]:
    """Return the canonical connected graphs with one more edge than the connected ``edges``.

    Every connected multigraph of degree d >= 1 arises this way from one of degree d - 1:
    remove a copy of a multi-edge or an edge on a cycle (it stays connected), or, for a
    simple tree, a leaf with its edge.
    """
    n = 1 + max((j for _, j in edges), default=0)
    results = set()

    # Any permutation of a twin class is an automorphism, so one representative per class (or
    # per pair of classes, or two vertices of one class) gives every distinct extension.
    rows = [dict(pairs) for pairs in _neighbour_lists(n, edges)]
    classes: list[list[int]] = []
    for v in range(n):
        for members in classes:
            if _are_twins(rows, members[0], v):
                members.append(v)
                break
        else:
            classes.append([v])

    # Add a pendant vertex n attached to an existing vertex, or an edge between two existing
    # vertices (a new edge or one more copy of an existing one).
    candidates = [edges + ((members[0], n),) for members in classes]
    candidates += [edges + ((a[0], b[0]),) for a, b in itertools.combinations(classes, 2)]
    candidates += [edges + ((members[0], members[1]),) for members in classes if len(members) > 1]
    for candidate in candidates:
        size = n + 1 if candidate[-1][1] == n else n
        canon, _ = _canonical_connected(size, sorted(candidate))
        results.add(canon)
    return results


@functools.cache
def _primes_of_degree(d: int) -> tuple[Edges, ...]:
    """Return the canonical primes of degree d, sorted by ``_prime_key``, from disk or scratch."""
    if d == 0:
        return ((),)
    cached = _read_disk_cache(d)
    if cached is not None:
        return tuple(cached)

    parents = _primes_of_degree(d - 1)
    start = time.perf_counter()
    found: set[Edges] = set()
    for parent in parents:
        found |= _extend_prime(parent)
    primes = tuple(sorted(found, key=_prime_key))
    logger.debug(
        "enumerated %d prime multigraphs of degree %d in %.2f s",
        len(primes),
        d,
        time.perf_counter() - start,
    )
    if d < len(_PRIME_COUNTS) and len(primes) != _PRIME_COUNTS[d]:
        raise RuntimeError(
            f"enumerated {len(primes)} prime multigraphs of degree {d}, expected "
            f"{_PRIME_COUNTS[d]}; this is a bug in jetfeat._multigraphs"
        )
    _write_disk_cache(d, primes)
    return primes


@functools.cache
def _prime_graph(edges: Edges) -> Graph:
    """Build the Graph record of a canonical prime, cached because composites reuse it."""
    return _graph_from_canonical_factors((edges,))


def _composite_graph(factors: Sequence[Graph]) -> Graph:
    """Build the Graph record of the disjoint union of primes sorted by ``_prime_key``."""
    return Graph(
        edges=_join_factors([f.edges for f in factors]),
        n=sum(f.n for f in factors),
        d=sum(f.d for f in factors),
        e=sum(f.e for f in factors),
        v=max(f.v for f in factors),
        chi=max(f.chi for f in factors),
        p=len(factors),
        h=sum(f.h for f in factors),
        factors=tuple(f.edges for f in factors),
    )


def _partitions(total: int, max_part: int) -> Iterable[tuple[int, ...]]:
    """Yield the integer partitions of ``total`` into parts <= ``max_part``, largest first."""
    if total == 0:
        yield ()
        return
    for part in range(min(total, max_part), 0, -1):
        for rest in _partitions(total - part, part):
            yield (part, *rest)


def _composites_of_degree(d: int) -> list[Graph]:
    """Build every composite of degree d, a multiset of two or more primes of degree >= 1."""
    composites = []
    for partition in _partitions(d, d - 1):
        if len(partition) < 2:
            continue

        # For each distinct part size with multiplicity r, choose a multiset of r primes.
        sizes = sorted(set(partition))
        choices = [
            list(
                itertools.combinations_with_replacement(
                    _primes_of_degree(size), partition.count(size)
                )
            )
            for size in sizes
        ]
        for picked in itertools.product(*choices):
            factors = sorted((edges for group in picked for edges in group), key=_prime_key)
            composites.append(_composite_graph([_prime_graph(edges) for edges in factors]))
    return composites


def _graph_sort_key(graph: Graph) -> tuple:
    return (graph.d, graph.p, graph.n, graph.edges)


@functools.cache
def _catalogue(d: int) -> tuple[Graph, ...]:
    """Build every multigraph of degree exactly d, primes first, sorted by (p, n, edges)."""
    graphs = [_prime_graph(edges) for edges in _primes_of_degree(d)]
    if d >= 2:
        graphs += _composites_of_degree(d)
    return tuple(sorted(graphs, key=_graph_sort_key))


def multigraphs(dmax: int, *, prime: bool | None = None) -> list[Graph]:
    """Enumerate the loopless multigraphs of degree <= ``dmax``, one per isomorphism class.

    Parameters
    ----------
    dmax : int
        Largest degree (number of edges), 0 <= dmax <= 10.
    prime : bool or None, default=None
        True keeps connected graphs only, False disconnected (composite) ones only, None both.

    Returns
    -------
    list of Graph
        Graphs sorted by degree d, then primes before composites (by number of factors p),
        then vertex count n, then canonical edges. The tests pin this order and the tokens,
        because tokens become EFP feature names.

    Notes
    -----
    Counts match energyflow 1.4.0: per degree d = 0..10 there are 1, 1, 3, 8, 23, 66, 212,
    686, 2389, 8682, 33160 graphs, of which 1, 1, 2, 5, 12, 33, 103, 333, 1183, 4442, 17576
    are prime, so d <= 7 gives 1000 graphs and 490 primes.

    Primes of degree d are grown from those of degree d - 1 by adding an edge or a pendant
    vertex, then deduplicated by canonical form. Composites are multisets of primes. Results are
    cached in memory, and the primes of degree >= 8 also in the user cache directory
    (``platformdirs.user_cache_dir("jetfeat")``; set ``JETFEAT_NO_DISK_CACHE=1`` to disable).
    Measured wall times of ``multigraphs(dmax)`` in a fresh process, Python 3.11, one thread,
    on a 2-core machine shared with other jobs (load average about 9, so these are upper
    estimates): from an empty cache about 0.4 s for dmax=7, 1.7 s for 8, 8 s for 9 and 44 s
    for 10. With the disk cache filled they drop to 0.4 s, 0.5 s, 0.9 s and 3 s.
    """
    if isinstance(dmax, bool) or not isinstance(dmax, int):
        raise TypeError(f"dmax must be an int between 0 and {DMAX_SUPPORTED}, got {dmax!r}")
    if not 0 <= dmax <= DMAX_SUPPORTED:
        raise ValueError(
            f"dmax={dmax} is outside the supported range 0..{DMAX_SUPPORTED} "
            f"(degree-11 catalogues are too large to enumerate on the fly)"
        )
    if not (prime is None or isinstance(prime, bool)):
        raise TypeError(f"prime must be True, False or None, got {prime!r}")

    graphs = [g for d in range(dmax + 1) for g in _catalogue(d)]
    if prime is not None:
        graphs = [g for g in graphs if g.is_prime == prime]
    return graphs


# ---------------------------------------------------------------------------------------------
# Disk cache
# ---------------------------------------------------------------------------------------------


def _cache_path(d: int) -> Path | None:
    if d < _DISK_CACHE_MIN_D or os.environ.get("JETFEAT_NO_DISK_CACHE"):
        return None
    try:
        import platformdirs
    except ImportError:
        return None
    base = Path(platformdirs.user_cache_dir("jetfeat"))
    return base / f"multigraphs_v{_CACHE_FORMAT_VERSION}_prime_d{d}.json"


def _read_disk_cache(d: int) -> list[Edges] | None:
    path = _cache_path(d)
    if path is None or not path.is_file():
        return None
    try:
        payload = json.loads(path.read_text())
        primes = [tuple((int(i), int(j)) for i, j in edges) for edges in payload["primes"]]
        chis = [int(chi) for chi in payload["chi"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        logger.warning("ignoring unreadable multigraph cache %s (%s)", path, exc)
        return None
    if payload.get("version") != _CACHE_FORMAT_VERSION or payload.get("d") != d:
        logger.warning("ignoring multigraph cache %s written by another format version", path)
        return None
    if d < len(_PRIME_COUNTS) and len(primes) != _PRIME_COUNTS[d]:
        logger.warning(
            "ignoring multigraph cache %s: it lists %d primes of degree %d, expected %d",
            path,
            len(primes),
            d,
            _PRIME_COUNTS[d],
        )
        return None
    if len(chis) != len(primes):
        logger.warning("ignoring multigraph cache %s: chi and prime lists differ in length", path)
        return None
    _CHI_FROM_DISK.update(zip(primes, chis, strict=True))
    logger.debug("read %d prime multigraphs of degree %d from %s", len(primes), d, path)
    return primes


def _write_disk_cache(d: int, primes: Sequence[Edges]) -> None:
    path = _cache_path(d)
    if path is None:
        return
    payload = {
        "version": _CACHE_FORMAT_VERSION,
        "d": d,
        "primes": [list(edges) for edges in primes],
        "chi": [_prime_graph(edges).chi for edges in primes],
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write to a temporary file and rename, so a concurrent reader never sees half a file.
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(payload, separators=(",", ":")))
        os.replace(tmp, path)
    except OSError as exc:
        logger.warning("could not write multigraph cache %s (%s); continuing without it", path, exc)


# ---------------------------------------------------------------------------------------------
# Selection
# ---------------------------------------------------------------------------------------------

_SPEC_FIELDS = {
    "n": "n",
    "d": "d",
    "e": "e",
    "v": "v",
    "chi": "chi",
    "c": "chi",
    "p": "p",
    "h": "h",
}
_SPEC_OPS = {
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
}
_SPEC_RE = re.compile(r"^\s*([a-z]+)\s*(<=|>=|==|!=|<|>)\s*(-?\d+)\s*$")


def _parse_spec(spec: str) -> tuple[str, str, int]:
    if not isinstance(spec, str):
        raise TypeError(f"a graph selection spec must be a str such as 'd<=7', got {spec!r}")
    match = _SPEC_RE.match(spec)
    if match is None:
        raise ValueError(
            f"invalid graph selection spec {spec!r}: expected '<field><op><integer>' such as "
            f"'d<=7' or 'p==1', with field in {sorted(_SPEC_FIELDS)} and op in "
            f"{sorted(_SPEC_OPS)}"
        )
    name, op, value = match.groups()
    if name not in _SPEC_FIELDS:
        raise ValueError(
            f"invalid graph selection spec {spec!r}: unknown field {name!r}, expected one of "
            f"{sorted(_SPEC_FIELDS)}"
        )
    return _SPEC_FIELDS[name], op, int(value)


def _split_specs(specs: Sequence) -> list[str]:
    """Flatten specs given as strings, lists of strings, or strings joined by '&' or 'and'.

    A pair ``('d<=', 7)`` of a condition prefix and an integer, as energyflow accepts, is
    joined into ``'d<=7'``.
    """
    flat = []
    for spec in specs:
        is_pair = (
            isinstance(spec, tuple)
            and len(spec) == 2
            and isinstance(spec[0], str)
            and isinstance(spec[1], int)
            and not isinstance(spec[1], bool)
        )
        if is_pair:
            flat.append(f"{spec[0]}{spec[1]}")
        elif isinstance(spec, (list, tuple)):
            flat.extend(_split_specs(spec))
        elif isinstance(spec, str):
            flat.extend(part for part in re.split(r"&|\band\b", spec) if part.strip())
        else:
            raise TypeError(f"a graph selection spec must be a str such as 'd<=7', got {spec!r}")
    return flat


def select_graphs(
    *specs: str,
    dmax: int | None = None,
    chimax: int | None = None,
    prime: bool | None = None,
) -> list[Graph]:
    """Select multigraphs by descriptor conditions, all of which must hold (logical AND).

    Parameters
    ----------
    *specs : str
        Conditions ``'<field><op><integer>'`` with field one of n, d, e, v, chi (or its
        energyflow name c), p, h and op one of <=, >=, ==, !=, <, >, e.g. ``'d<=7'``,
        ``'p==1'``, ``'chi<=3'``. Several conditions may also be joined in one string by
        ``&`` or ``and`` (``'d<=5 & p==1'``), and energyflow's pair form ``('d<=', 7)`` is
        accepted too.
    dmax : int or None, default=None
        Largest degree; same as ``'d<=dmax'``.
    chimax : int or None, default=None
        Largest variable-elimination complexity; same as ``'chi<=chimax'``.
    prime : bool or None, default=None
        True keeps connected graphs (``'p==1'``), False composites (``'p>=2'``).

    Returns
    -------
    list of Graph
        Matching graphs in the order of ``multigraphs``.

    Raises
    ------
    ValueError
        For malformed specs or when the conditions do not bound the degree by 10 or less.
    """
    conditions = [_parse_spec(spec) for spec in _split_specs(specs)]
    if dmax is not None:
        if isinstance(dmax, bool) or not isinstance(dmax, int):
            raise TypeError(f"dmax must be an int, got {dmax!r}")
        conditions.append(("d", "<=", dmax))
    if chimax is not None:
        if isinstance(chimax, bool) or not isinstance(chimax, int):
            raise TypeError(f"chimax must be an int, got {chimax!r}")
        conditions.append(("chi", "<=", chimax))
    if prime is not None:
        if not isinstance(prime, bool):
            raise TypeError(f"prime must be True, False or None, got {prime!r}")
        conditions.append(("p", "==", 1) if prime else ("p", ">=", 2))

    # The degree bound decides how much to enumerate, so it must come from the conditions.
    bound = math.inf
    for name, op, value in conditions:
        if name == "d" and op in ("<=", "<", "=="):
            bound = min(bound, value - 1 if op == "<" else value)
    if bound == math.inf:
        raise ValueError(
            f"graph selection {list(specs)!r} does not bound the degree: add a condition such "
            "as 'd<=7' or pass dmax=7"
        )
    if bound > DMAX_SUPPORTED:
        raise ValueError(
            f"graph selection bounds the degree at {bound}, above the supported maximum "
            f"{DMAX_SUPPORTED}: use 'd<={DMAX_SUPPORTED}' or less"
        )
    if bound < 0:
        return []

    return [
        graph
        for graph in multigraphs(int(bound))
        if all(_SPEC_OPS[op](getattr(graph, name), value) for name, op, value in conditions)
    ]


# ---------------------------------------------------------------------------------------------
# Drawing
# ---------------------------------------------------------------------------------------------


def _layout(n: int, edges: Sequence[Edge]) -> list[tuple[float, float]]:
    """Place each component's vertices on a circle, components side by side."""
    positions = [(0.0, 0.0)] * n
    x_offset = 0.0
    for vertices in _components(n, edges):
        size = len(vertices)
        if size == 1:
            radius = 0.0
        elif size == 2:
            radius = 0.5
        else:
            radius = 0.6
        for k, v in enumerate(vertices):
            angle = math.pi / 2 + 2 * math.pi * k / size
            positions[v] = (x_offset + radius * math.cos(angle), radius * math.sin(angle))
        x_offset += 2 * radius + 0.8
    return positions


def draw_multigraph(edges: Iterable | Graph | str, ax=None, title: str | None = None):
    """Draw a multigraph with matplotlib, multi-edges as separate arcs.

    Vertices sit on a circle per connected component. An edge of multiplicity k is drawn as k
    arcs of different curvature between its vertices, so the multiplicity can be counted, and
    a label next to the bundle states k when k > 1.

    Parameters
    ----------
    edges : iterable of (int, int), Graph or str
        Edges as in ``canonical_form``, a Graph record, or a token such as ``"d3_01-02-12"``.
        The graph is drawn in canonical labelling.
    ax : matplotlib.axes.Axes or None, default=None
        Axes to draw into; None creates a new figure with one 2 x 2 inch axes.
    title : str or None, default=None
        Axes title; None uses the graph token.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn into.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch

    if isinstance(edges, Graph):
        graph = edges
    elif isinstance(edges, str):
        graph = graph_from_token(edges)
    else:
        graph = graph_from_edges(edges)
    if ax is None:
        _, ax = plt.subplots(figsize=(2.0, 2.0))
    positions = _layout(graph.n, graph.edges)

    counts: dict[Edge, int] = {}
    for edge in graph.edges:
        counts[edge] = counts.get(edge, 0) + 1

    for (i, j), mult in counts.items():
        # Spread the k copies symmetrically around the straight line, in curvature steps of
        # 0.35 (arc3 rad 0 is straight, the sign picks the side).
        for k in range(mult):
            rad = (k - (mult - 1) / 2) * 0.35
            arc = FancyArrowPatch(
                positions[i],
                positions[j],
                arrowstyle="-",
                connectionstyle=f"arc3,rad={rad}",
                color="0.25",
                linewidth=1.4,
                shrinkA=0,
                shrinkB=0,
                zorder=1,
            )
            ax.add_patch(arc)
        if mult > 1:
            (xi, yi), (xj, yj) = positions[i], positions[j]
            ax.annotate(
                str(mult),
                ((xi + xj) / 2, (yi + yj) / 2),
                fontsize=7,
                color="tab:red",
                ha="center",
                va="center",
                zorder=3,
                bbox={"boxstyle": "circle,pad=0.15", "fc": "white", "ec": "none"},
            )

    xs = [p[0] for p in positions]
    ys = [p[1] for p in positions]
    ax.scatter(xs, ys, s=60, color="tab:blue", zorder=2)
    ax.set_xlim(min(xs) - 0.5, max(xs) + 0.5)
    ax.set_ylim(min(ys) - 0.5, max(ys) + 0.5)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(graph.token if title is None else title, fontsize=8)
    return ax
