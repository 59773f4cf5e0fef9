// Batched scoring of candidate features joined to a fixed selected set (DisCo-FFS inner loop).
//
// With the selected set S whitened once per block (orthonormal columns q_1..q_k under the weighted
// inner product), whitening [S, c] appends one column: r, the residual of c after weighted linear
// regression on S, scaled to unit weighted variance. Squared distances therefore decompose as
//   D^2_{S+c}(i, j) = D^2_S(i, j) + (r_i - r_j)^2,
// and each candidate costs one pass over the event pairs of a block. D^2_S is recomputed per row
// segment and shared by a group of candidates, so neither it nor any other n x n matrix is stored.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "disco/dcor.hpp"
#include "disco/detail.hpp"
#include "disco/simd.hpp"
#include "parallel.hpp"

namespace jetfeat::disco {

namespace {

// Candidates sharing one D^2_S row segment, and columns j per segment. The residual and
// accumulator segments of a group take kGroup * kTile * 16 bytes (64 KiB), inside L2. Chosen by
// timing (8, 256), (16, 128), (16, 256) and (32, 128) on a Zen 4 core: (32, 128) was fastest,
// 1.59 G pairs per CPU-second against 1.35 for (8, 256).
constexpr std::int64_t kGroup = 32;
constexpr std::int64_t kTile = 128;

#ifdef __AVX512F__
using detail::first_lanes;
using detail::sqrt_nonnegative;
#endif

// Adds the pairs (i, j), j in [j0, j1), of one candidate: returns sum_j omega_j a_ij for row i and
// adds omega_i a_ij to acc[j] (the same pairs seen from row j). The AVX-512 path handles the
// tail with masked loads, so every pair goes through the same sqrt and the result does not depend
// on where a row segment starts.
inline double pair_row(const double* d2s, const double* r, double ri, const double* omega,
                       double wi, double* acc, std::int64_t j0, std::int64_t j1) {
#ifdef __AVX512F__
  const __m512d vri = _mm512_set1_pd(ri);
  const __m512d vwi = _mm512_set1_pd(wi);
  __m512d vsum = _mm512_setzero_pd();
  for (std::int64_t j = j0; j < j1; j += 8) {
    const __mmask8 m = j + 8 <= j1 ? static_cast<__mmask8>(0xFF) : first_lanes(j1 - j);
    const __m512d d = _mm512_sub_pd(vri, _mm512_maskz_loadu_pd(m, r + j));
    const __m512d a = sqrt_nonnegative(_mm512_fmadd_pd(d, d, _mm512_maskz_loadu_pd(m, d2s + j)));
    vsum = _mm512_fmadd_pd(_mm512_maskz_loadu_pd(m, omega + j), a, vsum);
    _mm512_mask_storeu_pd(acc + j, m, _mm512_fmadd_pd(vwi, a, _mm512_maskz_loadu_pd(m, acc + j)));
  }
  return _mm512_reduce_add_pd(vsum);
#else
  double sum = 0.0;
#pragma omp simd reduction(+ : sum)
  for (std::int64_t j = j0; j < j1; ++j) {
    const double d = ri - r[j];
    const double a = std::sqrt(d2s[j] + d * d);
    sum += omega[j] * a;
    acc[j] += wi * a;
  }
  return sum;
#endif
}

// As pair_row, and also returns sum_j omega_j a_ij |y_i - y_j| in `cross` for a continuous y.
inline double pair_row_continuous(const double* d2s, const double* r, double ri, const double* y,
                                  double yi, const double* omega, double wi, double* acc,
                                  std::int64_t j0, std::int64_t j1, double& cross) {
#ifdef __AVX512F__
  const __m512d vri = _mm512_set1_pd(ri);
  const __m512d vyi = _mm512_set1_pd(yi);
  const __m512d vwi = _mm512_set1_pd(wi);
  __m512d vsum = _mm512_setzero_pd();
  __m512d vsum_ab = _mm512_setzero_pd();
  for (std::int64_t j = j0; j < j1; j += 8) {
    const __mmask8 m = j + 8 <= j1 ? static_cast<__mmask8>(0xFF) : first_lanes(j1 - j);
    const __m512d d = _mm512_sub_pd(vri, _mm512_maskz_loadu_pd(m, r + j));
    const __m512d a = sqrt_nonnegative(_mm512_fmadd_pd(d, d, _mm512_maskz_loadu_pd(m, d2s + j)));
    const __m512d wa = _mm512_mul_pd(_mm512_maskz_loadu_pd(m, omega + j), a);
    const __m512d b = _mm512_abs_pd(_mm512_sub_pd(vyi, _mm512_maskz_loadu_pd(m, y + j)));
    vsum = _mm512_add_pd(vsum, wa);
    vsum_ab = _mm512_fmadd_pd(wa, b, vsum_ab);
    _mm512_mask_storeu_pd(acc + j, m, _mm512_fmadd_pd(vwi, a, _mm512_maskz_loadu_pd(m, acc + j)));
  }
  cross = _mm512_reduce_add_pd(vsum_ab);
  return _mm512_reduce_add_pd(vsum);
#else
  double sum = 0.0, sum_ab = 0.0;
#pragma omp simd reduction(+ : sum, sum_ab)
  for (std::int64_t j = j0; j < j1; ++j) {
    const double d = ri - r[j];
    const double a = std::sqrt(d2s[j] + d * d);
    const double wa = omega[j] * a;
    sum += wa;
    sum_ab += wa * std::abs(yi - y[j]);
    acc[j] += wi * a;
  }
  cross = sum_ab;
  return sum;
#endif
}

// One block of events, prepared once and shared read-only by every thread.
struct Block {
  std::int64_t begin = 0, end = 0;  // event range in the input
  std::int64_t n = 0;               // events in the block
  std::int64_t n1 = 0;              // label-1 events (binary), stored first
  std::vector<std::int64_t> order;  // input row of each block event
  std::vector<double> omega;        // normalised weights in block order
  std::vector<double> q;            // selected set, k x n column-major (whitened or centred)
  double sum_q2 = 0.0;              // sum_i omega_i |q_i|^2
  std::vector<double> y;            // continuous y in block order
  std::vector<double> row_b;        // bbar_i for continuous y
  double mean_b = 0.0;
  double variance_y_sqr = 0.0;
  double p = 0.0, q_frac = 0.0;     // label fractions (binary)
};

std::string block_name(std::int64_t b, const Block& block) {
  return "block " + std::to_string(b) + " (events " + std::to_string(block.begin) + ".." +
         std::to_string(block.end - 1) + ")";
}

Block prepare_block(const double* selected, std::int64_t k, const double* y,
                    const double* weights, std::int64_t b, std::int64_t begin, std::int64_t end,
                    const ScoreOptions& options) {
  Block block;
  block.begin = begin;
  block.end = end;
  block.n = end - begin;
  const std::int64_t n = block.n;

  // Label-1 events first for a binary y, so each row splits at n1 into class-1 and class-0 parts.
  if (options.binary) {
    std::vector<std::uint8_t> label(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) label[i] = y[begin + i] != 0.0;
    block.n1 = detail::class_order(label.data(), 0, n, block.order);
    for (auto& row : block.order) row += begin;
    if (block.n1 == 0 || block.n1 == n) {
      throw std::invalid_argument(
          block_name(b, block) + " contains only label " + std::to_string(block.n1 == n ? 1 : 0) +
          ", so dCor with the label is undefined there; shuffle the events so that every block "
          "holds both classes");
    }
  } else {
    block.order.resize(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) block.order[i] = begin + i;
  }

  std::vector<double> w(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) w[i] = weights[block.order[i]];
  double total = 0.0;
  for (double wi : w) total += wi;
  if (!(total > 0.0)) {
    throw std::invalid_argument("the event weights of " + block_name(b, block) +
                                " sum to zero; give the block events positive weights");
  }
  block.omega.resize(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) block.omega[i] = w[i] / total;
  const double* omega = block.omega.data();

  // Selected set: centred, then whitened for the affine-invariant score.
  block.q.assign(static_cast<std::size_t>(k * n), 0.0);
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t m = 0; m < k; ++m) block.q[m * n + i] = selected[block.order[i] * k + m];
  }
  detail::centre_columns(block.q.data(), n, k, omega);
  if (options.affine_invariant) {
    const std::int64_t bad = detail::orthonormalise(block.q.data(), n, k, omega);
    if (bad >= 0) {
      throw std::invalid_argument(detail::collinear_message("selected", bad) + " in " +
                                  block_name(b, block) +
                                  ", so the selected set cannot be whitened; drop that column "
                                  "from the selected set");
    }
  }
  for (std::int64_t m = 0; m < k; ++m) {
    const double* qm = block.q.data() + m * n;
    for (std::int64_t i = 0; i < n; ++i) block.sum_q2 += omega[i] * qm[i] * qm[i];
  }

  if (options.binary) {
    for (std::int64_t i = 0; i < block.n1; ++i) block.p += omega[i];
    block.q_frac = 1.0 - block.p;
    if (!(block.p > 0.0) || !(block.q_frac > 0.0)) {
      throw std::invalid_argument(
          "the label-" + std::string(block.p > 0.0 ? "0" : "1") + " events of " +
          block_name(b, block) + " have zero total weight, so dCor with the label is undefined "
          "there; shuffle the events or check the weights");
    }
    return block;
  }

  // Continuous y: row means of b_ij = |y_i - y_j| and dVar^2(y), O(n^2) once per block.
  block.y.resize(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) block.y[i] = y[block.order[i]];
  block.row_b.assign(static_cast<std::size_t>(n), 0.0);
  double sum_b2 = 0.0;
  for (std::int64_t i = 0; i < n; ++i) {
    double sb = 0.0, sb2 = 0.0;
    const double yi = block.y[i];
#pragma omp simd reduction(+ : sb, sb2)
    for (std::int64_t j = 0; j < n; ++j) {
      const double bij = std::abs(yi - block.y[j]);
      sb += omega[j] * bij;
      sb2 += omega[j] * bij * bij;
    }
    block.row_b[i] = sb;
    sum_b2 += omega[i] * sb2;
  }
  double bb = 0.0;
  for (std::int64_t i = 0; i < n; ++i) {
    block.mean_b += omega[i] * block.row_b[i];
    bb += omega[i] * block.row_b[i] * block.row_b[i];
  }
  block.variance_y_sqr = sum_b2 - 2.0 * bb + block.mean_b * block.mean_b;
  if (!(block.variance_y_sqr > 0.0)) {
    throw std::invalid_argument("y is constant in " + block_name(b, block) +
                                ", so dCor with y is undefined there; shuffle the events");
  }
  return block;
}

// Scores candidates [g0, g0 + count) on one block and writes each dCor^2 into block_score.
// Candidates that are constant or dependent on the selected set get degenerate[g] = 1.
void score_group(const Block& block, std::int64_t k, const double* candidates,
                 std::int64_t n_candidates, std::int64_t g0, std::int64_t count,
                 const ScoreOptions& options, std::vector<double>& r, std::vector<double>& acc,
                 std::vector<double>& d2s, double* block_score, std::uint8_t* degenerate) {
  const std::int64_t n = block.n;
  const double* omega = block.omega.data();

  // Residuals r (count x n): centred candidates, made orthogonal to the selected set and scaled
  // to unit weighted variance for the affine-invariant score.
  for (std::int64_t i = 0; i < n; ++i) {
    const double* row = candidates + block.order[i] * n_candidates + g0;
    for (std::int64_t g = 0; g < count; ++g) r[g * n + i] = row[g];
  }
  std::vector<std::uint8_t> active(static_cast<std::size_t>(count), 1);
  std::vector<double> sum_r2(static_cast<std::size_t>(count), 0.0);
  for (std::int64_t g = 0; g < count; ++g) {
    double* rg = r.data() + g * n;
    detail::centre_columns(rg, n, 1, omega);
    if (options.affine_invariant) detail::scale_to_unit_max(rg, n);
    double original = 0.0;
    for (std::int64_t i = 0; i < n; ++i) original += omega[i] * rg[i] * rg[i];
    double residual = original;
    if (options.affine_invariant) {
      for (int pass = 0; pass < 2; ++pass) {
        for (std::int64_t m = 0; m < k; ++m) {
          const double* qm = block.q.data() + m * n;
          double dot = 0.0;
          for (std::int64_t i = 0; i < n; ++i) dot += omega[i] * qm[i] * rg[i];
          for (std::int64_t i = 0; i < n; ++i) rg[i] -= dot * qm[i];
        }
      }
      residual = 0.0;
      for (std::int64_t i = 0; i < n; ++i) residual += omega[i] * rg[i] * rg[i];
    }
    if (!(original > 0.0) || !(residual > kCollinearTolerance * original)) {
      active[g] = 0;
      degenerate[g] = 1;
      block_score[g] = 0.0;
      continue;
    }
    if (options.affine_invariant) {
      const double scale = 1.0 / std::sqrt(residual);
      for (std::int64_t i = 0; i < n; ++i) rg[i] *= scale;
      sum_r2[g] = 1.0;
    } else {
      sum_r2[g] = residual;
    }
  }

  // One pass over the pairs i < j. For row i and the columns of one tile, D^2_S is computed once
  // and used by every candidate of the group.
  std::fill(acc.begin(), acc.begin() + count * n, 0.0);
  std::vector<double> cross(static_cast<std::size_t>(count), 0.0);
  for (std::int64_t t0 = 0; t0 < n; t0 += kTile) {
    const std::int64_t t1 = std::min(n, t0 + kTile);
    for (std::int64_t i = 0; i < t1 - 1; ++i) {
      const std::int64_t j0 = std::max(t0, i + 1);
      if (j0 >= t1) continue;

      // d2s[j - t0] = |q_i - q_j|^2; shifted pointer below so that it is indexed by j.
      std::fill(d2s.begin(), d2s.begin() + (t1 - t0), 0.0);
      for (std::int64_t m = 0; m < k; ++m) {
        const double* qm = block.q.data() + m * n;
        const double qi = qm[i];
#pragma omp simd
        for (std::int64_t j = j0; j < t1; ++j) {
          const double d = qm[j] - qi;
          d2s[j - t0] += d * d;
        }
      }
      const double* d2 = d2s.data() - t0;
      const double wi = omega[i];

      for (std::int64_t g = 0; g < count; ++g) {
        if (!active[g]) continue;
        const double* rg = r.data() + g * n;
        double* ag = acc.data() + g * n;
        if (options.binary) {
          if (i < block.n1) {
            // Class-1 row: j below n1 are class 1, the rest class 0 (the cross pairs W_10).
            const std::int64_t split = std::clamp(block.n1, j0, t1);
            const double within = pair_row(d2, rg, rg[i], omega, wi, ag, j0, split);
            const double between = pair_row(d2, rg, rg[i], omega, wi, ag, split, t1);
            ag[i] += within + between;
            cross[g] += wi * between;
          } else {
            ag[i] += pair_row(d2, rg, rg[i], omega, wi, ag, j0, t1);
          }
        } else {
          double row_ab = 0.0;
          ag[i] += pair_row_continuous(d2, rg, rg[i], block.y.data(), block.y[i], omega, wi, ag,
                                       j0, t1, row_ab);
          cross[g] += wi * row_ab;
        }
      }
    }
  }

  // Combine the row means into dCor^2 of each active candidate.
  for (std::int64_t g = 0; g < count; ++g) {
    if (!active[g]) continue;
    const double* ag = acc.data() + g * n;
    const double sum_a2 = 2.0 * (block.sum_q2 + sum_r2[g]);
    double mean_a = 0.0, aa = 0.0, a_class1 = 0.0, ab = 0.0;
    for (std::int64_t i = 0; i < n; ++i) {
      mean_a += omega[i] * ag[i];
      aa += omega[i] * ag[i] * ag[i];
    }
    DcovStats stats;
    stats.variance_x_sqr = sum_a2 - 2.0 * aa + mean_a * mean_a;
    if (options.binary) {
      for (std::int64_t i = 0; i < block.n1; ++i) a_class1 += omega[i] * ag[i];
      const double w10 = cross[g];
      const double w11 = a_class1 - w10;
      const double w00 = (mean_a - a_class1) - w10;
      const double p = block.p, q = block.q_frac;
      stats.covariance_xy_sqr = 4.0 * p * q * w10 - 2.0 * q * q * w11 - 2.0 * p * p * w00;
      stats.variance_y_sqr = 4.0 * p * p * q * q;
    } else {
      for (std::int64_t i = 0; i < n; ++i) ab += omega[i] * ag[i] * block.row_b[i];
      // cross[g] counts each pair i < j once, but the V-statistic sums ordered pairs.
      stats.covariance_xy_sqr = 2.0 * cross[g] - 2.0 * ab + mean_a * block.mean_b;
      stats.variance_y_sqr = block.variance_y_sqr;
    }
    block_score[g] = correlation_sqr(stats);
  }
}

}  // namespace

void score_candidates(const double* selected, std::int64_t k, const double* candidates,
                      std::int64_t n_candidates, const double* y, const double* weights,
                      std::int64_t n, const ScoreOptions& options, double* scores,
                      std::int64_t* degenerate_blocks) {
  if (options.block_size < 2) throw std::invalid_argument("block_size must be at least 2");
  const std::int64_t n_blocks = n / options.block_size;
  if (n_blocks < 1) {
    throw std::invalid_argument("only " + std::to_string(n) + " events for block_size " +
                                std::to_string(options.block_size) +
                                "; pass more events or a smaller block_size");
  }
  std::fill(scores, scores + n_candidates, 0.0);
  std::fill(degenerate_blocks, degenerate_blocks + n_candidates, std::int64_t{0});

  // Contiguous blocks of near-equal size (numpy.array_split): the first n % n_blocks blocks get
  // one extra event, so every event is used and every block has at least block_size events.
  const std::int64_t base = n / n_blocks;
  const std::int64_t extra = n % n_blocks;
  const std::int64_t n_groups = (n_candidates + kGroup - 1) / kGroup;
  const int threads = resolve_threads(options.n_threads);
  std::vector<double> block_scores(static_cast<std::size_t>(n_candidates));
  std::vector<std::uint8_t> degenerate(static_cast<std::size_t>(n_candidates));

  std::int64_t begin = 0;
  for (std::int64_t b = 0; b < n_blocks; ++b) {
    const std::int64_t end = begin + base + (b < extra ? 1 : 0);
    const Block block = prepare_block(selected, k, y, weights, b, begin, end, options);
    std::fill(degenerate.begin(), degenerate.end(), std::uint8_t{0});

    // Candidates are independent and each is computed by one thread in a fixed order, so the
    // scores are bitwise identical for any thread count. No Python object is touched here.
#ifdef JETFEAT_HAVE_OPENMP
#pragma omp parallel num_threads(threads)
#endif
    {
      std::vector<double> r(static_cast<std::size_t>(kGroup * block.n));
      std::vector<double> acc(static_cast<std::size_t>(kGroup * block.n));
      std::vector<double> d2s(static_cast<std::size_t>(kTile));
#ifdef JETFEAT_HAVE_OPENMP
#pragma omp for schedule(static)
#endif
      for (std::int64_t group = 0; group < n_groups; ++group) {
        const std::int64_t g0 = group * kGroup;
        const std::int64_t count = std::min(kGroup, n_candidates - g0);
        score_group(block, k, candidates, n_candidates, g0, count, options, r, acc, d2s,
                    block_scores.data() + g0, degenerate.data() + g0);
      }
    }

    for (std::int64_t c = 0; c < n_candidates; ++c) {
      scores[c] += block_scores[c];
      degenerate_blocks[c] += degenerate[c];
    }
    begin = end;
  }
  (void)threads;
  for (std::int64_t c = 0; c < n_candidates; ++c) scores[c] /= static_cast<double>(n_blocks);
}

}  // namespace jetfeat::disco
