// Thread-count helpers shared by every kernel. Kernels parallelise over jets (or over candidate
// features) with a static schedule and write each result to its own slot, so the output does not
// depend on the number of threads.
#pragma once

#ifdef JETFEAT_HAVE_OPENMP
#include <omp.h>
#endif

namespace jetfeat {

// Number of threads a kernel uses for n_threads requested by the caller (<= 0 means all cores).
inline int resolve_threads(int n_threads) {
#ifdef JETFEAT_HAVE_OPENMP
  if (n_threads <= 0) return omp_get_max_threads();
  return n_threads;
#else
  (void)n_threads;
  return 1;
#endif
}

inline bool have_openmp() {
#ifdef JETFEAT_HAVE_OPENMP
  return true;
#else
  return false;
#endif
}

}  // namespace jetfeat
