// Test-only reference program: energy correlation functions from fastjet-contrib's
// EnergyCorrelator (pt_R measure, storage_array strategy) for jets read from stdin.
//
// Input: the number of jets, then per jet its particle count M and M lines "px py pz E" (GeV).
// Usage:
//   ecf_ref values BETA ALPHA N_MAX   one line of %.17g values per jet, after a "columns" line
//   ecf_ref time WHAT BETA REPEATS    microseconds per jet for WHAT in {ecf123, c2d2, ecf4, n2m2}
// Lines that start with '#' (the FastJet banner) are not part of the output format.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "fastjet/PseudoJet.hh"
#include "fastjet/contrib/EnergyCorrelator.hh"

using fastjet::PseudoJet;
using namespace fastjet::contrib;

namespace {

std::vector<PseudoJet> read_jets() {
  std::size_t n_jets = 0;
  std::cin >> n_jets;
  std::vector<PseudoJet> jets;
  jets.reserve(n_jets);
  for (std::size_t jet = 0; jet < n_jets; ++jet) {
    std::size_t m = 0;
    std::cin >> m;
    std::vector<PseudoJet> particles;
    for (std::size_t i = 0; i < m; ++i) {
      double px, py, pz, e;
      std::cin >> px >> py >> pz >> e;
      particles.emplace_back(px, py, pz, e);
    }
    // join() keeps the particles as constituents, which is what EnergyCorrelator reads.
    jets.push_back(fastjet::join(particles));
  }
  return jets;
}

int print_values(const std::vector<PseudoJet>& jets, double beta, double alpha, int n_max) {
  const auto measure = EnergyCorrelator::pt_R;
  const auto strategy = EnergyCorrelator::storage_array;
  std::vector<std::string> names = {"ecf1", "ecf2", "ecf3", "C1", "C2", "D2", "D2_alpha",
                                    "g2_1", "g3_1", "g3_2", "g3_3", "N2", "M2", "U1", "U2"};
  if (n_max >= 4) {
    for (const char* name : {"ecf4", "C3", "g4_1", "g4_2", "g4_3", "g4_4", "g4_5", "g4_6", "N3",
                             "M3", "U3"}) {
      names.emplace_back(name);
    }
  }
  std::printf("columns");
  for (const auto& name : names) std::printf(" %s", name.c_str());
  std::printf("\n");

  for (const auto& jet : jets) {
    std::vector<double> values = {
        EnergyCorrelator(1, beta, measure, strategy)(jet),
        EnergyCorrelator(2, beta, measure, strategy)(jet),
        EnergyCorrelator(3, beta, measure, strategy)(jet),
        EnergyCorrelatorC1(beta, measure, strategy)(jet),
        EnergyCorrelatorC2(beta, measure, strategy)(jet),
        EnergyCorrelatorD2(beta, measure, strategy)(jet),
        EnergyCorrelatorGeneralizedD2(alpha, beta, measure, strategy)(jet),
        EnergyCorrelatorGeneralized(1, 2, beta, measure, strategy)(jet),
        EnergyCorrelatorGeneralized(1, 3, beta, measure, strategy)(jet),
        EnergyCorrelatorGeneralized(2, 3, beta, measure, strategy)(jet),
        EnergyCorrelatorGeneralized(3, 3, beta, measure, strategy)(jet),
        EnergyCorrelatorN2(beta, measure, strategy)(jet),
        EnergyCorrelatorM2(beta, measure, strategy)(jet),
        EnergyCorrelatorU1(beta, measure, strategy)(jet),
        EnergyCorrelatorU2(beta, measure, strategy)(jet),
    };
    if (n_max >= 4) {
      values.push_back(EnergyCorrelator(4, beta, measure, strategy)(jet));
      values.push_back(EnergyCorrelatorCseries(3, beta, measure, strategy)(jet));
      for (int v = 1; v <= 6; ++v) {
        values.push_back(EnergyCorrelatorGeneralized(v, 4, beta, measure, strategy)(jet));
      }
      values.push_back(EnergyCorrelatorN3(beta, measure, strategy)(jet));
      values.push_back(EnergyCorrelatorMseries(3, beta, measure, strategy)(jet));
      values.push_back(EnergyCorrelatorU3(beta, measure, strategy)(jet));
    }
    for (std::size_t i = 0; i < values.size(); ++i) {
      std::printf(i ? " %.17g" : "%.17g", values[i]);
    }
    std::printf("\n");
  }
  return 0;
}

int print_timing(const std::vector<PseudoJet>& jets, const std::string& what, double beta,
                 int repeats) {
  const auto measure = EnergyCorrelator::pt_R;
  const auto strategy = EnergyCorrelator::storage_array;
  double checksum = 0.0;
  // The fastest of `repeats` passes over all jets, as the jetfeat side of the comparison reports.
  double best_seconds = 1e300;
  for (int repeat = 0; repeat < repeats; ++repeat) {
    const auto start = std::chrono::steady_clock::now();
    for (const auto& jet : jets) {
      if (what == "ecf123") {
        for (unsigned n = 1; n <= 3; ++n) checksum += EnergyCorrelator(n, beta, measure, strategy)(jet);
      } else if (what == "c2d2") {
        checksum += EnergyCorrelatorC2(beta, measure, strategy)(jet);
        checksum += EnergyCorrelatorD2(beta, measure, strategy)(jet);
      } else if (what == "ecf4") {
        checksum += EnergyCorrelator(4, beta, measure, strategy)(jet);
      } else if (what == "n2m2") {
        checksum += EnergyCorrelatorN2(beta, measure, strategy)(jet);
        checksum += EnergyCorrelatorM2(beta, measure, strategy)(jet);
      } else {
        std::fprintf(stderr, "unknown timing target %s; use ecf123, c2d2, ecf4 or n2m2\n", what.c_str());
        return 2;
      }
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (seconds < best_seconds) best_seconds = seconds;
  }
  std::printf("us_per_jet %.6g checksum %.17g\n",
              1e6 * best_seconds / static_cast<double>(jets.size()), checksum);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: ecf_ref values BETA ALPHA N_MAX | time WHAT BETA REPEATS\n");
    return 2;
  }
  const std::string mode = argv[1];
  const std::vector<PseudoJet> jets = read_jets();
  if (mode == "values" && argc == 5) {
    return print_values(jets, std::atof(argv[2]), std::atof(argv[3]), std::atoi(argv[4]));
  }
  if (mode == "time" && argc == 5) {
    return print_timing(jets, argv[2], std::atof(argv[3]), std::atoi(argv[4]));
  }
  std::fprintf(stderr, "usage: ecf_ref values BETA ALPHA N_MAX | time WHAT BETA REPEATS\n");
  return 2;
}
