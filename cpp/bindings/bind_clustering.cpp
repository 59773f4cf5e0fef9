// Bindings for the clustering-based kernels (clustering, N-subjettiness, soft drop, Lund plane).
// Each function checks its arrays with the GIL held, then releases it around a loop over jets
// that touches only plain C++ buffers.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "bindings/checks.hpp"
#include "parallel.hpp"
#include "substructure/clustering.hpp"
#include "substructure/lund.hpp"
#include "substructure/nsubjettiness.hpp"
#include "substructure/softdrop.hpp"

namespace py = pybind11;

namespace {

using jetfeat::bindings::DoubleArray;
using jetfeat::bindings::IndexArray;
namespace clustering = jetfeat::clustering;

// Checked view of a packed jet batch.
struct Batch {
  const double* p4s;
  const std::int64_t* offsets;
  std::int64_t n_jets;
};

Batch check_batch(const DoubleArray& p4s, const IndexArray& offsets) {
  jetfeat::bindings::require_shape(p4s, "p4s", 2, {-1, 4});
  jetfeat::bindings::require_offsets(offsets, p4s.shape(0));
  jetfeat::bindings::require_finite(p4s, "p4s");
  return Batch{p4s.data(), offsets.data(), static_cast<std::int64_t>(offsets.shape(0) - 1)};
}

clustering::JetDefinition make_definition(int algorithm, double R, double p, int recombination) {
  if (algorithm < 0 || algorithm > 3) {
    throw std::invalid_argument("algorithm code " + std::to_string(algorithm) + " is invalid");
  }
  if (recombination < 0 || recombination > 1) {
    throw std::invalid_argument("recombination code " + std::to_string(recombination) +
                                " is invalid");
  }
  if (!(R > 0.0)) throw std::invalid_argument("R must be > 0, got " + std::to_string(R));
  clustering::JetDefinition definition;
  definition.algorithm = static_cast<clustering::Algorithm>(algorithm);
  definition.R = R;
  definition.p = p;
  definition.recombination = static_cast<clustering::Recombination>(recombination);
  return definition;
}

clustering::JetDefinition cambridge_recluster() {
  clustering::JetDefinition definition;
  definition.algorithm = clustering::Algorithm::cambridge;
  definition.R = 1000.0;
  return definition;
}

// Cluster every jet of `batch` with `definition` and call visit(jet, sequence), on n_threads
// threads without the GIL. Each jet is handled by one thread with its own buffers, so results
// do not depend on the thread count. `visit` must touch only plain C++ data.
template <class Visit>
void for_each_clustered(const Batch& batch, const clustering::JetDefinition& definition,
                        int n_threads, Visit visit) {
  const int threads = jetfeat::resolve_threads(n_threads);
  py::gil_scoped_release release;
#pragma omp parallel num_threads(threads)
  {
    clustering::ClusterSequence sequence;
#pragma omp for schedule(static)
    for (std::int64_t jet = 0; jet < batch.n_jets; ++jet) {
      const std::int64_t start = batch.offsets[jet];
      clustering::cluster(batch.p4s + 4 * start, batch.offsets[jet + 1] - start, definition,
                          sequence);
      visit(jet, sequence);
    }
  }
}

// Pack per-jet lists of rows into (rows, offsets): rows (total, columns) filled by
// write(row, out), offsets (n_jets + 1,) int64.
template <class Row, class Write>
py::tuple pack_ragged(const std::vector<std::vector<Row>>& per_jet, int columns, Write write) {
  const std::int64_t n_jets = static_cast<std::int64_t>(per_jet.size());
  py::array_t<std::int64_t> out_offsets(n_jets + 1);
  std::int64_t* o = out_offsets.mutable_data();
  o[0] = 0;
  for (std::int64_t jet = 0; jet < n_jets; ++jet) {
    o[jet + 1] = o[jet] + static_cast<std::int64_t>(per_jet[static_cast<size_t>(jet)].size());
  }
  py::array_t<double> rows({static_cast<py::ssize_t>(o[n_jets]), py::ssize_t{columns}});
  double* out = rows.mutable_data();
  for (const auto& jet_rows : per_jet) {
    for (const Row& row : jet_rows) {
      write(row, out);
      out += columns;
    }
  }
  return py::make_tuple(rows, out_offsets);
}

// Cluster every jet and record its M history steps in rows offsets[i]:offsets[i+1]:
// parents (history indices within the jet, -1 for the beam) and d_ij.
py::tuple cluster_history(const DoubleArray& p4s, const IndexArray& offsets, int algorithm,
                          double R, double p, int recombination, int n_threads) {
  const Batch batch = check_batch(p4s, offsets);
  const clustering::JetDefinition definition = make_definition(algorithm, R, p, recombination);
  const py::ssize_t n_rows = p4s.shape(0);
  py::array_t<std::int64_t> parents({n_rows, py::ssize_t{2}});
  py::array_t<double> dij(n_rows);
  py::array_t<double> merged({n_rows, py::ssize_t{4}});
  std::int64_t* parents_out = parents.mutable_data();
  double* dij_out = dij.mutable_data();
  double* merged_out = merged.mutable_data();
  // Safe without the GIL: only the checked input buffers and fresh outputs are touched.
  for_each_clustered(batch, definition, n_threads,
                     [&](std::int64_t jet, const clustering::ClusterSequence& sequence) {
    const std::int64_t start = batch.offsets[jet];
    const std::int64_t m = batch.offsets[jet + 1] - start;
    for (std::int64_t s = 0; s < m; ++s) {
      const clustering::HistoryStep& step = sequence.history[static_cast<size_t>(m + s)];
      const std::int64_t row = start + s;
      parents_out[2 * row] = step.parent1;
      parents_out[2 * row + 1] = step.parent2;
      dij_out[row] = step.dij;
      double* out4 = merged_out + 4 * row;
      if (step.jet >= 0) {
        const clustering::PseudoJet& j = sequence.jets[static_cast<size_t>(step.jet)];
        out4[0] = j.E;
        out4[1] = j.px;
        out4[2] = j.py;
        out4[3] = j.pz;
      } else {
        out4[0] = out4[1] = out4[2] = out4[3] = 0.0;
      }
    }
  });
  return py::make_tuple(parents, dij, merged);
}

// Exclusive subjets by number (n_subjets >= 1) or by resolution (n_subjets = 0, dcut).
py::tuple exclusive_subjets(const DoubleArray& p4s, const IndexArray& offsets, int algorithm,
                            double R, double p, int recombination, int n_subjets, double dcut,
                            int n_threads) {
  const Batch batch = check_batch(p4s, offsets);
  const clustering::JetDefinition definition = make_definition(algorithm, R, p, recombination);
  if (n_subjets < 0) throw std::invalid_argument("n_subjets must be >= 0");
  std::vector<std::vector<std::array<double, 4>>> per_jet(static_cast<size_t>(batch.n_jets));
  for_each_clustered(batch, definition, n_threads,
                     [&](std::int64_t jet, const clustering::ClusterSequence& sequence) {
    int n = n_subjets > 0 ? n_subjets : sequence.n_exclusive_jets(dcut);
    if (n > sequence.n_particles) n = sequence.n_particles;
    if (n <= 0) return;
    auto& out = per_jet[static_cast<size_t>(jet)];
    for (int index : sequence.exclusive_jets(n)) {
      const clustering::PseudoJet& j = sequence.jets[static_cast<size_t>(index)];
      out.push_back({j.E, j.px, j.py, j.pz});
    }
  });
  return pack_ragged(per_jet, 4, [](const std::array<double, 4>& j, double* row) {
    for (int c = 0; c < 4; ++c) row[c] = j[static_cast<size_t>(c)];
  });
}

// d_{n,n+1}: the d_ij of the merging that takes n + 1 exclusive jets to n, for n = 1..n_max.
py::array_t<double> exclusive_dmerge(const DoubleArray& p4s, const IndexArray& offsets,
                                     int algorithm, double R, double p, int recombination,
                                     int n_max, int n_threads) {
  const Batch batch = check_batch(p4s, offsets);
  const clustering::JetDefinition definition = make_definition(algorithm, R, p, recombination);
  if (n_max < 1) throw std::invalid_argument("n_max must be >= 1, got " + std::to_string(n_max));
  py::array_t<double> result({static_cast<py::ssize_t>(batch.n_jets), py::ssize_t{n_max}});
  double* out = result.mutable_data();
  for_each_clustered(batch, definition, n_threads,
                     [&](std::int64_t jet, const clustering::ClusterSequence& sequence) {
    for (int n = 1; n <= n_max; ++n) out[jet * n_max + n - 1] = sequence.exclusive_dmerge(n);
  });
  return result;
}

py::array_t<double> nsubjettiness(const DoubleArray& p4s, const IndexArray& offsets, int n_max,
                                  double beta, int axes, bool normalized, double R0,
                                  int n_threads) {
  const Batch batch = check_batch(p4s, offsets);
  if (n_max < 1 || n_max > 20) {
    throw std::invalid_argument("n_max must be in 1..20, got " + std::to_string(n_max));
  }
  if (!(beta > 0.0)) throw std::invalid_argument("beta must be > 0, got " + std::to_string(beta));
  if (!(R0 > 0.0)) throw std::invalid_argument("R0 must be > 0, got " + std::to_string(R0));
  if (axes < 0 || axes > 7) {
    throw std::invalid_argument("axes code " + std::to_string(axes) + " is invalid");
  }
  jetfeat::nsubjettiness::Options options;
  options.n_max = n_max;
  options.beta = beta;
  options.normalized = normalized;
  options.R0 = R0;
  options.axes = static_cast<jetfeat::nsubjettiness::Axes>(axes);

  py::array_t<double> result({static_cast<py::ssize_t>(batch.n_jets), py::ssize_t{n_max}});
  double* out = result.mutable_data();
  const int threads = jetfeat::resolve_threads(n_threads);
  {
    py::gil_scoped_release release;
#pragma omp parallel num_threads(threads)
    {
      jetfeat::nsubjettiness::Workspace work;
#pragma omp for schedule(static)
      for (std::int64_t jet = 0; jet < batch.n_jets; ++jet) {
        const std::int64_t start = batch.offsets[jet];
        jetfeat::nsubjettiness::compute(batch.p4s + 4 * start, batch.offsets[jet + 1] - start,
                                        options, work, out + jet * n_max);
      }
    }
  }
  return result;
}

constexpr int kSoftDropColumns = 10;

// Columns: pT, mass, z_g, R_g, mu, E, px, py, pz of the groomed jet, its number of particles.
py::array_t<double> soft_drop(const DoubleArray& p4s, const IndexArray& offsets, double zcut,
                              double beta, double R0, int n_threads) {
  const Batch batch = check_batch(p4s, offsets);
  jetfeat::softdrop::Options options{zcut, beta, R0};
  py::array_t<double> result({static_cast<py::ssize_t>(batch.n_jets), py::ssize_t{kSoftDropColumns}});
  double* out = result.mutable_data();
  for_each_clustered(batch, cambridge_recluster(), n_threads,
                     [&](std::int64_t jet, const clustering::ClusterSequence& sequence) {
    const jetfeat::softdrop::Result r = jetfeat::softdrop::groom(sequence, options);
    double* row = out + jet * kSoftDropColumns;
    row[0] = r.pt;
    row[1] = r.mass;
    row[2] = r.zg;
    row[3] = r.rg;
    row[4] = r.mu;
    row[5] = r.E;
    row[6] = r.px;
    row[7] = r.py;
    row[8] = r.pz;
    row[9] = r.n_constituents;
  });
  return result;
}

py::array_t<std::int64_t> iterated_soft_drop(const DoubleArray& p4s, const IndexArray& offsets,
                                             double zcut, double beta, double R0,
                                             double theta_cut, int n_threads) {
  const Batch batch = check_batch(p4s, offsets);
  jetfeat::softdrop::Options options{zcut, beta, R0};
  py::array_t<std::int64_t> result(batch.n_jets);
  std::int64_t* out = result.mutable_data();
  for_each_clustered(batch, cambridge_recluster(), n_threads,
                     [&](std::int64_t jet, const clustering::ClusterSequence& sequence) {
    out[jet] = jetfeat::softdrop::iterated_multiplicity(sequence, options, theta_cut);
  });
  return result;
}

constexpr int kLundColumns = 6;

// Rows: Delta, kT, z, psi, kappa, m of each primary declustering; offsets per jet.
py::tuple lund_primary(const DoubleArray& p4s, const IndexArray& offsets, int n_threads) {
  const Batch batch = check_batch(p4s, offsets);
  std::vector<std::vector<jetfeat::lund::Declustering>> per_jet(static_cast<size_t>(batch.n_jets));
  for_each_clustered(batch, cambridge_recluster(), n_threads,
                     [&](std::int64_t jet, const clustering::ClusterSequence& sequence) {
    jetfeat::lund::primary(sequence, per_jet[static_cast<size_t>(jet)]);
  });
  return pack_ragged(per_jet, kLundColumns,
                     [](const jetfeat::lund::Declustering& s, double* row) {
    row[0] = s.delta;
    row[1] = s.kt;
    row[2] = s.z;
    row[3] = s.psi;
    row[4] = s.kappa;
    row[5] = s.m;
  });
}

}  // namespace

void bind_clustering(py::module_& m) {
  m.def("cluster_history", &cluster_history, py::arg("p4s"), py::arg("offsets"),
        py::arg("algorithm"), py::arg("R"), py::arg("p"), py::arg("recombination"),
        py::arg("n_threads"));
  m.def("exclusive_subjets", &exclusive_subjets, py::arg("p4s"), py::arg("offsets"),
        py::arg("algorithm"), py::arg("R"), py::arg("p"), py::arg("recombination"),
        py::arg("n_subjets"), py::arg("dcut"), py::arg("n_threads"));
  m.def("exclusive_dmerge", &exclusive_dmerge, py::arg("p4s"), py::arg("offsets"),
        py::arg("algorithm"), py::arg("R"), py::arg("p"), py::arg("recombination"),
        py::arg("n_max"), py::arg("n_threads"));
  m.def("nsubjettiness", &nsubjettiness, py::arg("p4s"), py::arg("offsets"), py::arg("n_max"),
        py::arg("beta"), py::arg("axes"), py::arg("normalized"), py::arg("R0"),
        py::arg("n_threads"));
  m.def("soft_drop", &soft_drop, py::arg("p4s"), py::arg("offsets"), py::arg("zcut"),
        py::arg("beta"), py::arg("R0"), py::arg("n_threads"));
  m.def("iterated_soft_drop", &iterated_soft_drop, py::arg("p4s"), py::arg("offsets"),
        py::arg("zcut"), py::arg("beta"), py::arg("R0"), py::arg("theta_cut"),
        py::arg("n_threads"));
  m.def("lund_primary", &lund_primary, py::arg("p4s"), py::arg("offsets"), py::arg("n_threads"));
}
