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

// tau_value on the particle columns of the scratch, with the same result bit for bit: the
// nearest axis and angular term of every particle come from loops over all particles that
// vectorise, then the terms are added to their axis in particle order.
double tau_from_columns(OnePassScratch& w, const std::vector<PseudoJet>& axes,
                        const Options& options) {
  const size_t n_axes = axes.size();
  const int n = static_cast<int>(w.n_particles);
  const double* rap = w.rap.data();
  const double* phi = w.phi.data();
  const double* pt = w.pt.data();
  double* smallest = w.tau_smallest.data();
  double* term = w.tau_term.data();
  int* nearest = w.tau_nearest.data();

  for (int i = 0; i < n; ++i) {
    smallest[i] = std::numeric_limits<double>::max();
    nearest[i] = 0;
  }
  for (size_t k = 0; k < n_axes; ++k) {
    const double axis_rap = axes[k].rap;
    const double axis_phi = axes[k].phi;
    const int index = static_cast<int>(k);
#pragma omp simd
    for (int i = 0; i < n; ++i) {
      // PseudoJet::squared_distance(particle, axis).
      double dphi = std::fabs(phi[i] - axis_phi);
      dphi = dphi > kPi ? kTwoPi - dphi : dphi;
      const double drap = rap[i] - axis_rap;
      const double d2 = dphi * dphi + drap * drap;
      const bool closer = d2 < smallest[i];
      smallest[i] = closer ? d2 : smallest[i];
      nearest[i] = closer ? index : nearest[i];
    }
  }

  if (options.beta == 1.0) {
#pragma omp simd
    for (int i = 0; i < n; ++i) term[i] = pt[i] * std::sqrt(smallest[i]);
  } else if (options.beta == 2.0) {
#pragma omp simd
    for (int i = 0; i < n; ++i) term[i] = pt[i] * smallest[i];
  } else {
    const double half_beta = options.beta / 2.0;
    for (int i = 0; i < n; ++i) {
      term[i] = smallest[i] > 0.0 ? pt[i] * std::pow(smallest[i], half_beta) : 0.0;
    }
  }

  double pieces[64] = {0.0};
  std::vector<double> extra;
  double* piece = pieces;
  if (n_axes > 64) {
    extra.assign(n_axes, 0.0);
    piece = extra.data();
  }
  double denominator = 0.0;
  const double r0_beta = std::pow(options.R0, options.beta);
  for (int i = 0; i < n; ++i) {
    if (smallest[i] > 0.0) piece[nearest[i]] += term[i];
    if (options.normalized) denominator += pt[i] * r0_beta;
  }

  double numerator = 0.0;
  for (size_t k = 0; k < n_axes; ++k) numerator += piece[k];
  return options.normalized ? numerator / denominator : numerator;
}

}  // namespace

double tau_value(const std::vector<PseudoJet>& particles, const std::vector<PseudoJet>& axes,
                 const Options& options) {
  const size_t n_axes = axes.size();
  double pieces[64] = {0.0};
  std::vector<double> extra;
  double* piece = pieces;
  if (n_axes > 64) {
    extra.assign(n_axes, 0.0);
    piece = extra.data();
  }
  double denominator = 0.0;
  const double half_beta = options.beta / 2.0;
  const double r0_beta = std::pow(options.R0, options.beta);

  for (const PseudoJet& particle : particles) {
    double smallest = std::numeric_limits<double>::max();
    size_t nearest = 0;
    for (size_t k = 0; k < n_axes; ++k) {
      const double d2 = particle.squared_distance(axes[k]);
      if (d2 < smallest) {
        smallest = d2;
        nearest = k;
      }
    }
    const double pt = particle.pt();
    if (smallest > 0.0) {
      // sqrt for beta = 1 is correctly rounded, and fastjet-contrib's pow(x, 0.5) is within
      // about one unit in the last place of it, so the two agree far inside the 1e-9 tests.
      double angular;
      if (options.beta == 1.0) {
        angular = std::sqrt(smallest);
      } else if (options.beta == 2.0) {
        angular = smallest;
      } else {
        angular = std::pow(smallest, half_beta);
      }
      piece[nearest] += pt * angular;
    }
    if (options.normalized) denominator += pt * r0_beta;
  }

  double numerator = 0.0;
  for (size_t k = 0; k < n_axes; ++k) numerator += piece[k];
  return options.normalized ? numerator / denominator : numerator;
}

void compute(const double* p4s, int64_t n_particles, const Options& options, Workspace& work,
             double* tau) {
  for (int n = 0; n < options.n_max; ++n) tau[n] = 0.0;
  if (n_particles <= 1) return;

  work.particles.clear();
  for (int64_t i = 0; i < n_particles; ++i) {
    const double* row = p4s + 4 * i;
    work.particles.push_back(clustering::make_pseudojet(row[1], row[2], row[3], row[0]));
  }

  // One clustering gives the exclusive axes for every N.
  clustering::JetDefinition definition;
  definition.algorithm =
      uses_cambridge(options.axes) ? clustering::Algorithm::cambridge : clustering::Algorithm::kt;
  definition.R = 1000.0;
  definition.recombination = uses_wta(options.axes) ? clustering::Recombination::wta_pt
                                                    : clustering::Recombination::e_scheme;
  clustering::cluster(work.particles, definition, work.sequence);
  load_particle_columns(work.particles, work.one_pass);

  for (int n = 1; n <= options.n_max; ++n) {
    if (n_particles <= n) break;  // tau_N = 0 with N or fewer particles
    const std::vector<int> jets = work.sequence.exclusive_jets(n);
    work.axes.clear();
    for (int index : jets) {
      // Axes keep the cached rapidity and phi of the subjet (for winner-take-all subjets they are
      // exactly those of the winning particle), as fastjet's PseudoJet::reset_momentum does.
      work.axes.push_back(work.sequence.jets[static_cast<size_t>(index)]);
    }
    if (uses_one_pass(options.axes)) refine_one_pass(options.beta, work.one_pass, work.axes);
    tau[n - 1] = tau_from_columns(work.one_pass, work.axes, options);
  }
}

}  // namespace jetfeat::nsubjettiness
