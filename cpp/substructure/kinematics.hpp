// Jet four-momentum kinematics from the E-scheme sum of the constituents.
#pragma once

#include <cstdint>

namespace jetfeat::substructure {

// Columns written per jet by jet_kinematics, in this order.
constexpr int kKinematicsColumns = 7;  // pT, y, eta, phi, m, E, multiplicity

// Sums the (E, px, py, pz) rows of each jet and writes pT [GeV], rapidity y, pseudorapidity
// eta, phi [rad] in (-pi, pi], mass m [GeV], energy E [GeV] and the constituent count to
// out[jet * kKinematicsColumns + column]. A jet with pT = 0 (empty, or summing to a momentum
// along the beam) gets y = eta = phi = 0. A squared mass that rounding makes negative gives m = 0.
void jet_kinematics(const double* p4s, const std::int64_t* offsets, std::int64_t n_jets,
                    int n_threads, double* out);

// Wraps an azimuthal difference into [-pi, pi].
inline double wrap_delta_phi(double dphi) {
  constexpr double kPi = 3.14159265358979323846;
  if (dphi > kPi) return dphi - 2.0 * kPi;
  if (dphi < -kPi) return dphi + 2.0 * kPi;
  return dphi;
}

}  // namespace jetfeat::substructure
