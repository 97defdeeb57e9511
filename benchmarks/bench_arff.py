"""Benchmark of ``skmlq.datasets.load_arff`` against liac-arff on Mulan's bibtex.

Run ``python benchmarks/bench_arff.py`` (a few seconds; ``--quick`` reads the file
once per parser). bibtex (``../shared/data/bibtex.arff`` or ``$SKMLQ_BIBTEX``) is a
Mulan sparse ARFF file: 7,395 rows of ``{index value, ...}`` pairs over 1,836 binary
word features and 159 ``TAG_`` label attributes. Both parsers read the same file
into a CSR feature matrix and a 0/1 label indicator, which are checked to be
identical; times are the best of ``--repeat`` runs, peak memory tracemalloc's peak
of a separate call (liac-arff returns COO lists, turned into the same matrices).
liac-arff (``pip install liac-arff``) is a reference here, not a dependency.
"""

import argparse
from importlib import metadata

import numpy as np
import scipy.sparse as sp
from _data import bibtex_path
from _measure import best_time, peak_mb
from _report import summary_line

from skmlq.datasets import load_arff

try:
    import arff as liac_arff

    LIAC_VERSION = metadata.version("liac-arff")
except ImportError:  # pragma: no cover - optional
    liac_arff = LIAC_VERSION = None


def read_skmlq(path):
    bunch = load_arff(path, label_prefix="TAG_")
    return bunch.data, bunch.target


def read_liac(path):
    with open(path, encoding="utf-8") as handle:
        parsed = liac_arff.load(handle, return_type=liac_arff.COO, encode_nominal=True)
    values, rows, cols = parsed["data"]
    names = [name for name, _ in parsed["attributes"]]
    full = sp.csr_matrix(
        (np.asarray(values, dtype=np.float64), (rows, cols)),
        shape=(max(rows) + 1, len(names)),
    )
    is_tag = np.array([name.startswith("TAG_") for name in names])
    X = full[:, np.flatnonzero(~is_tag)].tocsr()
    Y = full[:, np.flatnonzero(is_tag)].toarray().astype(np.int8)
    return X, Y


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one read per parser")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    path = bibtex_path()
    if path is None:
        print("skipped: bibtex.arff not found (set SKMLQ_BIBTEX)")
        summary_line("arff bibtex", None, note="skipped: bibtex.arff not found")
        return
    repeat = 1 if args.quick else args.repeat
    ours_s, (X, Y) = best_time(lambda: read_skmlq(path), repeat)
    ours_mb = peak_mb(lambda: read_skmlq(path))
    print(f"bibtex: X {X.shape} nnz {X.nnz:,}, Y {Y.shape} with {int(Y.sum()):,} labels")
    print(f"skmlq.datasets.load_arff: {ours_s:.3f} s (best of {repeat}), peak {ours_mb:.0f} MB")
    if liac_arff is None:
        summary_line(
            "arff bibtex", ours_s, peak_mb=ours_mb, note="skipped: liac-arff not installed"
        )
        return
    ref_s, (X_ref, Y_ref) = best_time(lambda: read_liac(path), repeat)
    ref_mb = peak_mb(lambda: read_liac(path))
    same = (X != X_ref).nnz == 0 and np.array_equal(Y, Y_ref)
    print(f"liac-arff {LIAC_VERSION}: {ref_s:.3f} s (best of {repeat}), peak {ref_mb:.0f} MB")
    print(f"identical X and Y: {same}")
    summary_line(
        "arff bibtex",
        ours_s,
        ref_s,
        peak_mb=ours_mb,
        note=f"vs liac-arff {LIAC_VERSION} (peak {ref_mb:.0f} MB); identical: {same}",
    )


if __name__ == "__main__":
    main()
