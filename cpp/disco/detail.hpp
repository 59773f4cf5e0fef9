// Helpers shared by the distance-covariance kernels (internal to cpp/disco).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "disco/dcor.hpp"

namespace jetfeat::disco::detail {

// Neumaier (compensated) sum: the error stays near one rounding of the total instead of growing
// with the number of terms, which matters where dCov^2 is a small difference of large sums.
class CompensatedSum {
 public:
  void add(double value) {
    const double t = sum_ + value;
    if (std::abs(sum_) >= std::abs(value)) {
      compensation_ += (sum_ - t) + value;
    } else {
      compensation_ += (value - t) + sum_;
    }
    sum_ = t;
  }
  double value() const { return sum_ + compensation_; }

 private:
  double sum_ = 0.0;
  double compensation_ = 0.0;
};

// omega_i = w_i / sum(w); the binding has already checked that w is finite and non-negative.
inline std::vector<double> normalised_weights(const double* weights, std::int64_t n) {
  double total = 0.0;
  for (std::int64_t i = 0; i < n; ++i) total += weights[i];
  if (!(total > 0.0)) throw std::invalid_argument("the event weights sum to zero");
  std::vector<double> omega(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) omega[i] = weights[i] / total;
  return omega;
}

// dCov^2 and dVar^2 from the pair sum S1 = sum omega_i omega_j a_ij b_ij, the squared-distance sums
// sum omega_i omega_j a_ij^2 (and b), and the row means abar_i, bbar_i.
inline DcovStats combine(double pair_sum, double sum_a2, double sum_b2,
                         const std::vector<double>& row_a, const std::vector<double>& row_b,
                         const std::vector<double>& omega) {
  CompensatedSum mean_a, mean_b, aa, bb, ab;
  for (std::size_t i = 0; i < omega.size(); ++i) {
    mean_a.add(omega[i] * row_a[i]);
    mean_b.add(omega[i] * row_b[i]);
    aa.add(omega[i] * row_a[i] * row_a[i]);
    bb.add(omega[i] * row_b[i] * row_b[i]);
    ab.add(omega[i] * row_a[i] * row_b[i]);
  }
  DcovStats stats;
  stats.covariance_xy_sqr = pair_sum - 2.0 * ab.value() + mean_a.value() * mean_b.value();
  stats.variance_x_sqr = sum_a2 - 2.0 * aa.value() + mean_a.value() * mean_a.value();
  stats.variance_y_sqr = sum_b2 - 2.0 * bb.value() + mean_b.value() * mean_b.value();
  return stats;
}

// Statistics against a 0/1 label from the class pair sums W_11, W_10 (= W_01), W_00 (ordered pairs,
// weighted), the class fractions p (label 1) and q, and the row means of x. With
// E = 2 W_10 / (p q) - W_11 / p^2 - W_00 / q^2:
//   dCov^2 = 2 p^2 q^2 E = 4 p q W_10 - 2 q^2 W_11 - 2 p^2 W_00, dVar^2(label) = 4 p^2 q^2.
inline DcovStats binary_stats(double w11, double w10, double w00, double p, double q,
                              double sum_a2, const std::vector<double>& row_a,
                              const std::vector<double>& omega) {
  CompensatedSum mean_a, aa;
  for (std::size_t i = 0; i < omega.size(); ++i) {
    mean_a.add(omega[i] * row_a[i]);
    aa.add(omega[i] * row_a[i] * row_a[i]);
  }
  DcovStats stats;
  stats.covariance_xy_sqr = 4.0 * p * q * w10 - 2.0 * q * q * w11 - 2.0 * p * p * w00;
  stats.variance_x_sqr = sum_a2 - 2.0 * aa.value() + mean_a.value() * mean_a.value();
  stats.variance_y_sqr = 4.0 * p * p * q * q;
  return stats;
}

// Energy distance 2 M_10 - M_11 - M_00 between the two classes; 0 when a class is empty.
inline double energy_from_pair_sums(double w11, double w10, double w00, double p, double q) {
  if (!(p > 0.0) || !(q > 0.0)) return 0.0;
  return 2.0 * w10 / (p * q) - w11 / (p * p) - w00 / (q * q);
}

// Event indices with label 1 first, then label 0, each in input order; returns the count of 1s.
inline std::int64_t class_order(const std::uint8_t* label, std::int64_t begin, std::int64_t end,
                                std::vector<std::int64_t>& order) {
  order.clear();
  for (std::int64_t i = begin; i < end; ++i) {
    if (label[i]) order.push_back(i);
  }
  const auto n1 = static_cast<std::int64_t>(order.size());
  for (std::int64_t i = begin; i < end; ++i) {
    if (!label[i]) order.push_back(i);
  }
  return n1;
}

// Divides v by max |v_i| (when not zero). Whitening ignores the scale of a column, and this keeps
// the sums of squares finite for values such as 1e200 or 1e-200.
inline void scale_to_unit_max(double* v, std::int64_t n) {
  double largest = 0.0;
  for (std::int64_t i = 0; i < n; ++i) largest = std::max(largest, std::abs(v[i]));
  if (largest > 0.0) {
    for (std::int64_t i = 0; i < n; ++i) v[i] /= largest;
  }
}

// Orthonormalises the k columns of `cols` (column-major, k x n, already weighted-centred) in
// order under <u, v> = sum_i omega_i u_i v_i, by modified Gram-Schmidt applied twice. Returns the
// index of the first column that is constant or linearly dependent on the earlier ones, or -1.
inline std::int64_t orthonormalise(double* cols, std::int64_t n, std::int64_t k,
                                   const double* omega) {
  for (std::int64_t m = 0; m < k; ++m) {
    double* v = cols + m * n;
    scale_to_unit_max(v, n);
    double original = 0.0;
    for (std::int64_t i = 0; i < n; ++i) original += omega[i] * v[i] * v[i];

    for (int pass = 0; pass < 2; ++pass) {
      for (std::int64_t l = 0; l < m; ++l) {
        const double* u = cols + l * n;
        double dot = 0.0;
        for (std::int64_t i = 0; i < n; ++i) dot += omega[i] * u[i] * v[i];
        for (std::int64_t i = 0; i < n; ++i) v[i] -= dot * u[i];
      }
    }

    double residual = 0.0;
    for (std::int64_t i = 0; i < n; ++i) residual += omega[i] * v[i] * v[i];
    if (!(original > 0.0) || !(residual > kCollinearTolerance * original)) return m;
    const double scale = 1.0 / std::sqrt(residual);
    for (std::int64_t i = 0; i < n; ++i) v[i] *= scale;
  }
  return -1;
}

// "<what> column m is constant" or "... is a linear combination of columns 0..m-1".
inline std::string collinear_message(const std::string& what, std::int64_t m) {
  std::string message = what + " column " + std::to_string(m);
  if (m == 0) return message + " is constant";
  return message + " is constant or a linear combination of " + what + " columns 0.." +
         std::to_string(m - 1);
}

// Weighted centring of each of the k columns of `cols` (column-major, k x n). A constant column
// becomes exactly zero: its rounded weighted mean can differ from the value in the last bit, and
// the leftover would make a constant variable look like a tiny non-constant one.
inline void centre_columns(double* cols, std::int64_t n, std::int64_t k, const double* omega) {
  for (std::int64_t m = 0; m < k; ++m) {
    double* v = cols + m * n;
    bool constant = true;
    for (std::int64_t i = 1; i < n && constant; ++i) constant = v[i] == v[0];
    double mean = v[0];
    if (!constant) {
      mean = 0.0;
      for (std::int64_t i = 0; i < n; ++i) mean += omega[i] * v[i];
    }
    for (std::int64_t i = 0; i < n; ++i) v[i] -= mean;
  }
}

}  // namespace jetfeat::disco::detail
