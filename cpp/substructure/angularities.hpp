// Generalised angularities and the jet shapes pT_D, girth and planar flow.
#pragma once

#include <cstdint>

namespace jetfeat::substructure {

// Writes lambda^kappa_beta = sum_i z_i^kappa (Delta R_i / R)^beta for each of the n_pairs
// (kappa, beta) pairs to out[jet * n_pairs + pair], with z_i = pT_i / sum_j pT_j and Delta R_i
// the (y, phi) distance of constituent i to axes[2 * jet] (y) and axes[2 * jet + 1] (phi).
// 0^0 is taken as 1, so (0, 0) counts constituents. A jet whose scalar pT sum is zero gets 0
// for every pair with kappa > 0.
void angularities(const double* ptyphims, const std::int64_t* offsets, std::int64_t n_jets,
                  const double* axes, double jet_radius, const double* kappas,
                  const double* betas, int n_pairs, int n_threads, double* out);

constexpr int kShapeColumns = 3;  // pT_D, girth, planar flow

// Writes pT_D = sqrt(sum pT_i^2) / sum pT_i, girth = sum pT_i Delta R_i / sum pT_i (Delta R to
// the (y, phi) axis) and planar flow Pf = 4 det(I) / tr(I)^2 with
// I^{kl} = sum_i p_i^k p_i^l / E_i over the two momentum components transverse to the jet
// three-momentum (the E-scheme sum of p4s). Empty jets and jets with sum pT = 0 get 0 for
// pT_D and girth; jets with tr(I) <= 1e-12 sum_i |p_i|^2 / E_i (all constituents within about
// 1e-6 rad of the axis, such as one-particle jets) get planar flow 0.
void jet_shapes(const double* p4s, const double* ptyphims, const std::int64_t* offsets,
                std::int64_t n_jets, const double* axes, int n_threads, double* out);

}  // namespace jetfeat::substructure
