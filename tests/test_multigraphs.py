"""Multigraph catalogue: counts, canonical forms, descriptors and tokens against energyflow."""

from __future__ import annotations

import hashlib
import itertools
import json
import re

import pytest

from jetfeat import _multigraphs as mg

# Loopless multigraphs without isolated vertices, per number of edges d = 0..10 (OEIS A050535),
# and the connected ones (OEIS A076864, with the single vertex counted at d = 0 as energyflow
# does).
ALL_PER_DEGREE = [1, 1, 3, 8, 23, 66, 212, 686, 2389, 8682, 33160]
PRIME_PER_DEGREE = [1, 1, 2, 5, 12, 33, 103, 333, 1183, 4442, 17576]


@pytest.fixture(autouse=True)
def no_disk_cache(monkeypatch):
    # Keep tests away from the user's cache directory; the cache test points it at tmp_path.
    monkeypatch.setenv("JETFEAT_NO_DISK_CACHE", "1")


@pytest.fixture(scope="module")
def efpset_d7():
    energyflow = pytest.importorskip("energyflow")
    efpset = energyflow.EFPSet("d<=7")
    return list(efpset.graphs()), efpset.specs, list(efpset.cols)


def relabel(edges, rng, n_labels=40):
    """Apply a random injective relabelling into 0..n_labels-1 and shuffle edge order and sides."""
    vertices = sorted({v for edge in edges for v in edge})
    targets = rng.choice(n_labels, size=len(vertices), replace=False)
    mapping = {v: int(t) for v, t in zip(vertices, targets, strict=True)}
    out = []
    for i, j in edges:
        pair = (mapping[i], mapping[j])
        out.append(pair if rng.random() < 0.5 else pair[::-1])
    return [out[k] for k in rng.permutation(len(out))]


def order_cost(edges, order):
    """chi of an elimination order: max over steps of 1 + neighbour count, with fill-in."""
    adjacency = {v: set() for v in order}
    for i, j in edges:
        adjacency[i].add(j)
        adjacency[j].add(i)
    cost = 0
    for v in order:
        nbrs = adjacency.pop(v)
        cost = max(cost, 1 + len(nbrs))
        for u in nbrs:
            adjacency[u].discard(v)
            adjacency[u] |= nbrs - {u}
    return cost


def brute_force_chi(edges):
    """Smallest chi over every elimination order of the simple graph."""
    vertices = sorted({v for edge in edges for v in edge}) or [0]
    return min(order_cost(edges, order) for order in itertools.permutations(vertices))


# ---------------------------------------------------------------------------------------------
# Counts
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("d", range(8), ids=lambda d: f"d{d}")
def test_counts_per_degree(d):
    graphs = [g for g in mg.multigraphs(d) if g.d == d]
    assert len(graphs) == ALL_PER_DEGREE[d]
    assert sum(g.is_prime for g in graphs) == PRIME_PER_DEGREE[d]


def test_counts_up_to_d7():
    assert len(mg.multigraphs(7)) == 1000
    assert len(mg.multigraphs(7, prime=True)) == 490
    assert len(mg.multigraphs(7, prime=False)) == 510


def test_d8_prime_count():
    graphs = [g for g in mg.multigraphs(8) if g.d == 8]
    assert sum(g.is_prime for g in graphs) == 1183
    assert len(graphs) == 2389


@pytest.mark.slow
@pytest.mark.parametrize("d", [9, 10], ids=lambda d: f"d{d}")
def test_counts_d9_d10(d):
    graphs = [g for g in mg.multigraphs(d) if g.d == d]
    assert sum(g.is_prime for g in graphs) == PRIME_PER_DEGREE[d]
    assert len(graphs) == ALL_PER_DEGREE[d]


def test_degree_zero_graph():
    (graph,) = mg.multigraphs(0)
    assert graph.edges == ()
    assert (graph.n, graph.d, graph.e, graph.v, graph.chi, graph.p, graph.h) == (
        1,
        0,
        0,
        0,
        1,
        1,
        0,
    )
    assert graph.is_prime
    assert graph.factors == ((),)
    assert graph.token == "d0_0"


def test_catalogue_order_and_uniqueness():
    graphs = mg.multigraphs(7)
    keys = [(g.d, g.p, g.n, g.edges) for g in graphs]
    assert keys == sorted(keys)
    assert len({g.edges for g in graphs}) == len(graphs)


# ---------------------------------------------------------------------------------------------
# energyflow comparison
# ---------------------------------------------------------------------------------------------


def test_graphs_match_energyflow(efpset_d7):
    ef_graphs, ef_specs, cols = efpset_d7
    ours = {g.edges: g for g in mg.multigraphs(7)}
    assert len(ef_graphs) == len(ours) == 1000

    matched = set()
    for edges in ef_graphs:
        canon = mg.canonical_form(edges)
        assert canon in ours, f"energyflow graph {edges} has no jetfeat counterpart"
        assert canon not in matched, f"two energyflow graphs map to {canon}"
        matched.add(canon)
    assert matched == set(ours)


@pytest.mark.parametrize(
    ("ours_name", "ef_name"),
    [("n", "n"), ("d", "d"), ("e", "e"), ("v", "v"), ("chi", "c"), ("p", "p"), ("h", "h")],
    ids=lambda name: name,
)
def test_descriptors_match_energyflow(efpset_d7, ours_name, ef_name):
    ef_graphs, ef_specs, cols = efpset_d7
    column = cols.index(ef_name)
    mismatches = []
    for edges, spec in zip(ef_graphs, ef_specs, strict=True):
        graph = mg.graph_from_edges(edges)
        if getattr(graph, ours_name) != spec[column]:
            mismatches.append((edges, getattr(graph, ours_name), int(spec[column])))
    assert mismatches == []


@pytest.mark.slow
def test_primes_d10_match_energyflow_catalogue():
    # energyflow ships its d <= 10 prime catalogue as a data file; every graph must match one of
    # ours and share n, d, e, v, p, h. For chi, energyflow takes numpy's greedy einsum path,
    # which for 82 graphs with d >= 8 is one or two powers of M worse than the best order, so
    # ours must be equal or lower, and equal to a brute-force search over all orders.
    energyflow = pytest.importorskip("energyflow")
    efpset = energyflow.EFPSet("d<=10", "p==1")
    ef_graphs, ef_specs, cols = list(efpset.graphs()), efpset.specs, list(efpset.cols)
    ours = {g.edges: g for g in mg.multigraphs(10, prime=True)}
    assert len(ef_graphs) == len(ours) == 23691

    matched = set()
    greedy_worse = []
    for edges, spec in zip(ef_graphs, ef_specs, strict=True):
        spec = dict(zip(cols, (int(x) for x in spec), strict=True))
        graph = ours[mg.canonical_form(edges)]
        matched.add(graph.edges)
        observed = (graph.n, graph.d, graph.e, graph.v, graph.p, graph.h)
        assert observed == tuple(spec[c] for c in "ndevph"), edges
        assert graph.chi <= spec["c"], edges
        if graph.chi < spec["c"]:
            greedy_worse.append(graph)
    assert len(matched) == len(ours)

    assert all(g.d >= 8 for g in greedy_worse)
    assert len(greedy_worse) == 82
    for graph in greedy_worse:
        assert graph.n <= 7
        assert graph.chi == brute_force_chi(graph.edges), graph.edges


# ---------------------------------------------------------------------------------------------
# Canonical form
# ---------------------------------------------------------------------------------------------


def test_canonical_form_relabelling_invariance(rng):
    for graph in mg.multigraphs(6):
        for _ in range(3):
            shuffled = relabel(graph.edges, rng)
            assert mg.canonical_form(shuffled) == graph.edges, shuffled


def test_canonical_form_symmetric_d10_graphs(rng):
    # Highly symmetric graphs stress the search: the cycle C10, the star with 10 leaves,
    # a spider with five legs of length two, and K_{2,5}.
    cases = {
        "cycle": [(k, (k + 1) % 10) for k in range(10)],
        "star": [(0, k) for k in range(1, 11)],
        "spider": [(0, k) for k in range(1, 6)] + [(k, k + 5) for k in range(1, 6)],
        "k25": [(a, b) for a in range(2) for b in range(2, 7)],
    }
    for name, edges in cases.items():
        canon = mg.canonical_form(edges)
        for _ in range(5):
            assert mg.canonical_form(relabel(edges, rng)) == canon, name


def test_canonical_form_is_idempotent():
    for graph in mg.multigraphs(6):
        assert mg.canonical_form(graph.edges) == graph.edges


def test_canonical_form_isomorphic_trees():
    # Both are the tree with legs of length 1, 1 and 2 around a degree-3 vertex.
    tree_a = [(0, 1), (1, 2), (2, 3), (1, 4)]
    tree_b = [(0, 1), (0, 2), (0, 3), (3, 4)]
    assert mg.canonical_form(tree_a) == mg.canonical_form(tree_b)
    path = [(0, 1), (1, 2), (2, 3), (3, 4)]
    assert mg.canonical_form(path) != mg.canonical_form(tree_a)


def test_canonical_form_refinement_blind_pair(rng):
    # The cube Q3 and the Wagner graph are both 3-regular on 8 vertices, so colour refinement
    # alone cannot tell them apart; the individualisation search must.
    cube = [(a, b) for a in range(8) for b in range(a + 1, 8) if bin(a ^ b).count("1") == 1]
    wagner = [(k, (k + 1) % 8) for k in range(8)] + [(k, k + 4) for k in range(4)]
    assert mg.canonical_form(cube) != mg.canonical_form(wagner)
    for edges in (cube, wagner):
        canon = mg.canonical_form(edges)
        for _ in range(5):
            assert mg.canonical_form(relabel(edges, rng)) == canon
    # Likewise the 6-cycle and two disjoint triangles.
    hexagon = [(k, (k + 1) % 6) for k in range(6)]
    triangles = [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5)]
    assert mg.canonical_form(hexagon) != mg.canonical_form(triangles)


def test_composite_factors(rng):
    triangle = [(0, 1), (0, 2), (1, 2)]
    double_edge = [(0, 1), (0, 1)]
    composite = triangle + [(5, 7), (5, 7)]
    graph = mg.graph_from_edges(relabel(composite, rng))
    assert graph.p == 2
    assert not graph.is_prime
    assert graph.factors == (mg.canonical_form(double_edge), mg.canonical_form(triangle))
    assert graph.edges == ((0, 1), (0, 1), (2, 3), (2, 4), (3, 4))
    assert graph.chi == 3
    assert mg.prime_factors(composite) == graph.factors


@pytest.mark.parametrize(
    ("edges", "match"),
    [
        ([(0, 0)], "self-loop"),
        ([(0, 1, 2)], "expected a pair"),
        ([(0, 1.0)], "must be integers"),
        ([(0, -1)], "non-negative"),
        ([3], "expected a pair of vertex indices"),
    ],
    ids=["self-loop", "triple", "float", "negative", "scalar"],
)
def test_canonical_form_rejects_bad_edges(edges, match):
    with pytest.raises((ValueError, TypeError), match=match):
        mg.canonical_form(edges)


def test_canonical_form_rejects_string():
    with pytest.raises(TypeError, match="graph_from_token"):
        mg.canonical_form("d2_01-02")


def test_canonical_form_accepts_numpy_integers():
    np = pytest.importorskip("numpy")
    edges = np.array([[3, 7], [7, 9]], dtype=np.int64)
    assert mg.canonical_form(edges) == ((0, 1), (0, 2))


# ---------------------------------------------------------------------------------------------
# Variable elimination
# ---------------------------------------------------------------------------------------------


def test_chi_matches_brute_force():
    for graph in mg.multigraphs(6, prime=True):
        assert graph.chi == brute_force_chi(graph.edges), graph.edges


def test_elimination_order_achieves_chi(rng):
    for graph in mg.multigraphs(7, prime=True):
        edges = relabel(graph.edges, rng)
        order, chi = mg.elimination_order(edges)
        assert sorted(order) == (sorted({v for edge in edges for v in edge}) or [0])
        assert chi == graph.chi
        assert order_cost(edges, order) == chi


def test_elimination_order_large_graph_upper_bound(caplog):
    # A 5x5 grid has treewidth 5 and no simplicial vertex, so 25 vertices reach the greedy
    # fallback; min-fill finds the optimal row-by-row order here.
    grid = [(5 * r + c, 5 * r + c + 1) for r in range(5) for c in range(4)]
    grid += [(5 * r + c, 5 * r + c + 5) for r in range(4) for c in range(5)]
    order, chi = mg.elimination_order(grid)
    assert sorted(order) == list(range(25))
    assert order_cost(grid, order) == chi
    assert chi == 6
    assert "upper bound" in caplog.text


def test_elimination_order_known_graphs():
    assert mg.elimination_order([]) == ((0,), 1)
    assert mg.elimination_order([(4, 9)])[1] == 2
    assert mg.elimination_order([(0, 1), (1, 2), (0, 2)])[1] == 3
    k4 = list(itertools.combinations(range(4), 2))
    assert mg.elimination_order(k4)[1] == 4
    # 3x3 grid: treewidth 3, so chi = 4.
    grid = [(3 * r + c, 3 * r + c + 1) for r in range(3) for c in range(2)]
    grid += [(3 * r + c, 3 * r + c + 3) for r in range(2) for c in range(3)]
    assert mg.elimination_order(grid)[1] == 4


# ---------------------------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------------------------


def test_token_examples():
    assert mg.token_of([(0, 1)]) == "d1_01"
    assert mg.token_of([(0, 1), (0, 1)]) == "d2_01-01"
    assert mg.token_of([(5, 6), (6, 7)]) == "d2_01-02"
    assert mg.token_of([(0, 1), (1, 2), (2, 0)]) == "d3_01-02-12"
    assert mg.token_of([]) == "d0_0"


def test_token_round_trip_all_d7():
    tokens = set()
    for graph in mg.multigraphs(7):
        token = graph.token
        assert re.fullmatch(r"[A-Za-z0-9_.-]+", token), token
        assert not set("[]<") & set(token)
        assert mg.graph_from_token(token) == graph
        tokens.add(token)
    assert len(tokens) == 1000


# Tokens become EFP feature names, so a change of canonical labelling or of the catalogue
# order renames features in saved models. These pins catch that.
TOKENS_D4 = [
    "d0_0",
    "d1_01",
    "d2_01-01",
    "d2_01-02",
    "d2_01-23",
    "d3_01-01-01",
    "d3_01-01-02",
    "d3_01-02-12",
    "d3_01-02-03",
    "d3_01-03-12",
    "d3_01-23-23",
    "d3_01-23-24",
    "d3_01-23-45",
    "d4_01-01-01-01",
    "d4_01-01-01-02",
    "d4_01-01-02-02",
    "d4_01-01-02-12",
    "d4_01-01-02-03",
    "d4_01-01-02-23",
    "d4_01-01-03-12",
    "d4_01-02-03-12",
    "d4_02-03-12-13",
    "d4_01-02-03-04",
    "d4_01-03-04-12",
    "d4_02-04-12-13",
    "d4_01-01-23-23",
    "d4_01-23-23-23",
    "d4_01-01-23-24",
    "d4_01-23-23-24",
    "d4_01-23-24-34",
    "d4_01-02-34-35",
    "d4_01-23-24-25",
    "d4_01-23-25-34",
    "d4_01-23-45-45",
    "d4_01-23-45-46",
    "d4_01-23-45-67",
]
TOKENS_D8_SHA256 = "ab8fb47da536200093938f24a84972d14947c9b6a708322092ddf8f5abe145ed"


def test_tokens_pinned():
    assert [g.token for g in mg.multigraphs(4)] == TOKENS_D4
    joined = " ".join(g.token for g in mg.multigraphs(8))
    assert hashlib.sha256(joined.encode()).hexdigest() == TOKENS_D8_SHA256


def test_token_of_noncanonical_input(rng):
    graph = mg.graph_from_edges([(0, 1), (1, 2), (2, 3), (3, 0), (0, 2)])
    assert mg.token_of(relabel(graph.edges, rng)) == graph.token


@pytest.mark.parametrize(
    "token",
    [
        "",
        "d2",
        "d2_",
        "d2_01-",
        "d2_012",
        "d3_01-02",
        "D1_01",
        "d1_0",
        "d0_1",
        "d1_00",
        "d01_01",
        "efp_d1_01",
    ],
)
def test_graph_from_token_rejects_malformed(token):
    with pytest.raises(ValueError, match="token"):
        mg.graph_from_token(token)


def test_graph_from_token_rejects_non_string():
    with pytest.raises(TypeError, match="token must be a str"):
        mg.graph_from_token(12)


def test_token_rejects_more_than_36_vertices():
    path = [(k, k + 1) for k in range(36)]
    with pytest.raises(ValueError, match="at most 36 vertices"):
        mg.token_of(path)


# ---------------------------------------------------------------------------------------------
# Selection
# ---------------------------------------------------------------------------------------------


def test_select_matches_filter():
    everything = mg.multigraphs(7)
    cases = {
        ("d<=7",): everything,
        ("d<=7", "p==1"): [g for g in everything if g.p == 1],
        ("d<=6 & chi<=2",): [g for g in everything if g.d <= 6 and g.chi <= 2],
        ("d < 5", "n>=3", "h!=0"): [g for g in everything if g.d < 5 and g.n >= 3 and g.h],
        ("d<=7 and c==3",): [g for g in everything if g.chi == 3],
        ("d==4", "v>2", "e>=2"): [g for g in everything if g.d == 4 and g.v > 2 and g.e >= 2],
    }
    for specs, expected in cases.items():
        assert mg.select_graphs(*specs) == expected, specs


def test_select_keywords():
    everything = mg.multigraphs(7)
    assert len(mg.select_graphs(dmax=7, prime=True)) == 490
    assert mg.select_graphs(dmax=7, prime=False) == [g for g in everything if g.p >= 2]
    assert mg.select_graphs("n>=3", dmax=5, chimax=2) == [
        g for g in everything if g.d <= 5 and g.n >= 3 and g.chi <= 2
    ]
    assert mg.select_graphs("d<=7", "d<=3") == mg.multigraphs(3)
    assert mg.select_graphs(("d<=", 4), ("p==", 1)) == mg.select_graphs("d<=4", "p==1")
    assert mg.select_graphs(["d<=4", "h>=1"]) == mg.select_graphs("d<=4 and h>=1")
    assert mg.select_graphs("d<0") == []


@pytest.mark.parametrize(
    ("specs", "kwargs", "match"),
    [
        (("p==1",), {}, "does not bound the degree"),
        (("d>=2",), {}, "does not bound the degree"),
        (("d<=11",), {}, "supported maximum 10"),
        (("x<=3",), {}, "unknown field 'x'"),
        (("d=<3",), {}, "invalid graph selection spec"),
        (("d<=3.5",), {}, "invalid graph selection spec"),
        (("d<=",), {}, "invalid graph selection spec"),
    ],
    ids=["no-degree", "lower-bound-only", "too-deep", "unknown-field", "bad-op", "float", "empty"],
)
def test_select_rejects_bad_specs(specs, kwargs, match):
    with pytest.raises(ValueError, match=match):
        mg.select_graphs(*specs, **kwargs)


def test_select_rejects_bad_types():
    with pytest.raises(TypeError, match="must be a str"):
        mg.select_graphs(7)
    with pytest.raises(TypeError, match="dmax must be an int"):
        mg.select_graphs(dmax=7.0)
    with pytest.raises(TypeError, match="prime must be"):
        mg.select_graphs(dmax=3, prime=1)


def test_multigraphs_rejects_bad_dmax():
    with pytest.raises(ValueError, match="outside the supported range"):
        mg.multigraphs(11)
    with pytest.raises(ValueError, match="outside the supported range"):
        mg.multigraphs(-1)
    with pytest.raises(TypeError, match="dmax must be an int"):
        mg.multigraphs(3.0)


# ---------------------------------------------------------------------------------------------
# Disk cache and drawing
# ---------------------------------------------------------------------------------------------


def test_disk_cache_round_trip(monkeypatch, tmp_path, caplog):
    monkeypatch.delenv("JETFEAT_NO_DISK_CACHE")
    path = tmp_path / "primes_d8.json"
    monkeypatch.setattr(mg, "_cache_path", lambda d: path if d == 8 else None)
    primes = mg._primes_of_degree(8)

    # Written by a fresh enumeration, then read back unchanged.
    mg._write_disk_cache(8, primes)
    assert path.is_file()
    assert tuple(mg._read_disk_cache(8)) == primes

    # A damaged or truncated file is ignored with a logged warning.
    text = path.read_text()
    path.write_text("{not json")
    assert mg._read_disk_cache(8) is None
    assert "unreadable multigraph cache" in caplog.text
    payload = json.loads(text)
    payload["primes"] = payload["primes"][:-1]
    path.write_text(json.dumps(payload))
    assert mg._read_disk_cache(8) is None
    assert "expected 1183" in caplog.text


def test_disk_cache_used_on_cold_start(monkeypatch, tmp_path):
    monkeypatch.delenv("JETFEAT_NO_DISK_CACHE")
    path = tmp_path / "primes_d8.json"
    monkeypatch.setattr(mg, "_cache_path", lambda d: path if d == 8 else None)
    primes = mg._primes_of_degree(8)
    mg._write_disk_cache(8, primes)

    # Clear the memory cache so that degree 8 must come from the file.
    mg._primes_of_degree.cache_clear()
    try:
        monkeypatch.setattr(mg, "_extend_prime", None)  # any enumeration would now fail
        assert mg._primes_of_degree(8) == primes
    finally:
        mg._primes_of_degree.cache_clear()


def test_draw_multigraph_shows_multiplicity():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    edges = [(0, 1), (0, 1), (0, 1), (1, 2), (3, 4)]
    ax = mg.draw_multigraph(edges)
    try:
        assert len(ax.patches) == 5
        labels = [text.get_text() for text in ax.texts]
        assert labels == ["3"]
        assert ax.get_title() == mg.token_of(edges)
        ax2 = mg.draw_multigraph([], ax=ax, title="single vertex")
        assert ax2 is ax
        assert ax.get_title() == "single vertex"
        ax3 = mg.draw_multigraph("d3_01-02-12")
        assert len(ax3.patches) == 3
        assert ax3.get_title() == "d3_01-02-12"
        plt.close(ax3.figure)
        ax4 = mg.draw_multigraph(mg.graph_from_edges(edges))
        assert len(ax4.patches) == 5
        plt.close(ax4.figure)
    finally:
        plt.close(ax.figure)
