// Sequential recombination (kT, Cambridge/Aachen, anti-kT, generalised kT) inside one jet.
//
// The distances, the rapidity and phi conventions, the tie handling and the order of the merging
// steps follow FastJet 3.5's N2Plain strategy, so the clustering history agrees with FastJet's
// on the same particles (tested against a program linking FastJet):
//   d_ij = min(s_i, s_j) * DeltaR_ij^2 / R^2,   d_iB = s_i,
//   s = kT^2 (kT), 1 (C/A), 1/kT^2 (anti-kT), (kT^2)^p (generalised kT),
//   DeltaR^2 = (y_i - y_j)^2 + dphi^2 with dphi wrapped into [0, pi].
// The cost is O(M^2) time and O(M) memory for M particles (nearest neighbours are cached).
// NOTE: FastJet picks a tiled strategy for many particles and small R. Exact ties of d_ij
// (for C/A with R below the jet size, every final beam merging has d_iB = 1) can then come in
// another order than here; the mergings themselves and their d_ij are the same.
#pragma once

#include <cstdint>
#include <vector>

namespace jetfeat::clustering {

// A four-momentum with its cached kT^2, rapidity and phi in [0, 2 pi), computed the way FastJet
// does: a massless particle along the beam gets y = +-(1e5 + |pz|), a tachyonic one has its
// squared mass clamped to zero.
struct PseudoJet {
  double px = 0, py = 0, pz = 0, E = 0;
  double kt2 = 0, rap = 0, phi = 0;
  int hist = -1;  // index of the history step that created it

  double pt() const;
  double m2() const { return (E + pz) * (E - pz) - kt2; }
  // Signed mass: -sqrt(-m2) for a tachyonic four-momentum, as FastJet's PseudoJet::m().
  double m() const;
  double modp2() const { return kt2 + pz * pz; }
  // (y_1 - y_2)^2 + dphi^2 with dphi wrapped into [0, pi].
  double squared_distance(const PseudoJet& other) const;
};

PseudoJet make_pseudojet(double px, double py, double pz, double E);
// pT, y, phi, m = 0 constructor whose cached rapidity and phi are the given ones exactly.
PseudoJet make_pseudojet_ptyphi(double pt, double rap, double phi);
void set_rap_phi(PseudoJet& jet);

enum class Algorithm : int { kt = 0, cambridge = 1, antikt = 2, genkt = 3 };
// E_scheme: four-momentum sum. wta_pt: pT_a + pT_b along the harder input (pT_a >= pT_b keeps a),
// massless, as fastjet-contrib's WinnerTakeAllRecombiner with alpha = 1.
enum class Recombination : int { e_scheme = 0, wta_pt = 1 };

struct JetDefinition {
  Algorithm algorithm = Algorithm::cambridge;
  double R = 1000.0;  // FastJet's max_allowable_R, used when reclustering a whole jet
  double p = 1.0;     // exponent of the generalised kT algorithm
  Recombination recombination = Recombination::e_scheme;
};

// One entry of the clustering history. The first M entries are the particles; each later entry
// records a merging of parent1 and parent2 (history indices, parent1 < parent2), or a merging of
// parent1 with the beam (parent2 == kBeam).
struct HistoryStep {
  int parent1 = kInexistent;
  int parent2 = kInexistent;
  int child = kInvalid;
  int jet = kInvalid;  // index into ClusterSequence::jets of the result
  double dij = 0.0;
  double max_dij_so_far = 0.0;

  static constexpr int kInvalid = -3;
  static constexpr int kInexistent = -2;
  static constexpr int kBeam = -1;
};

// Buffers of the nearest-neighbour search, kept between jets so that a batch allocates once
// per thread. Structure of arrays so that the distance loops vectorise.
struct ClusterScratch {
  std::vector<double> rap, phi, scale, nn_dist, dij;
  // 64-bit so that a vector of neighbours has the lane width of a vector of distances.
  std::vector<int64_t> nn;
  std::vector<int> jet_index;
  // Nearest earlier slot of every slot while the first neighbours are searched.
  std::vector<double> earlier_dist;
  std::vector<int> earlier_nn;
};

struct ClusterSequence {
  std::vector<PseudoJet> jets;
  std::vector<HistoryStep> history;
  int n_particles = 0;
  ClusterScratch scratch;

  // Jet indices of the exclusive jets when the clustering stops at n jets (n <= n_particles),
  // in FastJet's order.
  std::vector<int> exclusive_jets(int n) const;
  // Same, written into `out` (cleared first) to reuse its allocation.
  void exclusive_jets(int n, std::vector<int>& out) const;
  // Number of exclusive jets at resolution dcut: the last merging with max d_ij <= dcut is done.
  int n_exclusive_jets(double dcut) const;
  // d_ij of the merging that takes n + 1 jets to n (0 when there are n or fewer particles).
  double exclusive_dmerge(int n) const;
  // Jet indices of the two parents of jet `index`; false for a particle or a beam merging.
  bool has_parents(int index, int& parent1, int& parent2) const;
};

// Cluster the M particles of p4s (rows of E, px, py, pz) with `definition`, filling `out`
// (reused between calls to avoid allocations).
void cluster(const double* p4s, int64_t n_particles, const JetDefinition& definition,
             ClusterSequence& out);
// Same, from pseudojets built by the caller.
void cluster(const std::vector<PseudoJet>& particles, const JetDefinition& definition,
             ClusterSequence& out);

}  // namespace jetfeat::clustering
