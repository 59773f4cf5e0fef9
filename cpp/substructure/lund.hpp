// Primary Lund plane declusterings (Dreyer, Salam, Soyez, arXiv:1807.04758) on the
// Cambridge/Aachen history: undo the mergings of the jet one by one, always following the harder
// (larger pT) branch, and record for each step j -> (j1 harder, j2 softer)
//   Delta = DeltaR_12, kT = pT2 Delta, z = pT2 / (pT1 + pT2), kappa = z Delta,
//   psi = atan2(y2 - y1, phi2 - phi1) with phi2 - phi1 wrapped into (-pi, pi], m = mass of j.
#pragma once

#include <vector>

#include "substructure/clustering.hpp"

namespace jetfeat::lund {

struct Declustering {
  double delta, kt, z, psi, kappa, m;
};

void primary(const clustering::ClusterSequence& sequence, std::vector<Declustering>& out);

}  // namespace jetfeat::lund
