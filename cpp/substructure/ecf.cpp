#include "substructure/ecf.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#if defined(__AVX2__) || defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "parallel.hpp"

namespace jetfeat::substructure {

namespace {

// Dot product of a[0..n) and b[0..n). Each term goes to a partial sum chosen by its index
// alone (never by the buffer address), and the partial sums are combined in a fixed order, so
// the result is the same bitwise for every thread count and allocation of a given build. The
// AVX-512 and AVX2 paths use fused multiply-add, so builds for different CPUs can differ in the
// last bits.
inline double dot(const double* a, const double* b, std::int64_t n) {
#if defined(__AVX512F__)
  __m512d acc0 = _mm512_setzero_pd(), acc1 = _mm512_setzero_pd();
  std::int64_t l = 0;
  for (; l + 16 <= n; l += 16) {
    acc0 = _mm512_fmadd_pd(_mm512_loadu_pd(a + l), _mm512_loadu_pd(b + l), acc0);
    acc1 = _mm512_fmadd_pd(_mm512_loadu_pd(a + l + 8), _mm512_loadu_pd(b + l + 8), acc1);
  }
  if (l + 8 <= n) {
    acc0 = _mm512_fmadd_pd(_mm512_loadu_pd(a + l), _mm512_loadu_pd(b + l), acc0);
    l += 8;
  }
  if (l < n) {
    // Masked loads read only the remaining n - l < 8 elements.
    const __mmask8 mask = static_cast<__mmask8>((1u << (n - l)) - 1u);
    acc1 = _mm512_fmadd_pd(_mm512_maskz_loadu_pd(mask, a + l), _mm512_maskz_loadu_pd(mask, b + l),
                           acc1);
  }
  return _mm512_reduce_add_pd(_mm512_add_pd(acc0, acc1));
#elif defined(__AVX2__) && defined(__FMA__)
  __m256d acc0 = _mm256_setzero_pd(), acc1 = _mm256_setzero_pd();
  __m256d acc2 = _mm256_setzero_pd(), acc3 = _mm256_setzero_pd();
  std::int64_t l = 0;
  for (; l + 16 <= n; l += 16) {
    acc0 = _mm256_fmadd_pd(_mm256_loadu_pd(a + l), _mm256_loadu_pd(b + l), acc0);
    acc1 = _mm256_fmadd_pd(_mm256_loadu_pd(a + l + 4), _mm256_loadu_pd(b + l + 4), acc1);
    acc2 = _mm256_fmadd_pd(_mm256_loadu_pd(a + l + 8), _mm256_loadu_pd(b + l + 8), acc2);
    acc3 = _mm256_fmadd_pd(_mm256_loadu_pd(a + l + 12), _mm256_loadu_pd(b + l + 12), acc3);
  }
  for (; l + 4 <= n; l += 4) {
    acc0 = _mm256_fmadd_pd(_mm256_loadu_pd(a + l), _mm256_loadu_pd(b + l), acc0);
  }
  const __m256d sum = _mm256_add_pd(_mm256_add_pd(acc0, acc1), _mm256_add_pd(acc2, acc3));
  alignas(32) double lanes[4];
  _mm256_store_pd(lanes, sum);
  double tail = 0.0;
  for (; l < n; ++l) tail += a[l] * b[l];
  return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + tail;
#else
  double acc[8] = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
  std::int64_t l = 0;
  for (; l + 8 <= n; l += 8) {
    for (int lane = 0; lane < 8; ++lane) acc[lane] += a[l + lane] * b[l + lane];
  }
  double tail = 0.0;
  for (; l < n; ++l) tail += a[l] * b[l];
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + tail;
#endif
}

// Per-thread scratch: the pT of each constituent and the symmetric matrix of R_ij^beta.
struct JetScratch {
  std::vector<double> pt, y, phi;  // pt has stride entries, zero after the first m
  std::vector<double> angle;   // M x stride, angle[i * stride + j] = R_ij^beta, zero diagonal
  std::vector<double> scaled;  // M x stride, scaled[i * stride + j] = pT_j R_ij^beta
  std::vector<double> pair;    // stride, pair[l] = pT_l R_il^beta R_jl^beta for the current (i, j)
  std::int64_t m = 0;       // number of constituents
  std::int64_t stride = 0;  // row length: m rounded up to a multiple of 8
};

// Fills scratch.pt and scratch.angle for the rows [begin, end) of ptyphims. Each row of the
// full matrix is computed on its own (a vectorisable loop); |dphi| and 2 pi - |dphi| are both
// symmetric in (i, j), so the matrix is exactly symmetric.
void fill_angles(const double* ptyphims, std::int64_t begin, std::int64_t end, double beta,
                 JetScratch& scratch) {
  constexpr double kTwoPi = 6.28318530717958647692;
  const std::int64_t m = end - begin;
  const std::int64_t stride = (m + 7) / 8 * 8;
  scratch.m = m;
  scratch.stride = stride;
  scratch.pt.assign(stride, 0.0);
  scratch.y.resize(m);
  scratch.phi.resize(m);
  double* y = scratch.y.data();
  double* phi = scratch.phi.data();
  for (std::int64_t i = 0; i < m; ++i) {
    scratch.pt[i] = ptyphims[4 * (begin + i)];
    y[i] = ptyphims[4 * (begin + i) + 1];
    phi[i] = ptyphims[4 * (begin + i) + 2];
  }

  scratch.angle.assign(m * stride, 0.0);
  const double half_beta = 0.5 * beta;
  for (std::int64_t i = 0; i < m; ++i) {
    double* row = scratch.angle.data() + i * stride;
    for (std::int64_t j = 0; j < m; ++j) {
      const double dy = y[i] - y[j];
      // phi lies in (-pi, pi], so |dphi| < 2 pi and the wrapped distance is the smaller arc.
      const double abs_dphi = std::abs(phi[i] - phi[j]);
      const double dphi = std::min(abs_dphi, kTwoPi - abs_dphi);
      row[j] = dy * dy + dphi * dphi;
    }

    // beta = 1 and 2 are the common choices: avoid pow() for them.
    if (beta == 1.0) {
      for (std::int64_t j = 0; j < m; ++j) row[j] = std::sqrt(row[j]);
    } else if (beta != 2.0) {
      for (std::int64_t j = 0; j < m; ++j) row[j] = std::pow(row[j], half_beta);
    }
    row[i] = 0.0;
  }
}

// ECF(1..n_max) of one jet whose scratch is filled. With a_ij = R_ij^beta:
//   ECF(3) = sum_{i<j} pT_i pT_j a_ij sum_{k>j} a_ik (pT_k a_jk),
//   ECF(4) = sum_{i<j} pT_i pT_j a_ij sum_{j<k} q_k sum_{l>k} a_kl q_l, q_l = pT_l a_il a_jl,
// with the pair row q built once per (i, j). Terms with a zero prefactor (pT = 0 or collinear
// pairs) are skipped.
void jet_ecfs(JetScratch& s, int n_max, double* out) {
  const std::int64_t m = static_cast<std::int64_t>(s.m);
  const std::int64_t stride = s.stride;
  const double* pt = s.pt.data();
  const double* angle = s.angle.data();

  double ecf1 = 0.0;
  for (std::int64_t i = 0; i < m; ++i) ecf1 += pt[i];
  out[0] = ecf1;
  if (n_max < 2) return;

  double ecf2 = 0.0;
  for (std::int64_t i = 0; i < m; ++i) {
    ecf2 += pt[i] * dot(angle + i * stride + i + 1, pt + i + 1, m - i - 1);
  }
  out[1] = ecf2;
  if (n_max < 3) return;

  s.scaled.assign(m * stride, 0.0);
  for (std::int64_t j = 0; j < m; ++j) {
    for (std::int64_t k = 0; k < m; ++k) s.scaled[j * stride + k] = pt[k] * angle[j * stride + k];
  }
  const double* scaled = s.scaled.data();
  if (n_max >= 4) s.pair.assign(stride, 0.0);

  double ecf3 = 0.0, ecf4 = 0.0;
  for (std::int64_t i = 0; i < m; ++i) {
    const double* angle_i = angle + i * stride;
    for (std::int64_t j = i + 1; j < m; ++j) {
      const double weight_ij = pt[i] * pt[j] * angle_i[j];
      if (weight_ij == 0.0) continue;
      const double* scaled_j = scaled + j * stride;
      ecf3 += weight_ij * dot(angle_i + j + 1, scaled_j + j + 1, m - j - 1);
      if (n_max < 4) continue;

      double* pair = s.pair.data();
      for (std::int64_t l = j + 1; l < m; ++l) pair[l] = angle_i[l] * scaled_j[l];
      double inner = 0.0;
      for (std::int64_t k = j + 1; k + 1 < m; ++k) {
        if (pair[k] == 0.0) continue;
        inner += pair[k] * dot(angle + k * stride + k + 1, pair + k + 1, m - k - 1);
      }
      ecf4 += weight_ij * inner;
    }
  }
  out[2] = ecf3;
  if (n_max >= 4) out[3] = ecf4;
}

// Sorts three values in place into ascending order with branch-free min/max.
inline void sort3(double& a, double& b, double& c) {
  const double lo = std::min(a, std::min(b, c));
  const double hi = std::max(a, std::max(b, c));
  const double mid = std::max(std::min(a, b), std::min(std::max(a, b), c));
  a = lo;
  b = mid;
  c = hi;
}

inline void compare_swap(double& a, double& b) {
  const double lo = std::min(a, b);
  b = std::max(a, b);
  a = lo;
}

// Sorts six values ascending with a 12-comparator network.
inline void sort6(double* v) {
  compare_swap(v[1], v[2]);
  compare_swap(v[4], v[5]);
  compare_swap(v[0], v[2]);
  compare_swap(v[3], v[5]);
  compare_swap(v[0], v[1]);
  compare_swap(v[3], v[4]);
  compare_swap(v[1], v[4]);
  compare_swap(v[0], v[3]);
  compare_swap(v[2], v[5]);
  compare_swap(v[1], v[3]);
  compare_swap(v[2], v[4]);
  compare_swap(v[2], v[3]);
}

// Generalised ECFs of one jet (not yet divided by ECF(1)^N) for v = 1..N(N-1)/2.
void jet_generalized(const JetScratch& s, int n, double* out) {
  const std::int64_t m = s.m;
  const std::int64_t stride = s.stride;
  const double* pt = s.pt.data();
  const double* angle = s.angle.data();
  const int columns = generalized_columns(n);
  for (int v = 0; v < columns; ++v) out[v] = 0.0;

  if (n == 2) {
    for (std::int64_t i = 0; i < m; ++i) {
      out[0] += pt[i] * dot(angle + i * stride + i + 1, pt + i + 1, m - i - 1);
    }
    return;
  }

  if (n == 3) {
    for (std::int64_t i = 0; i < m; ++i) {
      const double* angle_i = angle + i * stride;
      for (std::int64_t j = i + 1; j < m; ++j) {
        const double weight_ij = pt[i] * pt[j];
        const double* angle_j = angle + j * stride;
        double sums[3] = {0.0, 0.0, 0.0};
        for (std::int64_t k = j + 1; k < m; ++k) {
          double a = angle_i[j], b = angle_i[k], c = angle_j[k];
          sort3(a, b, c);
          const double smallest_two = a * b;
          sums[0] += pt[k] * a;
          sums[1] += pt[k] * smallest_two;
          sums[2] += pt[k] * smallest_two * c;
        }
        for (int v = 0; v < 3; ++v) out[v] += weight_ij * sums[v];
      }
    }
    return;
  }

  // n == 4: six pairwise angles per quadruple, sorted so that prefix products give every v.
  for (std::int64_t i = 0; i < m; ++i) {
    const double* angle_i = angle + i * stride;
    for (std::int64_t j = i + 1; j < m; ++j) {
      const double* angle_j = angle + j * stride;
      for (std::int64_t k = j + 1; k < m; ++k) {
        const double weight_ijk = pt[i] * pt[j] * pt[k];
        const double* angle_k = angle + k * stride;
        double sums[6] = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
        for (std::int64_t l = k + 1; l < m; ++l) {
          double v6[6] = {angle_i[j], angle_i[k], angle_i[l], angle_j[k], angle_j[l], angle_k[l]};
          sort6(v6);
          double product = pt[l];
          for (int v = 0; v < 6; ++v) {
            product *= v6[v];
            sums[v] += product;
          }
        }
        for (int v = 0; v < 6; ++v) out[v] += weight_ijk * sums[v];
      }
    }
  }
}

}  // namespace

void energy_correlators(const double* ptyphims, const std::int64_t* offsets,
                        std::int64_t n_jets, double beta, int n_max, int n_threads, double* out) {
  const int threads = resolve_threads(n_threads);

  // Jets differ in size, so a chunk of one jet per thread in turn balances the load; each jet
  // writes only its own row, so the result does not depend on the thread count.
#pragma omp parallel num_threads(threads)
  {
    JetScratch scratch;
#pragma omp for schedule(static, 1)
    for (std::int64_t jet = 0; jet < n_jets; ++jet) {
      double* row = out + jet * n_max;
      for (int n = 0; n < n_max; ++n) row[n] = 0.0;
      fill_angles(ptyphims, offsets[jet], offsets[jet + 1], beta, scratch);
      jet_ecfs(scratch, n_max, row);
    }
  }
}

void generalized_energy_correlators(const double* ptyphims, const std::int64_t* offsets,
                                    std::int64_t n_jets, double beta, int n, int n_threads,
                                    double* out) {
  const int threads = resolve_threads(n_threads);
  const int columns = generalized_columns(n);

#pragma omp parallel num_threads(threads)
  {
    JetScratch scratch;
#pragma omp for schedule(static, 1)
    for (std::int64_t jet = 0; jet < n_jets; ++jet) {
      double* row = out + jet * columns;
      fill_angles(ptyphims, offsets[jet], offsets[jet + 1], beta, scratch);
      jet_generalized(scratch, n, row);

      double ecf1 = 0.0;
      for (double pt : scratch.pt) ecf1 += pt;
      const double norm = ecf1 > 0.0 ? std::pow(ecf1, n) : 0.0;
      for (int v = 0; v < columns; ++v) row[v] = norm > 0.0 ? row[v] / norm : 0.0;
    }
  }
}

}  // namespace jetfeat::substructure
