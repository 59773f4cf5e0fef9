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

// Stopping rule of fastjet-contrib's one-pass minimisation (AxesDefinition::setNPass defaults).
constexpr int kMaxIterations = 1000;
constexpr double kAccuracy = 1e-4;

// A light-like axis during the minimisation: rapidity, phi, the accumulated weight and |p|.
struct LightLikeAxis {
  double rap = 0, phi = 0, weight = 0, mom = 0;

  double distance_squared(double rap2, double phi2) const {
    const double drap = rap - rap2;
    double dphi = std::fabs(phi - phi2);
    if (dphi > kPi) dphi = kTwoPi - dphi;
    return drap * drap + dphi * dphi;
  }

  PseudoJet to_pseudojet() const {
    const double E = mom;
    const double pz = (std::exp(2.0 * rap) - 1.0) / (std::exp(2.0 * rap) + 1.0) * E;
    const double pt = std::sqrt(E * E - pz * pz);
    return clustering::make_pseudojet(std::cos(phi) * pt, std::sin(phi) * pt, pz, E);
  }
};

bool uses_wta(Axes axes) {
  return axes == Axes::wta_kt || axes == Axes::wta_cambridge || axes == Axes::onepass_wta_kt ||
         axes == Axes::onepass_wta_cambridge;
}

bool uses_cambridge(Axes axes) {
  return axes == Axes::cambridge || axes == Axes::wta_cambridge ||
         axes == Axes::onepass_cambridge || axes == Axes::onepass_wta_cambridge;
}

bool uses_one_pass(Axes axes) { return static_cast<int>(axes) >= 4; }

// One k-means-like update of the axes: assign each particle to its nearest axis, then move
// each axis to the weighted mean (y, phi) of its particles with weight pT DeltaR^(beta - 2)
// (the precision term keeps the weight finite for a particle on the axis).
void update_axes(const std::vector<LightLikeAxis>& old_axes, const std::vector<PseudoJet>& particles,
                 double beta, std::vector<LightLikeAxis>& new_axes, std::vector<int>& assignment,
                 std::vector<PseudoJet>& sums) {
  const size_t n_axes = old_axes.size();
  new_axes.assign(n_axes, LightLikeAxis{});
  sums.assign(n_axes, PseudoJet{});
  assignment.resize(particles.size());
  const double precision2 = kAccuracy * kAccuracy;

  for (size_t i = 0; i < particles.size(); ++i) {
    const PseudoJet& particle = particles[i];

    // Assignment: the nearest old axis (the first one wins a tie).
    double smallest = std::numeric_limits<double>::max();
    int k = -1;
    for (size_t j = 0; j < n_axes; ++j) {
      const double d2 = old_axes[j].distance_squared(particle.rap, particle.phi);
      if (d2 < smallest) {
        smallest = d2;
        k = static_cast<int>(j);
      }
    }
    assignment[i] = k;
    if (k < 0) continue;
    const LightLikeAxis& old_axis = old_axes[static_cast<size_t>(k)];
    LightLikeAxis& axis = new_axes[static_cast<size_t>(k)];

    // Update: fastjet-contrib assigns all particles first and then recomputes this same
    // distance, so reusing `smallest` gives the same sums in the same order.
    double weight;
    if (beta == 1.0) {
      weight = 1.0 / std::sqrt(precision2 + smallest);
    } else if (beta == 2.0) {
      weight = 1.0;
    } else {
      weight = std::pow(precision2 + smallest, 0.5 * beta - 1.0);
    }

    const double pt = particle.pt();
    axis.rap = axis.rap + pt * particle.rap * weight;
    // Unwrap phi next to the old axis before averaging.
    const double dphi = particle.phi - old_axis.phi;
    if (std::fabs(dphi) <= kPi) {
      axis.phi = axis.phi + pt * particle.phi * weight;
    } else if (dphi > kPi) {
      axis.phi = axis.phi + pt * (-kTwoPi + particle.phi) * weight;
    } else {
      axis.phi = axis.phi + pt * (kTwoPi + particle.phi) * weight;
    }
    axis.weight = axis.weight + pt * weight;

    PseudoJet& sum = sums[static_cast<size_t>(k)];
    sum.px += particle.px;
    sum.py += particle.py;
    sum.pz += particle.pz;
    sum.E += particle.E;
  }

  for (size_t k = 0; k < n_axes; ++k) {
    LightLikeAxis& axis = new_axes[k];
    if (axis.weight == 0) {
      // No particle is nearest to this axis: it stays where it was.
      axis = old_axes[k];
      continue;
    }
    axis.rap = axis.rap / axis.weight;
    axis.phi = axis.phi / axis.weight;
    axis.phi = std::fmod(axis.phi + kTwoPi, kTwoPi);
    const PseudoJet& sum = sums[k];
    axis.mom = std::sqrt((sum.px * sum.px + sum.py * sum.py) + sum.pz * sum.pz);
  }
}

void refine_one_pass(const std::vector<PseudoJet>& particles, double beta,
                     std::vector<PseudoJet>& axes) {
  const size_t n_axes = axes.size();
  std::vector<LightLikeAxis> old_axes(n_axes), new_axes;
  std::vector<int> assignment;
  std::vector<PseudoJet> sums;
  for (size_t k = 0; k < n_axes; ++k) {
    old_axes[k].rap = axes[k].rap;
    old_axes[k].phi = axes[k].phi;
  }

  double moved = std::numeric_limits<double>::max();
  int iteration = 0;
  while (moved > kAccuracy && iteration < kMaxIterations) {
    moved = 0.0;
    ++iteration;
    update_axes(old_axes, particles, beta, new_axes, assignment, sums);
    for (size_t k = 0; k < n_axes; ++k) {
      moved += std::sqrt(old_axes[k].distance_squared(new_axes[k].rap, new_axes[k].phi));
    }
    moved = moved / static_cast<double>(n_axes);
    old_axes = new_axes;
  }

  // NOTE: an axis that never received a particle keeps |p| = 0 and becomes the zero vector
  // (rapidity 1e5), exactly as in fastjet-contrib; it then attracts no particle.
  for (size_t k = 0; k < n_axes; ++k) axes[k] = old_axes[k].to_pseudojet();
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

  for (int n = 1; n <= options.n_max; ++n) {
    if (n_particles <= n) break;  // tau_N = 0 with N or fewer particles
    const std::vector<int> jets = work.sequence.exclusive_jets(n);
    work.axes.clear();
    for (int index : jets) {
      // Axes keep the cached rapidity and phi of the subjet (for winner-take-all subjets they are
      // exactly those of the winning particle), as fastjet's PseudoJet::reset_momentum does.
      work.axes.push_back(work.sequence.jets[static_cast<size_t>(index)]);
    }
    if (uses_one_pass(options.axes)) refine_one_pass(work.particles, options.beta, work.axes);
    tau[n - 1] = tau_value(work.particles, work.axes, options);
  }
}

}  // namespace jetfeat::nsubjettiness
