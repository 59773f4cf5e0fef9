// Exact O(n^2 k) distance covariance of multivariate samples without an n x n matrix.
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

// Columns of j processed together: the squared-distance buffers stay in L1.
constexpr std::int64_t kChunk = 512;

// Column-major, weighted-centred copy of the rows `order` of x (n, k) row-major; returns
// sum_i omega_i |x_i - xbar|^2 (with omega taken in `order`).
double transposed_centred(const double* x, std::int64_t k, const std::vector<std::int64_t>& order,
                          const std::vector<double>& omega, std::vector<double>& out) {
  const auto n = static_cast<std::int64_t>(order.size());
  out.assign(static_cast<std::size_t>(n * k), 0.0);
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t m = 0; m < k; ++m) out[m * n + i] = x[order[i] * k + m];
  }
  detail::centre_columns(out.data(), n, k, omega.data());
  double sum = 0.0;
  for (std::int64_t m = 0; m < k; ++m) {
    for (std::int64_t i = 0; i < n; ++i) sum += omega[i] * out[m * n + i] * out[m * n + i];
  }
  return sum;
}

// Squared Euclidean distances from event i to events j0..j1-1 of a column-major (k x n) sample.
inline void squared_distances(const double* cols, std::int64_t n, std::int64_t k, std::int64_t i,
                              std::int64_t j0, std::int64_t j1, double* out) {
  const std::int64_t len = j1 - j0;
  std::fill(out, out + len, 0.0);
  for (std::int64_t m = 0; m < k; ++m) {
    const double* col = cols + m * n + j0;
    const double xi = cols[m * n + i];
#pragma omp simd
    for (std::int64_t t = 0; t < len; ++t) {
      const double d = col[t] - xi;
      out[t] += d * d;
    }
  }
}

std::vector<std::int64_t> identity_order(std::int64_t n) {
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) order[i] = i;
  return order;
}

}  // namespace

double correlation_sqr(const DcovStats& stats) {
  const double denominator = std::sqrt(stats.variance_x_sqr * stats.variance_y_sqr);
  if (!(stats.variance_x_sqr > 0.0) || !(stats.variance_y_sqr > 0.0) || !(denominator > 0.0)) {
    return 0.0;
  }
  return stats.covariance_xy_sqr / denominator;
}

DcovStats dcov_stats_pairwise(const double* x, std::int64_t kx, const double* y, std::int64_t ky,
                              const double* weights, std::int64_t n, int n_threads) {
  const std::vector<double> omega = detail::normalised_weights(weights, n);
  const std::vector<std::int64_t> order = identity_order(n);
  std::vector<double> xt, yt;
  const double sum_a2 = 2.0 * transposed_centred(x, kx, order, omega, xt);
  const double sum_b2 = 2.0 * transposed_centred(y, ky, order, omega, yt);

  // Every row i is summed by one thread in a fixed order, so the per-row results, and the serial
  // sums over rows below, do not depend on the thread count.
  std::vector<double> row_a(static_cast<std::size_t>(n)), row_b(static_cast<std::size_t>(n));
  std::vector<double> row_ab(static_cast<std::size_t>(n));
  const int threads = resolve_threads(n_threads);
#ifdef JETFEAT_HAVE_OPENMP
#pragma omp parallel num_threads(threads)
#endif
  {
    std::vector<double> da(kChunk), db(kChunk);
#ifdef JETFEAT_HAVE_OPENMP
#pragma omp for schedule(static)
#endif
    for (std::int64_t i = 0; i < n; ++i) {
      double sa = 0.0, sb = 0.0, sab = 0.0;
      for (std::int64_t j0 = 0; j0 < n; j0 += kChunk) {
        const std::int64_t j1 = std::min(n, j0 + kChunk);
        squared_distances(xt.data(), n, kx, i, j0, j1, da.data());
        squared_distances(yt.data(), n, ky, i, j0, j1, db.data());
        detail::sqrt_in_place(da.data(), j1 - j0);
        detail::sqrt_in_place(db.data(), j1 - j0);
        const double* w = omega.data() + j0;
#pragma omp simd reduction(+ : sa, sb, sab)
        for (std::int64_t t = 0; t < j1 - j0; ++t) {
          const double a = da[t];
          const double b = db[t];
          sa += w[t] * a;
          sb += w[t] * b;
          sab += w[t] * a * b;
        }
      }
      row_a[i] = sa;
      row_b[i] = sb;
      row_ab[i] = sab;
    }
  }
  (void)threads;

  double pair_sum = 0.0;
  for (std::int64_t i = 0; i < n; ++i) pair_sum += omega[i] * row_ab[i];
  return detail::combine(pair_sum, sum_a2, sum_b2, row_a, row_b, omega);
}

DcovStats dcov_stats_pairwise_binary(const double* x, std::int64_t kx, const std::uint8_t* label,
                                     const double* weights, std::int64_t n, int n_threads,
                                     double* energy_distance, double* label_fraction) {
  // Label-1 events first, so each row splits into a class-1 part and a class-0 part.
  std::vector<std::int64_t> order;
  const std::int64_t n1 = detail::class_order(label, 0, n, order);
  const std::vector<double> omega_input = detail::normalised_weights(weights, n);
  std::vector<double> omega(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) omega[i] = omega_input[order[i]];
  std::vector<double> xt;
  const double sum_a2 = 2.0 * transposed_centred(x, kx, order, omega, xt);

  std::vector<double> to_1(static_cast<std::size_t>(n)), to_0(static_cast<std::size_t>(n));
  const int threads = resolve_threads(n_threads);
#ifdef JETFEAT_HAVE_OPENMP
#pragma omp parallel num_threads(threads)
#endif
  {
    std::vector<double> da(kChunk);
#ifdef JETFEAT_HAVE_OPENMP
#pragma omp for schedule(static)
#endif
    for (std::int64_t i = 0; i < n; ++i) {
      double s1 = 0.0, s0 = 0.0;
      for (std::int64_t j0 = 0; j0 < n; j0 += kChunk) {
        const std::int64_t j1 = std::min(n, j0 + kChunk);
        squared_distances(xt.data(), n, kx, i, j0, j1, da.data());
        detail::sqrt_in_place(da.data(), j1 - j0);
        const double* w = omega.data() + j0;
        const std::int64_t split = std::clamp(n1 - j0, std::int64_t{0}, j1 - j0);
#pragma omp simd reduction(+ : s1)
        for (std::int64_t t = 0; t < split; ++t) s1 += w[t] * da[t];
#pragma omp simd reduction(+ : s0)
        for (std::int64_t t = split; t < j1 - j0; ++t) s0 += w[t] * da[t];
      }
      to_1[i] = s1;
      to_0[i] = s0;
    }
  }
  (void)threads;

  double w11 = 0.0, w10 = 0.0, w00 = 0.0, p = 0.0;
  std::vector<double> row(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    row[i] = to_1[i] + to_0[i];
    if (i < n1) {
      w11 += omega[i] * to_1[i];
      w10 += omega[i] * to_0[i];
      p += omega[i];
    } else {
      w00 += omega[i] * to_0[i];
    }
  }
  const double q = 1.0 - p;
  *energy_distance = detail::energy_from_pair_sums(w11, w10, w00, p, q);
  *label_fraction = p;
  return detail::binary_stats(w11, w10, w00, p, q, sum_a2, row, omega);
}

void whiten(double* x, std::int64_t n, std::int64_t k, const double* weights,
            const std::string& what) {
  const std::vector<double> omega = detail::normalised_weights(weights, n);
  std::vector<double> cols;
  transposed_centred(x, k, identity_order(n), omega, cols);
  const std::int64_t bad = detail::orthonormalise(cols.data(), n, k, omega.data());
  if (bad >= 0) {
    throw std::invalid_argument(detail::collinear_message(what, bad) +
                                ", so its covariance matrix is singular and the affine-invariant "
                                "distance correlation is undefined; drop that column");
  }
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t m = 0; m < k; ++m) x[i * k + m] = cols[m * n + i];
  }
}

}  // namespace jetfeat::disco
