r"""Energy flow polynomials (EFPs): a linear basis of IRC-safe jet observables.

For a multigraph G with vertices 1..N and edge multiset E, the EFP of a jet with M particles is

.. math::

    \mathrm{EFP}_G = \sum_{i_1=1}^{M} \cdots \sum_{i_N=1}^{M} z_{i_1} \cdots z_{i_N}
                     \prod_{(k,l) \in E} \theta_{i_k i_l}.

Measures (energyflow 1.4.0 conventions):

- ``measure="hadr"`` (hadronic): ``z_i = pT_i^kappa / (sum_j pT_j)^kappa`` with ``normed=True``
  (default) or ``z_i = pT_i^kappa`` with ``normed=False``; ``theta_ij = (dy_ij^2 +
  dphi_ij^2)^(beta/2)`` with rapidity y and dphi wrapped into [-pi, pi].
- ``measure="ee"``: ``z_i = E_i^kappa / (sum_j E_j)^kappa`` (normed) or ``E_i^kappa``, and
  ``theta_ij = |2 p_i.p_j / (E_i E_j)|^(beta/2)`` with the Minkowski product p_i.p_j. As in
  energyflow, the i = j terms are kept, so a massive particle has ``theta_ii = (2 m_i^2 /
  E_i^2)^(beta/2)`` rather than 0.

The normalisation divides by the kappa-th power of the summed pT (or E), not by the sum of
``pT^kappa``; that is what energyflow 1.4.0 computes for ``normed=True`` with any kappa (its
behaviour since version 1.1.0), and the test suite checks it for kappa in {-1, 0, 0.5, 1, 2}.

A graph with several connected components is the product of the EFPs of its components
(its prime factors). All requested graphs are compiled into one shared evaluation plan
(:mod:`jetfeat._efp_plan`) run by a C++ interpreter with OpenMP over jets.
"""

from __future__ import annotations

import logging
import math
import numbers
from collections.abc import Sequence

import numpy as np

from . import _core, _multigraphs
from ._efp_plan import EFPPlan, compile_plan
from .jets import JetBatch, as_jet_batch
from .table import FeatureTable

logger = logging.getLogger(__name__)

__all__ = ["EFPSet", "EFP", "discoffs_pool", "graph_of", "graphs", "MEASURES"]

MEASURES = ("hadr", "ee")

# Parameter grid of the standard DisCo-FFS EFP pool (prime graphs with d <= 7).
DISCOFFS_KAPPAS = (-1.0, 0.0, 0.5, 1.0, 2.0)
DISCOFFS_BETAS = (0.5, 1.0, 2.0)


# -- graph catalogue (jetfeat._multigraphs: canonical forms, tokens, selection) --


def _token_of(edges: list[tuple[int, int]]) -> str:
    """Return the canonical graph token ``d{d}_...`` used in feature names."""
    return _multigraphs.token_of(edges)


def _graph_from_token(token: str) -> list[tuple[int, int]]:
    return [tuple(edge) for edge in _multigraphs.graph_from_token(token).edges]


def _select_graphs(specs, dmax, chimax, prime) -> list[list[tuple[int, int]]]:
    """Return the catalogue graphs matching spec strings and the dmax/chimax/prime filters."""
    graphs = _multigraphs.select_graphs(*specs, dmax=dmax, chimax=chimax, prime=prime)
    return [[tuple(edge) for edge in graph.edges] for graph in graphs]


# -- argument checks --


def _format_number(value: float) -> str:
    """Format kappa or beta for a feature name: 1, 0.5, -1, 2.5 (no brackets or '<')."""
    return f"{value:g}"


def _parameter_grid(name, single, grid, allow) -> tuple[float, ...]:
    values = (single,) if grid is None else tuple(grid)
    if not values:
        raise ValueError(f"{name}s is empty; pass at least one value or use {name}=.")
    checked = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"{name}={value!r} must be a real number.")
        value = float(value)
        if not math.isfinite(value) or not allow(value):
            hint = "a finite number > 0" if name == "beta" else "a finite number"
            raise ValueError(f"{name}={value} is invalid; {name} must be {hint}.")
        checked.append(value)
    if len(set(checked)) != len(checked):
        raise ValueError(f"{name}s={values} repeats a value; each value gives its own columns.")
    return tuple(checked)


def _n_threads(n_jobs) -> int:
    """Map scikit-learn's n_jobs (None = 1, -1 = all cores) to the C++ thread count (0 = all)."""
    if n_jobs is None:
        return 1
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral) or n_jobs == 0:
        raise ValueError(
            f"n_jobs={n_jobs!r} is invalid; use None (1 thread), -1 (all cores) or "
            "a positive number of threads."
        )
    if n_jobs < 0:
        return 0 if n_jobs == -1 else max(1, _core.build_info()["max_threads"] + 1 + int(n_jobs))
    return int(n_jobs)


def _normalise_edges(graph) -> list[tuple[int, int]]:
    edges = []
    for edge in graph:
        try:
            i, j = (int(v) for v in edge)
        except (TypeError, ValueError):
            raise ValueError(
                f"graph {graph!r} has edge {edge!r}; edges are pairs of vertex "
                "indices such as (0, 1)."
            ) from None
        if i < 0 or j < 0 or i == j:
            raise ValueError(
                f"graph {graph!r} has invalid edge ({i}, {j}); vertices are "
                "non-negative and edges join two different vertices."
            )
        edges.append((i, j))
    return edges


def _is_edge_list(spec) -> bool:
    return isinstance(spec, (list, tuple)) and all(
        isinstance(edge, (list, tuple)) and len(edge) == 2 for edge in spec
    )


class EFPSet:
    r"""A set of energy flow polynomials evaluated together on a (kappa, beta) grid.

    .. math::

        \mathrm{EFP}_G = \sum_{i_1 \ldots i_N} z_{i_1} \cdots z_{i_N}
                         \prod_{(k,l) \in G} \theta_{i_k i_l}

    with ``z_i = pT_i^kappa / (sum_j pT_j)^kappa`` and ``theta_ij = (dy^2 + dphi^2)^(beta/2)``
    for the hadronic measure (see :mod:`jetfeat.efp` for the e+e- measure).

    Parameters
    ----------
    *specs : str or list of (int, int)
        Graphs to compute. A spec string such as ``"d<=5"`` or ``"p==1"`` selects from the
        multigraph catalogue; an edge list such as ``[(0, 1), (0, 1), (1, 2)]`` adds that graph
        (a repeated pair is a multi-edge, ``[]`` is the d = 0 graph). No specs with ``dmax``
        set selects every catalogue graph with degree d <= dmax.
    dmax : int, default=None
        Keep catalogue graphs with at most ``dmax`` edges.
    chimax : int, default=None
        Keep catalogue graphs whose evaluation cost is at most O(M^chimax).
    prime : bool, default=None
        True keeps connected catalogue graphs only, False composite ones only, None both.
        Explicit edge lists are never filtered.
    kappa : float, default=1.0
        Energy exponent used when ``kappas`` is None. Only kappa = 1 is IRC safe.
    beta : float, default=1.0
        Angular exponent used when ``betas`` is None; must be > 0.
    kappas : sequence of float, default=None
        Grid of energy exponents; overrides ``kappa``.
    betas : sequence of float, default=None
        Grid of angular exponents (each > 0); overrides ``beta``.
    normed : bool, default=True
        Divide the energies by their sum before raising them to kappa.
    measure : {"hadr", "ee"}, default="hadr"
        Hadronic (pT, rapidity, phi) or e+e- (energy, Minkowski angle) measure.

    Attributes
    ----------
    graphs : list of list of (int, int)
        Edge list of each graph, in column order within each (kappa, beta) block.
    kappas, betas : tuple of float
        The parameter grid; columns are ordered kappa-major, then beta, then graph.
    feature_names : list of str
        ``efp_<token>_k<kappa>_b<beta>`` (``efp_<token>_ee_k<kappa>_b<beta>`` for e+e-).

    Notes
    -----
    IRC safety: only kappa = 1 gives infrared and collinear safe observables; other kappa
    values are valid features for taggers but not calculable in fixed-order perturbation theory.

    Cost: each graph costs O(M^chi) per jet, with chi <= 3 for all but five of the 1000 graphs
    with d <= 7 (the graphs containing K4 have chi = 4). All graphs share one plan, so common
    partial contractions and every theta^p are computed once per jet and (kappa, beta). Memory
    is one M x M matrix per live matrix slot per thread (``plan.n_mat`` slots).

    Supported graphs: every graph whose minimum-degree elimination leaves no core or a K4 core,
    which covers all graphs with d <= 7 and all prime graphs with d = 8 except the wheel W4;
    other graphs raise ValueError when the set is built.

    Results do not depend on ``n_jobs``: jets are split statically over threads and each jet
    is computed by one thread in a fixed order.

    References
    ----------
    .. [1] P. T. Komiske, E. M. Metodiev, J. Thaler, "Energy flow polynomials: A complete linear
       basis for jet substructure", JHEP 04 (2018) 013, arXiv:1712.07124.

    Examples
    --------
    >>> efps = EFPSet([(0, 1)], [(0, 1), (1, 2), (0, 2)], kappas=[0.5, 1], betas=[1, 2])
    >>> len(efps)
    8
    """

    def __init__(
        self,
        *specs,
        dmax: int | None = None,
        chimax: int | None = None,
        prime: bool | None = None,
        kappa: float = 1.0,
        beta: float = 1.0,
        kappas: Sequence[float] | None = None,
        betas: Sequence[float] | None = None,
        normed: bool = True,
        measure: str = "hadr",
    ):
        # Physics options.
        if measure not in MEASURES:
            raise ValueError(f"measure={measure!r} is not supported; use one of {MEASURES}.")
        if not isinstance(normed, (bool, np.bool_)):
            raise TypeError(f"normed={normed!r} must be True or False.")
        self.measure = measure
        self.normed = bool(normed)
        self.kappas = _parameter_grid("kappa", kappa, kappas, lambda value: True)
        self.betas = _parameter_grid("beta", beta, betas, lambda value: value > 0.0)

        # Graphs: explicit edge lists first, then catalogue selections, without duplicates.
        explicit = [_normalise_edges(spec) for spec in specs if _is_edge_list(spec)]
        strings = [spec for spec in specs if not _is_edge_list(spec)]
        for spec in strings:
            if not isinstance(spec, str):
                raise TypeError(
                    f"spec {spec!r} must be a spec string such as 'd<=5' or an "
                    "edge list such as [(0, 1), (1, 2)]."
                )
        selected = []
        if strings or dmax is not None or chimax is not None:
            selected = _select_graphs(strings, dmax, chimax, prime)
        elif prime is not None:
            raise ValueError(
                f"prime={prime} filters catalogue graphs; add a spec string such as "
                "'d<=5' or dmax= to select them, or list the graphs as edge lists."
            )
        elif not explicit:
            raise ValueError("EFPSet needs graphs: pass spec strings, edge lists or dmax=.")
        graphs, tokens = [], []
        for edges in explicit + selected:
            token = _token_of(edges)
            if token not in tokens:
                graphs.append(edges)
                tokens.append(token)
        self.graphs = graphs
        self.tokens = tokens

        # One shared evaluation plan for all graphs.
        self.plan: EFPPlan = compile_plan(graphs)
        logger.debug("EFPSet with %d graphs, plan ops %s", len(graphs), self.plan.op_counts)

    # -- descriptors --

    @property
    def feature_names(self) -> list[str]:
        """Column names, ``efp_<token>_k<kappa>_b<beta>``, in column order."""
        tag = "_ee" if self.measure == "ee" else ""
        return [
            f"efp_{token}{tag}_k{_format_number(kappa)}_b{_format_number(beta)}"
            for kappa in self.kappas
            for beta in self.betas
            for token in self.tokens
        ]

    @property
    def n_graphs(self) -> int:
        """Number of graphs (columns per (kappa, beta) pair)."""
        return len(self.graphs)

    @property
    def specs(self) -> np.ndarray:
        """Graph invariants, shape (n_graphs, 7), columns ``spec_cols``."""
        rows = []
        for edges, chi in zip(self.graphs, self.plan.chis, strict=True):
            vertices = sorted({v for edge in edges for v in edge}) or [0]
            valency = {v: 0 for v in vertices}
            for i, j in edges:
                valency[i] += 1
                valency[j] += 1
            rows.append(
                (
                    len(vertices),
                    len({(min(i, j), max(i, j)) for i, j in edges}),
                    len(edges),
                    max(valency.values()),
                    int(chi),
                    len(_components(edges)),
                    sum(1 for count in valency.values() if count == 1),
                )
            )
        return np.array(rows, dtype=np.int64).reshape(-1, len(self.spec_cols))

    spec_cols = ("n", "e", "d", "v", "c", "p", "h")
    """Names of the ``specs`` columns: vertices n, distinct edges e, degree d, maximum valency
    v, cost exponent chi c, number of prime factors p, valency-1 vertices h."""

    def __len__(self) -> int:
        return len(self.kappas) * len(self.betas) * len(self.graphs)

    def __repr__(self) -> str:
        return (
            f"EFPSet({len(self.graphs)} graphs, kappas={list(self.kappas)}, "
            f"betas={list(self.betas)}, normed={self.normed}, measure={self.measure!r})"
        )

    def multiply_adds(self, n_particles: int) -> float:
        """Return the plan's multiply-add count per jet of ``n_particles`` for the whole grid."""
        return self.plan.multiply_adds(n_particles) * len(self.kappas) * len(self.betas)

    # -- evaluation --

    def compute(self, jets, coords: str = "epxpypz", n_jobs: int | None = None) -> np.ndarray:
        """Compute every EFP on the grid for every jet.

        Parameters
        ----------
        jets : array_like, awkward.Array, list of arrays or JetBatch
            Anything :func:`jetfeat.as_jet_batch` accepts: zero-padded ``(N, M, 4)``, a single
            jet ``(M, 4)``, ragged awkward ``N * var * 4``.
        coords : {"epxpypz", "ptyphim"}, default="epxpypz"
            Column meaning of ``jets``: (E, px, py, pz) or (pT, y, phi, m), GeV and radians.
        n_jobs : int, default=None
            Threads: None means 1, -1 means all cores.

        Returns
        -------
        ndarray of shape (N, len(self))
            float64 EFP values, columns as in ``feature_names``.

        Raises
        ------
        ValueError
            On invalid input (see :func:`jetfeat.as_jet_batch`), on a jet whose pT (or E) sum
            is zero with ``normed=True``, or on a zero-pT particle with kappa <= 0; the message
            names the jet.
        """
        batch = as_jet_batch(jets, coords=coords)
        threads = _n_threads(n_jobs)
        coordinates = batch.ptyphims if self.measure == "hadr" else batch.p4s
        self._check_weights(batch, coordinates[:, 0])

        plan = self.plan
        return _core.efp_compute(
            coordinates,
            batch.offsets,
            plan.ops,
            plan.n_vec,
            plan.n_mat,
            plan.n_scal,
            plan.max_power,
            plan.out_offsets,
            plan.out_slots,
            np.array(self.kappas, dtype=np.float64),
            np.array(self.betas, dtype=np.float64),
            self.normed,
            self.measure,
            threads,
        )

    def table(self, jets, coords: str = "epxpypz", n_jobs: int | None = None) -> FeatureTable:
        """Compute the EFPs as a :class:`~jetfeat.table.FeatureTable` named by ``feature_names``.

        Parameters and errors are those of :meth:`compute`.
        """
        values = self.compute(jets, coords=coords, n_jobs=n_jobs)
        metadata = {
            "efp_measure": self.measure,
            "efp_normed": self.normed,
            "efp_kappas": list(self.kappas),
            "efp_betas": list(self.betas),
        }
        return FeatureTable.from_array(values, self.feature_names, metadata=metadata)

    def _check_weights(self, batch: JetBatch, energies: np.ndarray) -> None:
        """Reject jets whose weights z_i are undefined for this grid."""
        name = "pT" if self.measure == "hadr" else "E"
        offsets = batch.offsets
        counts = np.diff(offsets)
        jet_of_row = np.repeat(np.arange(counts.shape[0]), counts)
        totals = np.bincount(jet_of_row, weights=energies, minlength=counts.shape[0])
        if self.normed and np.any(totals <= 0.0):
            jet = int(np.flatnonzero(totals <= 0.0)[0])
            raise ValueError(
                f"jet {jet} has {int(counts[jet])} particles with total {name} = 0, so "
                f"normed=True cannot divide by the {name} sum; remove such jets or use "
                "normed=False."
            )
        if min(self.kappas) <= 0.0 and np.any(energies <= 0.0):
            row = int(np.flatnonzero(energies <= 0.0)[0])
            jet = int(jet_of_row[row])
            raise ValueError(
                f"jet {jet}, particle {row - int(offsets[jet])} has {name} = 0, which makes "
                f"z = {name}^kappa undefined for kappa={min(self.kappas):g} <= 0; drop zero-{name} "
                "particles or use only kappa > 0."
            )


class EFP:
    """A single energy flow polynomial; see :class:`EFPSet` for the definition.

    Parameters
    ----------
    edges : list of (int, int)
        The multigraph, for example ``[(0, 1), (1, 2), (0, 2)]`` for the triangle.
    kappa, beta, kappas, betas, normed, measure
        As in :class:`EFPSet` (keyword-only).

    Notes
    -----
    Only kappa = 1 is IRC safe. Cost O(M^chi) per jet, with ``chi`` from :attr:`chi`.
    """

    def __init__(
        self,
        edges,
        *,
        kappa: float = 1.0,
        beta: float = 1.0,
        kappas: Sequence[float] | None = None,
        betas: Sequence[float] | None = None,
        normed: bool = True,
        measure: str = "hadr",
    ):
        if not _is_edge_list(edges):
            raise TypeError(f"edges={edges!r} must be a list of (i, j) vertex pairs.")
        self._set = EFPSet(
            list(edges),
            kappa=kappa,
            beta=beta,
            kappas=kappas,
            betas=betas,
            normed=normed,
            measure=measure,
        )
        self.edges = self._set.graphs[0]

    @property
    def feature_names(self) -> list[str]:
        """One name per (kappa, beta) pair."""
        return self._set.feature_names

    @property
    def chi(self) -> int:
        """Cost exponent: the EFP costs O(M^chi) per jet."""
        return int(self._set.plan.chis[0])

    def compute(self, jets, coords: str = "epxpypz", n_jobs: int | None = None) -> np.ndarray:
        """Compute the EFP for every jet.

        Returns
        -------
        ndarray of shape (N,) or (N, n_kappa * n_beta)
            1-D when one (kappa, beta) pair is requested, otherwise one column per pair.
        """
        values = self._set.compute(jets, coords=coords, n_jobs=n_jobs)
        return values[:, 0] if values.shape[1] == 1 else values


def _components(edges):
    from ._efp_plan import connected_components

    return connected_components(list(edges))


def graph_of(feature_name: str) -> list[tuple[int, int]]:
    """Return the edge list of an EFP feature name such as ``efp_d2_01-12_k1_b1``."""
    parts = feature_name.split("_")
    if (
        len(parts) < 4
        or parts[0] != "efp"
        or not parts[-2].startswith("k")
        or not parts[-1].startswith("b")
    ):
        raise ValueError(
            f"{feature_name!r} is not an EFP feature name; expected "
            "efp_<token>_k<kappa>_b<beta> as in EFPSet.feature_names."
        )
    token_parts = parts[1:-2]
    if token_parts and token_parts[-1] == "ee":
        token_parts = token_parts[:-1]
    return _graph_from_token("_".join(token_parts))


def graphs(
    *specs: str,
    dmax: int | None = None,
    chimax: int | None = None,
    prime: bool | None = None,
) -> list[_multigraphs.Graph]:
    """List the catalogue multigraphs that an :class:`EFPSet` with the same selection computes.

    Parameters
    ----------
    *specs : str
        Conditions such as ``"d<=5"``, ``"p==1"`` or ``"chi<=3"``.
    dmax, chimax, prime
        As in :class:`EFPSet`.

    Returns
    -------
    list of Graph
        Records with canonical ``edges``, ``token`` and the invariants n, d, e, v, chi, p, h.
    """
    return _multigraphs.select_graphs(*specs, dmax=dmax, chimax=chimax, prime=prime)


def discoffs_pool(normed: bool = True) -> EFPSet:
    """Return the standard DisCo-FFS EFP pool: prime d <= 7 graphs on a (kappa, beta) grid.

    490 prime graphs x kappa in {-1, 0, 0.5, 1, 2} x beta in {0.5, 1, 2} = 7,350 columns.

    Parameters
    ----------
    normed : bool, default=True
        Passed to :class:`EFPSet`.

    Returns
    -------
    EFPSet

    References
    ----------
    .. [1] R. Das, G. Kasieczka, D. Shih, "Feature selection with distance correlation",
       arXiv:2212.00046 (selects from over 7,000 EFPs for top and W tagging).
    """
    return EFPSet(dmax=7, prime=True, kappas=DISCOFFS_KAPPAS, betas=DISCOFFS_BETAS, normed=normed)
