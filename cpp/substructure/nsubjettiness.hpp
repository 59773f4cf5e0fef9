// N-subjettiness tau_N (Thaler, Van Tilburg, arXiv:1011.2268 and arXiv:1108.2701):
//   tau_N = sum_i pT_i min_k DeltaR_ik^beta  [GeV]          (unnormalised)
//   tau_N = sum_i pT_i min_k DeltaR_ik^beta / sum_i pT_i R0^beta   (normalised, dimensionless)
// with DeltaR in (y, phi). Axes come from exclusive kT / C/A clustering (E-scheme or winner-take-
// all), optionally refined by one pass of the iterative minimisation of fastjet-contrib's
// Nsubjettiness (OnePass_* axes: at most 1000 iterations, stop when the axes move less than 1e-4
// on average). A jet with M <= N particles has tau_N = 0.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "simd_width.hpp"
#include "substructure/clustering.hpp"

namespace jetfeat::nsubjettiness {

enum class Axes : int {
  kt = 0,
  cambridge = 1,
  wta_kt = 2,
  wta_cambridge = 3,
  onepass_kt = 4,
  onepass_wta_kt = 5,
  onepass_cambridge = 6,
  onepass_wta_cambridge = 7,
};

struct Options {
  int n_max = 4;  // tau_1 .. tau_{n_max}
  double beta = 1.0;
  bool normalized = false;
  double R0 = 1.0;  // only used when normalized
  Axes axes = Axes::kt;
};

// Position of an axis in (y, phi), the only part of an axis that tau_N reads.
struct AxisPosition {
  double rap = 0, phi = 0;
};

// An axis during the one-pass minimisation: its position, the weight summed in an update and
// the |p| of its particles (only summed for the PseudoJet round trip, see refine_one_pass).
struct LightLikeAxis {
  double rap = 0, phi = 0, weight = 0, mom = 0;
};

// Particles per block of the one-pass update: the doubles of the target's widest vector
// register. With 8 lanes under -march=x86-64-v3, GCC 12 made tau_1..tau_4 with one-pass axes
// twice as slow as the scalar update (151 against 78 us per 50-particle jet). The particle
// columns are padded to a multiple of it, and every axis sum keeps one partial sum per lane.
constexpr int kOnePassLanes = kNativeDoubleLanes;

// Buffers of the one-pass minimisation and of tau on the particle columns.
struct OnePassScratch {
  int64_t n_particles = 0;
  // Particle columns, padded to a multiple of kOnePassLanes with particles of zero momentum
  // (pT = y = phi = 0), which add exact zeros to every sum.
  std::vector<double> pt, rap, phi, px, py, pz;
  // Nearest axis of each padded particle in the current and the previous update (-1: none).
  std::vector<int64_t> nearest, previous_nearest;
  // Per axis, per lane: the weighted rapidity, weighted phi and weight sums of an update.
  std::vector<double> lane_sums;
  std::vector<LightLikeAxis> old_axes, new_axes;
  // Per axis: whether any update gave it a particle, and whether its |p| is still to be summed
  // from the assignment of the last update that moved it.
  std::vector<char> reached, pending;
  // tau_N: per particle the squared distance to its nearest axis.
  std::vector<double> tau_smallest;
};

// Reusable per-thread buffers so that a batch allocates once per thread.
struct Workspace {
  clustering::ClusterSequence sequence;
  std::vector<AxisPosition> axes;
  // Indices of the exclusive subjets that give the axes of the current N.
  std::vector<int> subjets;
  OnePassScratch one_pass;
};

// Write tau_1 .. tau_{n_max} of the M particles (rows E, px, py, pz) into tau[0 .. n_max).
void compute(const double* p4s, int64_t n_particles, const Options& options, Workspace& work,
             double* tau);

// Return whether refine_one_pass ends with fastjet-contrib's PseudoJet round trip of the axes.
// The round trip needs the particles' px, py, pz. nsubjettiness_onepass.cpp says why only
// beta < 1 uses it.
inline bool one_pass_round_trip(double beta) { return beta < 1.0; }

// Copy the n particles into the padded columns of `scratch` (once per jet, before the calls
// below). with_momenta also copies px, py, pz, which one_pass_round_trip(beta) needs.
void load_particle_columns(const clustering::PseudoJet* particles, std::size_t n,
                           bool with_momenta, OnePassScratch& scratch);

// Replace the axes by those of fastjet-contrib's one-pass minimisation started from them, on the
// particles loaded into `scratch` (nsubjettiness_onepass.cpp).
void refine_one_pass(double beta, OnePassScratch& scratch, std::vector<AxisPosition>& axes);

}  // namespace jetfeat::nsubjettiness
