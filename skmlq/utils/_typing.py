"""Type aliases of skmlq's public signatures.

Only imported under ``typing.TYPE_CHECKING`` (every annotated module starts with
``from __future__ import annotations``), so they cost nothing at import time. They
describe what is accepted; the checks themselves happen in ``_validation`` and
``_labels``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Union

import scipy.sparse as sp
from numpy.typing import ArrayLike

__all__ = ["Labels", "ProbabilityArray"]

#: Given annotations: lists of class indices per example, or a dense or sparse
#: (n_samples, n_classes) 0/1 indicator.
Labels = Union[Sequence[Sequence[int]], ArrayLike, sp.spmatrix, sp.sparray]
#: (n_samples, n_classes) probabilities in [0, 1] (also memory-mapped, or a dask
#: array chunked by rows).
ProbabilityArray = ArrayLike
