// Bindings for the EFP plan interpreter (cpp/efp/). The plan comes from
// python/jetfeat/_efp_plan.py; its slot indices are checked here so a malformed plan raises
// instead of reading out of bounds.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <stdexcept>
#include <string>

#include "bindings/checks.hpp"
#include "efp/efp_engine.hpp"

namespace py = pybind11;
using jetfeat::bindings::DoubleArray;
using jetfeat::bindings::IndexArray;

namespace {

using OpArray = py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>;

void check_plan(const OpArray& ops, int n_vec, int n_mat, int n_scal, int max_power,
                const IndexArray& out_offsets, const IndexArray& out_slots) {
  namespace efp = jetfeat::efp;
  jetfeat::bindings::require_shape(ops, "ops", 2, {-1, efp::kOpWidth});
  if (max_power < 1 || max_power > n_mat || n_vec < 1 || n_scal < 1) {
    throw std::invalid_argument("EFP plan has inconsistent slot counts");
  }
  auto o = ops.unchecked<2>();
  auto in_range = [](int slot, int n) { return slot >= 0 && slot < n; };
  for (py::ssize_t r = 0; r < ops.shape(0); ++r) {
    // Kind of each of the first arguments: v = vector, m = matrix, s = scalar, f = flag.
    const char* kinds;
    switch (o(r, 0)) {
      case efp::kVecMul: kinds = "vvv"; break;
      case efp::kMatMul: kinds = "mmm"; break;
      case efp::kMatTrans: kinds = "mm"; break;
      case efp::kMatVec: kinds = "vmv"; break;
      case efp::kGemm: kinds = "mmmvff"; break;
      case efp::kVecSum: kinds = "sv"; break;
      case efp::kK4: kinds = "svvvvmmmmmmmfff"; break;
      default: throw std::invalid_argument("EFP plan has unknown opcode " + std::to_string(o(r, 0)));
    }
    for (int i = 0; kinds[i] != '\0'; ++i) {
      const int slot = o(r, i + 1);
      const char kind = kinds[i];
      const bool ok = kind == 'v'   ? in_range(slot, n_vec)
                      : kind == 'm' ? in_range(slot, n_mat)
                      : kind == 's' ? in_range(slot, n_scal)
                                    : (slot == 0 || slot == 1);
      if (!ok) {
        throw std::invalid_argument("EFP plan op " + std::to_string(r) + " has invalid argument " +
                                    std::to_string(i) + " = " + std::to_string(slot));
      }
    }
  }
  jetfeat::bindings::require_shape(out_offsets, "out_offsets", 1, {-1});
  jetfeat::bindings::require_offsets(out_offsets, out_slots.shape(0));
  auto s = out_slots.unchecked<1>();
  for (py::ssize_t i = 0; i < out_slots.shape(0); ++i) {
    if (s(i) < 0 || s(i) >= n_scal) throw std::invalid_argument("EFP plan has an invalid output slot");
  }
}

py::array_t<double> efp_compute(const DoubleArray& coords, const IndexArray& offsets,
                                const OpArray& ops, int n_vec, int n_mat, int n_scal,
                                int max_power, const IndexArray& out_offsets,
                                const IndexArray& out_slots, const DoubleArray& kappas,
                                const DoubleArray& betas, bool normed, const std::string& measure,
                                int n_threads) {
  jetfeat::bindings::require_shape(coords, "coords", 2, {-1, 4});
  jetfeat::bindings::require_offsets(offsets, coords.shape(0));
  jetfeat::bindings::require_finite(coords, "coords");
  jetfeat::bindings::require_shape(kappas, "kappas", 1, {-1});
  jetfeat::bindings::require_shape(betas, "betas", 1, {-1});
  check_plan(ops, n_vec, n_mat, n_scal, max_power, out_offsets, out_slots);
  jetfeat::efp::Measure m;
  if (measure == "hadr") {
    m = jetfeat::efp::Measure::kHadronic;
  } else if (measure == "ee") {
    m = jetfeat::efp::Measure::kElectronPositron;
  } else {
    throw std::invalid_argument("measure must be 'hadr' or 'ee', got '" + measure + "'");
  }

  jetfeat::efp::Plan plan{ops.data(),         ops.shape(0),      n_vec,
                          n_mat,              n_scal,            max_power,
                          out_offsets.data(), out_slots.data(),  out_offsets.shape(0) - 1};
  const py::ssize_t n_jets = offsets.shape(0) - 1;
  const py::ssize_t n_cols = kappas.shape(0) * betas.shape(0) * plan.n_features;
  py::array_t<double> out({n_jets, n_cols});
  double* out_data = out.mutable_data();
  {
    // The kernel reads only the arrays above, which this call keeps alive, and touches no
    // Python object, so other Python threads may run meanwhile.
    py::gil_scoped_release release;
    jetfeat::efp::compute(coords.data(), offsets.data(), n_jets, plan, kappas.data(),
                          static_cast<int>(kappas.shape(0)), betas.data(),
                          static_cast<int>(betas.shape(0)), normed, m, n_threads, out_data);
  }
  return out;
}

}  // namespace

void bind_efp(py::module_& m) {
  m.def("efp_compute", &efp_compute, py::arg("coords"), py::arg("offsets"), py::arg("ops"),
        py::arg("n_vec"), py::arg("n_mat"), py::arg("n_scal"), py::arg("max_power"),
        py::arg("out_offsets"), py::arg("out_slots"), py::arg("kappas"), py::arg("betas"),
        py::arg("normed"), py::arg("measure"), py::arg("n_threads"));
}
