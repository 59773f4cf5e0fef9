// Sequential recombination inside one jet, reproducing FastJet's N2Plain merging sequence.
#include "substructure/clustering_fpmode.hpp"

#include "substructure/clustering.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace jetfeat::clustering {

namespace {

constexpr double kPi = 3.141592653589793238462643383279502884197;
constexpr double kTwoPi = 6.283185307179586476925286766559005768394;
// FastJet's rapidity for a massless particle along the beam is +-(kMaxRap + |pz|).
constexpr double kMaxRap = 1e5;

double momentum_scale(const PseudoJet& jet, const JetDefinition& definition) {
  switch (definition.algorithm) {
    case Algorithm::kt:
      return jet.kt2;
    case Algorithm::cambridge:
      return 1.0;
    case Algorithm::antikt:
      return jet.kt2 > 1e-300 ? 1.0 / jet.kt2 : 1e300;
    case Algorithm::genkt: {
      double kt2 = jet.kt2;
      // Same guard as FastJet: kT = 0 with p <= 0 would give an infinite or undefined scale.
      if (definition.p <= 0 && kt2 < 1e-300) kt2 = 1e-300;
      return std::pow(kt2, definition.p);
    }
  }
  return 1.0;
}

// Index of the first entry equal to the minimum of values[0, n) that is below `bound`, or -1
// (then *minimum = bound). Same result as a scalar scan with a strict "<", which lets the first
// of equal values win; written as a min reduction plus a search so that both loops vectorise.
int first_minimum(const double* values, int n, double bound, double* minimum) {
  double smallest = bound;
#pragma omp simd reduction(min : smallest)
  for (int i = 0; i < n; ++i) smallest = values[i] < smallest ? values[i] : smallest;
  *minimum = bound;
  if (!(smallest < bound)) return -1;
  for (int i = 0; i < n; ++i) {
    if (values[i] == smallest) {
      *minimum = smallest;
      return i;
    }
  }
  return -1;
}

PseudoJet recombine(const PseudoJet& a, const PseudoJet& b, Recombination scheme) {
  if (scheme == Recombination::wta_pt) {
    const double a_pt = a.pt();
    const double b_pt = b.pt();
    if (a_pt >= b_pt) return make_pseudojet_ptyphi(a_pt + b_pt, a.rap, a.phi);
    return make_pseudojet_ptyphi(a_pt + b_pt, b.rap, b.phi);
  }
  return make_pseudojet(a.px + b.px, a.py + b.py, a.pz + b.pz, a.E + b.E);
}

// FastJet's N2Plain algorithm on structure-of-arrays state. Slot i contains a live jet: its
// rapidity, phi, momentum scale s, nearest neighbour nn[i] (a slot, -1 for none) at squared
// distance nn_dist[i], and d_iJ = nn_dist * min(s_i, s_nn) in units of R^2.
class N2PlainClusterer {
 public:
  N2PlainClusterer(const JetDefinition& definition, ClusterSequence& sequence)
      : def_(definition),
        seq_(sequence),
        s_(sequence.scratch),
        r2_(definition.R * definition.R),
        inv_r2_(1.0 / r2_) {}

  void run();

 private:
  // Write the squared distances from slot `b` to slots [0, n) into `out`. The loop has no
  // data-dependent branch, so it vectorises with the same IEEE operations as scalar code. The
  // value is symmetric bitwise (|x - y| and (x - y)^2 do not depend on the order).
  void distances_to(int b, int n, double* out) const {
    const double rap_b = s_.rap[static_cast<size_t>(b)];
    const double phi_b = s_.phi[static_cast<size_t>(b)];
    const double* rap = s_.rap.data();
    const double* phi = s_.phi.data();
    for (int i = 0; i < n; ++i) {
      double dphi = std::abs(phi[i] - phi_b);
      const double drap = rap[i] - rap_b;
      dphi = dphi > kPi ? kTwoPi - dphi : dphi;
      out[i] = dphi * dphi + drap * drap;
    }
  }

  double dij(int i) const {
    double scale = s_.scale[static_cast<size_t>(i)];
    const int nn = s_.nn[static_cast<size_t>(i)];
    if (nn >= 0 && s_.scale[static_cast<size_t>(nn)] < scale) scale = s_.scale[static_cast<size_t>(nn)];
    return s_.nn_dist[static_cast<size_t>(i)] * scale;
  }

  void set_info(int slot, int jet_index) {
    const PseudoJet& jet = seq_.jets[static_cast<size_t>(jet_index)];
    const size_t k = static_cast<size_t>(slot);
    s_.rap[k] = jet.rap;
    s_.phi[k] = jet.phi;
    s_.scale[k] = momentum_scale(jet, def_);
    s_.nn_dist[k] = r2_;
    s_.nn[k] = -1;
    s_.jet_index[k] = jet_index;
  }

  // Nearest neighbour of every slot, visiting pairs in FastJet's order (for each slot, the
  // earlier slots, updating theirs on the way).
  void initial_neighbours(int n) {
    for (int slot = 0; slot < n; ++slot) {
      distances_to(slot, slot, s_.dist.data());
      double nn_dist = r2_;
      int nn = -1;
      for (int j = 0; j < slot; ++j) {
        const double dist = s_.dist[static_cast<size_t>(j)];
        if (dist < nn_dist) {
          nn_dist = dist;
          nn = j;
        }
        if (dist < s_.nn_dist[static_cast<size_t>(j)]) {
          s_.nn_dist[static_cast<size_t>(j)] = dist;
          s_.nn[static_cast<size_t>(j)] = slot;
        }
      }
      s_.nn[static_cast<size_t>(slot)] = nn;
      s_.nn_dist[static_cast<size_t>(slot)] = nn_dist;
    }
  }

  // Nearest neighbour of `slot` among all live slots [0, n), without touching the others; the
  // first slot wins a tie, as in FastJet's scan.
  void set_nn_nocross(int slot, int n) {
    double* dist = s_.dist_other.data();
    distances_to(slot, n, dist);
    // The slot itself (distance 0) is excluded by making its distance infinite.
    dist[slot] = std::numeric_limits<double>::infinity();
    double nn_dist = r2_;
    const int nn = first_minimum(dist, n, r2_, &nn_dist);
    s_.nn[static_cast<size_t>(slot)] = nn;
    s_.nn_dist[static_cast<size_t>(slot)] = nn_dist;
  }

  int merge_pair(int jet_i, int jet_j, double d);
  void merge_beam(int jet_i, double d);
  void add_step(int parent1, int parent2, int jet, double d);

  const JetDefinition& def_;
  ClusterSequence& seq_;
  ClusterScratch& s_;
  double r2_, inv_r2_;
};

void N2PlainClusterer::add_step(int parent1, int parent2, int jet, double d) {
  HistoryStep step;
  step.parent1 = parent1;
  step.parent2 = parent2;
  step.jet = jet;
  step.dij = d;
  step.max_dij_so_far = std::max(d, seq_.history.back().max_dij_so_far);
  const int index = static_cast<int>(seq_.history.size());
  seq_.history[static_cast<size_t>(parent1)].child = index;
  if (parent2 >= 0) seq_.history[static_cast<size_t>(parent2)].child = index;
  seq_.history.push_back(step);
}

int N2PlainClusterer::merge_pair(int jet_i, int jet_j, double d) {
  PseudoJet merged = recombine(seq_.jets[static_cast<size_t>(jet_i)],
                               seq_.jets[static_cast<size_t>(jet_j)], def_.recombination);
  const int new_jet = static_cast<int>(seq_.jets.size());
  merged.hist = static_cast<int>(seq_.history.size());
  const int hist_i = seq_.jets[static_cast<size_t>(jet_i)].hist;
  const int hist_j = seq_.jets[static_cast<size_t>(jet_j)].hist;
  seq_.jets.push_back(merged);
  add_step(std::min(hist_i, hist_j), std::max(hist_i, hist_j), new_jet, d);
  return new_jet;
}

void N2PlainClusterer::merge_beam(int jet_i, double d) {
  add_step(seq_.jets[static_cast<size_t>(jet_i)].hist, HistoryStep::kBeam, HistoryStep::kInvalid,
           d);
}

void N2PlainClusterer::run() {
  int n = seq_.n_particles;
  const size_t size = static_cast<size_t>(n);
  s_.rap.resize(size);
  s_.phi.resize(size);
  s_.scale.resize(size);
  s_.nn_dist.resize(size);
  s_.dij.resize(size);
  s_.dist.resize(size);
  s_.dist_other.resize(size);
  s_.nn.resize(size);
  s_.jet_index.resize(size);
  double* dij_table = s_.dij.data();
  int* nn = s_.nn.data();
  double* nn_dist = s_.nn_dist.data();
  const double* dist = s_.dist.data();

  // Initial nearest neighbours and d_iJ table (in units of R^2, as FastJet keeps them).
  for (int i = 0; i < n; ++i) set_info(i, i);
  initial_neighbours(n);
  for (int i = 0; i < n; ++i) dij_table[i] = dij(i);

  while (n > 0) {
    // Smallest d_iJ; the first slot wins a tie.
    double d_min = 0.0;
    int a = first_minimum(dij_table, n, std::numeric_limits<double>::infinity(), &d_min);
    if (a < 0) {
      // Every d_iJ is infinite or NaN: take slot 0, as FastJet's scan does.
      a = 0;
      d_min = dij_table[0];
    }
    int b = nn[a];
    d_min *= inv_r2_;

    if (b >= 0) {
      // Keep b < a so that the merged jet, stored in slot b, never sits in the slot that the
      // last live jet is about to be moved out of.
      if (a < b) std::swap(a, b);
      const int new_jet = merge_pair(s_.jet_index[static_cast<size_t>(a)],
                                     s_.jet_index[static_cast<size_t>(b)], d_min);
      set_info(b, new_jet);
    } else {
      merge_beam(s_.jet_index[static_cast<size_t>(a)], d_min);
    }

    // Shrink the table by moving the last live jet into slot a.
    --n;
    const int tail = n;
    {
      const size_t ka = static_cast<size_t>(a), kt = static_cast<size_t>(tail);
      s_.rap[ka] = s_.rap[kt];
      s_.phi[ka] = s_.phi[kt];
      s_.scale[ka] = s_.scale[kt];
      nn_dist[ka] = nn_dist[kt];
      nn[ka] = nn[kt];
      s_.jet_index[ka] = s_.jet_index[kt];
      dij_table[ka] = dij_table[kt];
    }

    if (b < 0) {
      for (int i = 0; i < n; ++i) {
        // This also refreshes every jet without a neighbour (nn = -1 = b), as FastJet does.
        if (nn[i] == a || nn[i] == b) {
          set_nn_nocross(i, n);
          dij_table[i] = dij(i);
        }
        if (nn[i] == tail) nn[i] = a;
      }
      continue;
    }

    // The merged jet in slot b may become the nearest neighbour of any jet, and its own
    // neighbour is the nearest of them. Its running minimum is kept in locals (stored back
    // around i == b, the only iteration that reads it) so that the loop does not reload it.
    distances_to(b, n, s_.dist.data());
    double nn_dist_b = nn_dist[b];
    int nn_b = nn[b];
    for (int i = 0; i < n; ++i) {
      if (i == b) {
        nn_dist[b] = nn_dist_b;
        nn[b] = nn_b;
        if (nn[i] == a || nn[i] == b) {
          set_nn_nocross(i, n);
          dij_table[i] = dij(i);
        }
        if (nn[i] == tail) nn[i] = a;
        nn_dist_b = nn_dist[b];
        nn_b = nn[b];
        continue;
      }
      if (nn[i] == a || nn[i] == b) {
        set_nn_nocross(i, n);
        dij_table[i] = dij(i);
      }
      const double d = dist[i];
      if (d < nn_dist[i]) {
        nn_dist[i] = d;
        nn[i] = b;
        dij_table[i] = dij(i);
      }
      if (d < nn_dist_b) {
        nn_dist_b = d;
        nn_b = i;
      }
      if (nn[i] == tail) nn[i] = a;
    }
    nn_dist[b] = nn_dist_b;
    nn[b] = nn_b;
    if (b >= 0) dij_table[b] = dij(b);
  }
}

}  // namespace

double PseudoJet::pt() const { return std::sqrt(kt2); }

double PseudoJet::m() const {
  const double mass2 = m2();
  return mass2 < 0.0 ? -std::sqrt(-mass2) : std::sqrt(mass2);
}

double PseudoJet::squared_distance(const PseudoJet& other) const {
  double dphi = std::abs(phi - other.phi);
  if (dphi > kPi) dphi = kTwoPi - dphi;
  const double drap = rap - other.rap;
  return dphi * dphi + drap * drap;
}

void set_rap_phi(PseudoJet& jet) {
  jet.phi = jet.kt2 == 0.0 ? 0.0 : std::atan2(jet.py, jet.px);
  if (jet.phi < 0.0) jet.phi += kTwoPi;
  if (jet.phi >= kTwoPi) jet.phi -= kTwoPi;

  if (jet.E == std::abs(jet.pz) && jet.kt2 == 0.0) {
    const double max_rap = kMaxRap + std::abs(jet.pz);
    jet.rap = jet.pz >= 0.0 ? max_rap : -max_rap;
  } else {
    const double effective_m2 = std::max(0.0, jet.m2());
    const double e_plus_pz = jet.E + std::abs(jet.pz);
    jet.rap = 0.5 * std::log((jet.kt2 + effective_m2) / (e_plus_pz * e_plus_pz));
    if (jet.pz > 0.0) jet.rap = -jet.rap;
  }
}

PseudoJet make_pseudojet(double px, double py, double pz, double E) {
  PseudoJet jet;
  jet.px = px;
  jet.py = py;
  jet.pz = pz;
  jet.E = E;
  jet.kt2 = px * px + py * py;
  set_rap_phi(jet);
  return jet;
}

PseudoJet make_pseudojet_ptyphi(double pt, double rap, double phi) {
  const double exprap = std::exp(rap);
  const double pminus = pt / exprap;
  const double pplus = pt * exprap;
  PseudoJet jet;
  jet.px = pt * std::cos(phi);
  jet.py = pt * std::sin(phi);
  jet.pz = 0.5 * (pplus - pminus);
  jet.E = 0.5 * (pplus + pminus);
  jet.kt2 = jet.px * jet.px + jet.py * jet.py;
  // The winner's rapidity and phi are kept exactly instead of being recomputed.
  jet.rap = rap;
  jet.phi = phi;
  if (jet.phi >= kTwoPi) jet.phi -= kTwoPi;
  if (jet.phi < 0.0) jet.phi += kTwoPi;
  return jet;
}

std::vector<int> ClusterSequence::exclusive_jets(int n) const {
  std::vector<int> result;
  const int stop = 2 * n_particles - n;
  for (size_t i = static_cast<size_t>(std::max(stop, 0)); i < history.size(); ++i) {
    const int parent1 = history[i].parent1;
    if (parent1 >= 0 && parent1 < stop) result.push_back(history[static_cast<size_t>(parent1)].jet);
    const int parent2 = history[i].parent2;
    if (parent2 > 0 && parent2 < stop) result.push_back(history[static_cast<size_t>(parent2)].jet);
  }
  return result;
}

int ClusterSequence::n_exclusive_jets(double dcut) const {
  int i = static_cast<int>(history.size()) - 1;
  while (i >= 0) {
    if (history[static_cast<size_t>(i)].max_dij_so_far <= dcut) break;
    --i;
  }
  return 2 * n_particles - (i + 1);
}

double ClusterSequence::exclusive_dmerge(int n) const {
  if (n >= n_particles || n < 1) return 0.0;
  return history[static_cast<size_t>(2 * n_particles - n - 1)].dij;
}

bool ClusterSequence::has_parents(int index, int& parent1, int& parent2) const {
  const HistoryStep& step = history[static_cast<size_t>(jets[static_cast<size_t>(index)].hist)];
  if (step.parent1 < 0 || step.parent2 < 0) return false;
  parent1 = history[static_cast<size_t>(step.parent1)].jet;
  parent2 = history[static_cast<size_t>(step.parent2)].jet;
  return true;
}

void cluster(const std::vector<PseudoJet>& particles, const JetDefinition& definition,
             ClusterSequence& out) {
  const int n = static_cast<int>(particles.size());
  out.n_particles = n;
  out.jets.clear();
  out.history.clear();
  out.jets.reserve(static_cast<size_t>(2 * n));
  out.history.reserve(static_cast<size_t>(2 * n));
  for (int i = 0; i < n; ++i) {
    PseudoJet jet = particles[static_cast<size_t>(i)];
    jet.hist = i;
    out.jets.push_back(jet);
    HistoryStep step;
    step.jet = i;
    out.history.push_back(step);
  }
  if (n == 0) return;
  N2PlainClusterer(definition, out).run();
}

void cluster(const double* p4s, int64_t n_particles, const JetDefinition& definition,
             ClusterSequence& out) {
  std::vector<PseudoJet>& particles = out.scratch.particles;
  particles.clear();
  for (int64_t i = 0; i < n_particles; ++i) {
    const double* row = p4s + 4 * i;
    particles.push_back(make_pseudojet(row[1], row[2], row[3], row[0]));
  }
  cluster(particles, definition, out);
}

}  // namespace jetfeat::clustering
