// Per-jet setup (z_i, theta_ij and its powers) and the plan interpreter loop over jets.
#include "efp/efp_engine.hpp"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <memory>
#include <vector>

#include "efp/efp_kernels.hpp"
#include "parallel.hpp"

namespace jetfeat::efp {
namespace {

constexpr double kPi = 3.14159265358979323846;

struct AlignedFree {
  void operator()(double* p) const { std::free(p); }
};
using Buffer = std::unique_ptr<double[], AlignedFree>;

Buffer allocate(size_t n) {
  // 64-byte alignment keeps every row of an ld x ld matrix on a cache-line boundary.
  size_t bytes = (n * sizeof(double) + 63) / 64 * 64;
  if (bytes == 0) bytes = 64;
  auto* p = static_cast<double*>(std::aligned_alloc(64, bytes));
  if (p == nullptr) throw std::bad_alloc();
  std::memset(p, 0, bytes);
  return Buffer(p);
}

// One thread's slots, sized for the largest jet of the batch.
struct Workspace {
  int ld_max;
  Buffer vecs, mats, scratch, angles, p, q, u;
  std::vector<double> scal;

  Workspace(const Plan& plan, int m_max)
      : ld_max(leading_dimension(m_max)),
        vecs(allocate(static_cast<size_t>(plan.n_vec) * ld_max)),
        mats(allocate(static_cast<size_t>(plan.n_mat) * ld_max * ld_max)),
        scratch(allocate(static_cast<size_t>(ld_max) * ld_max)),
        angles(allocate(static_cast<size_t>(ld_max) * ld_max)),
        p(allocate(ld_max)),
        q(allocate(ld_max)),
        u(allocate(ld_max)),
        scal(static_cast<size_t>(plan.n_scal), 0.0) {}

  double* vec(int slot, int ld) { return vecs.get() + static_cast<long>(slot) * ld; }
  double* mat(int slot, int ld) { return mats.get() + static_cast<long>(slot) * ld * ld; }
};

// Squared pairwise angle: dy^2 + dphi^2 (dphi wrapped into [-pi, pi]) for the hadronic measure,
// |2 p_i.p_j| / (E_i E_j) = |2 (1 - v_i v_j cos theta_ij)| for e+e-. The e+e- diagonal is
// 2 m_i^2 / E_i^2, nonzero for massive particles, as in energyflow 1.4.0's "ee" measure.
// Entries past m are zero.
void fill_angles(double* d2, const double* coords, int m, int ld, Measure measure) {
  std::memset(d2, 0, sizeof(double) * static_cast<size_t>(ld) * ld);
  for (int i = 0; i < m; ++i) {
    const double* pi = coords + 4 * i;
    const int first = measure == Measure::kHadronic ? i + 1 : i;
    for (int j = first; j < m; ++j) {
      const double* pj = coords + 4 * j;
      double value;
      if (measure == Measure::kHadronic) {
        const double dy = pi[1] - pj[1];
        double dphi = std::fabs(pi[2] - pj[2]);
        if (dphi > kPi) dphi = 2.0 * kPi - dphi;
        value = dy * dy + dphi * dphi;
      } else {
        const double dot = pi[0] * pj[0] - pi[1] * pj[1] - pi[2] * pj[2] - pi[3] * pj[3];
        value = std::fabs(2.0 * dot / (pi[0] * pj[0]));
      }
      d2[static_cast<long>(i) * ld + j] = value;
      d2[static_cast<long>(j) * ld + i] = value;
    }
  }
}

// theta_ij = d2_ij^(beta / 2) with exact shortcuts for the common beta = 2, 1, 0.5.
void fill_theta(double* theta, const double* d2, int m, int ld, double beta) {
  std::memset(theta, 0, sizeof(double) * static_cast<size_t>(ld) * ld);
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < m; ++j) {
      const double x = d2[static_cast<long>(i) * ld + j];
      double t;
      if (beta == 2.0) {
        t = x;
      } else if (beta == 1.0) {
        t = std::sqrt(x);
      } else if (beta == 0.5) {
        t = std::sqrt(std::sqrt(x));
      } else {
        t = x > 0.0 ? std::pow(x, 0.5 * beta) : 0.0;
      }
      theta[static_cast<long>(i) * ld + j] = t;
    }
  }
}

// z_i = e_i^kappa / (sum_j e_j)^kappa (normed) or e_i^kappa, with e = pT (hadronic) or E (e+e-).
void fill_weights(double* z, const double* coords, int m, int ld, double kappa, bool normed,
                  Measure measure) {
  (void)measure;  // pT (hadronic) and E (e+e-) are both column 0 of their coordinate layout
  const int column = 0;
  double total = 0.0;
  for (int i = 0; i < m; ++i) total += coords[4 * i + column];
  const double scale = normed ? 1.0 / total : 1.0;
  for (int i = 0; i < m; ++i) {
    const double e = coords[4 * i + column] * scale;
    double value;
    if (kappa == 1.0) {
      value = e;
    } else if (kappa == 0.0) {
      value = 1.0;
    } else if (kappa == 2.0) {
      value = e * e;
    } else {
      value = std::pow(e, kappa);
    }
    z[i] = value;
  }
  for (int i = m; i < ld; ++i) z[i] = 0.0;
}

void run_plan(const Plan& plan, Workspace& ws, int m, int ld) {
  for (std::int64_t n = 0; n < plan.n_ops; ++n) {
    const std::int32_t* op = plan.ops + n * kOpWidth;
    const int out = op[1];
    switch (op[0]) {
      case kVecMul: {
        double* o = ws.vec(out, ld);
        const double* a = ws.vec(op[2], ld);
        const double* b = ws.vec(op[3], ld);
        for (int i = 0; i < ld; ++i) o[i] = a[i] * b[i];
        break;
      }
      case kMatMul: {
        double* o = ws.mat(out, ld);
        const double* a = ws.mat(op[2], ld);
        const double* b = ws.mat(op[3], ld);
        const long size = static_cast<long>(ld) * ld;
        for (long i = 0; i < size; ++i) o[i] = a[i] * b[i];
        break;
      }
      case kMatTrans: {
        double* o = ws.mat(out, ld);
        const double* a = ws.mat(op[2], ld);
        for (int i = 0; i < ld; ++i) {
          for (int j = 0; j < ld; ++j) o[static_cast<long>(j) * ld + i] = a[static_cast<long>(i) * ld + j];
        }
        break;
      }
      case kMatVec:
        matvec(ws.vec(out, ld), ws.mat(op[2], ld), ws.vec(op[3], ld), m, ld);
        break;
      case kGemm:
        gemm(ws.mat(out, ld), ws.mat(op[2], ld), ws.mat(op[3], ld), ws.vec(op[4], ld),
             op[5] == 1, op[6] == 1, m, ld, ws.scratch.get());
        break;
      case kVecSum: {
        const double* a = ws.vec(op[2], ld);
        double s = 0.0;
        for (int i = 0; i < m; ++i) s += a[i];
        ws.scal[out] = s;
        break;
      }
      case kK4:
        ws.scal[out] = k4(ws.vec(op[2], ld), ws.vec(op[3], ld), ws.vec(op[4], ld),
                          ws.vec(op[5], ld), ws.mat(op[6], ld), ws.mat(op[7], ld),
                          ws.mat(op[8], ld), ws.mat(op[9], ld), ws.mat(op[10], ld),
                          ws.mat(op[11], ld), ws.mat(op[12], ld), op[13] == 1, op[14] == 1,
                          op[15] == 1, m, ld, ws.scratch.get(), ws.p.get(), ws.q.get(), ws.u.get());
        break;
      default:
        break;
    }
  }
}

}  // namespace

void compute(const double* coords, const std::int64_t* offsets, std::int64_t n_jets,
             const Plan& plan, const double* kappas, int n_kappa, const double* betas,
             int n_beta, bool normed, Measure measure, int n_threads, double* out) {
  int m_max = 0;
  for (std::int64_t jet = 0; jet < n_jets; ++jet) {
    const int m = static_cast<int>(offsets[jet + 1] - offsets[jet]);
    if (m > m_max) m_max = m;
  }
  const std::int64_t n_cols = static_cast<std::int64_t>(n_kappa) * n_beta * plan.n_features;
  const int threads = resolve_threads(n_threads);

  // An exception must not leave an OpenMP region, so the first one is kept and rethrown.
  std::exception_ptr error;
#pragma omp parallel num_threads(threads) if (threads > 1)
  {
    std::unique_ptr<Workspace> workspace;
    try {
      workspace = std::make_unique<Workspace>(plan, m_max);
    } catch (...) {
#pragma omp critical(jetfeat_efp_error)
      if (!error) error = std::current_exception();
    }
    Workspace* wsp = workspace.get();

    // Round-robin static schedule: jets of different sizes spread evenly over the threads,
    // and each jet is still computed entirely by one thread.
#pragma omp for schedule(static, 1)
    for (std::int64_t jet = 0; jet < n_jets; ++jet) {
      if (wsp == nullptr) continue;
      Workspace& ws = *wsp;
      const int m = static_cast<int>(offsets[jet + 1] - offsets[jet]);
      const int ld = leading_dimension(m);
      const double* particles = coords + 4 * offsets[jet];
      double* row = out + jet * n_cols;
      fill_angles(ws.angles.get(), particles, m, ld, measure);

      for (int ib = 0; ib < n_beta; ++ib) {
        // theta^1 .. theta^max_power live in matrix slots 0 .. max_power - 1.
        fill_theta(ws.mat(0, ld), ws.angles.get(), m, ld, betas[ib]);
        for (int power = 2; power <= plan.max_power; ++power) {
          const double* prev = ws.mat(power - 2, ld);
          const double* theta = ws.mat(0, ld);
          double* next = ws.mat(power - 1, ld);
          for (long i = 0; i < static_cast<long>(ld) * ld; ++i) next[i] = prev[i] * theta[i];
        }

        for (int ik = 0; ik < n_kappa; ++ik) {
          fill_weights(ws.vec(0, ld), particles, m, ld, kappas[ik], normed, measure);
          run_plan(plan, ws, m, ld);
          double* dest = row + (static_cast<std::int64_t>(ik) * n_beta + ib) * plan.n_features;
          for (std::int64_t f = 0; f < plan.n_features; ++f) {
            double value = 1.0;
            for (std::int64_t s = plan.out_offsets[f]; s < plan.out_offsets[f + 1]; ++s) {
              value *= ws.scal[static_cast<size_t>(plan.out_slots[s])];
            }
            dest[f] = value;
          }
        }
      }
    }
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace jetfeat::efp
