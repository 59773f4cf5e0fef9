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
  detail::CompensatedSum total_w, total_wv;
  for (std::int64_t i : order) {
    total_w.add(omega[i]);
    total_wv.add(omega[i] * v[i]);
  }

  detail::CompensatedSum below_w, below_wv;
  for (std::int64_t i : order) {
    const double above_w = total_w.value() - below_w.value();
    const double above_wv = total_wv.value() - below_wv.value();
    row[i] = (v[i] * below_w.value() - below_wv.value()) + (above_wv - v[i] * above_w);
    below_w.add(omega[i]);
    below_wv.add(omega[i] * v[i]);
  }
}

// One event during the merge sort by y: its values and weight.
struct Item {
  double y;
  double x;
  double w;
  std::int64_t index;
};

// Merges the y-sorted runs [lo, mid) and [mid, hi) of `in` into `out`, and returns
// sum over right-run events i of w_i sum over left-run events j with y_j <= y_i of
// w_j (x_i - x_j)(y_i - y_j). The left run precedes the right one in x, so this is the part of
// the "lower" dominance sum that crosses the two runs. Running sums are long double: the result
// is a difference of order-1 sums, while dCov^2 of nearly independent samples is of order 1/n.
long double merge_runs(const std::vector<Item>& in, std::vector<Item>& out, std::int64_t lo,
                       std::int64_t mid, std::int64_t hi) {
  long double sw = 0.0L, swx = 0.0L, swy = 0.0L, swxy = 0.0L, lower = 0.0L;
  std::int64_t i = lo, j = mid, k = lo;
  while (i < mid || j < hi) {
    if (j >= hi || (i < mid && in[i].y <= in[j].y)) {
      const Item& left = in[i++];
      const long double w = left.w, x = left.x, y = left.y;
      sw += w;
      swx += w * x;
      swy += w * y;
      swxy += w * x * y;
      out[k++] = left;
    } else {
      const Item& right = in[j++];
      const long double x = right.x, y = right.y;
      lower += right.w * (x * y * sw - x * swy - y * swx + swxy);
      out[k++] = right;
    }
  }
  return lower;
}

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

  // Events in increasing x; ties are broken by index so the order is reproducible.
  std::vector<Item> items(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) items[i] = Item{y[i], x[i], omega[i], i};
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    return a.x < b.x || (a.x == b.x && a.index < b.index);
  });
  std::vector<std::int64_t> order_x(static_cast<std::size_t>(n));
  for (std::int64_t r = 0; r < n; ++r) order_x[r] = items[r].index;

  // S1 = sum_ij omega_i omega_j |x_i - x_j| |y_i - y_j|. For i after j in x order, x_i - x_j >= 0,
  // and the pair contributes (x_i - x_j)(y_i - y_j) when y_j <= y_i ("lower", L) and minus that
  // otherwise, so the sum over j before i is 2 L - (all j before i). Ties in x or y contribute zero
  // on either side. The all-before part comes from prefix sums in x order.
  long double all_before = 0.0L;
  {
    long double sw = 0.0L, swx = 0.0L, swy = 0.0L, swxy = 0.0L;
    for (const Item& item : items) {
      const long double w = item.w, xi = item.x, yi = item.y;
      all_before += w * (xi * yi * sw - xi * swy - yi * swx + swxy);
      sw += w;
      swx += w * xi;
      swy += w * yi;
      swxy += w * xi * yi;
    }
  }

  // L from a bottom-up merge sort by y over the x order (the merge-sort scheme of Chaudhuri and
  // Hu): each merge adds the pairs crossing its two runs. Runs of one level are merged by
  // different threads into their own slot of `partial`, and the slots are summed in order, so the
  // result does not depend on the thread count.
  const int threads = resolve_threads(n_threads);
  std::vector<Item> buffer(static_cast<std::size_t>(n));
  long double lower = 0.0L;
  for (std::int64_t width = 1; width < n; width *= 2) {
    const std::int64_t n_merges = (n + 2 * width - 1) / (2 * width);
    std::vector<long double> partial(static_cast<std::size_t>(n_merges));
#ifdef JETFEAT_HAVE_OPENMP
#pragma omp parallel for schedule(static) num_threads(threads) if (n_merges > 1 && n > 65536)
#endif
    for (std::int64_t m = 0; m < n_merges; ++m) {
      const std::int64_t lo = m * 2 * width;
      const std::int64_t mid = std::min(lo + width, n);
      const std::int64_t hi = std::min(lo + 2 * width, n);
      partial[m] = merge_runs(items, buffer, lo, mid, hi);
    }
    for (long double value : partial) lower += value;
    items.swap(buffer);
  }
  (void)threads;

  // The merge sort leaves the events in increasing y (stable, so ties stay in x order).
  std::vector<std::int64_t> order_y(static_cast<std::size_t>(n));
  for (std::int64_t r = 0; r < n; ++r) order_y[r] = items[r].index;
  std::vector<double> row_a(static_cast<std::size_t>(n)), row_b(static_cast<std::size_t>(n));
  weighted_abs_row_sums(x, order_x, omega, row_a);
  weighted_abs_row_sums(y, order_y, omega, row_b);
  const long double pair_sum = 2.0L * lower - all_before;

  // sum_ij omega_i omega_j (x_i - x_j)^2 = 2 sum_i omega_i x_i^2 for weighted-centred x.
  const double sum_a2 = 2.0 * weighted_sum_sq(x, omega);
  const double sum_b2 = 2.0 * weighted_sum_sq(y, omega);
  // Times 2 for the ordered pairs (i, j) and (j, i).
  return detail::combine(static_cast<double>(2.0L * pair_sum), sum_a2, sum_b2, row_a, row_b, omega);
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

  // Distances from each event to class 0 and to class 1 from per-class prefix sums, for the row
  // means of x. The energy distance uses the 1-D identity E = 2 integral (F_1(t) - F_0(t))^2 dt
  // with the weighted class CDFs: a sum of non-negative terms, free of the cancellation in
  // 2 M_10 - M_11 - M_00 that costs digits when the classes are alike.
  const double p = total_w[1];
  const double q = total_w[0];
  detail::CompensatedSum below_w[2], below_wx[2], cdf_difference, energy;
  std::vector<double> row(static_cast<std::size_t>(n));
  double previous_x = 0.0;
  for (std::int64_t r = 0; r < n; ++r) {
    const std::int64_t i = order[r];
    if (r > 0) {
      const double gap = x[i] - previous_x;
      const double d = cdf_difference.value();
      energy.add(d * d * gap);
    }
    double to_class[2];
    for (int c = 0; c < 2; ++c) {
      const double bw = below_w[c].value();
      const double bwx = below_wx[c].value();
      to_class[c] = (x[i] * bw - bwx) + ((total_wx[c] - bwx) - x[i] * (total_w[c] - bw));
    }
    row[i] = to_class[0] + to_class[1];
    below_w[label[i]].add(omega[i]);
    below_wx[label[i]].add(omega[i] * x[i]);
    cdf_difference.add(label[i] ? omega[i] / p : -omega[i] / q);
    previous_x = x[i];
  }

  DcovStats stats;
  if (p > 0.0 && q > 0.0) {
    *energy_distance = 2.0 * energy.value();
    stats = detail::binary_stats(0.0, 0.0, 0.0, p, q, 2.0 * weighted_sum_sq(x, omega), row, omega);
    stats.covariance_xy_sqr = 2.0 * p * p * q * q * *energy_distance;
  } else {
    // One class only: the label is constant, so dCov^2 = dVar^2(label) = 0.
    *energy_distance = 0.0;
    stats = detail::binary_stats(0.0, 0.0, 0.0, p, q, 2.0 * weighted_sum_sq(x, omega), row, omega);
  }
  *label_fraction = p;
  return stats;
}

}  // namespace jetfeat::disco
