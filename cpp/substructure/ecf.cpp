#include "substructure/ecf.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#if defined(__AVX2__) || defined(__AVX512F__)
// GCC 12 reports -Wmaybe-uninitialized inside its own _mm512_reduce_add_pd (a placeholder
// register it leaves undefined on purpose); the warning is silenced for the header only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop
#endif

#include "parallel.hpp"

namespace jetfeat::substructure {

namespace {

// Dot product of a[0..n) and b[0..n). Each term goes to a partial sum chosen by its index
// alone, never by the buffer address, and the partial sums are combined in a fixed order. So a
// given build returns the same bits for every thread count and allocation. The AVX-512 and AVX2
// paths use fused multiply-add, so builds for different CPUs can differ in the last bits.
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

// Returns sum_{begin <= r < end} weight[r] sum_{r < k < end} a[k] matrix[r * stride + k], the
// triangle sum behind ECF(3) and ECF(4). The AVX-512 path takes four rows r at a time, so they
// share the loads of a[k] and run four independent accumulator chains. Terms with k below the
// block's common start are added one by one. The blocks' lane sums are weighted into one vector
// and reduced once at the end. Every term's partial sum is fixed by the indices, so the result
// does not depend on threads or allocation.
inline double triangle_sum(const double* weight, const double* a, const double* matrix,
                           std::int64_t stride, std::int64_t begin, std::int64_t end) {
  double total = 0.0;
  std::int64_t r = begin;
#if defined(__AVX512F__)
  __m512d blocks = _mm512_setzero_pd();
  for (; r + 4 <= end; r += 4) {
    const double* rows[4] = {matrix + r * stride, matrix + (r + 1) * stride,
                             matrix + (r + 2) * stride, matrix + (r + 3) * stride};
    double partial[4];
    for (int t = 0; t < 4; ++t) {
      double extra = 0.0;
      for (std::int64_t k = r + t + 1; k < r + 4; ++k) extra += a[k] * rows[t][k];
      partial[t] = extra;
    }

    __m512d acc[4] = {_mm512_setzero_pd(), _mm512_setzero_pd(), _mm512_setzero_pd(),
                      _mm512_setzero_pd()};
    std::int64_t k = r + 4;
    for (; k + 8 <= end; k += 8) {
      const __m512d av = _mm512_loadu_pd(a + k);
      for (int t = 0; t < 4; ++t) acc[t] = _mm512_fmadd_pd(av, _mm512_loadu_pd(rows[t] + k), acc[t]);
    }
    if (k < end) {
      const __mmask8 mask = static_cast<__mmask8>((1u << (end - k)) - 1u);
      const __m512d av = _mm512_maskz_loadu_pd(mask, a + k);
      for (int t = 0; t < 4; ++t) {
        acc[t] = _mm512_fmadd_pd(av, _mm512_maskz_loadu_pd(mask, rows[t] + k), acc[t]);
      }
    }
    for (int t = 0; t < 4; ++t) {
      total += weight[r + t] * partial[t];
      blocks = _mm512_fmadd_pd(_mm512_set1_pd(weight[r + t]), acc[t], blocks);
    }
  }
  total += _mm512_reduce_add_pd(blocks);
#endif
  for (; r < end; ++r) {
    if (weight[r] == 0.0) continue;
    total += weight[r] * dot(a + r + 1, matrix + r * stride + r + 1, end - r - 1);
  }
  return total;
}

// Per-thread scratch: the pT of each constituent and the upper triangle of the R_ij^beta matrix.
struct JetScratch {
  std::vector<double> pt, y, phi;  // pt has stride entries, zero after the first m
  std::vector<double> angle;   // M x stride, angle[i * stride + j] = R_ij^beta for j > i, else 0
  std::vector<double> scaled;  // M x stride, scaled[i * stride + j] = pT_j R_ij^beta for j > i
  std::vector<double> pair;    // stride, pair[l] = pT_l R_il^beta R_jl^beta for the current (i, j)
  std::int64_t m = 0;       // number of constituents
  std::int64_t stride = 0;  // row length: m rounded up to a multiple of 8
};

// Fills scratch.pt and the upper triangle (j > i) of scratch.angle for the rows [begin, end) of
// ptyphims, because every kernel below reads a_ij only with i < j. Each row segment is a
// vectorisable loop.
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
    for (std::int64_t j = i + 1; j < m; ++j) {
      const double dy = y[i] - y[j];
      // phi lies in (-pi, pi], so |dphi| < 2 pi and the wrapped distance is the smaller arc.
      const double abs_dphi = std::abs(phi[i] - phi[j]);
      const double dphi = std::min(abs_dphi, kTwoPi - abs_dphi);
      row[j] = dy * dy + dphi * dphi;
    }

    // beta = 1 and 2 are the common choices: avoid pow() for them.
    if (beta == 1.0) {
      for (std::int64_t j = i + 1; j < m; ++j) row[j] = std::sqrt(row[j]);
    } else if (beta != 2.0) {
      for (std::int64_t j = i + 1; j < m; ++j) row[j] = std::pow(row[j], half_beta);
    }
  }
}

// ECF(1..n_max) of one jet whose scratch is filled, with a_ij = R_ij^beta. Both ECF(3) and
// ECF(4) reduce to triangle_sum(); for ECF(4) the pair row q is built once per (i, j). Terms with
// a zero prefactor (pT = 0 or collinear pairs) are skipped outside the four-row blocks.
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
    for (std::int64_t k = j + 1; k < m; ++k) {
      s.scaled[j * stride + k] = pt[k] * angle[j * stride + k];
    }
  }
  const double* scaled = s.scaled.data();
  if (n_max >= 4) s.pair.assign(stride, 0.0);

  // ECF(3) = sum_i pT_i sum_{j>i} (pT_j a_ij) sum_{k>j} a_ik (pT_k a_jk).
  double ecf3 = 0.0;
  for (std::int64_t i = 0; i < m; ++i) {
    if (pt[i] == 0.0) continue;
    const double* scaled_i = scaled + i * stride;
    ecf3 += pt[i] * triangle_sum(scaled_i, angle + i * stride, scaled, stride, i + 1, m);
  }

  // ECF(4) = sum_{i<j} pT_i pT_j a_ij sum_{j<k<l} q_k a_kl q_l with q_l = a_il pT_l a_jl.
  double ecf4 = 0.0;
  if (n_max >= 4) {
    double* pair = s.pair.data();
    for (std::int64_t i = 0; i < m; ++i) {
      const double* angle_i = angle + i * stride;
      for (std::int64_t j = i + 1; j + 2 < m; ++j) {
        const double weight_ij = pt[i] * pt[j] * angle_i[j];
        if (weight_ij == 0.0) continue;
        const double* scaled_j = scaled + j * stride;
        for (std::int64_t l = j + 1; l < m; ++l) pair[l] = angle_i[l] * scaled_j[l];
        ecf4 += weight_ij * triangle_sum(pair, pair, angle, stride, j + 1, m);
      }
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

// Writes sums[v - 1] = sum_{begin <= k < end} pT_k times the product of the v smallest of
// (a_ij, a_ik, a_jk), for v = 1, 2, 3, with a_ij fixed. The AVX-512 path keeps one partial sum
// per lane index (fixed by k), so the result does not depend on threads or allocation.
inline void triple_sums(double angle_ij, const double* angle_i, const double* angle_j,
                        const double* pt, std::int64_t begin, std::int64_t end, double* sums) {
  std::int64_t k = begin;
#if defined(__AVX512F__)
  const __m512d first = _mm512_set1_pd(angle_ij);
  __m512d acc[3] = {_mm512_setzero_pd(), _mm512_setzero_pd(), _mm512_setzero_pd()};
  for (; k < end; k += 8) {
    // The last pass masks off the lanes at or beyond end; masked lanes load pT = 0.
    const __mmask8 mask =
        end - k >= 8 ? static_cast<__mmask8>(0xFF) : static_cast<__mmask8>((1u << (end - k)) - 1u);
    const __m512d b = _mm512_maskz_loadu_pd(mask, angle_i + k);
    const __m512d c = _mm512_maskz_loadu_pd(mask, angle_j + k);
    const __m512d weight = _mm512_maskz_loadu_pd(mask, pt + k);
    const __m512d lo = _mm512_min_pd(first, _mm512_min_pd(b, c));
    const __m512d hi = _mm512_max_pd(first, _mm512_max_pd(b, c));
    const __m512d mid =
        _mm512_max_pd(_mm512_min_pd(first, b), _mm512_min_pd(_mm512_max_pd(first, b), c));
    const __m512d weighted_lo = _mm512_mul_pd(weight, lo);
    const __m512d weighted_two = _mm512_mul_pd(weighted_lo, mid);
    acc[0] = _mm512_add_pd(acc[0], weighted_lo);
    acc[1] = _mm512_add_pd(acc[1], weighted_two);
    acc[2] = _mm512_fmadd_pd(weighted_two, hi, acc[2]);
  }
  for (int v = 0; v < 3; ++v) sums[v] = _mm512_reduce_add_pd(acc[v]);
#else
  for (int v = 0; v < 3; ++v) sums[v] = 0.0;
  for (; k < end; ++k) {
    double a = angle_ij, b = angle_i[k], c = angle_j[k];
    sort3(a, b, c);
    const double weighted_lo = pt[k] * a;
    const double weighted_two = weighted_lo * b;
    sums[0] += weighted_lo;
    sums[1] += weighted_two;
    sums[2] += weighted_two * c;
  }
#endif
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
        double sums[3];
        triple_sums(angle_i[j], angle_i, angle_j, pt, j + 1, m, sums);
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

// Fill the angle table of every jet and call visit(jet, scratch), on n_threads threads. Jets
// differ in size, so handing out one jet per thread in turn balances the load. Each jet writes
// only its own row, so the result does not depend on the thread count.
template <class Visit>
void for_each_jet_angles(const double* ptyphims, const std::int64_t* offsets,
                         std::int64_t n_jets, double beta, int n_threads, Visit visit) {
  const int threads = resolve_threads(n_threads);
#pragma omp parallel num_threads(threads)
  {
    JetScratch scratch;
#pragma omp for schedule(static, 1)
    for (std::int64_t jet = 0; jet < n_jets; ++jet) {
      fill_angles(ptyphims, offsets[jet], offsets[jet + 1], beta, scratch);
      visit(jet, scratch);
    }
  }
}

}  // namespace

void energy_correlators(const double* ptyphims, const std::int64_t* offsets,
                        std::int64_t n_jets, double beta, int n_max, int n_threads, double* out) {
  for_each_jet_angles(ptyphims, offsets, n_jets, beta, n_threads,
                      [&](std::int64_t jet, JetScratch& scratch) {
    double* row = out + jet * n_max;
    for (int n = 0; n < n_max; ++n) row[n] = 0.0;
    jet_ecfs(scratch, n_max, row);
  });
}

void generalized_energy_correlators(const double* ptyphims, const std::int64_t* offsets,
                                    std::int64_t n_jets, double beta, int n, int n_threads,
                                    double* out) {
  const int columns = generalized_columns(n);
  for_each_jet_angles(ptyphims, offsets, n_jets, beta, n_threads,
                      [&](std::int64_t jet, JetScratch& scratch) {
    double* row = out + jet * columns;
    jet_generalized(scratch, n, row);

    double ecf1 = 0.0;
    for (double pt : scratch.pt) ecf1 += pt;
    const double norm = ecf1 > 0.0 ? std::pow(ecf1, n) : 0.0;
    for (int v = 0; v < columns; ++v) row[v] = norm > 0.0 ? row[v] / norm : 0.0;
  });
}

}  // namespace jetfeat::substructure
