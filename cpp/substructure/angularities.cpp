#include "substructure/angularities.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "parallel.hpp"
#include "substructure/kinematics.hpp"

namespace jetfeat::substructure {

namespace {

inline double distance_to_axis(const double* row, double axis_y, double axis_phi) {
  const double dy = row[1] - axis_y;
  const double dphi = wrap_delta_phi(row[2] - axis_phi);
  return std::sqrt(dy * dy + dphi * dphi);
}

}  // namespace

void angularities(const double* ptyphims, const std::int64_t* offsets, std::int64_t n_jets,
                  const double* axes, double jet_radius, const double* kappas,
                  const double* betas, int n_pairs, int n_threads, double* out) {
  const int threads = resolve_threads(n_threads);

#pragma omp parallel for schedule(static) num_threads(threads)
  for (std::int64_t jet = 0; jet < n_jets; ++jet) {
    double* row_out = out + jet * n_pairs;
    double pt_sum = 0.0;
    for (std::int64_t row = offsets[jet]; row < offsets[jet + 1]; ++row) {
      pt_sum += ptyphims[4 * row];
    }

    for (int pair = 0; pair < n_pairs; ++pair) {
      const double kappa = kappas[pair], beta = betas[pair];
      if (kappa > 0.0 && pt_sum <= 0.0) {
        row_out[pair] = 0.0;
        continue;
      }
      double sum = 0.0;
      for (std::int64_t row = offsets[jet]; row < offsets[jet + 1]; ++row) {
        const double* particle = ptyphims + 4 * row;
        const double z = kappa == 0.0 ? 1.0 : particle[0] / pt_sum;
        const double distance = distance_to_axis(particle, axes[2 * jet], axes[2 * jet + 1]);

        // std::pow(0, 0) is 1, which makes (kappa, beta) = (0, 0) the constituent count.
        sum += std::pow(z, kappa) * std::pow(distance / jet_radius, beta);
      }
      row_out[pair] = sum;
    }
  }
}

void jet_shapes(const double* p4s, const double* ptyphims, const std::int64_t* offsets,
                std::int64_t n_jets, const double* axes, int n_threads, double* out) {
  const int threads = resolve_threads(n_threads);

#pragma omp parallel for schedule(static) num_threads(threads)
  for (std::int64_t jet = 0; jet < n_jets; ++jet) {
    double pt_sum = 0.0, pt2_sum = 0.0, girth_sum = 0.0;
    double px = 0.0, py = 0.0, pz = 0.0;
    for (std::int64_t row = offsets[jet]; row < offsets[jet + 1]; ++row) {
      const double* particle = ptyphims + 4 * row;
      pt_sum += particle[0];
      pt2_sum += particle[0] * particle[0];
      girth_sum += particle[0] * distance_to_axis(particle, axes[2 * jet], axes[2 * jet + 1]);
      px += p4s[4 * row + 1];
      py += p4s[4 * row + 2];
      pz += p4s[4 * row + 3];
    }
    double* row_out = out + jet * kShapeColumns;
    row_out[0] = pt_sum > 0.0 ? std::sqrt(pt2_sum) / pt_sum : 0.0;
    row_out[1] = pt_sum > 0.0 ? girth_sum / pt_sum : 0.0;

    // Orthonormal basis (e1, e2) of the plane transverse to the jet three-momentum n:
    // e1 = n x z_hat (or x_hat when n is along the beam), e2 = n x e1.
    const double p = std::sqrt(px * px + py * py + pz * pz);
    row_out[2] = 0.0;
    if (p <= 0.0) continue;
    const double n[3] = {px / p, py / p, pz / p};
    double e1[3] = {n[1], -n[0], 0.0};
    double e1_norm = std::sqrt(e1[0] * e1[0] + e1[1] * e1[1]);
    if (e1_norm <= 1e-12) {
      e1[0] = 1.0;
      e1[1] = 0.0;
      e1_norm = 1.0;
    }
    for (double& component : e1) component /= e1_norm;
    const double e2[3] = {n[1] * e1[2] - n[2] * e1[1], n[2] * e1[0] - n[0] * e1[2],
                          n[0] * e1[1] - n[1] * e1[0]};

    double i11 = 0.0, i12 = 0.0, i22 = 0.0, scale = 0.0;
    for (std::int64_t row = offsets[jet]; row < offsets[jet + 1]; ++row) {
      const double* momentum = p4s + 4 * row;
      if (momentum[0] <= 0.0) continue;
      const double a = momentum[1] * e1[0] + momentum[2] * e1[1] + momentum[3] * e1[2];
      const double b = momentum[1] * e2[0] + momentum[2] * e2[1] + momentum[3] * e2[2];
      i11 += a * a / momentum[0];
      i12 += a * b / momentum[0];
      i22 += b * b / momentum[0];
      scale += (momentum[1] * momentum[1] + momentum[2] * momentum[2] +
                momentum[3] * momentum[3]) / momentum[0];
    }

    // A jet whose constituents all sit within ~1e-6 rad of its axis (one particle, or collinear
    // ones) has a transverse tensor made of rounding noise: report 0 instead of a random ratio.
    const double trace = i11 + i22;
    if (trace > 1e-12 * scale) {
      const double flow = 4.0 * (i11 * i22 - i12 * i12) / (trace * trace);
      row_out[2] = std::min(std::max(flow, 0.0), 1.0);
    }
  }
}

}  // namespace jetfeat::substructure
