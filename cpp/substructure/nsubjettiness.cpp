// N-subjettiness with exclusive-jet and one-pass minimised axes.
#include "substructure/clustering_fpmode.hpp"

#include "substructure/nsubjettiness.hpp"

#include <cmath>
#include <utility>
#include <limits>

namespace jetfeat::nsubjettiness {

namespace {

using clustering::PseudoJet;

constexpr double kPi = 3.141592653589793238462643383279502884197;
constexpr double kTwoPi = 6.283185307179586476925286766559005768394;

// Stopping rule of fastjet-contrib's one-pass minimisation (AxesDefinition::setNPass defaults).
constexpr int kMaxIterations = 1000;
constexpr double kAccuracy = 1e-4;

double axis_distance_squared(const LightLikeAxis& axis, double rap2, double phi2) {
  const double drap = axis.rap - rap2;
  double dphi = std::fabs(axis.phi - phi2);
  if (dphi > kPi) dphi = kTwoPi - dphi;
  return drap * drap + dphi * dphi;
}

PseudoJet to_pseudojet(const LightLikeAxis& axis) {
  const double E = axis.mom;
  const double pz = (std::exp(2.0 * axis.rap) - 1.0) / (std::exp(2.0 * axis.rap) + 1.0) * E;
  const double pt = std::sqrt(E * E - pz * pz);
  return clustering::make_pseudojet(std::cos(axis.phi) * pt, std::sin(axis.phi) * pt, pz, E);
}

bool uses_wta(Axes axes) {
  return axes == Axes::wta_kt || axes == Axes::wta_cambridge || axes == Axes::onepass_wta_kt ||
         axes == Axes::onepass_wta_cambridge;
}

bool uses_cambridge(Axes axes) {
  return axes == Axes::cambridge || axes == Axes::wta_cambridge ||
         axes == Axes::onepass_cambridge || axes == Axes::onepass_wta_cambridge;
}

bool uses_one_pass(Axes axes) { return static_cast<int>(axes) >= 4; }

// |p| of the sum of the particles assigned to axis k in `nearest`, summed in particle order as
// fastjet-contrib does during its update.
void set_momentum(const OnePassScratch& w, const std::vector<int>& nearest, size_t k,
                  LightLikeAxis& axis) {
  double px = 0.0, py = 0.0, pz = 0.0;
  for (size_t i = 0; i < nearest.size(); ++i) {
    if (nearest[i] != static_cast<int>(k)) continue;
    px += w.px[i];
    py += w.py[i];
    pz += w.pz[i];
  }
  axis.mom = std::sqrt((px * px + py * py) + pz * pz);
}

// One k-means-like update of the axes: assign each particle to its nearest axis, then move
// each axis to the weighted mean (y, phi) of its particles with weight pT DeltaR^(beta - 2)
// (the precision term keeps the weight finite for a particle on the axis).
//
// fastjet-contrib does this particle by particle. Here the per-particle work (nearest axis,
// weight, weighted terms) is done first in loops over all particles that vectorise, then the
// terms are added to their axis in particle order, so every sum sees the same values in the
// same order and the result is bitwise the same.
void update_axes(double beta, OnePassScratch& w) {
  const std::vector<LightLikeAxis>& old_axes = w.old_axes;
  const size_t n_axes = old_axes.size();
  const int n = static_cast<int>(w.pt.size());
  const double precision2 = kAccuracy * kAccuracy;
  const double* rap = w.rap.data();
  const double* phi = w.phi.data();
  const double* pt = w.pt.data();
  double* smallest = w.smallest.data();
  double* axis_phi = w.axis_phi.data();
  std::swap(w.nearest, w.previous_nearest);
  w.nearest.resize(static_cast<size_t>(n));
  int* nearest = w.nearest.data();

  // Assignment: the nearest old axis (the first one wins a tie).
  for (int i = 0; i < n; ++i) {
    smallest[i] = std::numeric_limits<double>::max();
    nearest[i] = -1;
    axis_phi[i] = 0.0;
  }
  for (size_t j = 0; j < n_axes; ++j) {
    const double axis_rap_j = old_axes[j].rap;
    const double axis_phi_j = old_axes[j].phi;
    const int index = static_cast<int>(j);
#pragma omp simd
    for (int i = 0; i < n; ++i) {
      const double drap = axis_rap_j - rap[i];
      double dphi = std::fabs(axis_phi_j - phi[i]);
      dphi = dphi > kPi ? kTwoPi - dphi : dphi;
      const double d2 = drap * drap + dphi * dphi;
      const bool closer = d2 < smallest[i];
      smallest[i] = closer ? d2 : smallest[i];
      nearest[i] = closer ? index : nearest[i];
      axis_phi[i] = closer ? axis_phi_j : axis_phi[i];
    }
  }

  // Weights and weighted terms. fastjet-contrib recomputes the same distance after the
  // assignment, so `smallest` gives the same weight.
  double* rap_term = w.rap_term.data();
  double* phi_term = w.phi_term.data();
  double* weight_term = w.weight_term.data();
  if (beta == 1.0) {
#pragma omp simd
    for (int i = 0; i < n; ++i) weight_term[i] = 1.0 / std::sqrt(precision2 + smallest[i]);
  } else if (beta == 2.0) {
    for (int i = 0; i < n; ++i) weight_term[i] = 1.0;
  } else {
    for (int i = 0; i < n; ++i) weight_term[i] = std::pow(precision2 + smallest[i], 0.5 * beta - 1.0);
  }
#pragma omp simd
  for (int i = 0; i < n; ++i) {
    const double weight = weight_term[i];
    rap_term[i] = pt[i] * rap[i] * weight;
    // Unwrap phi next to the old axis before averaging.
    const double dphi = phi[i] - axis_phi[i];
    double unwrapped = phi[i];
    unwrapped = dphi > kPi ? -kTwoPi + phi[i] : unwrapped;
    unwrapped = dphi < -kPi ? kTwoPi + phi[i] : unwrapped;
    phi_term[i] = pt[i] * unwrapped * weight;
    weight_term[i] = pt[i] * weight;
  }

  // Sums per axis, in particle order.
  std::vector<LightLikeAxis>& new_axes = w.new_axes;
  new_axes.assign(n_axes, LightLikeAxis{});
  for (int i = 0; i < n; ++i) {
    const int k = nearest[i];
    if (k < 0) continue;
    LightLikeAxis& axis = new_axes[static_cast<size_t>(k)];
    axis.rap = axis.rap + rap_term[i];
    axis.phi = axis.phi + phi_term[i];
    axis.weight = axis.weight + weight_term[i];
  }

  for (size_t k = 0; k < n_axes; ++k) {
    LightLikeAxis& axis = new_axes[k];
    if (axis.weight == 0) {
      // No particle is nearest to this axis: it stays where it was, with the |p| of the
      // assignment that last moved it.
      // NOTE: no test jet reaches this branch with pending[k] set, that is for an axis that had
      // particles in the previous iteration. That path is checked by reading only.
      if (w.pending[k]) set_momentum(w, w.previous_nearest, k, w.old_axes[k]);
      axis = old_axes[k];
      w.pending[k] = 0;
      continue;
    }
    axis.rap = axis.rap / axis.weight;
    axis.phi = axis.phi / axis.weight;
    axis.phi = std::fmod(axis.phi + kTwoPi, kTwoPi);
    // |p| of the assigned particles is only read after the last update, so its sum waits.
    w.pending[k] = 1;
  }
}

// Copy the particles into the columns of the scratch (once per jet).
void load_particles(const std::vector<PseudoJet>& particles, OnePassScratch& w) {
  const size_t n = particles.size();
  for (std::vector<double>* column : {&w.pt, &w.rap, &w.phi, &w.px, &w.py, &w.pz,
                                      &w.smallest, &w.axis_phi, &w.rap_term, &w.phi_term,
                                      &w.weight_term}) {
    column->resize(n);
  }
  w.nearest.resize(n);
  w.previous_nearest.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const PseudoJet& particle = particles[i];
    w.pt[i] = particle.pt();
    w.rap[i] = particle.rap;
    w.phi[i] = particle.phi;
    w.px[i] = particle.px;
    w.py[i] = particle.py;
    w.pz[i] = particle.pz;
  }
}

void refine_one_pass(double beta, OnePassScratch& w, std::vector<PseudoJet>& axes) {
  const size_t n_axes = axes.size();
  w.old_axes.assign(n_axes, LightLikeAxis{});
  w.pending.assign(n_axes, 0);
  for (size_t k = 0; k < n_axes; ++k) {
    w.old_axes[k].rap = axes[k].rap;
    w.old_axes[k].phi = axes[k].phi;
  }

  double moved = std::numeric_limits<double>::max();
  int iteration = 0;
  while (moved > kAccuracy && iteration < kMaxIterations) {
    moved = 0.0;
    ++iteration;
    update_axes(beta, w);
    for (size_t k = 0; k < n_axes; ++k) {
      moved += std::sqrt(axis_distance_squared(w.old_axes[k], w.new_axes[k].rap, w.new_axes[k].phi));
    }
    moved = moved / static_cast<double>(n_axes);
    std::swap(w.old_axes, w.new_axes);
  }
  for (size_t k = 0; k < n_axes; ++k) {
    if (w.pending[k]) set_momentum(w, w.nearest, k, w.old_axes[k]);
  }

  // NOTE: an axis that never received a particle keeps |p| = 0 and becomes the zero vector
  // (rapidity 1e5), exactly as in fastjet-contrib; it then attracts no particle.
  for (size_t k = 0; k < n_axes; ++k) axes[k] = to_pseudojet(w.old_axes[k]);
}

// tau_value on the particle columns of the scratch, with the same result bit for bit: the
// nearest axis and angular term of every particle come from loops over all particles that
// vectorise, then the terms are added to their axis in particle order.
double tau_from_columns(OnePassScratch& w, const std::vector<PseudoJet>& axes,
                        const Options& options) {
  const size_t n_axes = axes.size();
  const int n = static_cast<int>(w.pt.size());
  const double* rap = w.rap.data();
  const double* phi = w.phi.data();
  const double* pt = w.pt.data();
  double* smallest = w.smallest.data();
  double* term = w.rap_term.data();
  int* nearest = w.nearest.data();

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
  load_particles(work.particles, work.one_pass);

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
