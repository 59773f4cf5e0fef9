// Soft drop grooming and iterated soft drop on a C/A clustering history.
#include "substructure/clustering_fpmode.hpp"

#include "substructure/softdrop.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace jetfeat::softdrop {

namespace {

// Number of particles in jet `index`: one forward pass over the history, where every merging
// adds the counts of its two parents (cheaper than a recursive walk of the subtree).
int count_constituents(const clustering::ClusterSequence& sequence, int index) {
  thread_local std::vector<int> counts;
  const int target = sequence.jets[static_cast<size_t>(index)].hist;
  counts.assign(static_cast<size_t>(target) + 1, 1);
  for (int h = sequence.n_particles; h <= target; ++h) {
    const clustering::HistoryStep& step = sequence.history[static_cast<size_t>(h)];
    if (step.parent2 >= 0) {
      counts[static_cast<size_t>(h)] = counts[static_cast<size_t>(step.parent1)] +
                                       counts[static_cast<size_t>(step.parent2)];
    }
  }
  return counts[static_cast<size_t>(target)];
}

// (DeltaR^2 / R0^2)^(beta / 2); pow(x, 0) is 1 for every x, so mMDT skips the call.
double angular_factor(double delta_r2_over_r0_2, double beta) {
  return beta == 0.0 ? 1.0 : std::pow(delta_r2_over_r0_2, 0.5 * beta);
}

// Order the parents so that `harder` has the larger pT (the first parent wins a tie).
void order_by_pt(const clustering::ClusterSequence& sequence, int& harder, int& softer) {
  if (sequence.jets[static_cast<size_t>(harder)].kt2 < sequence.jets[static_cast<size_t>(softer)].kt2) {
    std::swap(harder, softer);
  }
}

}  // namespace

int hardest_inclusive_jet(const clustering::ClusterSequence& sequence) {
  int best = -1;
  double best_kt2 = -1.0;
  for (const clustering::HistoryStep& step : sequence.history) {
    if (step.parent2 != clustering::HistoryStep::kBeam) continue;
    const int jet = sequence.history[static_cast<size_t>(step.parent1)].jet;
    const double kt2 = sequence.jets[static_cast<size_t>(jet)].kt2;
    if (kt2 > best_kt2) {
      best_kt2 = kt2;
      best = jet;
    }
  }
  return best;
}

Result groom(const clustering::ClusterSequence& sequence, const Options& options) {
  Result result;
  int current = hardest_inclusive_jet(sequence);
  if (current < 0) return result;
  const double r0_squared = options.R0 * options.R0;

  int harder = 0, softer = 0;
  while (sequence.has_parents(current, harder, softer)) {
    order_by_pt(sequence, harder, softer);
    const clustering::PseudoJet& j1 = sequence.jets[static_cast<size_t>(harder)];
    const clustering::PseudoJet& j2 = sequence.jets[static_cast<size_t>(softer)];
    const double pt1 = j1.pt();
    const double pt2 = j2.pt();
    const double pt_sum = pt1 + pt2;
    const double delta_r2 = j1.squared_distance(j2);
    const double z = pt_sum == 0.0 ? 0.0 : std::min(pt1, pt2) / pt_sum;
    const double cut = options.zcut * angular_factor(delta_r2 / r0_squared, options.beta);
    if (pt_sum != 0.0 && z > cut) {
      const clustering::PseudoJet& jet = sequence.jets[static_cast<size_t>(current)];
      result.zg = z;
      result.rg = std::sqrt(delta_r2);
      // NOTE: fastjet-contrib divides by m^2 even when it is 0 (exactly collinear massless
      // particles) and returns NaN; here mu = 0 in that case.
      const double jet_m2 = jet.m2();
      const double mu2 = jet_m2 > 0.0 ? std::max(j1.m2(), j2.m2()) / jet_m2 : 0.0;
      result.mu = mu2 >= 0.0 ? std::sqrt(mu2) : -std::sqrt(-mu2);
      break;
    }
    current = harder;
  }

  const clustering::PseudoJet& groomed = sequence.jets[static_cast<size_t>(current)];
  result.pt = groomed.pt();
  result.mass = groomed.m();
  result.E = groomed.E;
  result.px = groomed.px;
  result.py = groomed.py;
  result.pz = groomed.pz;
  result.n_constituents = count_constituents(sequence, current);
  return result;
}

int iterated_multiplicity(const clustering::ClusterSequence& sequence, const Options& options,
                          double theta_cut) {
  int current = hardest_inclusive_jet(sequence);
  if (current < 0) return 0;
  const double r0_squared = options.R0 * options.R0;
  const double theta_cut2 = theta_cut * theta_cut * r0_squared;

  int count = 0;
  int harder = 0, softer = 0;
  while (sequence.has_parents(current, harder, softer)) {
    order_by_pt(sequence, harder, softer);
    const clustering::PseudoJet& j1 = sequence.jets[static_cast<size_t>(harder)];
    const clustering::PseudoJet& j2 = sequence.jets[static_cast<size_t>(softer)];
    const double delta_r2 = j1.squared_distance(j2);
    if (delta_r2 < theta_cut2) break;
    const double pt1 = j1.pt();
    const double pt2 = j2.pt();
    const double z = pt2 / (pt1 + pt2);
    if (z > options.zcut * angular_factor(delta_r2 / r0_squared, options.beta)) ++count;
    current = harder;
  }
  return count;
}

}  // namespace jetfeat::softdrop
