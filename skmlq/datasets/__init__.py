"""Multi-label data sets: the bundled yeast data and a reader for ARFF files.

``load_yeast`` returns a real multi-label data set that ships with skmlq (no network
needed); ``load_arff`` reads the Mulan and MEKA collections' ARFF files, dense or
sparse.
"""

from ._arff import load_arff
from ._base import load_yeast

__all__ = ["load_arff", "load_yeast"]
