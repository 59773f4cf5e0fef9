// N-subjettiness with exclusive-jet and one-pass minimised axes.
#include "substructure/clustering_fpmode.hpp"

#include "substructure/nsubjettiness.hpp"

#include <cmath>
#include <limits>

namespace jetfeat::nsubjettiness {

namespace {

using clustering::PseudoJet;

constexpr double kPi = 3.141592653589793238462643383279502884197;
constexpr double kTwoPi = 6.283185307179586476925286766559005768394;

bool uses_wta(Axes axes) {
  return axes == Axes::wta_kt || axes == Axes::wta_cambridge || axes == Axes::onepass_wta_kt ||
         axes == Axes::onepass_wta_cambridge;
}

bool uses_cambridge(Axes axes) {
  return axes == Axes::cambridge || axes == Axes::wta_cambridge ||
         axes == Axes::onepass_cambridge || axes == Axes::onepass_wta_cambridge;
}

bool uses_one_pass(Axes axes) { return static_cast<int>(axes) >= 4; }

// tau_N for `axes` on the particle columns of the scratch. The nearest axis of every particle
// comes from one vector loop per axis and the terms pT DeltaR^beta from one vector sum.
// fastjet-contrib adds the terms per axis in particle order instead, so the two differ only by
// rounding (about 1e-16 relative; the tests allow 1e-9).
double tau_from_columns(OnePassScratch& w, const std::vector<AxisPosition>& axes,
                        const Options& options) {
  const size_t n_axes = axes.size();
  const int n = static_cast<int>(w.n_particles);
  const double* rap = w.rap.data();
  const double* phi = w.phi.data();
  const double* pt = w.pt.data();
  double* smallest = w.tau_smallest.data();

  for (int i = 0; i < n; ++i) smallest[i] = std::numeric_limits<double>::max();
  for (size_t k = 0; k < n_axes; ++k) {
    const double axis_rap = axes[k].rap;
    const double axis_phi = axes[k].phi;
#pragma omp simd
    for (int i = 0; i < n; ++i) {
      // PseudoJet::squared_distance(particle, axis).
      double dphi = std::fabs(phi[i] - axis_phi);
      dphi = dphi > kPi ? kTwoPi - dphi : dphi;
      const double drap = rap[i] - axis_rap;
      const double d2 = dphi * dphi + drap * drap;
      smallest[i] = d2 < smallest[i] ? d2 : smallest[i];
    }
  }

  double numerator = 0.0;
  if (options.beta == 1.0) {
#pragma omp simd reduction(+ : numerator)
    for (int i = 0; i < n; ++i) numerator += pt[i] * std::sqrt(smallest[i]);
  } else if (options.beta == 2.0) {
#pragma omp simd reduction(+ : numerator)
    for (int i = 0; i < n; ++i) numerator += pt[i] * smallest[i];
  } else {
    // pow(0, beta / 2) is 0 for beta > 0, so a particle on an axis adds nothing.
    const double half_beta = options.beta / 2.0;
    for (int i = 0; i < n; ++i) numerator += pt[i] * std::pow(smallest[i], half_beta);
  }
  if (!options.normalized) return numerator;

  double pt_sum = 0.0;
#pragma omp simd reduction(+ : pt_sum)
  for (int i = 0; i < n; ++i) pt_sum += pt[i];
  return numerator / (pt_sum * std::pow(options.R0, options.beta));
}

}  // namespace

void compute(const double* p4s, int64_t n_particles, const Options& options, Workspace& work,
             double* tau) {
  for (int n = 0; n < options.n_max; ++n) tau[n] = 0.0;
  if (n_particles <= 1) return;

  // One clustering gives the exclusive axes for every N.
  clustering::JetDefinition definition;
  definition.algorithm =
      uses_cambridge(options.axes) ? clustering::Algorithm::cambridge : clustering::Algorithm::kt;
  definition.R = 1000.0;
  definition.recombination = uses_wta(options.axes) ? clustering::Recombination::wta_pt
                                                    : clustering::Recombination::e_scheme;
  clustering::cluster(p4s, n_particles, definition, work.sequence);
  // The first n_particles jets of the clustering are the particles.
  const bool with_momenta = uses_one_pass(options.axes) && one_pass_round_trip(options.beta);
  load_particle_columns(work.sequence.jets.data(), static_cast<size_t>(n_particles), with_momenta,
                        work.one_pass);

  for (int n = 1; n <= options.n_max; ++n) {
    if (n_particles <= n) break;  // tau_N = 0 with N or fewer particles
    work.sequence.exclusive_jets(n, work.subjets);
    work.axes.clear();
    for (int index : work.subjets) {
      // Axes keep the cached rapidity and phi of the subjet (for winner-take-all subjets they are
      // exactly those of the winning particle), as fastjet's PseudoJet::reset_momentum does.
      const PseudoJet& subjet = work.sequence.jets[static_cast<size_t>(index)];
      work.axes.push_back(AxisPosition{subjet.rap, subjet.phi});
    }
    if (uses_one_pass(options.axes)) refine_one_pass(options.beta, work.one_pass, work.axes);
    tau[n - 1] = tau_from_columns(work.one_pass, work.axes, options);
  }
}

}  // namespace jetfeat::nsubjettiness
