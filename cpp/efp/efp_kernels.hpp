// Dense SIMD kernels behind the EFP plan interpreter. Vectors have length ld and matrices are
// row-major ld x ld, with ld a multiple of 8 and every entry past the jet's M particles zero, so
// the loops run over whole SIMD registers without remainder handling. Reductions use a fixed
// lane and block order (no -ffast-math), so results are reproducible for a given build.
#pragma once

#include <algorithm>
#include <cstring>

#include "simd_width.hpp"

#if defined(__AVX512F__) || defined(__AVX__) || defined(__FMA__)
#include <immintrin.h>
#endif

namespace jetfeat::efp {

constexpr int kLanes = kNativeDoubleLanes;

typedef double vdouble __attribute__((vector_size(kLanes * sizeof(double))));

inline vdouble load(const double* p) {
  vdouble v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline vdouble broadcast(double x) { return vdouble{} + x; }

inline vdouble fmadd(vdouble a, vdouble b, vdouble c) {
#if defined(__AVX512F__)
  return _mm512_fmadd_pd(a, b, c);
#elif defined(__FMA__)
  return _mm256_fmadd_pd(a, b, c);
#else
  return a * b + c;
#endif
}

inline double hsum(vdouble v) {
  double s = 0.0;
  for (int i = 0; i < kLanes; ++i) s += v[i];
  return s;
}

inline int round_up(int n, int multiple) { return (n + multiple - 1) / multiple * multiple; }

// out_k = sum_j a_kj w_j for k < ld (rows past m come out zero).
inline void matvec(double* out, const double* a, const double* w, int m, int ld) {
  const int rows = round_up(m, 4);
  const int cols = round_up(m, kLanes);
  for (int k = 0; k < rows; k += 4) {
    vdouble acc0{}, acc1{}, acc2{}, acc3{};
    const double* r0 = a + static_cast<long>(k) * ld;
    for (int j = 0; j < cols; j += kLanes) {
      const vdouble wj = load(w + j);
      acc0 = fmadd(load(r0 + j), wj, acc0);
      acc1 = fmadd(load(r0 + ld + j), wj, acc1);
      acc2 = fmadd(load(r0 + 2 * ld + j), wj, acc2);
      acc3 = fmadd(load(r0 + 3 * ld + j), wj, acc3);
    }
    out[k] = hsum(acc0);
    out[k + 1] = hsum(acc1);
    out[k + 2] = hsum(acc2);
    out[k + 3] = hsum(acc3);
  }
  for (int k = rows; k < ld; ++k) out[k] = 0.0;
}

// Rows per register block of the GEMM micro-kernel; a block spans two vectors of columns
// (one at the right edge). The AVX-512 block of 8 x 16 keeps 16 accumulators, two B vectors and
// one broadcast in registers.
constexpr int kBlockRows = kLanes == 8 ? 8 : 4;

// Leading dimension for m particles: a multiple of the row block and of the vector width.
inline int leading_dimension(int m) {
  const int multiple = kLanes > kBlockRows ? kLanes : kBlockRows;
  return round_up(m > 0 ? m : 1, multiple);
}

template <int kVectors, class Sink>
inline void gemm_nn_block(const double* ar, const double* bc, int j_begin, int m, int ld, int k,
                          int l, Sink& sink) {
  vdouble acc0[kBlockRows] = {};
  vdouble acc1[kBlockRows] = {};
  for (int j = j_begin; j < m; ++j) {
    const double* brow = bc + static_cast<long>(j) * ld;
    const vdouble b0 = load(brow);
    const vdouble b1 = kVectors == 2 ? load(brow + kLanes) : vdouble{};
    for (int r = 0; r < kBlockRows; ++r) {
      const vdouble a_rj = broadcast(ar[static_cast<long>(r) * ld + j]);
      acc0[r] = fmadd(a_rj, b0, acc0[r]);
      if (kVectors == 2) acc1[r] = fmadd(a_rj, b1, acc1[r]);
    }
  }
  for (int r = 0; r < kBlockRows; ++r) sink(k + r, l, acc0[r], acc1[r], kVectors == 2);
}

// Calls sink(k, l, acc0, acc1, pair) for every register block, where acc0 holds
// sum_{j >= j_begin} a_kj bt_jl for columns l .. l + kLanes and, when pair is true, acc1 the
// next kLanes columns. With upper = true only blocks that reach the diagonal or lie above it
// are computed. The inner loop broadcasts a_kj and runs over contiguous rows of bt.
template <class Sink>
inline void gemm_nn_blocks(const double* a, const double* bt, int j_begin, int m, int ld,
                           bool upper, Sink&& sink) {
  const int rows = round_up(m, kBlockRows);
  const int cols = round_up(m, kLanes);
  for (int kb = 0; kb < rows; kb += kBlockRows) {
    const double* ar = a + static_cast<long>(kb) * ld;
    int lb = upper ? kb / kLanes * kLanes : 0;
    for (; lb + 2 * kLanes <= cols; lb += 2 * kLanes) {
      gemm_nn_block<2>(ar, bt + lb, j_begin, m, ld, kb, lb, sink);
    }
    if (lb < cols) gemm_nn_block<1>(ar, bt + lb, j_begin, m, ld, kb, lb, sink);
  }
}

// bt_jl = b_lj w_j, the right operand of "a diag(w) b^T" laid out for gemm_nn_blocks; when b is
// symmetric this is a row scaling, otherwise a scaled transpose.
inline void scaled_transpose(double* bt, const double* b, const double* w, bool b_symmetric,
                             int ld) {
  for (int j = 0; j < ld; ++j) {
    double* row = bt + static_cast<long>(j) * ld;
    const double wj = w[j];
    if (b_symmetric) {
      const double* br = b + static_cast<long>(j) * ld;
      for (int l = 0; l < ld; ++l) row[l] = br[l] * wj;
    } else {
      for (int l = 0; l < ld; ++l) row[l] = b[static_cast<long>(l) * ld + j] * wj;
    }
  }
}

// out_kl = sum_j a_kj b_lj w_j. With symmetric = true (a == b, so out is symmetric) only the
// blocks on and above the diagonal are computed and the rest is mirrored; scratch is ld x ld.
inline void gemm(double* out, const double* a, const double* b, const double* w, bool symmetric,
                 bool b_symmetric, int m, int ld, double* scratch) {
  std::memset(out, 0, sizeof(double) * static_cast<size_t>(ld) * ld);
  scaled_transpose(scratch, b, w, b_symmetric, ld);
  auto sink = [&](int k, int l, vdouble v0, vdouble v1, bool pair) {
    double* row = out + static_cast<long>(k) * ld + l;
    if (!symmetric) {
      std::memcpy(row, &v0, sizeof v0);
      if (pair) std::memcpy(row + kLanes, &v1, sizeof v1);
      return;
    }
    const int width = pair ? 2 * kLanes : kLanes;
    for (int i = 0; i < width; ++i) {
      if (l + i >= k) {
        const double value = i < kLanes ? v0[i] : v1[i - kLanes];
        row[i] = value;
        out[static_cast<long>(l + i) * ld + k] = value;
      }
    }
  };
  gemm_nn_blocks(a, scratch, 0, m, ld, symmetric, sink);
}

// K4 core: sum_abcd w_a w_b w_c w_d X_ab X_ac X_ad X_bc X_bd X_cd, with the matrices given as
// x_ba[b][a], x_bc[b][c], x_bd[b][d], x_ac[a][c], x_ca[c][a], x_ad[a][d], x_cd[c][d]. For each
// b the inner R_ac = sum_d x_ad[a][d] x_cd[c][d] (w_d x_bd[b][d]) is a GEMM (symmetric when
// x_ad == x_cd) that is contracted with p_a q_c x_ac on the fly, so R is never stored. Cost
// O(M^4) multiply-adds, half of that when symmetric. When swapping b and d leaves the summand
// unchanged (bd_symmetric: same weights, X_ab = X_ad, X_cb = X_cd, X_bd symmetric), only d >= b
// is summed, with weight 2 for d > b, which halves the work again.
// from[s] has lanes i >= s set to 1 and the others to 0, for s = 0 .. kLanes.
struct LaneMasks {
  vdouble from[kLanes + 1];
  LaneMasks() {
    for (int s = 0; s <= kLanes; ++s) {
      for (int i = 0; i < kLanes; ++i) from[s][i] = i >= s ? 1.0 : 0.0;
    }
  }
};

inline double k4(const double* wa, const double* wb, const double* wc, const double* wd,
                 const double* x_ba, const double* x_bc, const double* x_bd, const double* x_ac,
                 const double* x_ca, const double* x_ad, const double* x_cd, bool symmetric,
                 bool cd_symmetric, bool bd_symmetric, int m, int ld, double* scratch, double* p,
                 double* q, double* u) {
  static const LaneMasks masks;
  double total = 0.0;
  for (int b = 0; b < m; ++b) {
    if (wb[b] == 0.0) continue;
    const long row_b = static_cast<long>(b) * ld;
    for (int i = 0; i < ld; ++i) {
      u[i] = wd[i] * x_bd[row_b + i];
      p[i] = wa[i] * x_ba[row_b + i];
      q[i] = wc[i] * x_bc[row_b + i];
    }
    const int d_begin = bd_symmetric ? b : 0;
    if (bd_symmetric) {
      for (int i = 0; i < b; ++i) u[i] = 0.0;
      for (int i = b + 1; i < ld; ++i) u[i] *= 2.0;
    }
    scaled_transpose(scratch, x_cd, u, cd_symmetric, ld);

    // With symmetric R only entries with c >= a are computed: (a, c) is counted when c >= a
    // and its mirror (c, a) when c > a, using 0/1 masks so every block stays vectorised.
    vdouble s{};
    auto sink = [&](int a, int l, vdouble r0, vdouble r1, bool pair) {
      const long at = static_cast<long>(a) * ld + l;
      const vdouble pa = broadcast(p[a]);
      if (!symmetric) {
        s = fmadd(pa * load(q + l) * load(x_ac + at), r0, s);
        if (pair) s = fmadd(pa * load(q + l + kLanes) * load(x_ac + at + kLanes), r1, s);
        return;
      }
      const vdouble qa = broadcast(q[a]);
      for (int half = 0; half < (pair ? 2 : 1); ++half) {
        const int c0 = l + half * kLanes;
        const int first_direct = std::min(std::max(a - c0, 0), kLanes);
        const int first_mirror = std::min(std::max(a + 1 - c0, 0), kLanes);
        const vdouble direct = masks.from[first_direct];
        const vdouble mirror = masks.from[first_mirror];
        const vdouble term = direct * pa * load(q + c0) * load(x_ac + at + half * kLanes) +
                             mirror * qa * load(p + c0) * load(x_ca + at + half * kLanes);
        s = fmadd(term, half == 0 ? r0 : r1, s);
      }
    };
    gemm_nn_blocks(x_ad, scratch, d_begin, m, ld, symmetric, sink);
    total += wb[b] * hsum(s);
  }
  return total;
}

}  // namespace jetfeat::efp
