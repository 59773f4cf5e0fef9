// Primary Lund plane declusterings of a C/A clustering history.
#include "substructure/clustering_fpmode.hpp"

#include "substructure/lund.hpp"

#include <cmath>
#include <utility>

#include "substructure/softdrop.hpp"

namespace jetfeat::lund {

namespace {
constexpr double kPi = 3.141592653589793238462643383279502884197;
constexpr double kTwoPi = 6.283185307179586476925286766559005768394;
}  // namespace

void primary(const clustering::ClusterSequence& sequence, std::vector<Declustering>& out) {
  out.clear();
  int current = softdrop::hardest_inclusive_jet(sequence);
  if (current < 0) return;

  int harder = 0, softer = 0;
  while (sequence.has_parents(current, harder, softer)) {
    if (sequence.jets[static_cast<size_t>(softer)].kt2 >
        sequence.jets[static_cast<size_t>(harder)].kt2) {
      std::swap(harder, softer);
    }
    const clustering::PseudoJet& pair = sequence.jets[static_cast<size_t>(current)];
    const clustering::PseudoJet& j1 = sequence.jets[static_cast<size_t>(harder)];
    const clustering::PseudoJet& j2 = sequence.jets[static_cast<size_t>(softer)];

    Declustering step;
    step.m = pair.m();
    step.delta = std::sqrt(j1.squared_distance(j2));
    const double pt1 = j1.pt();
    const double pt2 = j2.pt();
    step.z = pt2 / (pt1 + pt2);
    step.kt = pt2 * step.delta;
    step.kappa = step.z * step.delta;
    double dphi = j2.phi - j1.phi;
    if (dphi > kPi) dphi -= kTwoPi;
    if (dphi <= -kPi) dphi += kTwoPi;
    step.psi = std::atan2(j2.rap - j1.rap, dphi);
    out.push_back(step);
    current = harder;
  }
}

}  // namespace jetfeat::lund
