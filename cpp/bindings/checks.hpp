// Boundary checks shared by the binding files: every array a kernel reads is checked here while
// the GIL is held, so the kernels themselves can assume valid, contiguous input.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace jetfeat::bindings {

namespace py = pybind11;

// C-contiguous float64 array; pybind11 copies or converts other input before the kernel sees it.
using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;
using IndexArray = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

// Throws std::invalid_argument (Python ValueError) unless `array` has `ndim` dimensions and, for
// each non-negative entry of `shape`, that extent.
inline void require_shape(const py::array& array, const char* name, py::ssize_t ndim,
                          std::initializer_list<py::ssize_t> shape) {
  if (array.ndim() != ndim) {
    throw std::invalid_argument(std::string(name) + " must have " + std::to_string(ndim) +
                                " dimensions, got " + std::to_string(array.ndim()));
  }
  py::ssize_t axis = 0;
  for (py::ssize_t extent : shape) {
    if (extent >= 0 && array.shape(axis) != extent) {
      throw std::invalid_argument(std::string(name) + " must have extent " +
                                  std::to_string(extent) + " on axis " + std::to_string(axis) +
                                  ", got " + std::to_string(array.shape(axis)));
    }
    ++axis;
  }
}

// Throws unless offsets start at 0, never decrease and end at n_rows.
inline void require_offsets(const IndexArray& offsets, py::ssize_t n_rows) {
  require_shape(offsets, "offsets", 1, {-1});
  if (offsets.shape(0) < 1) throw std::invalid_argument("offsets must have at least one entry");
  auto o = offsets.unchecked<1>();
  if (o(0) != 0) throw std::invalid_argument("offsets[0] must be 0");
  for (py::ssize_t i = 1; i < offsets.shape(0); ++i) {
    if (o(i) < o(i - 1)) {
      throw std::invalid_argument("offsets must not decrease (jet " + std::to_string(i - 1) + ")");
    }
  }
  if (o(offsets.shape(0) - 1) != n_rows) {
    throw std::invalid_argument("offsets[-1] must equal the number of particle rows " +
                                std::to_string(n_rows));
  }
}

// Throws, naming the first offending row, unless every entry is finite.
inline void require_finite(const DoubleArray& array, const char* name) {
  const double* data = array.data();
  const py::ssize_t n = array.size();
  for (py::ssize_t i = 0; i < n; ++i) {
    if (!std::isfinite(data[i])) {
      py::ssize_t row = array.ndim() > 1 ? i / array.shape(array.ndim() - 1) : i;
      throw std::invalid_argument(std::string(name) + " has a non-finite value at row " +
                                  std::to_string(row));
    }
  }
}

}  // namespace jetfeat::bindings
