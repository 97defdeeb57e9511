"""Data sets for the benchmarks (never used by the tests).

``load_bibtex`` reads ``shared/data/bibtex.arff`` (Mulan sparse ARFF: 7,395 BibTeX
entries, 1,836 binary word features, 159 ``TAG_`` label attributes). The file is
looked up in ``$SKMLQ_BIBTEX`` or next to the repository as ``../shared/data``.
"""

import os
from pathlib import Path

import numpy as np
import scipy.sparse as sp

BIBTEX_CANDIDATES = (
    os.environ.get("SKMLQ_BIBTEX", ""),
    Path(__file__).resolve().parents[2] / "shared" / "data" / "bibtex.arff",
)


def bibtex_path():
    """Path of bibtex.arff, or None when it is not available."""
    for candidate in BIBTEX_CANDIDATES:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def load_bibtex(path=None):
    """Return ``(X, Y, feature_names, tag_names)`` from the bibtex ARFF file.

    ``X`` is a CSR float64 matrix (7395, 1836), ``Y`` a CSR bool indicator
    (7395, 159). Raises FileNotFoundError if the file cannot be found.
    """
    path = Path(path) if path else bibtex_path()
    if path is None:
        raise FileNotFoundError(
            "bibtex.arff not found; set SKMLQ_BIBTEX or place the repository next to "
            "shared/data/bibtex.arff"
        )
    names, rows, cols, vals = [], [], [], []
    n_rows = 0
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line or line.startswith("%"):
                continue
            lower = line.lower()
            if lower.startswith("@attribute"):
                names.append(line.split()[1].strip("'\""))
            elif lower.startswith("@data") or lower.startswith("@relation"):
                continue
            else:
                for item in line.strip("{}").split(","):
                    if item:
                        index, value = item.split()
                        rows.append(n_rows)
                        cols.append(int(index))
                        vals.append(float(value))
                n_rows += 1
    full = sp.csr_matrix(
        (np.asarray(vals), (np.asarray(rows), np.asarray(cols))), shape=(n_rows, len(names))
    )
    is_tag = np.array([name.startswith("TAG_") for name in names])
    X = full[:, np.flatnonzero(~is_tag)].tocsr()
    Y = full[:, np.flatnonzero(is_tag)].astype(bool).tocsr()
    feature_names = [n for n, t in zip(names, is_tag) if not t]
    tag_names = [n[len("TAG_"):] for n, t in zip(names, is_tag) if t]
    return X, Y, feature_names, tag_names
