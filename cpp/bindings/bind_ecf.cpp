// Bindings for the shape kernels (kinematics, energy correlation functions, angularities).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "bindings/checks.hpp"
#include "substructure/angularities.hpp"
#include "substructure/ecf.hpp"
#include "substructure/kinematics.hpp"

namespace py = pybind11;
using jetfeat::bindings::DoubleArray;
using jetfeat::bindings::IndexArray;

namespace {

py::ssize_t check_rows(const DoubleArray& rows, const char* name, const IndexArray& offsets) {
  jetfeat::bindings::require_shape(rows, name, 2, {-1, 4});
  jetfeat::bindings::require_offsets(offsets, rows.shape(0));
  jetfeat::bindings::require_finite(rows, name);
  return offsets.shape(0) - 1;
}

void check_beta(double beta, const char* name) {
  if (!std::isfinite(beta) || beta <= 0.0) {
    throw std::invalid_argument(std::string(name) + "=" + std::to_string(beta) +
                                " is invalid; it must be a finite number > 0");
  }
}

void check_axes(const DoubleArray& axes, py::ssize_t n_jets) {
  jetfeat::bindings::require_shape(axes, "axes", 2, {n_jets, 2});
  jetfeat::bindings::require_finite(axes, "axes");
}

DoubleArray jet_kinematics(const DoubleArray& p4s, const IndexArray& offsets, int n_threads) {
  const py::ssize_t n_jets = check_rows(p4s, "p4s", offsets);
  DoubleArray out({n_jets, static_cast<py::ssize_t>(jetfeat::substructure::kKinematicsColumns)});
  const double* rows = p4s.data();
  const std::int64_t* offs = offsets.data();
  double* result = out.mutable_data();
  {
    // The kernel touches only raw buffers, so other Python threads may run meanwhile.
    py::gil_scoped_release release;
    jetfeat::substructure::jet_kinematics(rows, offs, n_jets, n_threads, result);
  }
  return out;
}

DoubleArray energy_correlators(const DoubleArray& ptyphims, const IndexArray& offsets,
                               double beta, int n_max, int n_threads) {
  const py::ssize_t n_jets = check_rows(ptyphims, "ptyphims", offsets);
  check_beta(beta, "beta");
  if (n_max < 1 || n_max > 4) {
    throw std::invalid_argument("n_max=" + std::to_string(n_max) + " is invalid; use 1 to 4");
  }
  DoubleArray out({n_jets, static_cast<py::ssize_t>(n_max)});
  const double* rows = ptyphims.data();
  const std::int64_t* offs = offsets.data();
  double* result = out.mutable_data();
  {
    py::gil_scoped_release release;
    jetfeat::substructure::energy_correlators(rows, offs, n_jets, beta, n_max, n_threads, result);
  }
  return out;
}

DoubleArray generalized_energy_correlators(const DoubleArray& ptyphims,
                                           const IndexArray& offsets, double beta, int n,
                                           int n_threads) {
  const py::ssize_t n_jets = check_rows(ptyphims, "ptyphims", offsets);
  check_beta(beta, "beta");
  if (n < 2 || n > 4) {
    throw std::invalid_argument("n=" + std::to_string(n) + " is invalid; use 2, 3 or 4");
  }
  const int columns = jetfeat::substructure::generalized_columns(n);
  DoubleArray out({n_jets, static_cast<py::ssize_t>(columns)});
  const double* rows = ptyphims.data();
  const std::int64_t* offs = offsets.data();
  double* result = out.mutable_data();
  {
    py::gil_scoped_release release;
    jetfeat::substructure::generalized_energy_correlators(rows, offs, n_jets, beta, n, n_threads,
                                                          result);
  }
  return out;
}

DoubleArray angularities(const DoubleArray& ptyphims, const IndexArray& offsets,
                         const DoubleArray& axes, double jet_radius, const DoubleArray& kappas,
                         const DoubleArray& betas, int n_threads) {
  const py::ssize_t n_jets = check_rows(ptyphims, "ptyphims", offsets);
  check_axes(axes, n_jets);
  check_beta(jet_radius, "jet_radius");
  jetfeat::bindings::require_shape(kappas, "kappas", 1, {-1});
  jetfeat::bindings::require_shape(betas, "betas", 1, {kappas.shape(0)});
  for (py::ssize_t pair = 0; pair < kappas.shape(0); ++pair) {
    const double kappa = kappas.at(pair), beta = betas.at(pair);
    if (!std::isfinite(kappa) || kappa < 0.0 || !std::isfinite(beta) || beta < 0.0) {
      throw std::invalid_argument("angularity (kappa, beta) = (" + std::to_string(kappa) + ", " +
                                  std::to_string(beta) + ") is invalid; both must be >= 0");
    }
  }
  const int n_pairs = static_cast<int>(kappas.shape(0));
  DoubleArray out({n_jets, static_cast<py::ssize_t>(n_pairs)});
  const double* rows = ptyphims.data();
  const std::int64_t* offs = offsets.data();
  const double* axis = axes.data();
  const double* kappa = kappas.data();
  const double* beta = betas.data();
  double* result = out.mutable_data();
  {
    py::gil_scoped_release release;
    jetfeat::substructure::angularities(rows, offs, n_jets, axis, jet_radius, kappa, beta,
                                        n_pairs, n_threads, result);
  }
  return out;
}

DoubleArray jet_shapes(const DoubleArray& p4s, const DoubleArray& ptyphims,
                       const IndexArray& offsets, const DoubleArray& axes, int n_threads) {
  const py::ssize_t n_jets = check_rows(ptyphims, "ptyphims", offsets);
  check_rows(p4s, "p4s", offsets);
  check_axes(axes, n_jets);
  DoubleArray out({n_jets, static_cast<py::ssize_t>(jetfeat::substructure::kShapeColumns)});
  const double* momenta = p4s.data();
  const double* rows = ptyphims.data();
  const std::int64_t* offs = offsets.data();
  const double* axis = axes.data();
  double* result = out.mutable_data();
  {
    py::gil_scoped_release release;
    jetfeat::substructure::jet_shapes(momenta, rows, offs, n_jets, axis, n_threads, result);
  }
  return out;
}

}  // namespace

void bind_ecf(py::module_& m) {
  m.def("jet_kinematics", &jet_kinematics, py::arg("p4s"), py::arg("offsets"),
        py::arg("n_threads") = 1,
        "(N, 7) pT, y, eta, phi, m, E, multiplicity of the E-scheme sum of each jet.");
  m.def("energy_correlators", &energy_correlators, py::arg("ptyphims"), py::arg("offsets"),
        py::arg("beta"), py::arg("n_max"), py::arg("n_threads") = 1,
        "(N, n_max) ECF(1..n_max, beta) in GeV^N with the pt_R measure.");
  m.def("generalized_energy_correlators", &generalized_energy_correlators, py::arg("ptyphims"),
        py::arg("offsets"), py::arg("beta"), py::arg("n"), py::arg("n_threads") = 1,
        "(N, n(n-1)/2) normalised generalised ECFs v_e_n^(beta), v = 1..n(n-1)/2.");
  m.def("angularities", &angularities, py::arg("ptyphims"), py::arg("offsets"), py::arg("axes"),
        py::arg("jet_radius"), py::arg("kappas"), py::arg("betas"), py::arg("n_threads") = 1,
        "(N, K) angularities lambda^kappa_beta around the given (y, phi) axes.");
  m.def("jet_shapes", &jet_shapes, py::arg("p4s"), py::arg("ptyphims"), py::arg("offsets"),
        py::arg("axes"), py::arg("n_threads") = 1,
        "(N, 3) pT_D, girth and planar flow.");
}
