// Bindings for the clustering-based kernels (clustering, N-subjettiness, soft drop, Lund plane).
#include <pybind11/pybind11.h>

namespace py = pybind11;

void bind_clustering(py::module_& m) { (void)m; }
