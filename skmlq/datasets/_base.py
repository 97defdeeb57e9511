"""The data set bundled with skmlq, loaded like scikit-learn's ``load_*`` functions."""

from __future__ import annotations

import gzip
import hashlib
from importlib import resources
from typing import Any

import numpy as np
from sklearn.utils import Bunch

from ..utils._optional import require_pandas
from ..utils._validation import check_bool

__all__ = ["load_yeast"]

_YEAST_FILE = "yeast.csv.gz"
_YEAST_SHA256 = "2969cb4bab877a27adcbe17871fa0b378a1e54b98816cd6106b542ee450a1c09"
_YEAST_SHAPE = (2417, 103, 14)


def _data_file(name):
    return resources.files("skmlq.datasets").joinpath("data", name)


def _descr(name):
    return resources.files("skmlq.datasets").joinpath("descr", name).read_text("utf-8")


def load_yeast(*, as_frame: bool = False, return_X_y: bool = False) -> Bunch | tuple[Any, Any]:
    """Load the yeast multi-label data set (bundled: no network needed).

    2,417 yeast genes described by 103 numeric features (micro-array expression and
    phylogenetic profiles) and annotated with a subset of 14 functional classes, 4.2
    on average. Read the full description, with the provenance and licence, in the
    ``DESCR`` attribute or in :ref:`the user guide <yeast_dataset>`.

    ==================  ==============
    Examples            2,417
    Features            103, real
    Classes             14
    Labels per example  1 to 11 (4.24)
    ==================  ==============

    Parameters
    ----------
    as_frame : bool, default=False
        If True, ``data`` is a pandas DataFrame, ``target`` a DataFrame with one 0/1
        column per class and ``frame`` both side by side.
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the attributes:

        data : {ndarray, DataFrame} of shape (2417, 103)
            The features, float64.
        target : {ndarray, DataFrame} of shape (2417, 14)
            The 0/1 label indicator (int8), one column per class.
        feature_names : list of str
            ``Att1`` to ``Att103``.
        target_names : ndarray of str of shape (14,)
            ``Class1`` to ``Class14``, in column order.
        frame : DataFrame of shape (2417, 117) or None
            Features and classes together when ``as_frame`` is True, else None.
        DESCR : str
            Description of the data set, its provenance and licence.
        filename : str
            Name of the bundled file.
        data_module : str
            The package holding it.

    (data, target) : tuple if ``return_X_y`` is True

    See Also
    --------
    load_arff : Load other multi-label data sets from Mulan or MEKA ARFF files.

    Examples
    --------
    >>> from skmlq.datasets import load_yeast
    >>> yeast = load_yeast()
    >>> yeast.data.shape, yeast.target.shape
    ((2417, 103), (2417, 14))
    >>> yeast.target_names[:3]
    array(['Class1', 'Class2', 'Class3'], dtype=object)
    >>> X, Y = load_yeast(return_X_y=True)
    >>> float(Y.sum(axis=1).mean())
    4.237...
    """
    as_frame = check_bool(as_frame, "as_frame")
    return_X_y = check_bool(return_X_y, "return_X_y")
    pd = require_pandas("load_yeast(as_frame=True) frames") if as_frame else None
    raw = _data_file(_YEAST_FILE).read_bytes()
    if hashlib.sha256(raw).hexdigest() != _YEAST_SHA256:
        raise OSError(
            f"the bundled {_YEAST_FILE} is damaged (its SHA-256 differs); reinstall skmlq."
        )
    text = gzip.decompress(raw).decode("ascii")
    header, _, body = text.partition("\n")
    names = header.strip().split(",")
    values = np.loadtxt(body.splitlines(), delimiter=",", dtype=np.float64)
    n, d, k = _YEAST_SHAPE
    feature_names, target_names = names[:d], np.array(names[d:], dtype=object)
    X = np.ascontiguousarray(values[:, :d])
    Y = values[:, d:].astype(np.int8)
    frame = None
    if as_frame:
        X = pd.DataFrame(X, columns=feature_names)
        Y = pd.DataFrame(Y, columns=list(target_names))
        frame = pd.concat([X, Y], axis=1)
    return dataset_bunch(
        X, Y, feature_names, target_names, return_X_y, frame=frame,
        DESCR=_descr("yeast.rst"), filename=_YEAST_FILE, data_module="skmlq.datasets.data",
    )


def dataset_bunch(X, Y, feature_names, target_names, return_X_y, **extra):
    """What a loader returns: ``(X, Y)`` with ``return_X_y``, else a Bunch of
    ``data``, ``target``, the names and ``extra``."""
    if return_X_y:
        return X, Y
    return Bunch(data=X, target=Y, feature_names=feature_names, target_names=target_names,
                 **extra)
