// One-pass minimisation of the N-subjettiness axes (fastjet-contrib's OnePass_* axes).
//
// Each update assigns every particle to its nearest axis and moves each axis to the weighted mean
// (y, phi) of its particles, with weight pT DeltaR^(beta - 2). fastjet-contrib adds the particles
// to their axis one by one. Here kOnePassLanes particles are handled at once and every sum keeps
// one partial sum per lane, so the rounding differs from fastjet-contrib's in the last bits. On
// the 4,000 Pythia jets of the tests (8 lanes, AVX-512), tau_1..tau_6 stay within 6e-13 of
// fastjet-contrib for beta = 1 and 2, and within 3e-7 for beta = 0.5. The last figure comes from
// the measure, not from the update. An axis that converges onto a hard particle leaves it at a
// DeltaR of a few rounding errors, and DeltaR^0.5 turns a change of 1e-16 into 1e-8.
// NOTE: jets of a few particles can exceed 1e-6 at beta = 0.5 when tau_N is small. On 400
// random jets of up to 9 particles, 16 of 1,360 nonzero values did, up to 5.3e-6, while every
// difference stayed below 3e-8 of the jet's scalar pT sum.
// The results do not depend on the thread count. They depend on the instruction set only through
// the lane count, because a*b + c still rounds twice (clustering_fpmode.hpp).
#include "substructure/clustering_fpmode.hpp"

#include "substructure/nsubjettiness.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <utility>

namespace jetfeat::nsubjettiness {

namespace {

using clustering::PseudoJet;

constexpr double kPi = 3.141592653589793238462643383279502884197;
constexpr double kTwoPi = 6.283185307179586476925286766559005768394;
constexpr int kLanes = kOnePassLanes;

// Stopping rule of fastjet-contrib's one-pass minimisation (AxesDefinition::setNPass defaults).
constexpr int kMaxIterations = 1000;
constexpr double kAccuracy = 1e-4;
// The precision term of the weight: it keeps the weight finite for a particle on its axis.
constexpr double kPrecision2 = kAccuracy * kAccuracy;

double axis_distance_squared(const LightLikeAxis& axis, double rap2, double phi2) {
  const double drap = axis.rap - rap2;
  double dphi = std::fabs(axis.phi - phi2);
  if (dphi > kPi) dphi = kTwoPi - dphi;
  return drap * drap + dphi * dphi;
}

// Sum of kLanes partial sums in a fixed pairwise order (lane l plus lane l + width, halving the
// width), so that the total does not depend on the thread count.
inline double add_lanes(const double* v) {
  double t[kLanes];
  for (int l = 0; l < kLanes; ++l) t[l] = v[l];
  for (int width = kLanes / 2; width > 0; width /= 2) {
    for (int l = 0; l < width; ++l) t[l] = t[l] + t[l + width];
  }
  return t[0];
}

#if defined(__GNUC__) && !defined(JETFEAT_PORTABLE_ONE_PASS)
// GCC and Clang vector extensions: kLanes doubles, lowered to the widest SIMD registers of the
// target. LaneIndex is the type of a comparison (64-bit integers), which carries the masks and
// the nearest-axis indices.
typedef double LaneVector __attribute__((vector_size(kLanes * sizeof(double))));
typedef decltype(LaneVector{} < LaneVector{}) LaneIndex;
static_assert(sizeof(LaneIndex) == kLanes * sizeof(int64_t), "64-bit lanes");

LaneVector load(const double* values) {
  LaneVector v;
  std::memcpy(&v, values, sizeof(v));
  return v;
}

void store(double* values, const LaneVector& v) { std::memcpy(values, &v, sizeof(v)); }

// Add `terms` to the lane sums at `sum` in the lanes where `mask` is set. The other lanes get
// +0.0, which leaves a sum unchanged, as when fastjet-contrib adds only the particles of an
// axis. An add of zero is cheaper than a select without AVX-512 masks.
void add_where(double* sum, const LaneIndex& mask, const LaneVector& terms) {
  const LaneVector old = load(sum);
  store(sum, old + (mask ? terms : LaneVector{}));
}

// |x| as std::fabs: clear the sign bit (one vector AND).
LaneVector abs(const LaneVector& x) {
  const LaneIndex magnitude = LaneIndex{} + std::numeric_limits<int64_t>::max();
  LaneIndex bits;
  std::memcpy(&bits, &x, sizeof(bits));
  bits &= magnitude;
  LaneVector result;
  std::memcpy(&result, &bits, sizeof(result));
  return result;
}

LaneVector broadcast(double x) { return LaneVector{} + x; }

// Weights pT (DeltaR^2 + kPrecision2)^(beta/2 - 1) of the particles at squared distance d2 from
// their axis, as in fastjet-contrib. kRecordsNearest: whether the update stores each particle's
// nearest axis, which only the PseudoJet round trip of beta < 1 reads (refine_one_pass).
struct WeightBeta1 {
  static constexpr bool kRecordsNearest = false;
  LaneVector operator()(const LaneVector& pt, const LaneVector& d2) const {
    // A loop over the lanes, because the vector extensions have no square root. GCC turns it
    // into one vector square root.
    const LaneVector x = kPrecision2 + d2;
    LaneVector root = x;
    for (int l = 0; l < kLanes; ++l) root[l] = std::sqrt(x[l]);
    return pt / root;
  }
};
struct WeightBeta2 {
  static constexpr bool kRecordsNearest = false;
  LaneVector operator()(const LaneVector& pt, const LaneVector&) const { return pt; }
};
struct WeightPow {
  static constexpr bool kRecordsNearest = true;
  double exponent;  // beta / 2 - 1
  LaneVector operator()(const LaneVector& pt, const LaneVector& d2) const {
    LaneVector factor = d2;
    for (int l = 0; l < kLanes; ++l) factor[l] = std::pow(kPrecision2 + d2[l], exponent);
    return pt * factor;
  }
};

// Sum the particles of each old axis in one update, kLanes particles at a time. Each particle
// goes to its nearest axis (the first one wins a tie, -1 when no distance is below DBL_MAX).
// Its weighted rapidity, phi (unwrapped next to that axis) and weight go to the lane sums of that
// axis, and the totals to w.new_axes. A kFixedAxes > 0 is the axis count known at compile time,
// so that the loops over the axes unroll and the sums stay in registers. With 0, the count comes
// from w.old_axes.
template <int kFixedAxes, class Weight>
void sum_assigned(OnePassScratch& w, const Weight& weight_of) {
  const int n_axes = kFixedAxes > 0 ? kFixedAxes : static_cast<int>(w.old_axes.size());
  // Per axis: the lane sums of the weighted rapidity, the weighted phi and the weight.
  double fixed_sums[3 * kLanes * (kFixedAxes > 0 ? kFixedAxes : 1)];
  double* sums = fixed_sums;
  if (kFixedAxes == 0) {
    w.lane_sums.resize(static_cast<size_t>(3 * kLanes * n_axes));
    sums = w.lane_sums.data();
  }
  std::fill(sums, sums + 3 * kLanes * n_axes, 0.0);

  const LightLikeAxis* axes = w.old_axes.data();
  const size_t n_padded = w.pt.size();
  for (size_t b = 0; b < n_padded; b += kLanes) {
    const LaneVector rap = load(w.rap.data() + b);
    const LaneVector phi = load(w.phi.data() + b);
    LaneVector smallest = broadcast(std::numeric_limits<double>::max());
    LaneVector axis_phi = LaneVector{};
    LaneIndex nearest = LaneIndex{} - 1;
    for (int k = 0; k < n_axes; ++k) {
      const LaneVector drap = axes[k].rap - rap;
      LaneVector dphi = abs(axes[k].phi - phi);
      dphi = dphi > kPi ? kTwoPi - dphi : dphi;
      const LaneVector d2 = drap * drap + dphi * dphi;
      const LaneIndex closer = d2 < smallest;
      smallest = closer ? d2 : smallest;
      nearest = closer ? LaneIndex{} + k : nearest;
      axis_phi = closer ? broadcast(axes[k].phi) : axis_phi;
    }
    if constexpr (Weight::kRecordsNearest) {
      std::memcpy(w.nearest.data() + b, &nearest, sizeof(nearest));
    }

    const LaneVector weight = weight_of(load(w.pt.data() + b), smallest);
    const LaneVector dphi = phi - axis_phi;
    LaneVector unwrapped = dphi > kPi ? phi - kTwoPi : phi;
    unwrapped = dphi < -kPi ? phi + kTwoPi : unwrapped;
    const LaneVector rap_term = weight * rap;
    const LaneVector phi_term = weight * unwrapped;
    for (int k = 0; k < n_axes; ++k) {
      const LaneIndex mine = nearest == k;
      double* sum = sums + 3 * kLanes * k;
      add_where(sum, mine, rap_term);
      add_where(sum + kLanes, mine, phi_term);
      add_where(sum + 2 * kLanes, mine, weight);
    }
  }

  for (int k = 0; k < n_axes; ++k) {
    LightLikeAxis& axis = w.new_axes[static_cast<size_t>(k)];
    double* totals[3] = {&axis.rap, &axis.phi, &axis.weight};
    for (int c = 0; c < 3; ++c) {
      const double* v = sums + kLanes * (3 * k + c);
      *totals[c] = add_lanes(v);
    }
  }
}

template <class Weight>
void sum_assigned_any(OnePassScratch& w, const Weight& weight_of) {
  switch (w.old_axes.size()) {
    case 1: return sum_assigned<1>(w, weight_of);
    case 2: return sum_assigned<2>(w, weight_of);
    case 3: return sum_assigned<3>(w, weight_of);
    case 4: return sum_assigned<4>(w, weight_of);
    case 5: return sum_assigned<5>(w, weight_of);
    case 6: return sum_assigned<6>(w, weight_of);
    default: return sum_assigned<0>(w, weight_of);
  }
}
#else
// Portable update for compilers without vector extensions: the same assignment and lane sums,
// one particle at a time (particle i adds to lane i % kLanes), so it gives the same bits. GCC and
// Clang build it with -DJETFEAT_PORTABLE_ONE_PASS, which the slow test
// test_one_pass_fallback_matches_vector_update does.
struct WeightBeta1 {
  static constexpr bool kRecordsNearest = false;
  double operator()(double pt, double d2) const { return pt / std::sqrt(kPrecision2 + d2); }
};
struct WeightBeta2 {
  static constexpr bool kRecordsNearest = false;
  double operator()(double pt, double) const { return pt; }
};
struct WeightPow {
  static constexpr bool kRecordsNearest = true;
  double exponent;  // beta / 2 - 1
  double operator()(double pt, double d2) const {
    return pt * std::pow(kPrecision2 + d2, exponent);
  }
};

template <class Weight>
void sum_assigned_any(OnePassScratch& w, const Weight& weight_of) {
  const size_t n_axes = w.old_axes.size();
  w.lane_sums.assign(3 * kLanes * n_axes, 0.0);
  for (size_t i = 0; i < w.pt.size(); ++i) {
    double smallest = std::numeric_limits<double>::max();
    double axis_phi = 0.0;
    int64_t nearest = -1;
    for (size_t k = 0; k < n_axes; ++k) {
      const double d2 = axis_distance_squared(w.old_axes[k], w.rap[i], w.phi[i]);
      if (d2 < smallest) {
        smallest = d2;
        nearest = static_cast<int64_t>(k);
        axis_phi = w.old_axes[k].phi;
      }
    }
    if constexpr (Weight::kRecordsNearest) w.nearest[i] = nearest;
    if (nearest < 0) continue;

    const double weight = weight_of(w.pt[i], smallest);
    double unwrapped = w.phi[i];
    if (w.phi[i] - axis_phi > kPi) unwrapped = w.phi[i] - kTwoPi;
    if (w.phi[i] - axis_phi < -kPi) unwrapped = w.phi[i] + kTwoPi;
    double* sum = w.lane_sums.data() + 3 * kLanes * static_cast<size_t>(nearest) + i % kLanes;
    sum[0] += weight * w.rap[i];
    sum[kLanes] += weight * unwrapped;
    sum[2 * kLanes] += weight;
  }
  for (size_t k = 0; k < n_axes; ++k) {
    LightLikeAxis& axis = w.new_axes[k];
    double* totals[3] = {&axis.rap, &axis.phi, &axis.weight};
    for (int c = 0; c < 3; ++c) {
      const double* v = w.lane_sums.data() + kLanes * (3 * k + static_cast<size_t>(c));
      *totals[c] = add_lanes(v);
    }
  }
}
#endif

// |p| of the sum of the particles assigned to axis k in `nearest`, summed in particle order as
// fastjet-contrib does during its update. The other particles add +0.0, which changes no sum
// and avoids a branch that is mispredicted for about every other particle.
void set_momentum(const OnePassScratch& w, const std::vector<int64_t>& nearest, size_t k,
                  LightLikeAxis& axis) {
  const int64_t index = static_cast<int64_t>(k);
  double px = 0.0, py = 0.0, pz = 0.0;
  for (size_t i = 0; i < nearest.size(); ++i) {
    const bool mine = nearest[i] == index;
    px += mine ? w.px[i] : 0.0;
    py += mine ? w.py[i] : 0.0;
    pz += mine ? w.pz[i] : 0.0;
  }
  axis.mom = std::sqrt((px * px + py * py) + pz * pz);
}

// phi in [0, 2 pi): std::fmod(phi + 2 pi, 2 pi), bit for bit. A weighted mean of phis unwrapped
// next to an axis in [0, 2 pi) lies in (-pi, 3 pi). There, subtracting 2 pi or 4 pi is exact
// (Sterbenz lemma), so it gives fmod's value without fmod's cost. Other values take fmod.
double wrap_phi(double phi) {
  const double shifted = phi + kTwoPi;
  if (shifted >= kPi && shifted <= 4.0 * kTwoPi) {
    if (shifted < kTwoPi) return shifted;
    const double once = shifted - kTwoPi;
    if (once < kTwoPi) return once;
    const double twice = shifted - 2.0 * kTwoPi;
    if (twice < kTwoPi) return twice;
  }
  return std::fmod(shifted, kTwoPi);
}

// fastjet-contrib's PseudoJet of an axis: |p| = E at the axis's rapidity and phi, massless.
PseudoJet to_pseudojet(const LightLikeAxis& axis) {
  const double E = axis.mom;
  const double pz = (std::exp(2.0 * axis.rap) - 1.0) / (std::exp(2.0 * axis.rap) + 1.0) * E;
  const double pt = std::sqrt(E * E - pz * pz);
  return clustering::make_pseudojet(std::cos(axis.phi) * pt, std::sin(axis.phi) * pt, pz, E);
}

// One k-means-like update of the axes: the sums of the particles nearest to each old axis, then
// each axis moves to the weighted mean of its particles.
void update_axes(double beta, OnePassScratch& w) {
  const bool round_trip = one_pass_round_trip(beta);
  if (round_trip) std::swap(w.nearest, w.previous_nearest);
  if (beta == 1.0) {
    sum_assigned_any(w, WeightBeta1{});
  } else if (beta == 2.0) {
    sum_assigned_any(w, WeightBeta2{});
  } else {
    sum_assigned_any(w, WeightPow{0.5 * beta - 1.0});
  }

  const size_t n_axes = w.old_axes.size();
  for (size_t k = 0; k < n_axes; ++k) {
    LightLikeAxis& axis = w.new_axes[k];
    if (axis.weight == 0) {
      // No particle is nearest to this axis, so it stays where it was, with the |p| of the
      // assignment that last moved it.
      // NOTE: no test jet reaches this branch with pending[k] set, that is for an axis that had
      // particles in an earlier update and none now, with beta < 1. It is checked by reading.
      if (round_trip && w.pending[k]) set_momentum(w, w.previous_nearest, k, w.old_axes[k]);
      axis = w.old_axes[k];
      w.pending[k] = 0;
      continue;
    }
    axis.rap = axis.rap / axis.weight;
    axis.phi = wrap_phi(axis.phi / axis.weight);
    // |p| of the assigned particles is only read after the last update, so its sum waits.
    w.reached[k] = 1;
    w.pending[k] = 1;
  }
}

}  // namespace

void load_particle_columns(const PseudoJet* particles, size_t n, bool with_momenta,
                           OnePassScratch& w) {
  const size_t padded = (n + kLanes - 1) / kLanes * kLanes;
  w.n_particles = static_cast<int64_t>(n);
  for (std::vector<double>* column : {&w.pt, &w.rap, &w.phi}) {
    column->resize(padded);
    std::fill(column->begin() + static_cast<std::ptrdiff_t>(n), column->end(), 0.0);
  }
  // Updates with nearest-axis records (beta other than 1 and 2) write every padded particle
  // before it is read.
  w.nearest.resize(padded);
  w.previous_nearest.resize(padded);
  w.tau_smallest.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const PseudoJet& particle = particles[i];
    w.pt[i] = particle.pt();
    w.rap[i] = particle.rap;
    w.phi[i] = particle.phi;
  }
  if (!with_momenta) return;

  for (std::vector<double>* column : {&w.px, &w.py, &w.pz}) {
    column->resize(padded);
    std::fill(column->begin() + static_cast<std::ptrdiff_t>(n), column->end(), 0.0);
  }
  for (size_t i = 0; i < n; ++i) {
    w.px[i] = particles[i].px;
    w.py[i] = particles[i].py;
    w.pz[i] = particles[i].pz;
  }
}

void refine_one_pass(double beta, OnePassScratch& w, std::vector<AxisPosition>& axes) {
  const size_t n_axes = axes.size();
  w.old_axes.assign(n_axes, LightLikeAxis{});
  w.new_axes.assign(n_axes, LightLikeAxis{});
  w.reached.assign(n_axes, 0);
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

  // fastjet-contrib turns each axis into a PseudoJet with the |p| of its last particles and
  // reads its rapidity and phi back. That changes them only by rounding (about 1e-16), so for
  // beta >= 1 tau_N uses the positions directly. For beta < 1 the round trip is kept, because
  // a particle alone on its axis then adds pT DeltaR^beta with DeltaR of that rounding, and
  // only the same round trip reproduces it. An axis that no particle was ever nearest to stays
  // on its seed, as the Nsubjettiness library of the fastjet 3.5.2 wheel returns it.
  const bool round_trip = one_pass_round_trip(beta);
  for (size_t k = 0; k < n_axes; ++k) {
    if (round_trip && w.reached[k]) {
      if (w.pending[k]) set_momentum(w, w.nearest, k, w.old_axes[k]);
      const PseudoJet axis = to_pseudojet(w.old_axes[k]);
      axes[k].rap = axis.rap;
      axes[k].phi = axis.phi;
    } else {
      axes[k].rap = w.old_axes[k].rap;
      axes[k].phi = w.old_axes[k].phi;
    }
  }
}

}  // namespace jetfeat::nsubjettiness
