// Bindings for the efp kernels.
#include <pybind11/pybind11.h>

namespace py = pybind11;

void bind_efp(py::module_& m) { (void)m; }
