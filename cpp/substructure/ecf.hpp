// Energy correlation functions with the pt_R measure (weights pT_i, angles R_ij = sqrt(dy^2 +
// dphi^2)), computed per jet from the packed (pT, y, phi, m) rows.
#pragma once

#include <cstdint>

namespace jetfeat::substructure {

// Writes ECF(N, beta) = sum_{i1<...<iN} pT_i1...pT_iN prod_{pairs} R_ab^beta in GeV^N for
// N = 1..n_max (1 <= n_max <= 4) to out[jet * n_max + N - 1]. Cost per jet is O(M^2) for
// n_max = 2, O(M^3) for 3 and O(M^4) for 4, with M the number of constituents.
void energy_correlators(const double* ptyphims, const std::int64_t* offsets,
                        std::int64_t n_jets, double beta, int n_max, int n_threads, double* out);

// Number of angle counts v = 1..N(N-1)/2 written per jet by generalized_energy_correlators.
inline int generalized_columns(int n) { return n * (n - 1) / 2; }

// Writes the normalised generalised ECFs v_e_N^(beta) = sum_{i1<...<iN} z_i1...z_iN times the
// product of the v smallest of the N(N-1)/2 pairwise R_ab^beta, with z_i = pT_i / sum pT, for
// v = 1..N(N-1)/2 and fixed N in {2, 3, 4}, to out[jet * generalized_columns(n) + v - 1].
// A jet whose scalar pT sum is zero gets 0.
void generalized_energy_correlators(const double* ptyphims, const std::int64_t* offsets,
                                    std::int64_t n_jets, double beta, int n, int n_threads,
                                    double* out);

}  // namespace jetfeat::substructure
