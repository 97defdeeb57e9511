"""Target encoding of the estimator: every accepted ``y`` form to one 0/1 indicator.

``y`` may carry class *labels* (ints or strings, learnt as ``classes_``), which the
functional API does not accept; they are mapped to column indices here, and every
indicator then goes through the one label conversion,
:func:`skmlq.utils._labels.check_labels`.
"""

from itertools import chain

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.utils.multiclass import type_of_target

from ..utils._errors import InputTypeError, InputValueError
from ..utils._labels import check_labels
from ..utils._warnings import warn

__all__ = ["check_learnable", "encode_targets", "n_examples"]

#: The dtype of the encoded labels, which the fitted estimator keeps (the labels it
#: was fitted on, and :attr:`reviewed_labels_`): one byte a cell, an eighth of int64
#: (0.1 GB instead of 0.8 GB at 10,000 x 10,000). Signed, so that the difference of
#: two label sets (corrected - given) is -1, 0 or 1 as with int64, which bool would
#: refuse. Reading them never sums or multiplies in this dtype: numpy's sums widen
#: small integers to int64 unless told otherwise, and a matrix product (Y.T @ Y)
#: needs a wider dtype first.
_LABEL_DTYPE = np.int8

_TARGET_FORMS = (
    "a dense or sparse (n_samples, n_classes) 0/1 indicator, a list of lists of class "
    "labels (ints or strings; [] means no class applies), or a 1-D array of one class "
    "label per example"
)


def n_examples(X, name="X"):
    shape = getattr(X, "shape", None)
    if shape is None and hasattr(X, "__array__") and not hasattr(X, "__len__"):
        shape = np.asarray(X).shape
    if shape is not None and len(shape) > 0:
        return int(shape[0])
    try:
        return len(X)
    except TypeError:
        raise InputTypeError(
            f"{name} of type {type(X).__name__} has no length; expected an array-like, "
            f"a sparse matrix, a DataFrame or a list of examples (e.g. texts)."
        ) from None


def _target_form(y, name):
    """Return ``(form, y)`` with form one of "indicator", "lists", "single"."""
    if y is None:
        raise InputValueError(
            f"MultilabelLabelQuality requires y to be passed, but the target y is None; "
            f"pass the given annotations of X as {name}: {_TARGET_FORMS}."
        )
    if sp.issparse(y):
        return "indicator", y
    if hasattr(y, "iloc"):  # pandas
        if getattr(y, "ndim", 1) == 2:
            return "indicator", y
        y = y.to_numpy()
    if isinstance(y, (list, tuple)):
        if len(y) == 0:
            raise InputValueError(f"{name} is empty; expected {_TARGET_FORMS}.")
        row_types = (list, tuple, set, frozenset, np.ndarray)
        kinds = set(map(type, y))  # a few types: checked once each, not per row
        if kinds.issubset(row_types):
            return "lists", y
        is_row = [isinstance(row, row_types) for row in y]
        if all(is_row):
            return "lists", y
        if not any(is_row):
            return "single", np.asarray(y)
        bad = is_row.index(not is_row[0])
        raise InputTypeError(
            f"{name}[0] is {y[0]!r} but {name}[{bad}] is {y[bad]!r}; {name} must be "
            f"either a list of lists of class labels or a flat list of one class label "
            f"per example, not a mix. Accepted forms: {_TARGET_FORMS}."
        )
    y = np.asarray(y)
    if y.ndim == 2:
        return "indicator", y
    if y.ndim == 1:
        if y.dtype == object and y.size and isinstance(y[0], (list, tuple, set, np.ndarray)):
            return "lists", list(y)
        return "single", y
    raise InputValueError(f"{name} has shape {y.shape}; expected {_TARGET_FORMS}.")


def _encode_lists(y, classes, name):
    if classes is None:
        try:
            return MultiLabelBinarizer().fit(y).classes_
        except TypeError as exc:
            raise InputTypeError(
                f"the class labels in {name} cannot be sorted ({exc}); use class labels "
                f"of one type, all ints or all strings."
            ) from None
    unknown = set(chain.from_iterable(y)).difference(classes.tolist())
    if unknown:
        raise InputValueError(
            f"{name} contains class label(s) {sorted(map(repr, unknown))[:5]} not seen "
            f"in fit; known classes are classes_={classes.tolist()[:20]}."
        )
    return classes


def _encode_single(y, classes, name):
    """One-hot rows of 1-D ``y`` over ``classes`` (learnt if None)."""
    if classes is None:
        target_type = type_of_target(y, input_name=name)
        if target_type not in ("binary", "multiclass"):
            raise InputValueError(
                f"{name} is a 1-D array of type {target_type!r}; a 1-D {name} must hold "
                f"one class label per example (binary or multiclass). Accepted forms: "
                f"{_TARGET_FORMS}."
            )
        classes, codes = np.unique(y, return_inverse=True)
    else:
        sorter = np.argsort(classes)
        try:
            pos = np.searchsorted(classes, y, sorter=sorter).clip(0, len(classes) - 1)
            codes = sorter[pos]
            known = classes[codes] == y
        except TypeError:
            known = np.zeros(len(y), dtype=bool)
        if not known.all():
            i = int(np.flatnonzero(~known)[0])
            raise InputValueError(
                f"{name}[{i}] is {y.tolist()[i]!r}, a class not seen in fit; known classes are "
                f"classes_={classes.tolist()[:20]}."
            )
    Y = np.zeros((len(y), len(classes)), dtype=_LABEL_DTYPE)
    Y[np.arange(len(y)), codes] = 1
    return Y, classes


def _dense_indicator(Y):
    """A new dense ``_LABEL_DTYPE`` array of the checked indicator ``Y`` (never the
    caller's array, which the estimator must not keep or change)."""
    if sp.issparse(Y):
        Y = Y.toarray()
        if Y.dtype == bool:  # a new array: its 0/1 bytes read as int8 are the values
            return Y.view(_LABEL_DTYPE)
    return np.asarray(Y).astype(_LABEL_DTYPE)


def encode_targets(y, classes=None, name="y"):
    """Any accepted target form -> (dense int8 (N, K) 0/1 indicator, classes, form).

    ``classes`` None learns them (fit); otherwise ``y`` must use those classes.
    ``form`` is "indicator", "lists" or "single" (1-D, one class per example).
    The indicator is a new array (see ``_LABEL_DTYPE`` for its type).
    """
    form, y = _target_form(y, name)
    learn = classes is None
    if form == "lists":
        classes = _encode_lists(y, classes, name)
        if learn:
            _warn_separator(classes, name)
        index = {c: k for k, c in enumerate(classes.tolist())}
        Y = check_labels([[index[c] for c in row] for row in y], n_classes=len(classes),
                         name=name)
        return _dense_indicator(Y), classes, form
    if form == "single":
        return (*_encode_single(y, classes, name), form)
    columns = getattr(y, "columns", None)
    Y = check_labels(y, name=name)
    if classes is not None and Y.shape[1] != len(classes):
        raise InputValueError(
            f"{name} is an indicator with {Y.shape[1]} columns, but the estimator was "
            f"fitted on {len(classes)} classes (classes_={classes.tolist()[:20]}); "
            f"pass one column per class."
        )
    if classes is None:
        classes = np.asarray(columns) if columns is not None else np.arange(Y.shape[1])
    return _dense_indicator(Y), classes, form


def _warn_separator(classes, name):
    """One rule for tag strings: in Python each string is one class, as given (the
    command line splits a label cell at ``--label-sep``, ``;`` by default). A class
    named like two joined ones is said, once, with how to pass two."""
    joined = [c for c in classes.tolist() if isinstance(c, str) and ";" in c]
    if joined:
        warn(f"{name} has class label {joined[0]!r} containing ';': in Python each string "
             f"is one class, as given (only the command line splits label cells at "
             f"--label-sep); pass a list such as {joined[0].split(';')!r} if it holds "
             f"several classes.")


def check_learnable(Y, classes, form_is_single, name="y"):
    """Every class must occur on some examples and be absent from others."""
    if Y.shape[0] == 0 or Y.shape[1] == 0:
        raise InputValueError(
            f"{name} has shape {Y.shape}; expected at least one example and class."
        )
    if form_is_single and Y.shape[1] == 1:
        raise InputValueError(
            f"{name} holds only one class ({classes.tolist()[0]!r}); there is nothing to learn. A "
            f"1-D {name} needs at least 2 classes."
        )
    positives = Y.sum(axis=0)
    constant = np.flatnonzero((positives == 0) | (positives == Y.shape[0]))
    if constant.size:
        k = int(constant[0])
        what = "no example has" if positives[k] == 0 else "every example has"
        raise InputValueError(
            f"{name} column {k} (class {classes.tolist()[k]!r}) is constant: {what} that class, so "
            f"the classifier cannot learn it and its annotations cannot be checked. Drop "
            f"constant columns from {name} (and classes_ with them)."
        )
