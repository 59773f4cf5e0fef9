// CPU time and result hash of jetfeat's clustering kernels, without Python.
//
// Reads jets in the text format of tests/fastjet_ref/clustering_ref.cpp from stdin (number of
// jets, then per jet its number of particles and one "E px py pz" line per particle), runs one
// task over all jets `repeat` times and prints the best CPU time per jet (thread CPU clock, so
// less sensitive to other processes than wall time) and a 64-bit FNV-1a hash of every output
// bit. Two builds give the same hash only if their results agree bit for bit.
//
// Build (the flags of the jetfeat._core module):
//   g++ -std=c++17 -O3 -march=native -fno-math-errno -fopenmp-simd -Icpp
//       benchmarks/clustering_cpu_driver.cpp
//       cpp/substructure/{clustering,nsubjettiness,nsubjettiness_onepass,softdrop}.cpp
//       -o clustering_cpu_driver
// Run: ./clustering_cpu_driver TASK [REPEAT] < jets.txt, TASK one of ca, kt, kt_axes, wta_kt_axes,
// onepass_kt_axes, onepass_wta_kt_n6, softdrop, particles. Jets:
// compare_fastjet_clustering.py --dump-jets. The task particles only builds each jet's particles
// (rapidity and phi with one log and one atan2 each), the part of a clustering that must call
// glibc exactly as FastJet does.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>
#include <string>
#include <vector>

#include "substructure/clustering.hpp"
#include "substructure/nsubjettiness.hpp"
#include "substructure/softdrop.hpp"

namespace {

using namespace jetfeat;

struct Hash {
  std::uint64_t value = 1469598103934665603ull;
  void add(double x) {
    std::uint64_t bits;
    std::memcpy(&bits, &x, sizeof(bits));
    value = (value ^ bits) * 1099511628211ull;
  }
};

double cpu_seconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

void add_history(const clustering::ClusterSequence& sequence, Hash& hash) {
  for (const clustering::HistoryStep& step : sequence.history) {
    hash.add(step.dij);
    hash.add(step.parent1);
    hash.add(step.parent2);
  }
  for (const clustering::PseudoJet& jet : sequence.jets) {
    hash.add(jet.E);
    hash.add(jet.px);
    hash.add(jet.rap);
    hash.add(jet.phi);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s TASK [REPEAT] < jets.txt\n", argv[0]);
    return 2;
  }
  const std::string task = argv[1];
  const int repeat = argc > 2 ? std::atoi(argv[2]) : 5;

  std::int64_t n_jets = 0;
  std::cin >> n_jets;
  std::vector<std::vector<double>> jets(static_cast<size_t>(n_jets));
  for (std::vector<double>& jet : jets) {
    std::int64_t m = 0;
    std::cin >> m;
    jet.resize(static_cast<size_t>(4 * m));
    for (double& value : jet) std::cin >> value;
  }
  if (!std::cin) {
    std::fprintf(stderr, "invalid jet text on stdin\n");
    return 2;
  }

  clustering::JetDefinition definition;
  definition.R = 1000.0;
  definition.algorithm = task == "kt" ? clustering::Algorithm::kt : clustering::Algorithm::cambridge;
  nsubjettiness::Options options;
  if (task == "kt_axes") options.axes = nsubjettiness::Axes::kt;
  if (task == "wta_kt_axes") options.axes = nsubjettiness::Axes::wta_kt;
  if (task == "onepass_kt_axes") options.axes = nsubjettiness::Axes::onepass_kt;
  if (task == "onepass_wta_kt_n6") {
    options.axes = nsubjettiness::Axes::onepass_wta_kt;
    options.n_max = 6;
    options.normalized = true;
    options.R0 = 0.8;
  }
  const bool is_nsub = task.find("axes") != std::string::npos || task == "onepass_wta_kt_n6";
  if (!is_nsub && task != "ca" && task != "kt" && task != "softdrop" && task != "particles") {
    std::fprintf(stderr, "unknown task %s\n", task.c_str());
    return 2;
  }

  clustering::ClusterSequence sequence;
  nsubjettiness::Workspace work;
  const softdrop::Options grooming{0.1, 0.0, 1.0};
  double tau[6];
  double best = 1e300;
  Hash hash;
  for (int r = 0; r < repeat; ++r) {
    // Only the first pass is hashed, so the hash does not depend on `repeat`.
    Hash pass;
    const double start = cpu_seconds();
    for (const std::vector<double>& jet : jets) {
      const std::int64_t m = static_cast<std::int64_t>(jet.size() / 4);
      if (task == "particles") {
        for (std::int64_t i = 0; i < m; ++i) {
          const double* row = jet.data() + 4 * i;
          const clustering::PseudoJet particle =
              clustering::make_pseudojet(row[1], row[2], row[3], row[0]);
          pass.add(particle.rap);
          pass.add(particle.phi);
        }
      } else if (is_nsub) {
        nsubjettiness::compute(jet.data(), m, options, work, tau);
        for (int n = 0; n < options.n_max; ++n) pass.add(tau[n]);
      } else {
        clustering::cluster(jet.data(), m, definition, sequence);
        if (task == "softdrop") {
          const softdrop::Result groomed = softdrop::groom(sequence, grooming);
          pass.add(groomed.pt);
          pass.add(groomed.mass);
          pass.add(groomed.zg);
          pass.add(groomed.rg);
        } else if (r == 0) {
          add_history(sequence, pass);
        }
      }
    }
    const double elapsed = cpu_seconds() - start;
    if (elapsed < best) best = elapsed;
    if (r == 0) hash = pass;
  }
  std::printf("%s %.2f us/jet hash %016llx\n", task.c_str(), best / static_cast<double>(n_jets) * 1e6,
              static_cast<unsigned long long>(hash.value));
  return 0;
}
