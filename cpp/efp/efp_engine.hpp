// EFP plan interpreter: evaluates a compiled multigraph plan (python/jetfeat/_efp_plan.py) on
// every jet of a packed batch for a grid of (kappa, beta).
#pragma once

#include <cstdint>

namespace jetfeat::efp {

// Opcodes of the plan's op table; each row is (opcode, out, arg0, ..., arg14), unused args -1.
// Must match the OP_* constants in python/jetfeat/_efp_plan.py.
enum Opcode : std::int32_t {
  kVecMul = 0,     // vec[out] = vec[a] * vec[b]
  kMatMul = 1,     // mat[out] = mat[a] * mat[b]
  kMatTrans = 2,   // mat[out] = mat[a]^T
  kMatVec = 3,     // vec[out]_k = sum_j mat[a]_kj vec[b]_j
  kGemm = 4,       // mat[out]_kl = sum_j mat[a]_kj mat[b]_lj vec[c]_j; flags a == b, b symmetric
  kVecSum = 5,     // scal[out] = sum_j vec[a]_j
  kK4 = 6,         // scal[out] = sum_abcd w_a w_b w_c w_d X_ab X_ac X_ad X_bc X_bd X_cd, args
                   // and flags as in k4() of efp_kernels.hpp
};
constexpr int kOpWidth = 17;

struct Plan {
  const std::int32_t* ops;  // (n_ops, kOpWidth)
  std::int64_t n_ops;
  int n_vec;      // vector slots; slot 0 is z
  int n_mat;      // matrix slots; slots 0..max_power-1 are theta^1..theta^max_power
  int n_scal;     // scalar slots
  int max_power;  // largest edge multiplicity
  const std::int64_t* out_offsets;  // (n_features + 1,) CSR into out_slots
  const std::int64_t* out_slots;    // scalar slots multiplied into each feature
  std::int64_t n_features;
};

enum class Measure { kHadronic, kElectronPositron };

// Evaluates the plan on every jet. `coords` is (P, 4): (pT, y, phi, m) for the hadronic measure
// (phi in (-pi, pi]) or (E, px, py, pz) for e+e-. Output `out` is (n_jets, n_kappa * n_beta *
// n_features), column ((i_kappa * n_beta) + i_beta) * n_features + f. The caller has validated
// the input (finite, positive normalisation, nonzero weights when kappa <= 0). Jets are split
// over threads with a static schedule and each jet is computed by one thread with the same
// operation order, so the result does not depend on n_threads.
void compute(const double* coords, const std::int64_t* offsets, std::int64_t n_jets,
             const Plan& plan, const double* kappas, int n_kappa, const double* betas,
             int n_beta, bool normed, Measure measure, int n_threads, double* out);

}  // namespace jetfeat::efp
