#include "substructure/kinematics.hpp"

#include <algorithm>
#include <cmath>

#include "parallel.hpp"

namespace jetfeat::substructure {

void jet_kinematics(const double* p4s, const std::int64_t* offsets, std::int64_t n_jets,
                    int n_threads, double* out) {
  constexpr double kPi = 3.14159265358979323846;
  const int threads = resolve_threads(n_threads);

#pragma omp parallel for schedule(static) num_threads(threads)
  for (std::int64_t jet = 0; jet < n_jets; ++jet) {
    double energy = 0.0, px = 0.0, py = 0.0, pz = 0.0;
    for (std::int64_t row = offsets[jet]; row < offsets[jet + 1]; ++row) {
      energy += p4s[4 * row];
      px += p4s[4 * row + 1];
      py += p4s[4 * row + 2];
      pz += p4s[4 * row + 3];
    }

    const double pt2 = px * px + py * py;
    const double pt = std::sqrt(pt2);
    const double mass2 = std::max(energy * energy - pt2 - pz * pz, 0.0);
    double rapidity = 0.0, eta = 0.0, phi = 0.0;
    if (pt > 0.0) {
      // Written with E + |pz| so that large |y| does not lose precision to E - |pz|.
      const double e_plus = energy + std::abs(pz);
      rapidity = 0.5 * std::log(e_plus * e_plus / (pt2 + mass2));
      if (pz < 0.0) rapidity = -rapidity;
      eta = std::asinh(pz / pt);
      phi = std::atan2(py, px);
      if (phi <= -kPi) phi = kPi;
    }

    double* row_out = out + jet * kKinematicsColumns;
    row_out[0] = pt;
    row_out[1] = rapidity;
    row_out[2] = eta;
    row_out[3] = phi;
    row_out[4] = std::sqrt(mass2);
    row_out[5] = energy;
    row_out[6] = static_cast<double>(offsets[jet + 1] - offsets[jet]);
  }
}

}  // namespace jetfeat::substructure
