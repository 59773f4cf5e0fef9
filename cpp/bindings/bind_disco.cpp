// Bindings for the disco kernels.
#include <pybind11/pybind11.h>

namespace py = pybind11;

void bind_disco(py::module_& m) { (void)m; }
