"""Compile a set of EFP multigraphs into one evaluation plan for the C++ interpreter.

An EFP of a connected multigraph G is evaluated by variable elimination: the sum over the
particle index of one vertex j is carried out at a time,

- j with no remaining neighbour:  s = sum_j w_j                                (cost M)
- j with one neighbour k:         v_k = sum_j E_kj w_j                          (cost M^2)
- j with two neighbours k, l:     F_kl = sum_j A_kj B_lj w_j                    (cost M^3, a GEMM)
- a K4 core (four vertices, all joined): one fused O(M^4) kernel

where w_j is the product of the vectors already attached to vertex j (z_j and the results of
earlier eliminations) and E, A, B are element-wise products of the matrices on the edges
(theta^p and earlier GEMM results). Eliminating a vertex of minimum degree first is exact for
graphs of treewidth <= 2 (series-parallel graphs), so every graph with chi <= 3 gets an
O(M^chi) order; the chi = 4 graphs up to d = 7 all reduce to a K4 core this way.

Every intermediate carries a canonical key built from the keys of its inputs, so identical
partial contractions in different graphs (for example every leaf vector sum_j theta_ij^p z_j)
are computed once per jet. Composite graphs are the product of their connected components.

The plan is a flat int32 opcode table executed per jet and per (kappa, beta) by
``jetfeat._core.efp_compute``. Vector slot 0 is z and matrix slots 0..P-1 are theta^1 ..
theta^P. Every other slot is an intermediate, and slots are reused once their value is dead.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass, field

import numpy as np

logger = logging.getLogger(__name__)

# Opcodes shared with cpp/efp/efp_engine.hpp; each row of the op table is
# (opcode, out, arg0, ..., arg14), unused arguments are -1.
OP_VMUL = 0  # vec[out] = vec[a] * vec[b]
OP_MMUL = 1  # mat[out] = mat[a] * mat[b]
OP_MTRANS = 2  # mat[out] = mat[a]^T
OP_MATVEC = 3  # vec[out]_k = sum_j mat[a]_kj vec[b]_j
OP_GEMM = 4  # mat[out]_kl = sum_j mat[a]_kj mat[b]_lj vec[c]_j; flags: a == b, b symmetric
OP_VSUM = 5  # scal[out] = sum_j vec[a]_j
OP_K4 = 6  # scal[out] = K4 sum, see cpp/efp/efp_kernels.hpp for the argument order
OP_WIDTH = 17

# Arithmetic cost of each op in multiply-adds for M particles (used for the FLOP report).
_COST = {
    OP_VMUL: lambda m: m,
    OP_MMUL: lambda m: m * m,
    OP_MTRANS: lambda m: 0,
    OP_MATVEC: lambda m: m * m,
    OP_VSUM: lambda m: m,
}


@dataclass
class _Value:
    """An intermediate of the plan: a vector, matrix or scalar slot and its provenance."""

    kind: str  # "vec", "mat" or "scal"
    key: tuple
    op: tuple | None  # (opcode, input values..., flag) or None for z and theta^p
    symmetric: bool = False
    slot: int = -1


@dataclass
class EFPPlan:
    """A compiled evaluation plan.

    Attributes
    ----------
    ops : ndarray of shape (n_ops, 17)
        int32 op table (opcode, out slot, arguments).
    n_vec, n_mat, n_scal : int
        Number of vector, matrix and scalar slots the interpreter allocates per thread.
    max_power : int
        Largest edge multiplicity, so theta^1 .. theta^max_power are precomputed.
    out_offsets, out_slots : ndarray
        int64 CSR layout: feature ``f`` is the product of the scalar slots
        ``out_slots[out_offsets[f]:out_offsets[f + 1]]`` (its connected components).
    chis : ndarray of shape (n_features,)
        Cost exponent chi of each graph, O(M^chi) (maximum over its connected components).
    op_counts : dict
        Number of ops of each kind, after sharing.
    """

    ops: np.ndarray
    n_vec: int
    n_mat: int
    n_scal: int
    max_power: int
    out_offsets: np.ndarray
    out_slots: np.ndarray
    chis: np.ndarray
    op_counts: dict = field(default_factory=dict)

    def multiply_adds(self, n_particles: int) -> float:
        """Return the multiply-add count for one jet of ``n_particles`` and one (kappa, beta).

        Includes theta^p for p >= 2 (one product per matrix entry each) but not the theta^1 and z
        setup, which cost M^2 / 2 square roots or powers and M powers.
        """
        m = float(n_particles)
        total = (self.max_power - 1) * m * m
        for row in self.ops:
            opcode = int(row[0])
            if opcode == OP_GEMM:
                total += m**3 / (2.0 if row[5] == 1 else 1.0) + m * m
            elif opcode == OP_K4:
                share = 1.0
                if row[13] == 1:
                    share *= 0.5
                if row[15] == 1:
                    share *= 0.5
                total += m * (share * m**3 + 4 * m * m)
            else:
                total += _COST[opcode](m)
        return total


class _Compiler:
    """Build the shared op list for many graphs, one elimination at a time."""

    def __init__(self):
        self.values: dict[tuple, _Value] = {}
        self.order: list[_Value] = []
        self.max_power = 1
        self.z = self._leaf("vec", ("z",))

    # -- value constructors with common-subexpression elimination --

    def _leaf(self, kind: str, key: tuple, symmetric: bool = False) -> _Value:
        value = self.values.get(key)
        if value is None:
            value = _Value(kind, key, None, symmetric)
            self.values[key] = value
        return value

    def _make(self, kind: str, key: tuple, op: tuple, symmetric: bool = False) -> _Value:
        value = self.values.get(key)
        if value is None:
            value = _Value(kind, key, op, symmetric)
            self.values[key] = value
            self.order.append(value)
        return value

    def theta(self, power: int) -> _Value:
        self.max_power = max(self.max_power, power)
        return self._leaf("mat", ("theta", power), symmetric=True)

    def transpose(self, mat: _Value) -> _Value:
        if mat.symmetric:
            return mat
        if mat.key[0] == "T":
            return self.values[mat.key[1]]
        return self._make("mat", ("T", mat.key), (OP_MTRANS, mat))

    def vec_product(self, vecs: list[_Value]) -> _Value:
        vecs = sorted(vecs, key=lambda v: repr(v.key))
        result = vecs[0]
        for i in range(1, len(vecs)):
            keys = tuple(v.key for v in vecs[: i + 1])
            result = self._make("vec", ("vmul", keys), (OP_VMUL, result, vecs[i]))
        return result

    def mat_product(self, mats: list[_Value]) -> _Value:
        mats = sorted(mats, key=lambda v: repr(v.key))
        result = mats[0]
        for i in range(1, len(mats)):
            keys = tuple(v.key for v in mats[: i + 1])
            symmetric = all(v.symmetric for v in mats[: i + 1])
            result = self._make("mat", ("mmul", keys), (OP_MMUL, result, mats[i]), symmetric)
        return result

    def matvec(self, mat: _Value, vec: _Value) -> _Value:
        return self._make("vec", ("mv", mat.key, vec.key), (OP_MATVEC, mat, vec))

    def gemm(self, a: _Value, b: _Value, w: _Value) -> tuple[_Value, bool]:
        """Return F_kl = sum_j a_kj b_lj w_j and whether the stored value is F transposed."""
        swapped = repr(a.key) > repr(b.key)
        if swapped:
            a, b = b, a
        symmetric = a.key == b.key
        op = (OP_GEMM, a, b, w, int(symmetric), int(b.symmetric))
        value = self._make("mat", ("gemm", a.key, b.key, w.key), op, symmetric)
        return value, swapped and not symmetric

    def vsum(self, vec: _Value) -> _Value:
        return self._make("scal", ("sum", vec.key), (OP_VSUM, vec))

    def k4(self, weights: list[_Value], mats: dict, symmetric: bool, bd_symmetric: bool) -> _Value:
        # Argument order: w_a, w_b, w_c, w_d, X_ba, X_bc, X_bd, X_ac, X_ca, X_ad, X_cd, then the
        # flags "X_ad == X_cd", "X_cd symmetric" and "swapping b and d changes nothing".
        mats["ca"] = self.transpose(mats["ac"])
        args = tuple(weights) + tuple(
            mats[name] for name in ("ba", "bc", "bd", "ac", "ca", "ad", "cd")
        )
        key = ("k4", tuple(v.key for v in args))
        flags = (int(symmetric), int(mats["cd"].symmetric), int(bd_symmetric))
        return self._make("scal", key, (OP_K4, *args, *flags))

    # -- one connected graph --

    def compile_connected(
        self, n_vertices: int, edges: list[tuple[int, int]]
    ) -> tuple[_Value, int]:
        """Return the scalar value of the connected multigraph ``edges`` and its chi.

        chi is the exponent of the cost O(M^chi): one plus the largest number of neighbours of
        an eliminated vertex, and 4 for a K4 core.
        """
        vectors: dict[int, list[_Value]] = {v: [self.z] for v in range(n_vertices)}

        # Edge factors keyed by (low, high) vertex; each entry is (matrix, row vertex).
        multiplicity: dict[tuple[int, int], int] = {}
        for i, j in edges:
            pair = (min(i, j), max(i, j))
            multiplicity[pair] = multiplicity.get(pair, 0) + 1
        factors: dict[tuple[int, int], list[tuple[_Value, int]]] = {
            pair: [(self.theta(power), pair[0])] for pair, power in multiplicity.items()
        }

        alive = set(range(n_vertices))
        chi = 1
        while True:
            neighbours = {
                v: sorted({u for pair in factors if v in pair for u in pair if u != v})
                for v in alive
            }
            # Minimum degree first, then a GEMM that is already in the plan, then the vertex with
            # the fewest factors, so plain products such as theta D(z) theta recur across graphs.
            priorities = {u: self._priority(u, neighbours[u], vectors, factors) for u in alive}
            v = min(priorities, key=priorities.get)
            nbrs = neighbours[v]
            if len(nbrs) >= 3:
                return self._compile_k4(alive, vectors, factors), 4
            chi = max(chi, len(nbrs) + 1)

            weight = self.vec_product(vectors.pop(v))
            alive.discard(v)
            if not nbrs:
                return self.vsum(weight), chi
            if len(nbrs) == 1:
                (k,) = nbrs
                edge = self._oriented(factors.pop((min(k, v), max(k, v))), row=k)
                vectors[k].append(self.matvec(edge, weight))
                continue

            k, other = nbrs
            a = self._oriented(factors.pop((min(k, v), max(k, v))), row=k)
            b = self._oriented(factors.pop((min(other, v), max(other, v))), row=other)
            result, transposed = self.gemm(a, b, weight)
            factors.setdefault((k, other), []).append((result, other if transposed else k))

    def _priority(self, vertex, nbrs, vectors, factors) -> tuple:
        """Return the elimination priority of ``vertex`` (smallest first).

        Minimum degree comes first. A degree-2 vertex whose GEMM another graph already needs is
        preferred next, because that GEMM is then shared instead of computed again.
        """
        degree = len(nbrs)
        shared = degree == 2 and self._gemm_key(vertex, nbrs, vectors, factors) in self.values
        return (degree, not shared, self._clutter(vertex, vectors, factors), vertex)

    @staticmethod
    def _clutter(vertex, vectors, factors) -> int:
        count = len(vectors[vertex])
        for pair, entries in factors.items():
            if vertex in pair:
                count += len(entries) + sum(1 for mat, _ in entries if mat.key[0] != "theta")
        return count

    def _oriented(self, entries: list[tuple[_Value, int]], row: int) -> _Value:
        """Return the element-wise product of an edge's factors with rows indexed by ``row``."""
        mats = [mat if r == row else self.transpose(mat) for mat, r in entries]
        return self.mat_product(mats)

    def _compile_k4(self, alive, vectors, factors) -> _Value:
        # NOTE: a core of three or more neighbours per vertex that is not K4 (the wheel W4 at
        # d = 8, larger cores at higher d) would need rank-3 intermediates, which the
        # interpreter lacks. All d <= 7 graphs and all other prime d = 8 graphs compile.
        if len(alive) != 4 or len(factors) != 6:
            raise ValueError(
                f"graph with {len(alive)} vertices left after eliminating all vertices with at "
                "most two neighbours is not supported: jetfeat evaluates graphs whose remaining "
                "core is empty or a K4 (every graph with d <= 7). Use a smaller degree."
            )
        vertices = sorted(alive)
        weights = {v: self.vec_product(vectors[v]) for v in vertices}

        # Try every labelling (a, b, c, d). X_ad == X_cd makes the inner GEMM symmetric and a
        # summand invariant under b <-> d lets the kernel sum d >= b only; each halves the work.
        def peek(x, y):
            return self._peek_oriented(factors[(min(x, y), max(x, y))], x)

        best = None
        for a, b, c in itertools.permutations(vertices, 3):
            (d,) = set(vertices) - {a, b, c}
            symmetric = peek(a, d) == peek(c, d)
            bd_symmetric = (
                weights[b].key == weights[d].key
                and peek(a, b) == peek(a, d)
                and peek(c, b) == peek(c, d)
                and peek(b, d) == peek(d, b)
            )
            score = int(symmetric) + int(bd_symmetric)
            if best is None or score > best[0]:
                best = (score, (a, b, c, d), symmetric, bd_symmetric)
        _, (a, b, c, d), symmetric, bd_symmetric = best
        mats = {
            name: self._oriented(factors[(min(x, y), max(x, y))], x)
            for name, x, y in (
                ("ba", b, a),
                ("bc", b, c),
                ("bd", b, d),
                ("ac", a, c),
                ("ad", a, d),
                ("cd", c, d),
            )
        }
        weight_list = [weights[a], weights[b], weights[c], weights[d]]
        return self.k4(weight_list, mats, symmetric, bd_symmetric)

    def _gemm_key(self, v, nbrs, vectors, factors) -> tuple:
        """Return the key of the GEMM that eliminating ``v`` would create, without creating it."""
        weight_keys = sorted((vec.key for vec in vectors[v]), key=repr)
        weight = weight_keys[0] if len(weight_keys) == 1 else ("vmul", tuple(weight_keys))
        edges = []
        for k in nbrs:
            keys = self._peek_oriented(factors[(min(k, v), max(k, v))], k)
            edges.append(keys[0] if len(keys) == 1 else ("mmul", keys))
        a, b = sorted(edges, key=repr)
        return ("gemm", a, b, weight)

    def _peek_oriented(self, entries, row) -> tuple:
        """Return the key the oriented product would get, without creating any op."""
        keys = []
        for mat, r in entries:
            if r == row or mat.symmetric:
                keys.append(mat.key)
            elif mat.key[0] == "T":
                keys.append(mat.key[1])
            else:
                keys.append(("T", mat.key))
        return tuple(sorted(keys, key=repr))

    # -- slot allocation --

    def finish(self, outputs: list[list[_Value]], chis: list[int]) -> EFPPlan:
        """Assign slots with reuse of dead intermediates and emit the op table."""
        last_use: dict[int, int] = {}
        for index, value in enumerate(self.order):
            for arg in value.op[1:]:
                if isinstance(arg, _Value):
                    last_use[id(arg)] = index

        # Base slots: vector 0 is z, matrices 0..P-1 are theta^1..theta^P; they stay live.
        self.z.slot = 0
        for power in range(1, self.max_power + 1):
            key = ("theta", power)
            if key in self.values:
                self.values[key].slot = power - 1
        free: dict[str, list[int]] = {"vec": [], "mat": []}
        count = {"vec": 1, "mat": self.max_power, "scal": 0}

        rows = []
        op_counts: dict[str, int] = {}
        for index, value in enumerate(self.order):
            opcode = value.op[0]
            args = [arg.slot if isinstance(arg, _Value) else arg for arg in value.op[1:]]

            # The output slot is taken before this op's dead inputs are released, so no kernel
            # ever writes into a slot it is reading.
            if value.kind == "scal":
                value.slot = count["scal"]
                count["scal"] += 1
            else:
                pool = free[value.kind]
                value.slot = pool.pop() if pool else count[value.kind]
                if value.slot == count[value.kind]:
                    count[value.kind] += 1
            for arg in value.op[1:]:
                if (
                    isinstance(arg, _Value)
                    and arg.op is not None
                    and arg.kind != "scal"
                    and last_use.get(id(arg)) == index
                ):
                    free[arg.kind].append(arg.slot)

            row = [opcode, value.slot, *args]
            rows.append(row + [-1] * (OP_WIDTH - len(row)))
            name = {
                0: "vmul",
                1: "mmul",
                2: "transpose",
                3: "matvec",
                4: "gemm",
                5: "sum",
                6: "k4",
            }[opcode]
            op_counts[name] = op_counts.get(name, 0) + 1

        out_offsets = np.zeros(len(outputs) + 1, dtype=np.int64)
        out_slots = []
        for f, components in enumerate(outputs):
            out_slots.extend(component.slot for component in components)
            out_offsets[f + 1] = len(out_slots)

        ops = np.array(rows, dtype=np.int32).reshape(-1, OP_WIDTH)
        logger.debug(
            "EFP plan: %d ops %s, %d vec / %d mat slots",
            len(rows),
            op_counts,
            count["vec"],
            count["mat"],
        )
        return EFPPlan(
            ops=ops,
            n_vec=count["vec"],
            n_mat=count["mat"],
            n_scal=max(count["scal"], 1),
            max_power=self.max_power,
            out_offsets=out_offsets,
            out_slots=np.array(out_slots, dtype=np.int64),
            chis=np.array(chis, dtype=np.int64),
            op_counts=op_counts,
        )


def connected_components(edges: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Split an edge list into connected components, each relabelled to vertices 0..n-1.

    A graph without edges (the d = 0 EFP, one vertex) is returned as one component ``[]``.
    """
    if not edges:
        return [[]]
    parent: dict[int, int] = {}

    def find(v: int) -> int:
        while parent.setdefault(v, v) != v:
            v = parent[v]
        return v

    for i, j in edges:
        parent[find(i)] = find(j)
    groups: dict[int, list[tuple[int, int]]] = {}
    for i, j in edges:
        groups.setdefault(find(i), []).append((i, j))
    components = []
    for group in groups.values():
        labels = {v: n for n, v in enumerate(sorted({v for edge in group for v in edge}))}
        components.append([(labels[i], labels[j]) for i, j in group])
    return components


def compile_plan(graphs: list[list[tuple[int, int]]]) -> EFPPlan:
    """Compile multigraphs (edge lists) into one shared :class:`EFPPlan`.

    Parameters
    ----------
    graphs : list of list of (int, int)
        Edge lists; a repeated pair is a multi-edge. ``[]`` is the d = 0 graph.

    Returns
    -------
    EFPPlan
        Feature ``f`` of the plan is the EFP of ``graphs[f]``.
    """
    compiler = _Compiler()
    outputs = []
    chis = []
    for edges in graphs:
        components = []
        chi = 1
        for component in connected_components([tuple(edge) for edge in edges]):
            for i, j in component:
                if i == j:
                    raise ValueError(
                        f"graph {edges} has a self-loop ({i}, {j}); EFP multigraphs "
                        "are loopless because theta_ii = 0."
                    )
            n_vertices = 1 + max((v for edge in component for v in edge), default=0)
            value, component_chi = compiler.compile_connected(n_vertices, component)
            components.append(value)
            chi = max(chi, component_chi)
        outputs.append(components)
        chis.append(chi)
    return compiler.finish(outputs, chis)
