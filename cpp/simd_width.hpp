// The number of doubles in the target's widest vector register, for kernels written with
// GCC/Clang vector extensions. A vector wider than the registers is split by the compiler into
// piecewise code that can be slower than scalar code (GCC 12 with 8 lanes on an AVX2 target:
// about 4x slower than scalar for C/A clustering at M = 150), so kernels size their vectors
// from this.
#pragma once

namespace jetfeat {

#if defined(__AVX512F__)
constexpr int kNativeDoubleLanes = 8;
#elif defined(__AVX__)
constexpr int kNativeDoubleLanes = 4;
#else
constexpr int kNativeDoubleLanes = 2;
#endif

}  // namespace jetfeat
