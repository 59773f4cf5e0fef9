// Sequential recombination inside one jet, reproducing FastJet's N2Plain merging sequence.
#include "substructure/clustering_fpmode.hpp"

#include "substructure/clustering.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
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

// The slot arrays are padded to a multiple of kLanes entries whose values never win a
// minimum (rapidity and d_iJ +infinity), so that the vector loops below need no remainder loop.
constexpr int kLanes = 8;

int padded(int n) { return (n + kLanes - 1) / kLanes * kLanes; }

// Index of the first entry equal to the minimum of values[0, n) that is below `bound`, or -1
// (then *minimum = bound); n is a multiple of kLanes. The result is that of a scalar scan with a
// strict "<", which lets the first of equal values win. Each lane keeps the first position of its
// own minimum, and the lanes are then merged by value and, among equal values, by position.
#if defined(__GNUC__)
// GCC and Clang vector extensions: one vector of kLanes doubles, lowered to the widest SIMD
// registers of the target. Positions are carried as doubles (exact below 2^53).
typedef double LaneVector __attribute__((vector_size(kLanes * sizeof(double))));

int first_minimum(const double* values, int n, double bound, double* minimum) {
  LaneVector best, where, position;
  for (int k = 0; k < kLanes; ++k) {
    best[k] = bound;
    where[k] = -1.0;
    position[k] = static_cast<double>(k);
  }
  for (int i = 0; i < n; i += kLanes) {
    LaneVector value;
    std::memcpy(&value, values + i, sizeof(value));
    const auto smaller = value < best;
    best = smaller ? value : best;
    where = smaller ? position : where;
    position += static_cast<double>(kLanes);
  }
#else
int first_minimum(const double* values, int n, double bound, double* minimum) {
  double best[kLanes], where[kLanes];
  for (int k = 0; k < kLanes; ++k) {
    best[k] = bound;
    where[k] = -1.0;
  }
  for (int i = 0; i < n; i += kLanes) {
    for (int k = 0; k < kLanes; ++k) {
      if (values[i + k] < best[k]) {
        best[k] = values[i + k];
        where[k] = static_cast<double>(i + k);
      }
    }
  }
#endif
  // Pairwise (tree) reductions without branches: the lane minimum, then the first position
  // among the lanes that contain it. A lane never below `bound` contains bound, so it cannot be
  // first.
  double low[kLanes / 2];
  for (int k = 0; k < kLanes / 2; ++k) {
    low[k] = best[k + kLanes / 2] < best[k] ? best[k + kLanes / 2] : best[k];
  }
  for (int width = kLanes / 4; width > 0; width /= 2) {
    for (int k = 0; k < width; ++k) low[k] = low[k + width] < low[k] ? low[k + width] : low[k];
  }
  const double smallest = low[0];
  *minimum = bound;
  if (!(smallest < bound)) return -1;
  const double never = static_cast<double>(n);
  double first[kLanes / 2];
  for (int k = 0; k < kLanes / 2; ++k) {
    const double a = best[k] == smallest ? where[k] : never;
    const double b = best[k + kLanes / 2] == smallest ? where[k + kLanes / 2] : never;
    first[k] = b < a ? b : a;
  }
  for (int width = kLanes / 4; width > 0; width /= 2) {
    for (int k = 0; k < width; ++k) first[k] = first[k + width] < first[k] ? first[k + width] : first[k];
  }
  *minimum = smallest;
  return static_cast<int>(first[0]);
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
    const int nn = static_cast<int>(s_.nn[static_cast<size_t>(i)]);
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

  // Nearest neighbour of every slot. FastJet visits the pairs in order: for each slot, the
  // earlier slots, which take it when strictly closer. Each slot ends with the first slot at its
  // smallest distance, so a vector search over the whole row gives the same neighbour.
  void initial_neighbours(int n) {
    for (int slot = 0; slot < n; ++slot) set_nn_nocross(slot, n);
  }

  // Nearest neighbour of `slot` among all live slots [0, n), without touching the others; the
  // first slot wins a tie, as in FastJet's scan.
  void set_nn_nocross(int slot, int n) {
    double* dist = s_.dist_other.data();
    distances_to(slot, padded(n), dist);
    // The slot itself (distance 0) is excluded by making its distance infinite.
    dist[slot] = std::numeric_limits<double>::infinity();
    double nn_dist = r2_;
    const int nn = first_minimum(dist, padded(n), r2_, &nn_dist);
    s_.nn[static_cast<size_t>(slot)] = nn;
    s_.nn_dist[static_cast<size_t>(slot)] = nn_dist;
  }

  // Steps (2) and (3) of a pair merging for the slots [0, n_padded), given the distances to
  // the merged slot b in s_.dist; returns the number of slots marked kStale.
  int update_neighbours(int a, int b, int tail, int n_padded);

  int merge_pair(int jet_i, int jet_j, double d);
  void merge_beam(int jet_i, double d);
  void add_step(int parent1, int parent2, int jet, double d);

  // Marks a slot whose neighbour must be recomputed (never a slot index, nor -1 for none).
  static constexpr int kStale = -2;

  const JetDefinition& def_;
  ClusterSequence& seq_;
  ClusterScratch& s_;
  double r2_, inv_r2_;
};

#if defined(__GNUC__)
int N2PlainClusterer::update_neighbours(int a, int b, int tail, int n_padded) {
  // Lane masks of a comparison of LaneVectors are vectors of 64-bit integers (-1 or 0).
  typedef decltype(LaneVector{} < LaneVector{}) LaneMask;
  const double* dist_b = s_.dist.data();
  const double* scale = s_.scale.data();
  double* nn_dist = s_.nn_dist.data();
  double* dij_table = s_.dij.data();
  int64_t* nn = s_.nn.data();
  LaneVector scale_b;
  LaneMask slot_a, slot_b, slot_tail, stale_mark, stale_count;
  for (int k = 0; k < kLanes; ++k) {
    scale_b[k] = scale[b];
    slot_a[k] = a;
    slot_b[k] = b;
    slot_tail[k] = tail;
    stale_mark[k] = kStale;
    stale_count[k] = 0;
  }
  for (int i = 0; i < n_padded; i += kLanes) {
    LaneVector d, old_dist, scale_i, old_dij;
    LaneMask old_nn;
    std::memcpy(&d, dist_b + i, sizeof(d));
    std::memcpy(&old_dist, nn_dist + i, sizeof(old_dist));
    std::memcpy(&scale_i, scale + i, sizeof(scale_i));
    std::memcpy(&old_dij, dij_table + i, sizeof(old_dij));
    std::memcpy(&old_nn, nn + i, sizeof(old_nn));
    const LaneMask stale = (old_nn == slot_a) | (old_nn == slot_b);
    const LaneMask closer = (d < old_dist) & ~stale;
    // Same value as dij(i) with nn[i] = b: nn_dist times the smaller scale.
    const LaneVector scale_min = scale_b < scale_i ? scale_b : scale_i;
    const LaneVector new_dist = closer ? d : old_dist;
    const LaneVector new_dij = closer ? d * scale_min : old_dij;
    LaneMask new_nn = closer ? slot_b : old_nn;
    new_nn = new_nn == slot_tail ? slot_a : new_nn;
    new_nn = stale ? stale_mark : new_nn;
    stale_count -= stale;
    std::memcpy(nn_dist + i, &new_dist, sizeof(new_dist));
    std::memcpy(dij_table + i, &new_dij, sizeof(new_dij));
    std::memcpy(nn + i, &new_nn, sizeof(new_nn));
  }
  int64_t total = 0;
  for (int k = 0; k < kLanes; ++k) total += stale_count[k];
  return static_cast<int>(total);
}
#else
int N2PlainClusterer::update_neighbours(int a, int b, int tail, int n_padded) {
  const double* dist_b = s_.dist.data();
  const double* scale = s_.scale.data();
  double* nn_dist = s_.nn_dist.data();
  double* dij_table = s_.dij.data();
  int64_t* nn = s_.nn.data();
  int n_stale = 0;
  for (int i = 0; i < n_padded; ++i) {
    if (nn[i] == a || nn[i] == b) {
      nn[i] = kStale;
      ++n_stale;
      continue;
    }
    if (dist_b[i] < nn_dist[i]) {
      nn_dist[i] = dist_b[i];
      nn[i] = b;
      dij_table[i] = dist_b[i] * (scale[b] < scale[i] ? scale[b] : scale[i]);
    }
    if (nn[i] == tail) nn[i] = a;
  }
  return n_stale;
}
#endif

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
  const size_t size = static_cast<size_t>(padded(n));
  constexpr double kInf = std::numeric_limits<double>::infinity();
  // Padding slots: +infinite rapidity makes every distance to them +infinite.
  s_.rap.assign(size, kInf);
  s_.phi.assign(size, 0.0);
  s_.scale.assign(size, 1.0);
  s_.nn_dist.assign(size, kInf);
  s_.dij.assign(size, kInf);
  s_.dist.resize(size);
  s_.dist_other.resize(size);
  s_.nn.assign(size, -1);
  s_.jet_index.assign(size, -1);
  double* dij_table = s_.dij.data();
  int64_t* nn = s_.nn.data();
  double* nn_dist = s_.nn_dist.data();

  // Initial nearest neighbours and d_iJ table (in units of R^2, as FastJet keeps them).
  for (int i = 0; i < n; ++i) set_info(i, i);
  initial_neighbours(n);
  for (int i = 0; i < n; ++i) dij_table[i] = dij(i);

  while (n > 0) {
    // Smallest d_iJ; the first slot wins a tie.
    double d_min = 0.0;
    int a = first_minimum(dij_table, padded(n), kInf, &d_min);
    if (a < 0) {
      // Every d_iJ is infinite or NaN: take slot 0, as FastJet's scan does.
      a = 0;
      d_min = dij_table[0];
    }
    int b = static_cast<int>(nn[a]);
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
      // The vacated slot becomes padding.
      s_.rap[kt] = kInf;
      s_.phi[kt] = 0.0;
      dij_table[kt] = kInf;
      nn[kt] = -1;
      nn_dist[kt] = kInf;
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
    // neighbour is the first of the nearest ones. FastJet visits the slots in order and, for
    // each, (1) recomputes its neighbour if that was a or b, (2) else takes b when strictly
    // closer, (3) renames the moved slot. Step (1) reads only positions, never the neighbours
    // of other slots, so the same result comes from one vector pass doing (2) and (3) and
    // marking the slots of (1) with kStale, then a pass recomputing the marked slots.
    const int n_padded = padded(n);
    double* dist_b = s_.dist.data();
    distances_to(b, n_padded, dist_b);
    // Slot b itself must be neither its own neighbour nor updated.
    dist_b[b] = kInf;
    const int n_stale = update_neighbours(a, b, tail, n_padded);
    for (int i = 0, found = 0; found < n_stale; ++i) {
      if (nn[i] != kStale) continue;
      set_nn_nocross(i, n);
      dij_table[i] = dij(i);
      ++found;
    }
    double nn_dist_b = r2_;
    nn[b] = first_minimum(dist_b, n_padded, r2_, &nn_dist_b);
    nn_dist[b] = nn_dist_b;
    dij_table[b] = dij(b);
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
