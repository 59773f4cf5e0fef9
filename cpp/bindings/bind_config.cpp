// Build information for jetfeat.show_config().
#include <pybind11/pybind11.h>

#include "parallel.hpp"

namespace py = pybind11;

void bind_config(py::module_& m) {
  m.def("build_info", []() {
    py::dict info;
    info["openmp"] = jetfeat::have_openmp();
    info["max_threads"] = jetfeat::resolve_threads(0);
    info["compiler"] = JETFEAT_CXX_COMPILER;
    info["build_type"] = JETFEAT_BUILD_TYPE;
#ifdef __AVX512F__
    info["simd"] = "AVX-512";
#elif defined(__AVX2__)
    info["simd"] = "AVX2";
#elif defined(__SSE2__)
    info["simd"] = "SSE2";
#else
    info["simd"] = "none";
#endif
    return info;
  });
}
