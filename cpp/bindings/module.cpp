// The private extension module jetfeat._core: one register call per area, nothing else.
#include <pybind11/pybind11.h>

namespace py = pybind11;

void bind_config(py::module_& m);
void bind_efp(py::module_& m);
void bind_clustering(py::module_& m);
void bind_ecf(py::module_& m);
void bind_disco(py::module_& m);

PYBIND11_MODULE(_core, m) {
  m.doc() = "jetfeat C++ kernels (private: use the jetfeat Python API)";
  bind_config(m);
  bind_efp(m);
  bind_clustering(m);
  bind_ecf(m);
  bind_disco(m);
}
