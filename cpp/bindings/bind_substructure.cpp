// Bindings for the substructure kernels.
#include <pybind11/pybind11.h>

namespace py = pybind11;

void bind_substructure(py::module_& m) { (void)m; }
