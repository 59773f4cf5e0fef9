// Bindings for the shape kernels (kinematics, energy correlation functions, angularities).
#include <pybind11/pybind11.h>

namespace py = pybind11;

void bind_ecf(py::module_& m) { (void)m; }
