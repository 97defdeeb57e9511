"""Data sets for the benchmarks (never used by the tests).

``load_bibtex`` reads ``shared/data/bibtex.arff`` (Mulan sparse ARFF: 7,395 BibTeX
entries, 1,836 binary word features, 159 ``TAG_`` label attributes). The file is
looked up in ``$SKMLQ_BIBTEX`` or next to the repository as ``../shared/data``, and
read by :func:`skmlq.datasets.load_arff`.
"""

import os
from pathlib import Path

import scipy.sparse as sp

from skmlq.datasets import load_arff

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
    bunch = load_arff(path, label_prefix="TAG_")
    tag_names = [name[len("TAG_"):] for name in bunch.target_names]
    return bunch.data, sp.csr_matrix(bunch.target, dtype=bool), bunch.feature_names, tag_names
