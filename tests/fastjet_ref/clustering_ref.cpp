// Test-only reference program: FastJet 3.5 and fastjet-contrib 1.051 values for the jets given
// on standard input, printed with %.17g, one jet after another.
//
// Input:  n_jets, then for each jet its particle count M and M rows "E px py pz".
// Usage:  clustering_ref history ALGORITHM R P RECOMBINATION   (codes as in jetfeat._core)
//         clustering_ref exclusive ALGORITHM R P RECOMBINATION N DCUT
//         clustering_ref dmerge ALGORITHM R P RECOMBINATION N_MAX
//         clustering_ref nsub AXES BETA NORMALIZED R0 N_MAX
//         clustering_ref softdrop ZCUT BETA R0
//         clustering_ref isd ZCUT BETA R0 THETA_CUT
//         clustering_ref lund
//         clustering_ref time_cluster | time_nsub AXES N_MAX | time_softdrop ZCUT BETA  REPEAT
// The time_* modes print only "time_us_per_jet <value>" (single thread, steady_clock).
// FastJet's banner goes to standard error so that standard output holds only values.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "fastjet/ClusterSequence.hh"
#include "fastjet/contrib/ExtraRecombiners.hh"
#include "fastjet/contrib/IteratedSoftDrop.hh"
#include "fastjet/contrib/LundGenerator.hh"
#include "fastjet/contrib/Nsubjettiness.hh"
#include "fastjet/contrib/SoftDrop.hh"
#include "fastjet/tools/Recluster.hh"

using namespace fastjet;

namespace {

std::vector<std::vector<PseudoJet>> read_jets() {
  std::vector<std::vector<PseudoJet>> jets;
  long n_jets = 0;
  if (std::scanf("%ld", &n_jets) != 1) return jets;
  jets.resize(static_cast<size_t>(n_jets));
  for (auto& jet : jets) {
    long m = 0;
    if (std::scanf("%ld", &m) != 1) std::exit(2);
    for (long i = 0; i < m; ++i) {
      double E, px, py, pz;
      if (std::scanf("%lf %lf %lf %lf", &E, &px, &py, &pz) != 4) std::exit(2);
      jet.emplace_back(px, py, pz, E);
    }
  }
  return jets;
}

contrib::WinnerTakeAllRecombiner wta_recombiner;

JetDefinition make_definition(int algorithm, double R, double p, int recombination) {
  JetAlgorithm algorithms[] = {kt_algorithm, cambridge_algorithm, antikt_algorithm,
                               genkt_algorithm};
  JetDefinition definition = algorithm == 3
                                 ? JetDefinition(genkt_algorithm, R, p)
                                 : JetDefinition(algorithms[algorithm], R);
  if (recombination == 1) definition.set_recombiner(&wta_recombiner);
  return definition;
}

std::unique_ptr<contrib::AxesDefinition> make_axes(int code) {
  switch (code) {
    case 0: return std::make_unique<contrib::KT_Axes>();
    case 1: return std::make_unique<contrib::CA_Axes>();
    case 2: return std::make_unique<contrib::WTA_KT_Axes>();
    case 3: return std::make_unique<contrib::WTA_CA_Axes>();
    case 4: return std::make_unique<contrib::OnePass_KT_Axes>();
    case 5: return std::make_unique<contrib::OnePass_WTA_KT_Axes>();
    case 6: return std::make_unique<contrib::OnePass_CA_Axes>();
    default: return std::make_unique<contrib::OnePass_WTA_CA_Axes>();
  }
}

// Hardest inclusive jet of a C/A clustering with R = 1000 (what fastjet::Recluster keeps).
PseudoJet recluster_ca(const std::vector<PseudoJet>& particles, ClusterSequence*& sequence) {
  sequence = new ClusterSequence(particles, JetDefinition(cambridge_algorithm, 1000.0));
  std::vector<PseudoJet> jets = sorted_by_pt(sequence->inclusive_jets());
  sequence->delete_self_when_unused();
  return jets.empty() ? PseudoJet() : jets[0];
}

void print4(const PseudoJet& j) { std::printf(" %.17g %.17g %.17g %.17g", j.E(), j.px(), j.py(), j.pz()); }

template <class F>
double time_per_jet(const std::vector<std::vector<PseudoJet>>& jets, int repeat, F&& body) {
  // The fastest of `repeat` passes over all jets, as the jetfeat side of the comparison reports.
  double best = 1e300;
  for (int r = 0; r < repeat; ++r) {
    auto start = std::chrono::steady_clock::now();
    for (const auto& jet : jets) body(jet);
    auto stop = std::chrono::steady_clock::now();
    const double pass = std::chrono::duration<double, std::micro>(stop - start).count();
    if (pass < best) best = pass;
  }
  return best / static_cast<double>(jets.size());
}

}  // namespace

int main(int argc, char** argv) {
  ClusterSequence::set_fastjet_banner_stream(&std::cerr);
  if (argc < 2) return 1;
  const std::string mode = argv[1];
  auto arg = [&](int i) { return std::atof(argv[i]); };
  const auto jets = read_jets();

  if (mode == "history" || mode == "exclusive" || mode == "dmerge") {
    JetDefinition definition = make_definition(std::atoi(argv[2]), arg(3), arg(4), std::atoi(argv[5]));
    for (const auto& particles : jets) {
      ClusterSequence cs(particles, definition);
      const int m = static_cast<int>(particles.size());
      if (mode == "history") {
        const auto& history = cs.history();
        for (int s = m; s < static_cast<int>(history.size()); ++s) {
          std::printf("%d %d %.17g", history[s].parent1, history[s].parent2, history[s].dij);
          if (history[s].jetp_index >= 0) print4(cs.jets()[history[s].jetp_index]);
          else std::printf(" 0 0 0 0");
          std::printf("\n");
        }
      } else if (mode == "exclusive") {
        const int n = std::atoi(argv[6]);
        std::vector<PseudoJet> subjets;
        if (m > 0) subjets = n > 0 ? cs.exclusive_jets_up_to(n) : cs.exclusive_jets(arg(7));
        std::printf("%zu\n", subjets.size());
        for (const auto& j : subjets) {
          print4(j);
          std::printf("\n");
        }
      } else {
        const int n_max = std::atoi(argv[6]);
        for (int n = 1; n <= n_max; ++n) {
          std::printf("%.17g ", n < m ? cs.exclusive_dmerge(n) : 0.0);
        }
        std::printf("\n");
      }
    }
  } else if (mode == "nsub" || mode == "time_nsub") {
    const int axes_code = std::atoi(argv[2]);
    const double beta = mode == "nsub" ? arg(3) : 1.0;
    const bool normalized = mode == "nsub" ? std::atoi(argv[4]) != 0 : false;
    const double R0 = mode == "nsub" ? arg(5) : 1.0;
    const int n_max = mode == "nsub" ? std::atoi(argv[6]) : std::atoi(argv[3]);
    std::unique_ptr<contrib::AxesDefinition> axes = make_axes(axes_code);
    std::vector<std::unique_ptr<contrib::Nsubjettiness>> taus;
    for (int n = 1; n <= n_max; ++n) {
      if (normalized) {
        taus.push_back(std::make_unique<contrib::Nsubjettiness>(
            n, *axes, contrib::NormalizedMeasure(beta, R0)));
      } else {
        taus.push_back(
            std::make_unique<contrib::Nsubjettiness>(n, *axes, contrib::UnnormalizedMeasure(beta)));
      }
    }
    if (mode == "nsub") {
      for (const auto& particles : jets) {
        PseudoJet jet = join(particles);
        for (const auto& tau : taus) std::printf("%.17g ", tau->result(jet));
        std::printf("\n");
      }
    } else {
      std::vector<PseudoJet> joined;
      for (const auto& particles : jets) joined.push_back(join(particles));
      std::vector<std::vector<PseudoJet>> single(1);
      double sink = 0;
      size_t index = 0;
      const int repeat = std::atoi(argv[4]);
      double t = time_per_jet(jets, repeat, [&](const std::vector<PseudoJet>&) {
        const PseudoJet& jet = joined[index++ % joined.size()];
        for (const auto& tau : taus) sink += tau->result(jet);
      });
      std::printf("time_us_per_jet %.6g\n# checksum %.17g\n", t, sink);
    }
  } else if (mode == "softdrop" || mode == "isd" || mode == "lund") {
    for (const auto& particles : jets) {
      ClusterSequence* cs = nullptr;
      PseudoJet jet = recluster_ca(particles, cs);
      if (mode == "softdrop") {
        contrib::SoftDrop sd(arg(3), arg(2), arg(4));
        PseudoJet groomed = sd(jet);
        const auto& s = groomed.structure_of<contrib::SoftDrop>();
        std::printf("%.17g %.17g %.17g %.17g %.17g", groomed.pt(), groomed.m(), s.symmetry(),
                    s.delta_R(), s.mu());
        print4(groomed);
        std::printf(" %zu\n", groomed.constituents().size());
      } else if (mode == "isd") {
        contrib::IteratedSoftDrop isd(arg(3), arg(2), arg(5), arg(4));
        std::printf("%u\n", isd.result(jet).multiplicity());
      } else {
        contrib::LundGenerator lund;
        std::vector<contrib::LundDeclustering> steps = lund(jet);
        std::printf("%zu\n", steps.size());
        for (const auto& d : steps) {
          std::printf("%.17g %.17g %.17g %.17g %.17g %.17g\n", d.Delta(), d.kt(), d.z(), d.psi(),
                      d.kappa(), d.m());
        }
      }
    }
  } else if (mode == "time_cluster") {
    JetDefinition definition(cambridge_algorithm, 1000.0);
    double sink = 0;
    double t = time_per_jet(jets, std::atoi(argv[2]), [&](const std::vector<PseudoJet>& particles) {
      ClusterSequence cs(particles, definition);
      sink += cs.exclusive_dmerge(1);
    });
    std::printf("time_us_per_jet %.6g\n# checksum %.17g\n", t, sink);
  } else if (mode == "time_softdrop") {
    // Soft drop alone, on jets clustered beforehand (as in the fastjet-contrib timing).
    std::vector<PseudoJet> clustered;
    for (const auto& particles : jets) {
      ClusterSequence* cs = nullptr;
      clustered.push_back(recluster_ca(particles, cs));
    }
    contrib::SoftDrop sd(arg(3), arg(2));
    double sink = 0;
    size_t index = 0;
    double t = time_per_jet(jets, std::atoi(argv[4]), [&](const std::vector<PseudoJet>&) {
      sink += sd(clustered[index++ % clustered.size()]).m();
    });
    std::printf("time_us_per_jet %.6g\n# checksum %.17g\n", t, sink);
  } else {
    std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
    return 1;
  }
  return 0;
}
