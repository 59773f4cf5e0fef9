// Soft drop (Larkoski, Marzani, Soyez, Thaler, arXiv:1402.2657) and iterated soft drop
// (Frye, Larkoski, Thaler, Zhou, arXiv:1704.06266) on the Cambridge/Aachen history of a jet.
//
// Starting from the whole jet, undo the last C/A merging j -> (j1, j2) and keep j when
//   z = min(pT1, pT2) / (pT1 + pT2) > z_cut (DeltaR_12 / R0)^beta,
// otherwise continue into the harder (larger pT) branch. A jet reduced to one particle is
// returned as that particle with z_g = R_g = mu = 0 (grooming mode), and mu = 0 when the kept
// jet has m^2 <= 0. beta = 0 is the modified
// mass drop tagger (mMDT) without a mass-drop condition.
#pragma once

#include "substructure/clustering.hpp"

namespace jetfeat::softdrop {

struct Options {
  double zcut = 0.1;
  double beta = 0.0;
  double R0 = 1.0;
};

struct Result {
  double pt = 0, mass = 0, zg = 0, rg = 0, mu = 0;
  double E = 0, px = 0, py = 0, pz = 0;
  int n_constituents = 0;
};

// Index (into sequence.jets) of the hardest inclusive jet of a C/A clustering with R = 1000,
// as fastjet::Recluster keeps it; -1 when there are no particles.
int hardest_inclusive_jet(const clustering::ClusterSequence& sequence);

Result groom(const clustering::ClusterSequence& sequence, const Options& options);

// Number of primary C/A declusterings (following the harder branch) that pass the soft-drop
// condition, stopping when DeltaR_12 < theta_cut (iterated soft drop multiplicity n_SD).
int iterated_multiplicity(const clustering::ClusterSequence& sequence, const Options& options,
                          double theta_cut);

}  // namespace jetfeat::softdrop
