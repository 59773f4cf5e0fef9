// Bindings for the distance-correlation kernels (cpp/disco). Shapes and finiteness are checked
// here with the GIL held; python/jetfeat/disco.py owns the user-facing checks and messages.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "bindings/checks.hpp"
#include "disco/dcor.hpp"

namespace py = pybind11;
using jetfeat::bindings::DoubleArray;
using jetfeat::bindings::require_finite;
using jetfeat::bindings::require_shape;
namespace disco = jetfeat::disco;

namespace {

using LabelArray = py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast>;

py::dict stats_dict(const disco::DcovStats& stats) {
  py::dict out;
  out["covariance_xy_sqr"] = stats.covariance_xy_sqr;
  out["variance_x_sqr"] = stats.variance_x_sqr;
  out["variance_y_sqr"] = stats.variance_y_sqr;
  out["correlation_xy_sqr"] = disco::correlation_sqr(stats);
  return out;
}

// stats_dict plus the energy distance between the two label classes and the fraction of label 1.
py::dict binary_stats_dict(const disco::DcovStats& stats, double energy, double fraction) {
  py::dict out = stats_dict(stats);
  out["energy_distance"] = energy;
  out["label_fraction"] = fraction;
  return out;
}

void require_weights(const DoubleArray& weights, py::ssize_t n) {
  require_shape(weights, "weights", 1, {n});
  require_finite(weights, "weights");
  const double* w = weights.data();
  for (py::ssize_t i = 0; i < n; ++i) {
    if (w[i] < 0.0) {
      throw std::invalid_argument("weights has a negative value at event " + std::to_string(i));
    }
  }
}

void require_labels(const LabelArray& label, py::ssize_t n) {
  require_shape(label, "label", 1, {n});
  const std::uint8_t* l = label.data();
  for (py::ssize_t i = 0; i < n; ++i) {
    if (l[i] > 1) {
      throw std::invalid_argument("label has a value other than 0 or 1 at event " +
                                  std::to_string(i));
    }
  }
}

}  // namespace

void bind_disco(py::module_& m) {
  m.def(
      "dcov_stats_1d",
      [](const DoubleArray& x, const DoubleArray& y, const DoubleArray& weights, int n_threads) {
        require_shape(x, "x", 1, {-1});
        const py::ssize_t n = x.shape(0);
        require_shape(y, "y", 1, {n});
        require_finite(x, "x");
        require_finite(y, "y");
        require_weights(weights, n);
        disco::DcovStats stats;
        {
          // The kernel reads only the buffers checked above, so other Python threads may run.
          py::gil_scoped_release release;
          stats = disco::dcov_stats_1d(x.data(), y.data(), weights.data(), n, n_threads);
        }
        return stats_dict(stats);
      },
      py::arg("x"), py::arg("y"), py::arg("weights"), py::arg("n_threads"));

  m.def(
      "dcov_stats_1d_binary",
      [](const DoubleArray& x, const LabelArray& label, const DoubleArray& weights) {
        require_shape(x, "x", 1, {-1});
        const py::ssize_t n = x.shape(0);
        require_finite(x, "x");
        require_labels(label, n);
        require_weights(weights, n);
        disco::DcovStats stats;
        double energy = 0.0, fraction = 0.0;
        {
          py::gil_scoped_release release;
          stats = disco::dcov_stats_1d_binary(x.data(), label.data(), weights.data(), n, &energy,
                                              &fraction);
        }
        return binary_stats_dict(stats, energy, fraction);
      },
      py::arg("x"), py::arg("label"), py::arg("weights"));

  m.def(
      "dcov_stats_pairwise",
      [](const DoubleArray& x, const DoubleArray& y, const DoubleArray& weights, int n_threads) {
        require_shape(x, "x", 2, {-1, -1});
        const py::ssize_t n = x.shape(0);
        require_shape(y, "y", 2, {n, -1});
        require_finite(x, "x");
        require_finite(y, "y");
        require_weights(weights, n);
        disco::DcovStats stats;
        {
          py::gil_scoped_release release;
          stats = disco::dcov_stats_pairwise(x.data(), x.shape(1), y.data(), y.shape(1),
                                             weights.data(), n, n_threads);
        }
        return stats_dict(stats);
      },
      py::arg("x"), py::arg("y"), py::arg("weights"), py::arg("n_threads"));

  m.def(
      "dcov_stats_pairwise_binary",
      [](const DoubleArray& x, const LabelArray& label, const DoubleArray& weights,
         int n_threads) {
        require_shape(x, "x", 2, {-1, -1});
        const py::ssize_t n = x.shape(0);
        require_finite(x, "x");
        require_labels(label, n);
        require_weights(weights, n);
        disco::DcovStats stats;
        double energy = 0.0, fraction = 0.0;
        {
          py::gil_scoped_release release;
          stats = disco::dcov_stats_pairwise_binary(x.data(), x.shape(1), label.data(),
                                                    weights.data(), n, n_threads, &energy,
                                                    &fraction);
        }
        return binary_stats_dict(stats, energy, fraction);
      },
      py::arg("x"), py::arg("label"), py::arg("weights"), py::arg("n_threads"));

  m.def(
      "whiten",
      [](const DoubleArray& x, const DoubleArray& weights, const std::string& what) {
        require_shape(x, "x", 2, {-1, -1});
        const py::ssize_t n = x.shape(0);
        require_finite(x, "x");
        require_weights(weights, n);
        DoubleArray out({n, x.shape(1)});
        std::copy(x.data(), x.data() + x.size(), out.mutable_data());
        disco::whiten(out.mutable_data(), n, x.shape(1), weights.data(), what);
        return out;
      },
      py::arg("x"), py::arg("weights"), py::arg("what"));

  m.def(
      "score_candidates",
      [](const DoubleArray& selected, const DoubleArray& candidates, const DoubleArray& y,
         const DoubleArray& weights, std::int64_t block_size, bool affine_invariant, bool binary,
         int n_threads) {
        require_shape(candidates, "candidates", 2, {-1, -1});
        const py::ssize_t n = candidates.shape(0);
        require_shape(selected, "selected", 2, {n, -1});
        require_shape(y, "y", 1, {n});
        require_finite(selected, "selected");
        require_finite(candidates, "candidates");
        require_finite(y, "y");
        require_weights(weights, n);
        if (binary) {
          const double* v = y.data();
          for (py::ssize_t i = 0; i < n; ++i) {
            if (v[i] != 0.0 && v[i] != 1.0) {
              throw std::invalid_argument("y has a value other than 0 or 1 at event " +
                                          std::to_string(i));
            }
          }
        }
        disco::ScoreOptions options;
        options.block_size = block_size;
        options.affine_invariant = affine_invariant;
        options.binary = binary;
        options.n_threads = n_threads;
        const py::ssize_t n_candidates = candidates.shape(1);
        py::array_t<double> scores(n_candidates);
        py::array_t<std::int64_t> degenerate(n_candidates);
        double* scores_ptr = scores.mutable_data();
        std::int64_t* degenerate_ptr = degenerate.mutable_data();
        {
          // Block preparation may throw std::invalid_argument before any parallel region starts;
          // pybind11 re-acquires the GIL while translating it.
          py::gil_scoped_release release;
          disco::score_candidates(selected.data(), selected.shape(1), candidates.data(),
                                  n_candidates, y.data(), weights.data(), n, options, scores_ptr,
                                  degenerate_ptr);
        }
        return py::make_tuple(scores, degenerate);
      },
      py::arg("selected"), py::arg("candidates"), py::arg("y"), py::arg("weights"),
      py::arg("block_size"), py::arg("affine_invariant"), py::arg("binary"), py::arg("n_threads"));
}
