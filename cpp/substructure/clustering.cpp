// Sequential recombination inside one jet, reproducing FastJet's N2Plain merging sequence.
#include "substructure/clustering_fpmode.hpp"

#include "substructure/clustering.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

#include "simd_width.hpp"

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

// The slot arrays are padded to a multiple of kLanes entries, the widest kernel's vector, whose
// values never win a minimum (rapidity and d_iJ +infinity). So the vector loops below need no
// remainder loop.
constexpr int kLanes = 8;
constexpr double kInf = std::numeric_limits<double>::infinity();

int padded(int n) { return (n + kLanes - 1) / kLanes * kLanes; }

// A candidate minimum: its value and slot (-1 for none). `offer` keeps what a scalar scan with a
// strict "<" over the slots in order would keep: the smaller value, then the earlier slot.
struct Candidate {
  double value = kInf;
  int slot = -1;

  void offer(double other_value, int other_slot) {
    if (other_value < value || (other_value == value && slot >= 0 && other_slot < slot)) {
      value = other_value;
      slot = other_slot;
    }
  }
};

// Results of the pass over the slots after a pair merging (see merge_pass).
struct MergeScan {
  int n_stale = 0;
  Candidate nearest_to_merged;
  Candidate smallest_dij;
};

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
//
// FastJet scans the slots several times per merging (smallest d_iJ, distances to the merged
// jet, neighbour updates, the merged jet's own neighbour). Here one vector pass does all of
// that; only the few slots whose neighbour was merged away need a pass of their own.
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
  // The kernels below take a vector width L and read the slots [0, n) in blocks of L, padding
  // included. L never exceeds the target's registers (simd_width.hpp explains why). With AVX-512,
  // 8 lanes win while many jets are live and 4 lanes once few are, because of less padding and
  // shorter lane reductions. The switch at kWideAbove live jets was measured with
  // benchmarks/clustering_cpu_driver.cpp on one AVX-512 machine (AMD Zen 4). Other processors
  // may prefer another point, and the results do not depend on it.
  static constexpr int kWideAbove = 64;
  static constexpr int kWideLanes = kNativeDoubleLanes;
  static constexpr int kNarrowLanes = kNativeDoubleLanes < 4 ? kNativeDoubleLanes : 4;

  // Nearest neighbour of every slot [0, n), as FastJet's first scan finds it.
  template <int L>
  void initial_neighbours(int n);

  // Nearest live slot to `slot` among [0, n), itself excluded, below r2_; the first slot wins
  // a tie, as in FastJet's scan. Slot -1 and value r2_ when none is that close.
  template <int L>
  Candidate nearest_slot(int slot, int n) const;

  Candidate nearest_slot_any(int slot, int n) const {
    return n > kWideAbove ? nearest_slot<kWideLanes>(slot, n) : nearest_slot<kNarrowLanes>(slot, n);
  }

  // After slots a and b merged into `merged` (to be stored in slot b) and the tail slot moved
  // into a: take b as neighbour where it is strictly closer, and rename tail to a. Slots whose
  // neighbour was a or b, and to which b is not strictly closer, get the mark kStale. Returns
  // b's nearest slot and the smallest d_iJ among the other slots. Slot b itself still contains
  // the old jet and is skipped.
  template <int L>
  MergeScan merge_pass(int a, int b, int tail, int n, const PseudoJet& merged, double scale_b);

  double dij(int i) const {
    double scale = s_.scale[static_cast<size_t>(i)];
    const int nn = static_cast<int>(s_.nn[static_cast<size_t>(i)]);
    if (nn >= 0 && s_.scale[static_cast<size_t>(nn)] < scale) scale = s_.scale[static_cast<size_t>(nn)];
    return s_.nn_dist[static_cast<size_t>(i)] * scale;
  }

  void set_neighbour(int slot, const Candidate& nearest) {
    s_.nn[static_cast<size_t>(slot)] = nearest.slot;
    s_.nn_dist[static_cast<size_t>(slot)] = nearest.value;
    s_.dij[static_cast<size_t>(slot)] = dij(slot);
  }

  // Store jet `jet_index`, whose momentum scale is `scale`, in `slot` without a neighbour.
  void set_info(int slot, int jet_index, double scale) {
    const PseudoJet& jet = seq_.jets[static_cast<size_t>(jet_index)];
    const size_t k = static_cast<size_t>(slot);
    s_.rap[k] = jet.rap;
    s_.phi[k] = jet.phi;
    s_.scale[k] = scale;
    s_.nn_dist[k] = r2_;
    s_.nn[k] = -1;
    s_.jet_index[k] = jet_index;
  }

  // Smallest d_iJ over all slots [0, n), by a plain scan of the table.
  Candidate smallest_dij(int n) const {
    Candidate best;
    for (int i = 0; i < n; ++i) best.offer(s_.dij[static_cast<size_t>(i)], i);
    return best;
  }

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

#if defined(__GNUC__) && !defined(JETFEAT_SCALAR_CLUSTERING)
// GCC and Clang vector extensions: a vector of L doubles, lowered to SIMD registers of the
// target. Lane masks of comparisons are vectors of 64-bit integers (-1 or 0), the width of the
// neighbour column. Positions are carried as doubles (exact below 2^53). The attribute needs a
// constant size, hence one specialisation per width.
template <int L>
struct LaneTypes;
template <>
struct LaneTypes<4> {
  typedef double Vector __attribute__((vector_size(4 * sizeof(double))));
};
template <>
struct LaneTypes<2> {
  typedef double Vector __attribute__((vector_size(2 * sizeof(double))));
};
template <>
struct LaneTypes<8> {
  typedef double Vector __attribute__((vector_size(8 * sizeof(double))));
};

template <int L>
struct Lanes {
  typedef typename LaneTypes<L>::Vector Vector;
  typedef decltype(Vector{} < Vector{}) Mask;

  static Vector load(const double* p) {
    Vector v;
    std::memcpy(&v, p, sizeof(v));
    return v;
  }

  static Mask load(const int64_t* p) {
    Mask v;
    std::memcpy(&v, p, sizeof(v));
    return v;
  }

  static void store(double* p, const Vector& v) { std::memcpy(p, &v, sizeof(v)); }
  static void store(int64_t* p, const Mask& v) { std::memcpy(p, &v, sizeof(v)); }

  static Vector splat(double x) {
    Vector v;
    for (int k = 0; k < L; ++k) v[k] = x;
    return v;
  }

  static Mask splat_mask(int64_t x) {
    Mask v;
    for (int k = 0; k < L; ++k) v[k] = x;
    return v;
  }

  static Vector first_positions() {
    Vector v;
    for (int k = 0; k < L; ++k) v[k] = static_cast<double>(k);
    return v;
  }

  // Squared distances from (rap_b, phi_b) to L slots, with the values of
  // PseudoJet::squared_distance bit for bit (symmetric: |x - y| and (x - y)^2 do not depend on
  // order). Two rewrites save vector instructions: |x| clears the sign bit, and for dphi in
  // [0, 2 pi] the wrap (dphi > pi ? 2 pi - dphi : dphi) equals min(dphi, 2 pi - dphi), since
  // rounding is monotonic and 2 pi - pi is exact.
  static Vector distances(const double* rap, const double* phi, const Vector& rap_b,
                          const Vector& phi_b) {
    Vector dphi = load(phi) - phi_b;
    dphi = reinterpret_cast<Vector>(reinterpret_cast<Mask>(dphi) & splat_mask(INT64_MAX));
    const Vector drap = load(rap) - rap_b;
    const Vector wrapped = kTwoPi - dphi;
    dphi = wrapped < dphi ? wrapped : dphi;
    return dphi * dphi + drap * drap;
  }

  // Keep (other_value, other_position) where it comes first: smaller value, then earlier
  // position.
  static void take_smaller(Vector& value, Vector& position, const Vector& other_value,
                           const Vector& other_position) {
    const Mask take = (other_value < value) | ((other_value == value) & (other_position < position));
    value = take ? other_value : value;
    position = take ? other_position : position;
  }

  // Lane-wise running first minimum: each lane keeps the first position of its smallest value.
  struct Minimum {
    Vector best, where;

    explicit Minimum(double bound) : best(splat(bound)), where(splat(-1.0)) {}

    void add(const Vector& value, const Vector& position) {
      const Mask smaller = value < best;
      best = smaller ? value : best;
      where = smaller ? position : where;
    }

    // The smallest value below `bound` and its first position: the lanes are merged in a tree
    // by value and, among equal values, by position. A lane never below the bound keeps the
    // bound, so it cannot win. The tree stays in vector registers because it runs on the
    // critical path of every merging step.
    Candidate reduce(double bound) const {
      Vector value = best, position = where;
      if constexpr (L == 8) {
        take_smaller(value, position, __builtin_shufflevector(value, value, 4, 5, 6, 7, 0, 1, 2, 3),
                     __builtin_shufflevector(position, position, 4, 5, 6, 7, 0, 1, 2, 3));
      }
      if constexpr (L >= 4) {
        take_smaller(value, position, shuffle_pairs(value), shuffle_pairs(position));
      }
      take_smaller(value, position, shuffle_neighbours(value), shuffle_neighbours(position));
      Candidate result;
      result.value = bound;
      if (!(value[0] < bound)) return result;
      result.value = value[0];
      result.slot = static_cast<int>(position[0]);
      return result;
    }
  };

  // Swap lanes k and k xor 2 (shuffle_pairs) or k and k xor 1 (shuffle_neighbours).
  static Vector shuffle_pairs(const Vector& v) {
    if constexpr (L == 8) {
      return __builtin_shufflevector(v, v, 2, 3, 0, 1, 6, 7, 4, 5);
    } else {
      static_assert(L == 4, "shuffle_pairs needs 4 or 8 lanes");
      return __builtin_shufflevector(v, v, 2, 3, 0, 1);
    }
  }
  static Vector shuffle_neighbours(const Vector& v) {
    if constexpr (L == 8) {
      return __builtin_shufflevector(v, v, 1, 0, 3, 2, 5, 4, 7, 6);
    } else if constexpr (L == 4) {
      return __builtin_shufflevector(v, v, 1, 0, 3, 2);
    } else {
      return __builtin_shufflevector(v, v, 1, 0);
    }
  }
};

// FastJet visits the pairs in order: for each slot j, the earlier slots i < j, each of which
// takes j when strictly closer, and j takes the first of the closest earlier ones. So every
// slot meets the others in increasing order and keeps the first at its smallest distance. Here
// each pair is also computed once: column j updates the slots i < j lane by lane (their later
// candidates, in order) and finds j's best earlier slot by a lane reduction; earlier slots come
// first, so they win a tie against the later ones.
template <int L>
void N2PlainClusterer::initial_neighbours(int n) {
  using K = Lanes<L>;
  using Vector = typename K::Vector;
  using Mask = typename K::Mask;
  const double* rap = s_.rap.data();
  const double* phi = s_.phi.data();
  double* nn_dist = s_.nn_dist.data();
  int64_t* nn = s_.nn.data();
  // Best earlier slot of every slot, merged with the later ones at the end.
  double* earlier_dist = s_.earlier_dist.data();
  int* earlier_nn = s_.earlier_nn.data();

  for (int j = 1; j < n; ++j) {
    const Vector rap_j = K::splat(rap[j]), phi_j = K::splat(phi[j]);
    const Vector end = K::splat(static_cast<double>(j));
    const Mask column = K::splat_mask(j);
    Vector position = K::first_positions();
    typename K::Minimum nearest(r2_);
    for (int i = 0; i < j; i += L) {
      Vector d = K::distances(rap + i, phi + i, rap_j, phi_j);
      // Lanes at or after slot j belong to later columns.
      d = position < end ? d : kInf;
      const Vector old_dist = K::load(nn_dist + i);
      const Mask closer = d < old_dist;
      K::store(nn_dist + i, closer ? d : old_dist);
      K::store(nn + i, closer ? column : K::load(nn + i));
      nearest.add(d, position);
      position += static_cast<double>(L);
    }
    const Candidate first = nearest.reduce(r2_);
    earlier_dist[j] = first.value;
    earlier_nn[j] = first.slot;
  }

  for (int j = 1; j < n; ++j) {
    if (earlier_nn[j] >= 0 && earlier_dist[j] <= nn_dist[j]) {
      nn_dist[j] = earlier_dist[j];
      nn[j] = earlier_nn[j];
    }
  }
}

template <int L>
Candidate N2PlainClusterer::nearest_slot(int slot, int n) const {
  using K = Lanes<L>;
  using Vector = typename K::Vector;
  const double* rap = s_.rap.data();
  const double* phi = s_.phi.data();
  const Vector rap_b = K::splat(rap[slot]), phi_b = K::splat(phi[slot]);
  const Vector self = K::splat(static_cast<double>(slot));
  Vector position = K::first_positions();
  typename K::Minimum nearest(r2_);
  for (int i = 0; i < n; i += L) {
    Vector d = K::distances(rap + i, phi + i, rap_b, phi_b);
    d = position == self ? kInf : d;
    nearest.add(d, position);
    position += static_cast<double>(L);
  }
  return nearest.reduce(r2_);
}

template <int L>
MergeScan N2PlainClusterer::merge_pass(int a, int b, int tail, int n,
                                        const PseudoJet& merged_jet, double merged_scale) {
  using K = Lanes<L>;
  using Vector = typename K::Vector;
  using Mask = typename K::Mask;
  const double* rap = s_.rap.data();
  const double* phi = s_.phi.data();
  const double* scale = s_.scale.data();
  double* nn_dist = s_.nn_dist.data();
  double* dij_table = s_.dij.data();
  int64_t* nn = s_.nn.data();
  const Vector rap_b = K::splat(merged_jet.rap), phi_b = K::splat(merged_jet.phi);
  const Vector scale_b = K::splat(merged_scale);
  const Vector merged = K::splat(static_cast<double>(b));
  const Mask slot_a = K::splat_mask(a), slot_b = K::splat_mask(b), slot_tail = K::splat_mask(tail);
  const Mask stale_mark = K::splat_mask(kStale);
  Mask stale_count = K::splat_mask(0);
  Vector position = K::first_positions();
  typename K::Minimum nearest(r2_), smallest(kInf);
  for (int i = 0; i < n; i += L) {
    Vector d = K::distances(rap + i, phi + i, rap_b, phi_b);
    const Mask is_b = position == merged;
    d = is_b ? kInf : d;
    const Vector old_dist = K::load(nn_dist + i);
    const Vector scale_i = K::load(scale + i);
    const Vector old_dij = K::load(dij_table + i);
    const Mask old_nn = K::load(nn + i);
    // A slot whose neighbour was a or b was at least old_dist from every other live jet. So a
    // merged jet strictly closer than that is its new neighbour, and only the other such slots
    // need a scan.
    const Mask closer = d < old_dist;
    const Mask stale = ((old_nn == slot_a) | (old_nn == slot_b)) & ~is_b & ~closer;
    // Same value as dij(i) with nn[i] = b: nn_dist times the smaller scale.
    const Vector scale_min = scale_b < scale_i ? scale_b : scale_i;
    const Vector new_dij = closer ? d * scale_min : old_dij;
    Mask new_nn = closer ? slot_b : old_nn;
    new_nn = new_nn == slot_tail ? slot_a : new_nn;
    new_nn = stale ? stale_mark : new_nn;
    stale_count -= stale;
    K::store(nn_dist + i, closer ? d : old_dist);
    K::store(dij_table + i, new_dij);
    K::store(nn + i, new_nn);
    // b's own neighbour: FastJet compares every slot, stale or not, to b.
    nearest.add(d, position);
    // d_iJ of b and of the stale slots are recomputed after this pass.
    smallest.add((stale | is_b) ? kInf : new_dij, position);
    position += static_cast<double>(L);
  }
  MergeScan scan;
  for (int k = 0; k < L; ++k) scan.n_stale += static_cast<int>(stale_count[k]);
  scan.nearest_to_merged = nearest.reduce(r2_);
  scan.smallest_dij = smallest.reduce(kInf);
  return scan;
}
#else
// Scalar versions of the three kernels above, for compilers without GCC vector extensions.
// Defining JETFEAT_SCALAR_CLUSTERING builds them anywhere, to check them against the vector
// kernels.
// The lane count L is unused here.
template <int L>
void N2PlainClusterer::initial_neighbours(int n) {
  for (int i = 0; i < n; ++i) set_neighbour(i, nearest_slot<L>(i, n));
}

template <int L>
Candidate N2PlainClusterer::nearest_slot(int slot, int n) const {
  Candidate nearest;
  nearest.value = r2_;
  const PseudoJet& jet = seq_.jets[static_cast<size_t>(s_.jet_index[static_cast<size_t>(slot)])];
  for (int i = 0; i < n; ++i) {
    if (i == slot || s_.jet_index[static_cast<size_t>(i)] < 0) continue;
    const double d =
        seq_.jets[static_cast<size_t>(s_.jet_index[static_cast<size_t>(i)])].squared_distance(jet);
    if (d < nearest.value) {
      nearest.value = d;
      nearest.slot = i;
    }
  }
  return nearest;
}

template <int L>
MergeScan N2PlainClusterer::merge_pass(int a, int b, int tail, int n, const PseudoJet& jet_b,
                                        double scale_b) {
  MergeScan scan;
  scan.nearest_to_merged.value = r2_;
  for (int i = 0; i < n; ++i) {
    const size_t k = static_cast<size_t>(i);
    if (i == b || s_.jet_index[k] < 0) continue;
    const double d = seq_.jets[static_cast<size_t>(s_.jet_index[k])].squared_distance(jet_b);
    if (d < scan.nearest_to_merged.value) scan.nearest_to_merged = Candidate{d, i};
    if (s_.nn[k] == a || s_.nn[k] == b) {
      s_.nn[k] = kStale;
      ++scan.n_stale;
      continue;
    }
    if (d < s_.nn_dist[k]) {
      s_.nn_dist[k] = d;
      s_.nn[k] = b;
      s_.dij[k] = d * (scale_b < s_.scale[k] ? scale_b : s_.scale[k]);
    }
    if (s_.nn[k] == tail) s_.nn[k] = a;
    scan.smallest_dij.offer(s_.dij[k], i);
  }
  return scan;
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
  // Padding slots: +infinite rapidity makes every distance to them +infinite.
  s_.rap.assign(size, kInf);
  s_.phi.assign(size, 0.0);
  s_.scale.assign(size, 1.0);
  s_.nn_dist.assign(size, kInf);
  s_.dij.assign(size, kInf);
  s_.nn.assign(size, -1);
  s_.jet_index.assign(size, -1);
  s_.earlier_dist.resize(size);
  s_.earlier_nn.resize(size);
  double* dij_table = s_.dij.data();
  int64_t* nn = s_.nn.data();
  double* nn_dist = s_.nn_dist.data();

  // Initial nearest neighbours and d_iJ table (in units of R^2, as FastJet keeps them).
  for (int i = 0; i < n; ++i) set_info(i, i, momentum_scale(seq_.jets[static_cast<size_t>(i)], def_));
  if (n > kWideAbove) {
    initial_neighbours<kWideLanes>(n);
  } else {
    initial_neighbours<kNarrowLanes>(n);
  }
  for (int i = 0; i < n; ++i) dij_table[i] = dij(i);
  Candidate next = smallest_dij(n);

  while (n > 0) {
    // Smallest d_iJ; the first slot wins a tie. When every d_iJ is infinite, FastJet's scan
    // takes slot 0.
    int a = next.slot >= 0 ? next.slot : 0;
    int b = static_cast<int>(nn[a]);
    const double d_min = dij_table[a] * inv_r2_;

    // Keep b < a so that the merged jet, stored in slot b, never sits in the slot that the
    // last live jet is about to be moved out of.
    if (b >= 0 && a < b) std::swap(a, b);
    const int jet_a = s_.jet_index[static_cast<size_t>(a)];
    const int jet_b = b >= 0 ? s_.jet_index[static_cast<size_t>(b)] : -1;

    // Shrink the table by moving the last live jet into slot a. Slot b keeps the old jet b
    // until the pass below has run, and the pass skips it.
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
      s_.scale[kt] = 1.0;
      dij_table[kt] = kInf;
      nn[kt] = -1;
      nn_dist[kt] = kInf;
      s_.jet_index[kt] = -1;
    }

    if (b < 0) {
      merge_beam(jet_a, d_min);
      for (int i = 0; i < n; ++i) {
        // This also refreshes every jet without a neighbour (nn = -1 = b), as FastJet does.
        if (nn[i] == a || nn[i] == b) set_neighbour(i, nearest_slot_any(i, n));
        if (nn[i] == tail) nn[i] = a;
      }
      next = smallest_dij(n);
      continue;
    }

    // FastJet visits the slots in order. For each it (1) recomputes the neighbour if that was
    // a or b, (2) takes the merged jet b when strictly closer, and (3) renames the moved slot,
    // while b takes the first of its nearest slots. Step (1) reads only positions, never the
    // neighbours of other slots. So one pass can do (2), (3) and b's neighbour and mark the
    // slots of (1), and then each marked slot gets a pass of its own.
    const int new_jet = merge_pair(jet_a, jet_b, d_min);
    const PseudoJet& merged = seq_.jets[static_cast<size_t>(new_jet)];
    const double merged_scale = momentum_scale(merged, def_);
    const MergeScan scan =
        n > kWideAbove ? merge_pass<kWideLanes>(a, b, tail, n, merged, merged_scale)
                       : merge_pass<kNarrowLanes>(a, b, tail, n, merged, merged_scale);
    set_info(b, new_jet, merged_scale);
    set_neighbour(b, scan.nearest_to_merged);
    next = scan.smallest_dij;
    next.offer(dij_table[b], b);
    for (int i = 0, found = 0; found < scan.n_stale; ++i) {
      if (nn[i] != kStale) continue;
      set_neighbour(i, nearest_slot_any(i, n));
      next.offer(dij_table[i], i);
      ++found;
    }
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
  exclusive_jets(n, result);
  return result;
}

void ClusterSequence::exclusive_jets(int n, std::vector<int>& out) const {
  out.clear();
  const int stop = 2 * n_particles - n;
  for (size_t i = static_cast<size_t>(std::max(stop, 0)); i < history.size(); ++i) {
    const int parent1 = history[i].parent1;
    if (parent1 >= 0 && parent1 < stop) out.push_back(history[static_cast<size_t>(parent1)].jet);
    const int parent2 = history[i].parent2;
    if (parent2 > 0 && parent2 < stop) out.push_back(history[static_cast<size_t>(parent2)].jet);
  }
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

namespace {

// Start `out` with the particles already in out.jets: their history entries, then cluster.
void cluster_loaded(const JetDefinition& definition, ClusterSequence& out) {
  const int n = static_cast<int>(out.jets.size());
  out.n_particles = n;
  out.history.resize(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    out.jets[static_cast<size_t>(i)].hist = i;
    HistoryStep step;
    step.jet = i;
    out.history[static_cast<size_t>(i)] = step;
  }
  if (n == 0) return;
  out.jets.reserve(static_cast<size_t>(2 * n));
  out.history.reserve(static_cast<size_t>(2 * n));
  N2PlainClusterer(definition, out).run();
}

}  // namespace

void cluster(const std::vector<PseudoJet>& particles, const JetDefinition& definition,
             ClusterSequence& out) {
  out.jets.assign(particles.begin(), particles.end());
  cluster_loaded(definition, out);
}

void cluster(const double* p4s, int64_t n_particles, const JetDefinition& definition,
             ClusterSequence& out) {
  out.jets.resize(static_cast<size_t>(n_particles));
  for (int64_t i = 0; i < n_particles; ++i) {
    const double* row = p4s + 4 * i;
    out.jets[static_cast<size_t>(i)] = make_pseudojet(row[1], row[2], row[3], row[0]);
  }
  cluster_loaded(definition, out);
}

}  // namespace jetfeat::clustering
