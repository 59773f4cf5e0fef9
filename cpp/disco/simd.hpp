// Square roots for the pair loops (internal to cpp/disco).
#pragma once

#include <cmath>
#include <cstdint>

#ifdef __AVX512F__
#include <immintrin.h>
#endif

namespace jetfeat::disco::detail {

#ifdef __AVX512F__
// sqrt(d) for 8 values d >= 0 without the slow vsqrtpd: the 14-bit estimate of 1/sqrt(d), one
// Newton step on it (about 28 bits), then one Newton step on sqrt(d) itself, which leaves an
// error of a few units in the last place. d == 0 gives 0 (the estimate is infinite there).
inline __m512d sqrt_nonnegative(__m512d d) {
  const __m512d y0 = _mm512_rsqrt14_pd(d);
  const __m512d half_d = _mm512_mul_pd(_mm512_set1_pd(0.5), d);
  const __m512d y1 = _mm512_mul_pd(
      y0, _mm512_fnmadd_pd(half_d, _mm512_mul_pd(y0, y0), _mm512_set1_pd(1.5)));
  const __m512d s = _mm512_mul_pd(d, y1);
  const __m512d residual = _mm512_fnmadd_pd(s, s, d);
  const __m512d refined = _mm512_fmadd_pd(_mm512_mul_pd(_mm512_set1_pd(0.5), y1), residual, s);
  return _mm512_maskz_mov_pd(_mm512_cmp_pd_mask(d, _mm512_setzero_pd(), _CMP_GT_OQ), refined);
}

// Mask of the first `count` of 8 lanes (count < 8).
inline __mmask8 first_lanes(std::int64_t count) {
  return static_cast<__mmask8>((1u << count) - 1u);
}
#endif

// Replaces v[0..len) by its square roots (v >= 0), with the AVX-512 sqrt_nonnegative when
// available so that every kernel takes the same square root.
inline void sqrt_in_place(double* v, std::int64_t len) {
#ifdef __AVX512F__
  for (std::int64_t t = 0; t < len; t += 8) {
    const __mmask8 m = t + 8 <= len ? static_cast<__mmask8>(0xFF) : first_lanes(len - t);
    _mm512_mask_storeu_pd(v + t, m, sqrt_nonnegative(_mm512_maskz_loadu_pd(m, v + t)));
  }
#else
  for (std::int64_t t = 0; t < len; ++t) v[t] = std::sqrt(v[t]);
#endif
}

}  // namespace jetfeat::disco::detail
