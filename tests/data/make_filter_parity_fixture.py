"""Record cleanlab 2.9.0's outputs on the seeded filter/dataset parity cases.

``tests/filter/test_filter_parity.py`` compares skmlq with cleanlab on 200 seeded cases per
``filter_by`` value, 200 low-memory cases and 50 dataset-table cases. Running cleanlab
on all of them takes minutes, so this script runs it once and stores its OUTPUTS in
``tests/data/filter_parity_cleanlab-2.9.0.npz``: per-class ranked issue lists, ranked
issue index arrays, issue masks (``np.packbits``-packed) and the dataset tables'
columns, plus the format version and the case counts. The inputs are not stored: the
test regenerates every case from its seed with the same functions this script uses
(``tests/_filter_parity_cases.py``). The test also reruns cleanlab on a few cases and
checks that their stored outputs still equal cleanlab's, so the file cannot drift
silently.

Regenerate after changing the case generator (and bump ``FORMAT_VERSION`` there if
the layout changes), from the repository root, with cleanlab 2.9.0 installed::

    python tests/data/make_filter_parity_fixture.py

cleanlab (AGPL-3.0) is only called as a black box; nothing of it is copied here.
"""

import argparse
import sys
import time
from pathlib import Path


def main(argv=None):
    """Run cleanlab on every recorded case and write the fixture; returns 0."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests import _filter_parity_cases as cases

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", type=Path, default=cases.FIXTURE_PATH)
    args = parser.parse_args(argv)

    import cleanlab

    if cleanlab.__version__ != cases.CLEANLAB_VERSION:
        raise SystemExit(f"cleanlab {cases.CLEANLAB_VERSION} required, "
                         f"found {cleanlab.__version__}")
    records = {}
    for kind, n_cases in cases.N_CASES.items():
        start = time.perf_counter()
        records[kind] = [cases.reference_record(kind, seed) for seed in range(n_cases)]
        print(f"{kind:>24}: {n_cases} cases in {time.perf_counter() - start:6.1f} s",
              flush=True)
    bad = [(kind, seed) for kind, recs in records.items() for seed, rec in enumerate(recs)
           if not rec.get("per_class_probs_are_input", [True])[0]]
    if bad:
        print(f"warning: per-class probabilities differ from the input in {bad}")
    cases.write_fixture(args.output, records)
    print(f"wrote {args.output} ({args.output.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
