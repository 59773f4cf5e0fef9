"""Generate particle-level top, W and QCD jets with Pythia 8 and FastJet (``jetfeat generate``).

The defaults follow the top tagging landscape dataset (arXiv:1902.09914) at particle level,
without its detector simulation:

- pp collisions at sqrt(s) = 14 TeV;
- signal: gg, qqbar -> ttbar with W -> quarks only (both tops decay hadronically), pTHat in
  450-800 GeV; background: ``HardQCD:all`` dijets, pTHat in 400-800 GeV;
- no multi-parton interactions, hadronisation on, every visible final-state particle
  (neutrinos dropped) enters the clustering;
- anti-kT jets with R = 0.8 (FastJet), kept when 550 < pT < 650 GeV and |eta| < 2;
- a top jet must lie within Delta R < 0.8 of a hadronically decaying top and of all three of its
  decay quarks (b, q, q'); QCD jets need no matching;
- up to 200 constituents per jet, sorted by decreasing pT, zero-padded.

Options switch the signal to hadronic W jets (WW and WZ production, matched to the W and its
two quarks), move the pT window, change R or sqrt(s), and turn MPI on. Every Pythia setting,
seed and count goes into the output metadata.

Generation runs one Pythia instance per task in a process pool. Each task has its own seed,
so the output depends on the seed and the task size, not on the number of processes.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from . import io as jio
from ._optional import import_optional

logger = logging.getLogger(__name__)

__all__ = ["GeneratorConfig", "generate", "generate_jets", "default_sample", "PROCESSES"]

PROCESSES = ("top", "qcd", "w")

# Pythia accepts seeds in 0..900,000,000.
_MAX_SEED = 900_000_000

# Output extensions generate() writes and the format each stands for.
_OUTPUT_SUFFIXES = {".h5": "landscape", ".hdf5": "landscape", ".parquet": "parquet",
                    ".pq": "parquet"}

# Stable invisible particles dropped before clustering: the three neutrino flavours.
_NEUTRINOS = (12, 14, 16)


@dataclass
class GeneratorConfig:
    """Physics and selection settings of one generation run (energies in GeV).

    Attributes
    ----------
    sqrt_s : float, default=14000.0
        Centre-of-mass energy sqrt(s) of the pp collisions.
    pt_min, pt_max : float, default=550.0, 650.0
        Jet pT window (exclusive bounds).
    abs_eta_max : float, default=2.0
        Maximum jet |eta|.
    jet_radius : float, default=0.8
        Anti-kT radius R; also the matching radius Delta R for top and W jets.
    max_particles : int, default=200
        Constituents kept per jet (the highest-pT ones).
    mpi : bool, default=False
        Multi-parton interactions (``PartonLevel:MPI``).
    pthat_top, pthat_qcd, pthat_w : tuple of float
        (min, max) pTHat of the hard process, for each process.
    extra_settings : list of str, default=[]
        Further Pythia ``readString`` lines, applied last.
    """

    sqrt_s: float = 14000.0
    pt_min: float = 550.0
    pt_max: float = 650.0
    abs_eta_max: float = 2.0
    jet_radius: float = 0.8
    max_particles: int = 200
    mpi: bool = False
    pthat_top: tuple = (450.0, 800.0)
    pthat_qcd: tuple = (400.0, 800.0)
    pthat_w: tuple = (450.0, 800.0)
    extra_settings: list = field(default_factory=list)

    def pythia_settings(self, process: str, seed: int) -> list[str]:
        """Return the Pythia ``readString`` lines for ``process`` with random seed ``seed``."""
        if process not in PROCESSES:
            raise ValueError(f"process {process!r} is unknown; use one of {PROCESSES}")
        settings = ["Beams:idA = 2212", "Beams:idB = 2212", f"Beams:eCM = {self.sqrt_s:g}"]
        if process == "top":
            settings += ["Top:gg2ttbar = on", "Top:qqbar2ttbar = on",
                         "24:onMode = off", "24:onIfAny = 1 2 3 4 5"]
            pthat = self.pthat_top
        elif process == "w":
            # W -> quarks; the Z of WZ decays to quarks too, and only W jets are matched.
            settings += ["WeakDoubleBoson:ffbar2WW = on", "WeakDoubleBoson:ffbar2ZW = on",
                         "24:onMode = off", "24:onIfAny = 1 2 3 4 5",
                         "23:onMode = off", "23:onIfAny = 1 2 3 4 5"]
            pthat = self.pthat_w
        else:
            settings += ["HardQCD:all = on"]
            pthat = self.pthat_qcd
        settings += [
            f"PhaseSpace:pTHatMin = {pthat[0]:g}",
            f"PhaseSpace:pTHatMax = {pthat[1]:g}",
            f"PartonLevel:MPI = {'on' if self.mpi else 'off'}",
            "HadronLevel:all = on",
            # Pythia 8.3 lets non-coloured charged particles (here the W of top decays) radiate
            # photons down to pT = 1e-6 GeV, against 0.5 GeV for quarks. Those sub-MeV photons
            # then appear only in top jets and leak the label into multiplicity and kappa < 1
            # EFPs, so the cut-off is set to the quarks' value.
            "TimeShower:pTminChgL = 0.5",
            "Random:setSeed = on",
            f"Random:seed = {int(seed)}",
            "Print:quiet = on",
            "Next:numberCount = 0",
            "Next:numberShowEvent = 0",
        ]
        return settings + list(self.extra_settings)

    def check(self) -> None:
        """Raise ValueError on an inconsistent setting."""
        if not 0.0 <= self.pt_min < self.pt_max:
            raise ValueError(f"pT window ({self.pt_min}, {self.pt_max}) GeV is empty")
        if self.jet_radius <= 0.0:
            raise ValueError(f"jet_radius={self.jet_radius} is invalid; use R > 0")
        if self.max_particles < 1:
            raise ValueError(f"max_particles={self.max_particles} is invalid; use >= 1")
        for name in ("pthat_top", "pthat_qcd", "pthat_w"):
            low, high = getattr(self, name)
            if not 0.0 <= low < high:
                raise ValueError(f"{name}=({low}, {high}) GeV is empty")


# ---------------------------------------------------------------------------------------------
# One task: one Pythia instance, one seed, n jets of one process
# ---------------------------------------------------------------------------------------------


def _hadronic_resonances(event, resonance_id: int) -> list[tuple]:
    """Return (resonance momentum, decay quark momenta) for each hadronically decaying one.

    For a top the decay quarks are the b and the two quarks of its W; for a W, its two quarks.
    Momenta are (px, py, pz, E) in GeV: the resonance at its last copy before the decay, the
    quarks as produced in the decay, before their parton shower.
    """
    found = []
    for i in range(event.size()):
        particle = event[i]
        if particle.idAbs() != resonance_id or event[particle.daughter1()].idAbs() == \
                resonance_id:
            continue
        quarks = []
        for daughter in particle.daughterList():
            child = event[daughter]
            if child.idAbs() == 24 and resonance_id == 6:
                # Follow the W of the top decay to its last copy, whose daughters are quarks.
                w_boson = event[child.iBotCopyId()]
                quarks += [event[d] for d in w_boson.daughterList()]
            else:
                quarks.append(child)
        quarks = [q for q in quarks if 1 <= q.idAbs() <= 5]
        expected = 3 if resonance_id == 6 else 2
        if len(quarks) == expected:
            found.append(((particle.px(), particle.py(), particle.pz(), particle.e()),
                          [(q.px(), q.py(), q.pz(), q.e()) for q in quarks]))
    return found


def _delta_r(jet, momentum, fastjet) -> float:
    return jet.delta_R(fastjet.PseudoJet(*momentum))


def _run_task(task: dict) -> dict:
    """Generate ``task["n_jets"]`` accepted jets of one process; runs in a worker process."""
    pythia8 = import_optional("pythia8mc", "jet generation")
    fastjet = import_optional("fastjet", "jet generation")
    config = GeneratorConfig(**task["config"])
    process = task["process"]
    settings = config.pythia_settings(process, task["seed"])

    pythia = pythia8.Pythia("", False)
    for line in settings:
        if not pythia.readString(line):
            raise ValueError(f"Pythia rejected the setting {line!r}")
    if not pythia.init():
        raise RuntimeError(f"Pythia failed to initialise with settings {settings}")
    definition = fastjet.JetDefinition(fastjet.antikt_algorithm, config.jet_radius)

    n_requested = int(task["n_jets"])
    jets = np.zeros((n_requested, config.max_particles, 4), dtype=np.float32)
    truth = np.zeros((n_requested, 4), dtype=np.float32)
    counts = {"n_events_generated": 0, "n_next_failures": 0, "n_kinematic_candidates": 0,
              "n_jets_truncated": 0}
    n_accepted = 0
    cpu_start, wall_start = time.process_time(), time.perf_counter()
    resonance_id = {"top": 6, "w": 24}.get(process)

    while n_accepted < n_requested:
        if counts["n_events_generated"] > 1000 * n_requested + 10_000:
            raise RuntimeError(
                f"{process}: only {n_accepted} of {n_requested} jets passed the selection after "
                f"{counts['n_events_generated']} events; check the pT window and pTHat range"
            )
        counts["n_events_generated"] += 1
        if not pythia.next():
            counts["n_next_failures"] += 1
            continue
        event = pythia.event

        # Visible final-state particles (neutrinos dropped) into anti-kT.
        particles = []
        for i in range(event.size()):
            particle = event[i]
            if particle.isFinal() and particle.idAbs() not in _NEUTRINOS:
                particles.append(fastjet.PseudoJet(particle.px(), particle.py(), particle.pz(),
                                                   particle.e()))
        sequence = fastjet.ClusterSequence(particles, definition)
        candidates = [jet for jet in sequence.inclusive_jets(config.pt_min)
                      if config.pt_min < jet.pt() < config.pt_max
                      and abs(jet.eta()) < config.abs_eta_max]
        counts["n_kinematic_candidates"] += len(candidates)
        if not candidates:
            continue
        resonances = _hadronic_resonances(event, resonance_id) if resonance_id else []

        for jet in candidates:
            if n_accepted == n_requested:
                break
            match = None
            if resonance_id is not None:
                for momentum, quarks in resonances:
                    if _delta_r(jet, momentum, fastjet) < config.jet_radius and all(
                            _delta_r(jet, q, fastjet) < config.jet_radius for q in quarks):
                        match = momentum
                        break
                if match is None:
                    continue
            constituents = sorted(jet.constituents(), key=lambda c: -c.pt())
            if len(constituents) > config.max_particles:
                counts["n_jets_truncated"] += 1
            for k, constituent in enumerate(constituents[:config.max_particles]):
                jets[n_accepted, k] = (constituent.E(), constituent.px(), constituent.py(),
                                       constituent.pz())
            if match is not None:
                truth[n_accepted] = (match[3], match[0], match[1], match[2])
            n_accepted += 1

    counts["cpu_seconds"] = round(time.process_time() - cpu_start, 3)
    counts["wall_seconds"] = round(time.perf_counter() - wall_start, 3)
    counts["sigmaGen_mb"] = float(pythia.infoPython().sigmaGen())
    return {"process": process, "seed": task["seed"], "index": task["index"],
            "settings": settings, "counts": counts, "jets": jets, "truth": truth}


# ---------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------


def _task_seeds(seed: int, n_tasks: int) -> list[int]:
    """Return one Pythia seed per task, all distinct, derived from ``seed``."""
    states = np.random.SeedSequence(int(seed)).generate_state(4 * n_tasks + 8, dtype=np.uint64)
    seeds: list[int] = []
    for state in states:
        value = int(state % _MAX_SEED) + 1
        if value not in seeds:
            seeds.append(value)
        if len(seeds) == n_tasks:
            return seeds
    raise RuntimeError("could not derive distinct seeds")  # practically unreachable


def _plan_tasks(n_per_process: dict, seed: int, batch_size: int, config: GeneratorConfig):
    batches = {process: [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size
                                                            else [])
               for process, n in n_per_process.items()}

    # Alternate processes task by task. Each task holds one class, so the file is a run of
    # one-class blocks of batch_size jets, not a per-jet mixture.
    order = []
    longest = max((len(b) for b in batches.values()), default=0)
    for k in range(longest):
        for process in n_per_process:
            if k < len(batches[process]):
                order.append((process, batches[process][k]))
    seeds = _task_seeds(seed, len(order))
    return [{"index": index, "process": process, "n_jets": n, "seed": seeds[index],
             "config": asdict(config)} for index, (process, n) in enumerate(order)]


def generate(output, *, n_signal: int = 1000, n_background: int = 1000, signal: str = "top",
             seed: int = 1, n_workers: int | None = None, batch_size: int = 250,
             config: GeneratorConfig | None = None, output_format: str | None = None,
             progress: bool = True, overwrite: bool = False) -> Path:
    """Generate labelled signal and QCD jets and write them to ``output``.

    Parameters
    ----------
    output : str or path-like
        ``.h5`` (top tagging landscape layout) or ``.parquet`` (ragged jets) file.
    n_signal, n_background : int, default=1000
        Accepted signal and QCD jets.
    signal : {"top", "w"}, default="top"
        Signal process: hadronic ttbar or hadronic WW/WZ.
    seed : int, default=1
        Base seed; each task of ``batch_size`` jets gets its own Pythia seed derived from it.
    n_workers : int, default=None
        Worker processes; None uses every core (``os.cpu_count()``).
    batch_size : int, default=250
        Jets per task. The output depends on ``seed`` and ``batch_size`` only.
    config : GeneratorConfig, default=None
        Physics settings; None uses the landscape-like defaults.
    output_format : {"landscape", "parquet"}, default=None
        None picks it from the extension of ``output``.
    progress : bool, default=True
        Show a tqdm progress bar with jets per second and time left.
    overwrite : bool, default=False
        Replace ``output`` if it exists; False refuses before generating anything.

    Returns
    -------
    Path
        ``output``. Its metadata (:func:`jetfeat.io.read_metadata`) lists every Pythia
        setting, seed and count of every task.

    Notes
    -----
    Cost is about 1/60 CPU-second per accepted jet with MPI off (pythia8mc 8.317, measured by
    the jetfeat team on one core), so 30,000 jets take about 8 CPU-minutes.
    """
    config = config or GeneratorConfig()
    config.check()
    if signal not in ("top", "w"):
        raise ValueError(f"signal={signal!r} is invalid; use 'top' or 'w'")
    if n_signal < 0 or n_background < 0 or n_signal + n_background == 0:
        raise ValueError(f"n_signal={n_signal}, n_background={n_background}: ask for at least "
                         "one jet and no negative count")
    if batch_size < 1:
        raise ValueError(f"batch_size={batch_size} is invalid; use a positive int")
    if n_workers is not None and int(n_workers) < 1:
        raise ValueError(f"n_workers={n_workers} is invalid; use None (every core) or a "
                         "positive int")
    output = Path(output)
    if output_format is None:
        output_format = _OUTPUT_SUFFIXES.get(output.suffix.lower())
        if output_format is None:
            raise ValueError(
                f"{output}: cannot tell the output format from the extension "
                f"{output.suffix!r}; generation writes {', '.join(_OUTPUT_SUFFIXES)} files. "
                "Rename the output or pass output_format='landscape' or 'parquet'."
            )
    if output_format not in ("landscape", "parquet"):
        raise ValueError(f"{output}: generation writes .h5 (landscape) or .parquet files, not "
                         f"{output_format}")
    # Fail before the long run, not after it, on a bad output path.
    jio._check_output_folder(output)
    if output.exists() and not overwrite:
        raise FileExistsError(f"{output}: exists; pass overwrite=True to replace it, or choose "
                              "another output path")

    # Fail before the long run, not after it, when an optional package is missing.
    import_optional("pythia8mc", "jet generation")
    import_optional("fastjet", "jet generation")

    tasks = _plan_tasks({signal: n_signal, "qcd": n_background}, seed, batch_size, config)
    n_workers = n_workers or os.cpu_count() or 1
    n_workers = max(1, min(int(n_workers), len(tasks)))
    logger.info("generating %d %s + %d QCD jets in %d tasks on %d processes", n_signal, signal,
                n_background, len(tasks), n_workers)
    metadata = {"generator": "jetfeat.generate", "signal": signal, "seed": seed,
                "batch_size": batch_size, "n_signal": n_signal, "n_background": n_background,
                "config": asdict(config), "versions": _versions(), "tasks": []}

    from tqdm.auto import tqdm

    bar = tqdm(total=n_signal + n_background, unit="jet", desc="generate", disable=not progress,
               file=sys.stderr, smoothing=0.1)
    temporary = output.with_name(f".{output.name}.partial")
    writer = _JetWriter(temporary, output_format, config.max_particles)
    # Shuffle within each task so label order inside a chunk carries no information.
    shuffler = np.random.default_rng(seed)
    start = time.perf_counter()
    try:
        with bar, _pool(n_workers) as pool:
            results = pool.imap(_run_task, tasks) if pool is not None else map(_run_task, tasks)
            for result in results:
                n = result["jets"].shape[0]
                label = 0 if result["process"] == "qcd" else 1
                order = shuffler.permutation(n)
                writer.append(result["jets"][order], np.full(n, label, dtype=np.int8),
                              result["truth"][order])
                metadata["tasks"].append({k: result[k] for k in ("index", "process", "seed",
                                                                 "settings", "counts")})
                bar.update(n)
        metadata["wall_seconds"] = round(time.perf_counter() - start, 2)
        cpu = sum(t["counts"]["cpu_seconds"] for t in metadata["tasks"])
        metadata["jets_per_cpu_second"] = round((n_signal + n_background) / max(cpu, 1e-9), 2)
        writer.close(metadata)
        os.replace(temporary, output)
    finally:
        writer.abort()
        if temporary.exists():
            temporary.unlink()
    logger.info("wrote %d jets to %s (%.1f jets per CPU-second)", n_signal + n_background,
                output, metadata["jets_per_cpu_second"])
    return output


class _pool:
    """Context manager that yields a spawn-context process pool, or None for one worker."""

    def __init__(self, n_workers: int):
        self.n_workers = n_workers
        self.pool = None

    def __enter__(self):
        if self.n_workers > 1:
            # spawn, not fork: Pythia and OpenMP state must not be copied into children.
            self.pool = multiprocessing.get_context("spawn").Pool(self.n_workers)
        return self.pool

    def __exit__(self, *exc_info):
        if self.pool is not None:
            self.pool.terminate() if exc_info[0] else self.pool.close()
            self.pool.join()


class _JetWriter:
    """Append generated chunks to a landscape HDF5 file or collect them for Parquet."""

    def __init__(self, path: Path, output_format: str, max_particles: int):
        self.path = path
        self.format = output_format
        self.max_particles = max_particles
        self.parts: list = []
        self.landscape = None
        if output_format == "landscape":
            self.landscape = jio.LandscapeWriter(path, n_particles=max_particles)

    def append(self, jets, labels, truth) -> None:
        if self.landscape is not None:
            self.landscape.append(jets, labels, truth=truth)
        else:
            self.parts.append((jets, labels))

    def abort(self) -> None:
        """Close the HDF5 file if a failed run left it open (no-op after close)."""
        if self.landscape is not None and self.landscape._file is not None:
            self.landscape._file.close()
            self.landscape._file = None

    def close(self, metadata: dict) -> None:
        if self.landscape is not None:
            from .io import _write_metadata

            _write_metadata(self.landscape._file, metadata)
            self.landscape.close()
            return
        # NOTE: Parquet output keeps all jets in memory until the end; use .h5 for large runs.
        jets = np.concatenate([p[0] for p in self.parts])
        labels = np.concatenate([p[1] for p in self.parts])
        jio.write_parquet(self.path, jets, labels, metadata=metadata)


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for package in ("jetfeat", "pythia8mc", "fastjet"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = None
    return versions


def generate_jets(n_jets: int, process: str = "top", *, seed: int = 1,
                  config: GeneratorConfig | None = None) -> tuple[np.ndarray, np.ndarray, dict]:
    """Generate ``n_jets`` jets of one process in this process and return them as arrays.

    Parameters
    ----------
    n_jets : int
        Accepted jets.
    process : {"top", "qcd", "w"}, default="top"
    seed : int, default=1
        Pythia seed (1 to 900,000,000).
    config : GeneratorConfig, default=None

    Returns
    -------
    jets : ndarray of shape (n_jets, max_particles, 4)
        float32 (E, px, py, pz) in GeV, constituents sorted by decreasing pT.
    truth : ndarray of shape (n_jets, 4)
        (E, px, py, pz) of the matched top or W; zeros for QCD.
    info : dict
        Pythia settings and counts (events generated, candidates, CPU seconds).
    """
    config = config or GeneratorConfig()
    config.check()
    if not 1 <= int(seed) <= _MAX_SEED:
        raise ValueError(f"seed={seed} is invalid; Pythia accepts 1 to {_MAX_SEED}")
    result = _run_task({"index": 0, "process": process, "n_jets": n_jets, "seed": int(seed),
                        "config": asdict(config)})
    info = {"settings": result["settings"], **result["counts"]}
    return result["jets"], result["truth"], info


def default_sample(n_jets: int = 30_000, *, seed: int = 20261204, n_workers: int | None = None,
                   cache_dir=None, progress: bool = True) -> Path:
    """Return the path of a cached top/QCD sample, generating it on first use.

    Half the jets are top, half QCD, with the landscape-like defaults of
    :class:`GeneratorConfig`. The file lives in the user cache directory
    (``platformdirs.user_cache_dir("jetfeat")``) and is reused by later calls with the same
    size and seed, so examples run on a fresh machine without any download.

    Parameters
    ----------
    n_jets : int, default=30000
        Total jets (rounded down to an even number).
    seed : int, default=20261204
        Base seed.
    n_workers : int, default=None
        Processes for the first generation; None uses every core.
    cache_dir : str or path-like, default=None
        Folder for the file; None uses the user cache directory.
    progress : bool, default=True
        Show the generation progress bar.

    Returns
    -------
    Path
        A landscape-layout ``.h5`` file; read it with :func:`jetfeat.io.read_landscape`.

    Notes
    -----
    The first call costs about ``n_jets / 60`` CPU-seconds (roughly 4 minutes on two cores
    for the default size).
    """
    if n_jets < 2:
        raise ValueError(f"n_jets={n_jets} is invalid; a sample needs at least 2 jets")
    if cache_dir is None:
        import platformdirs

        cache_dir = platformdirs.user_cache_dir("jetfeat")
    folder = Path(cache_dir) / "samples"
    folder.mkdir(parents=True, exist_ok=True)
    half = n_jets // 2
    path = folder / f"top_qcd_{2 * half}_seed{seed}_v2.h5"
    if path.is_file():
        logger.info("using the cached sample %s", path)
        return path
    logger.info("generating the default sample %s (first use)", path)
    return generate(path, n_signal=half, n_background=half, seed=seed, n_workers=n_workers,
                    progress=progress)


# ---------------------------------------------------------------------------------------------
# Command line: jetfeat generate
# ---------------------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the options of ``jetfeat generate``."""
    parser.add_argument("-o", "--output", required=True,
                        help="output file: .h5 (landscape layout) or .parquet")
    parser.add_argument("-n", "--n-jets", type=int, default=2000,
                        help="total jets, half signal and half QCD (default: 2000)")
    parser.add_argument("--signal", choices=("top", "w"), default="top",
                        help="signal process: hadronic top or hadronic W (default: top)")
    parser.add_argument("--seed", type=int, default=1, help="base random seed (default: 1)")
    parser.add_argument("-j", "--workers", type=int, default=None,
                        help="worker processes (default: all cores)")
    parser.add_argument("--batch-size", type=int, default=250,
                        help="jets per task and per seed (default: 250)")
    parser.add_argument("--pt-min", type=float, default=550.0,
                        help="jet pT minimum in GeV (default: 550)")
    parser.add_argument("--pt-max", type=float, default=650.0,
                        help="jet pT maximum in GeV (default: 650)")
    parser.add_argument("--radius", type=float, default=0.8,
                        help="anti-kT radius R (default: 0.8)")
    parser.add_argument("--sqrt-s", type=float, default=14000.0,
                        help="centre-of-mass energy in GeV (default: 14000)")
    parser.add_argument("--mpi", action="store_true", help="turn multi-parton interactions on")
    parser.add_argument("--pythia", action="append", default=[], metavar="SETTING",
                        help="extra Pythia setting, e.g. 'Tune:pp = 14' (repeatable)")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace OUTPUT if it exists (default: stop with an error)")
    parser.add_argument("--quiet", action="store_true", help="hide the progress bar")


def run_cli(args: argparse.Namespace) -> int:
    """Run ``jetfeat generate`` with parsed arguments; return the exit code."""
    _check_cli_arguments(args)
    # Keep the generator's pTHat windows around a moved pT window.
    shift = (args.pt_min - 550.0)
    config = GeneratorConfig(
        sqrt_s=args.sqrt_s, pt_min=args.pt_min, pt_max=args.pt_max, jet_radius=args.radius,
        mpi=args.mpi, extra_settings=list(args.pythia),
        pthat_top=(max(450.0 + shift, 0.0), max(800.0, args.pt_max + 150.0)),
        pthat_qcd=(max(400.0 + shift, 0.0), max(800.0, args.pt_max + 150.0)),
        pthat_w=(max(450.0 + shift, 0.0), max(800.0, args.pt_max + 150.0)),
    )
    half = args.n_jets // 2
    output = generate(args.output, n_signal=args.n_jets - half, n_background=half,
                      signal=args.signal, seed=args.seed, n_workers=args.workers,
                      batch_size=args.batch_size, config=config, progress=not args.quiet,
                      overwrite=args.overwrite)
    print(f"wrote {args.n_jets} jets to {output}")
    return 0


def _check_cli_arguments(args: argparse.Namespace) -> None:
    """Reject bad options with messages that name the command-line options, not Python ones."""
    if args.n_jets < 1:
        raise ValueError(f"--n-jets {args.n_jets} is invalid; ask for at least one jet")
    if args.workers is not None and args.workers < 1:
        raise ValueError(f"-j/--workers {args.workers} is invalid; give a positive number of "
                         "worker processes (leave it out to use every core)")
    if args.batch_size < 1:
        raise ValueError(f"--batch-size {args.batch_size} is invalid; use a positive number "
                         "of jets per task")
    suffix = Path(args.output).suffix.lower()
    if suffix not in _OUTPUT_SUFFIXES:
        raise ValueError(
            f"{args.output}: cannot tell the output format from the extension {suffix!r}; "
            f"jetfeat generate writes {', '.join(_OUTPUT_SUFFIXES)} files. Give -o/--output a "
            "name ending in one of them."
        )
    output = Path(args.output)
    if output.exists() and not args.overwrite:
        raise FileExistsError(f"{output}: exists; pass --overwrite to replace it, or choose "
                              "another -o/--output")
    jio._check_output_folder(output)
