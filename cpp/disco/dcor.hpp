// Distance covariance and distance correlation kernels (V-statistics, optional event weights).
//
// Definitions, with event weights w normalised to probabilities omega_i = w_i / sum(w):
//   a_ij = |x_i - x_j|, row means abar_i = sum_j omega_j a_ij, grand mean
//   abar = sum_i omega_i abar_i
//   A_ij = a_ij - abar_i - abar_j + abar                      (weighted double centring)
//   dCov^2(x, y) = sum_ij omega_i omega_j A_ij B_ij
//               = sum_ij omega_i omega_j a_ij b_ij - 2 sum_i omega_i abar_i bbar_i + abar bbar
// The second form needs only row means, so no kernel here stores an n x n matrix. With unit
// weights this is the V-statistic of Szekely, Rizzo and Bakirov, Ann. Statist. 35 (2007) 2769
// (arXiv:0803.4101), which dcor 0.7 computes.
//
// For a 0/1 label y with class fractions p = sum_{y=1} omega, q = 1 - p:
//   dCov^2(x, y) = 2 p^2 q^2 E,  dVar^2(y) = 4 p^2 q^2,  so dCor^2(x, y) = p q E / dVar(x)
// where E = 2 M_10 - M_11 - M_00 is the energy distance between the classes and M_ab the weighted
// mean distance between an event of class a and one of class b.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace jetfeat::disco {

// Squared V-statistics of one (x, y) pair; the correlation follows from these three numbers.
struct DcovStats {
  double covariance_xy_sqr = 0.0;
  double variance_x_sqr = 0.0;
  double variance_y_sqr = 0.0;
};

// dCor^2 from the three statistics; 0 when either variance vanishes (a constant variable), as in
// dcor 0.7.
double correlation_sqr(const DcovStats& stats);

// 1-D x against 1-D y in O(n log n) time and O(n) memory. The pair sum over
// |x_i - x_j| |y_i - y_j| splits into dominance sums (Huo and Szekely, arXiv:1410.1503), which a
// merge sort by y over the events in x order collects (Chaudhuri and Hu, arXiv:1810.11332).
// `weights` has n non-negative entries; the merges of one level run in parallel.
DcovStats dcov_stats_1d(const double* x, const double* y, const double* weights, std::int64_t n,
                        int n_threads);

// 1-D x against a 0/1 label in O(n log n): one sort of x and per-class prefix sums.
// `energy_distance` receives E (see above) and `label_fraction` receives p.
DcovStats dcov_stats_1d_binary(const double* x, const std::uint8_t* label, const double* weights,
                               std::int64_t n, double* energy_distance, double* label_fraction);

// Multivariate x (n, kx) against y (n, ky), both row-major, exact in O(n^2 (kx + ky)) time and
// O(n (kx + ky)) memory: each thread computes whole rows of the distance matrices and keeps only
// their weighted sums.
DcovStats dcov_stats_pairwise(const double* x, std::int64_t kx, const double* y, std::int64_t ky,
                              const double* weights, std::int64_t n, int n_threads);

// Multivariate x (n, kx) against a 0/1 label, O(n^2 kx): only within- and between-class row sums.
DcovStats dcov_stats_pairwise_binary(const double* x, std::int64_t kx, const std::uint8_t* label,
                                     const double* weights, std::int64_t n, int n_threads,
                                     double* energy_distance, double* label_fraction);

// Whitens x (n, k) in place with the weighted covariance, so that the result has unit covariance
// (affine-invariant distance correlation). Columns are orthonormalised in order by Gram-Schmidt
// under the weighted inner product, which is the Cholesky whitening x L^-T up to rounding.
// Throws std::invalid_argument naming the column when a column is constant or a linear
// combination of the earlier ones (relative residual variance below kCollinearTolerance).
void whiten(double* x, std::int64_t n, std::int64_t k, const double* weights,
            const std::string& what);

// A column whose variance left after regression on the earlier columns is below this fraction of
// its own variance counts as linearly dependent (residual standard deviation below 1e-5 of the
// column's).
constexpr double kCollinearTolerance = 1e-10;

// Options of the batched candidate scoring.
struct ScoreOptions {
  std::int64_t block_size = 2048;
  bool affine_invariant = true;
  bool binary = true;
  int n_threads = 1;
};

// Scores every candidate column c of `candidates` (n, n_candidates), joined to the fixed
// `selected` (n, k) set, by dCor^2([selected, c], y) averaged over blocks of events (see
// score_candidates in python/jetfeat/disco.py for the contract). `scores` and
// `degenerate_blocks` have n_candidates entries; the second counts the blocks in which a
// candidate was constant or linearly dependent on `selected` and scored 0.
void score_candidates(const double* selected, std::int64_t k, const double* candidates,
                      std::int64_t n_candidates, const double* y, const double* weights,
                      std::int64_t n, const ScoreOptions& options, double* scores,
                      std::int64_t* degenerate_blocks);

}  // namespace jetfeat::disco
