// O(n log n) distance covariance of two 1-D samples (general y and 0/1 labels).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include "disco/dcor.hpp"
#include "disco/detail.hpp"
#include "parallel.hpp"

namespace jetfeat::disco {

namespace {

// Indices 0..n-1 ordered by value. Ties keep index order, so the result is reproducible.
std::vector<std::int64_t> argsort(const std::vector<double>& values) {
  std::vector<std::int64_t> order(values.size());
  std::iota(order.begin(), order.end(), std::int64_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::int64_t a, std::int64_t b) { return values[a] < values[b]; });
  return order;
}

// row[i] = sum_j omega_j |v_i - v_j| from prefix sums along the sorted order. The element itself
// is counted in the "at or above" part, where it contributes v_i omega_i - v_i omega_i = 0.
void weighted_abs_row_sums(const std::vector<double>& v, const std::vector<std::int64_t>& order,
                           const std::vector<double>& omega, std::vector<double>& row) {
  double total_w = 0.0;
  double total_wv = 0.0;
  for (std::int64_t i : order) {
    total_w += omega[i];
    total_wv += omega[i] * v[i];
  }

  double below_w = 0.0;
  double below_wv = 0.0;
  for (std::int64_t i : order) {
    const double above_w = total_w - below_w;
    const double above_wv = total_wv - below_wv;
    row[i] = (v[i] * below_w - below_wv) + (above_wv - v[i] * above_w);
    below_w += omega[i];
    below_wv += omega[i] * v[i];
  }
}

// Fenwick (binary indexed) tree of four running sums over y ranks.
struct Moments {
  double w = 0.0, wx = 0.0, wy = 0.0, wxy = 0.0;

  void add(const Moments& other) {
    w += other.w;
    wx += other.wx;
    wy += other.wy;
    wxy += other.wxy;
  }
};

class FenwickTree {
 public:
  explicit FenwickTree(std::int64_t n) : nodes_(static_cast<std::size_t>(n) + 1) {}

  void add(std::int64_t rank, const Moments& value) {
    for (std::int64_t i = rank + 1; i < static_cast<std::int64_t>(nodes_.size()); i += i & -i) {
      nodes_[i].add(value);
    }
  }

  // Sum over ranks 0..rank inclusive.
  Moments prefix(std::int64_t rank) const {
    Moments sum;
    for (std::int64_t i = rank + 1; i > 0; i -= i & -i) sum.add(nodes_[i]);
    return sum;
  }

 private:
  std::vector<Moments> nodes_;
};

// Weighted-centred copy of v; distances do not change and the prefix-sum formulas lose
// fewer digits when the values sit around zero.
std::vector<double> centred(const double* v, const std::vector<double>& omega) {
  std::vector<double> out(v, v + omega.size());
  detail::centre_columns(out.data(), static_cast<std::int64_t>(out.size()), 1, omega.data());
  return out;
}

double weighted_sum_sq(const std::vector<double>& v, const std::vector<double>& omega) {
  double sum = 0.0;
  for (std::size_t i = 0; i < v.size(); ++i) sum += omega[i] * v[i] * v[i];
  return sum;
}

}  // namespace

DcovStats dcov_stats_1d(const double* x_in, const double* y_in, const double* weights,
                        std::int64_t n, int n_threads) {
  const std::vector<double> omega = detail::normalised_weights(weights, n);
  const std::vector<double> x = centred(x_in, omega);
  const std::vector<double> y = centred(y_in, omega);

  // The two sorts and the row sums are independent, so two threads can share them; each part is
  // the same serial computation whatever the thread count, so the result does not change with it.
  std::vector<std::int64_t> order_x, order_y;
  std::vector<double> row_a(static_cast<std::size_t>(n)), row_b(static_cast<std::size_t>(n));
#ifdef JETFEAT_HAVE_OPENMP
#pragma omp parallel sections num_threads(std::min(resolve_threads(n_threads), 2))
#endif
  {
#ifdef JETFEAT_HAVE_OPENMP
#pragma omp section
#endif
    {
      order_x = argsort(x);
      weighted_abs_row_sums(x, order_x, omega, row_a);
    }
#ifdef JETFEAT_HAVE_OPENMP
#pragma omp section
#endif
    {
      order_y = argsort(y);
      weighted_abs_row_sums(y, order_y, omega, row_b);
    }
  }
  (void)n_threads;

  std::vector<std::int64_t> rank_y(static_cast<std::size_t>(n));
  for (std::int64_t r = 0; r < n; ++r) rank_y[order_y[r]] = r;

  // sum_ij omega_i omega_j |x_i - x_j| |y_i - y_j|. Visit events in increasing x, so x_i - x_j >= 0
  // for every earlier j. Earlier events with y_j <= y_i (the tree prefix, L) contribute
  // (x_i - x_j)(y_i - y_j), the others (G) its negative: L - G = 2 L - (L + G). Ties in x or y
  // contribute zero on either side.
  FenwickTree tree(n);
  Moments all_before;
  double pair_sum = 0.0;
  for (std::int64_t i : order_x) {
    const double xi = x[i];
    const double yi = y[i];
    const Moments low = tree.prefix(rank_y[i]);
    const double lower = xi * yi * low.w - xi * low.wy - yi * low.wx + low.wxy;
    const double all = xi * yi * all_before.w - xi * all_before.wy - yi * all_before.wx +
                       all_before.wxy;
    pair_sum += omega[i] * (2.0 * lower - all);

    const Moments mine{omega[i], omega[i] * xi, omega[i] * yi, omega[i] * xi * yi};
    tree.add(rank_y[i], mine);
    all_before.add(mine);
  }
  pair_sum *= 2.0;  // ordered pairs (i, j) and (j, i)

  // sum_ij omega_i omega_j (x_i - x_j)^2 = 2 sum_i omega_i x_i^2 for weighted-centred x.
  const double sum_a2 = 2.0 * weighted_sum_sq(x, omega);
  const double sum_b2 = 2.0 * weighted_sum_sq(y, omega);
  return detail::combine(pair_sum, sum_a2, sum_b2, row_a, row_b, omega);
}

DcovStats dcov_stats_1d_binary(const double* x_in, const std::uint8_t* label,
                               const double* weights, std::int64_t n, double* energy_distance,
                               double* label_fraction) {
  const std::vector<double> omega = detail::normalised_weights(weights, n);
  const std::vector<double> x = centred(x_in, omega);
  const std::vector<std::int64_t> order = argsort(x);

  // Class totals of omega and omega * x (class 1 at index 1).
  double total_w[2] = {0.0, 0.0};
  double total_wx[2] = {0.0, 0.0};
  for (std::int64_t i = 0; i < n; ++i) {
    total_w[label[i]] += omega[i];
    total_wx[label[i]] += omega[i] * x[i];
  }

  // Distances from each event to class 0 and to class 1, from per-class prefix sums; W_ab are the
  // weighted pair sums between class a and class b (ordered pairs).
  double below_w[2] = {0.0, 0.0};
  double below_wx[2] = {0.0, 0.0};
  std::vector<double> row(static_cast<std::size_t>(n));
  double w11 = 0.0, w10 = 0.0, w00 = 0.0;
  for (std::int64_t i : order) {
    double to_class[2];
    for (int c = 0; c < 2; ++c) {
      to_class[c] = (x[i] * below_w[c] - below_wx[c]) +
                    ((total_wx[c] - below_wx[c]) - x[i] * (total_w[c] - below_w[c]));
    }
    row[i] = to_class[0] + to_class[1];
    if (label[i]) {
      w11 += omega[i] * to_class[1];
      w10 += omega[i] * to_class[0];
    } else {
      w00 += omega[i] * to_class[0];
    }
    below_w[label[i]] += omega[i];
    below_wx[label[i]] += omega[i] * x[i];
  }

  const double p = total_w[1];
  const double q = total_w[0];
  DcovStats stats = detail::binary_stats(w11, w10, w00, p, q, 2.0 * weighted_sum_sq(x, omega),
                                         row, omega);
  *energy_distance = detail::energy_from_pair_sums(w11, w10, w00, p, q);
  *label_fraction = p;
  return stats;
}

}  // namespace jetfeat::disco
