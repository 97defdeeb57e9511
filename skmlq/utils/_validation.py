"""Every check of user input and options, in one place.

The numerical core (``skmlq._core``) trusts its inputs; the public entry points
(functions, estimators, the command line) call these helpers once, at the
boundary. Each helper raises :class:`~skmlq.utils._errors.InputValueError` or
:class:`~skmlq.utils._errors.InputTypeError` with a message that names the
argument, the offending row/column when there is one, and what is accepted.
"""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp

from ._blocks import row_blocks
from ._defaults import METHODS, POSTERIOR_METHODS, SECOND_STAGE_METHODS
from ._errors import InputTypeError, InputValueError

__all__ = [
    "METHODS",
    "as_numeric_array",
    "check_2d",
    "check_aggregated",
    "check_bool",
    "check_cooccurrence_options",
    "check_cooccurrence_params",
    "check_choice",
    "check_fill_value",
    "check_class_names",
    "check_integer",
    "check_method",
    "check_n_classes",
    "check_pred_probs",
    "check_positive",
    "check_scoring_options",
    "check_sparse_probabilities",
    "check_thresholds",
    "check_top_k",
    "check_unit_interval",
    "first_offending",
]


def _invalid(name, value, accepted):
    """``name=value is invalid; expected accepted.`` (just ``value ...`` without a name,
    as in a command-line option's message)."""
    shown = f"{value!r}" if name is None else f"{name}={value!r}"
    return InputValueError(f"{shown} is invalid; expected {accepted}.")


def first_offending(mask):
    """Return ``(row, column)`` of the first True entry of a 2-D boolean mask."""
    flat = int(np.flatnonzero(np.asarray(mask).ravel())[0])
    return divmod(flat, mask.shape[1])


def check_bool(value, name):
    """Check that ``value`` is True or False (Python or numpy bool); return a bool."""
    if not isinstance(value, (bool, np.bool_)):
        raise InputTypeError(f"{name}={value!r} must be True or False.")
    return bool(value)


def check_choice(value, name, choices, what="value", plural="values"):
    """Check that ``value`` is one of the strings ``choices``."""
    if not isinstance(value, str) or value not in choices:
        raise InputValueError(
            f"{name}={value!r} is not a valid {what}; valid {plural} are "
            f"{', '.join(repr(c) for c in choices)}."
        )
    return value


def check_unit_interval(value, name, *, allow_none=False):
    """Check that ``value`` is a real number in [0, 1] (or None if allowed)."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, Real) or not 0 <= value <= 1:
        raise _invalid(name, value, "a number in [0, 1]" + (" or None" if allow_none else ""))
    return float(value)


def check_positive(value, name):
    """Check that ``value`` is a real number > 0."""
    if isinstance(value, bool) or not isinstance(value, Real) or not value > 0:
        raise _invalid(name, value, "a number > 0")
    return float(value)


def check_integer(value, name, *, minimum, allow_none=False):
    """Check that ``value`` is an integer >= ``minimum`` (or None if allowed)."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        accepted = f"an integer >= {minimum}"
        raise _invalid(name, value, f"None or {accepted}" if allow_none else accepted)
    return int(value)


def check_method(method, name="method", methods=METHODS):
    """Check a per-class scoring method name (one of ``methods``)."""
    return check_choice(method, name, methods, what="scoring method", plural="methods")


def check_scoring_options(method, adjust_pred_probs, thresholds=None, *,
                          methods=METHODS, cooccurrence_params=None):
    """Check ``method``, ``adjust_pred_probs`` and whether ``thresholds`` may be given.

    Entry points that run the co-occurrence stage pass ``methods=SCORING_METHODS``.
    """
    check_method(method, methods=methods)
    check_bool(adjust_pred_probs, "adjust_pred_probs")
    if cooccurrence_params is not None and method not in SECOND_STAGE_METHODS:
        raise InputValueError(
            f"cooccurrence_params were given but method={method!r}; they are only used "
            f"by the second-stage methods {', '.join(map(repr, SECOND_STAGE_METHODS))}: "
            f"pass one of those, or cooccurrence_params=None."
        )
    if adjust_pred_probs and method in POSTERIOR_METHODS:
        raise InputValueError(
            f"adjust_pred_probs=True is not defined for method={method!r}, whose "
            f"noise model already calibrates each class; set adjust_pred_probs=False."
        )
    if adjust_pred_probs and method == "confidence_weighted_entropy":
        raise InputValueError(
            "adjust_pred_probs=True is not defined for method='confidence_weighted_entropy'; "
            "use it with 'self_confidence' or 'normalized_margin', or set "
            "adjust_pred_probs=False."
        )
    if thresholds is not None and not adjust_pred_probs:
        raise InputValueError(
            "thresholds were given but adjust_pred_probs=False; thresholds are only used "
            "to adjust pred_probs: pass adjust_pred_probs=True, or thresholds=None."
        )


def _pandas_to_numpy(value, name):
    """A pandas DataFrame or Series as a numpy array of its values' own dtype.

    Extension dtypes (``Int64``, ``Float64``, ``boolean``... from ``convert_dtypes()``
    or ``read_csv(dtype_backend="numpy_nullable")``) become the matching numpy
    dtype; a missing value (``pd.NA``) is an error naming its row and column.
    """
    frame = value.to_frame() if value.ndim == 1 else value
    dtypes = [getattr(d, "numpy_dtype", d) for d in frame.dtypes]  # extension -> numpy
    if all(isinstance(d, np.dtype) and d.kind in "biuf" for d in dtypes) and dtypes:
        missing = frame.isna().to_numpy()
        if missing.any():
            i, j = first_offending(missing)
            raise InputValueError(
                f"{name} has a missing value (NA) at row {i}, column {j}; every entry must "
                f"be a number."
            )
        A = frame.to_numpy(dtype=np.result_type(*dtypes))
        return A[:, 0] if value.ndim == 1 else A
    return value.to_numpy()


def as_numeric_array(value, name):
    """``value`` as a numpy array in native byte order: the one normalisation of
    array inputs (``labels`` indicators, ``pred_probs``, joints...).

    pandas objects (also with nullable extension dtypes) become their numpy values;
    big-endian arrays are converted to native order (numpy's ufuncs refuse a
    non-native ``dtype=``); everything else goes through ``np.asarray`` unchanged.
    A scipy.sparse matrix is not an array here: the caller accepts it or not.
    """
    if type(value).__module__.startswith("pandas") and getattr(value, "ndim", 0) in (1, 2):
        value = _pandas_to_numpy(value, name)
    elif hasattr(value, "to_numpy") and not hasattr(value, "__array__"):
        value = value.to_numpy()
    try:
        A = np.asarray(value)
    except ValueError as exc:  # ragged nested lists
        raise InputValueError(
            f"{name} could not be read as an array ({' '.join(str(exc).split()[:12])}...); "
            f"every row must have the same length."
        ) from None
    if A.dtype.kind == "c":  # a cast to float would drop the imaginary part silently
        raise InputTypeError(f"{name} has complex dtype {A.dtype}; expected real numbers.")
    if not A.dtype.isnative:
        A = A.astype(A.dtype.newbyteorder("="))
    return A


def check_2d(A, name, kinds, expected_dtype, expected_shape):
    """Raise unless the array ``A`` has a dtype of ``kinds`` and two dimensions; the
    messages say what was expected (``expected_dtype``, ``expected_shape``)."""
    if A.dtype.kind not in kinds:
        raise InputTypeError(f"{name} has dtype {A.dtype}; expected {expected_dtype}.")
    if A.ndim != 2:
        raise InputValueError(f"{name} has shape {A.shape}; expected {expected_shape}.")


def _bad_probabilities(values):
    """The offending entries of ``values`` (not all finite and in [0, 1]) and what
    they are: the non-finite ones if any, else those outside [0, 1]."""
    bad = ~np.isfinite(values)
    if bad.any():
        return bad, "a non-finite value"
    return (values < 0) | (values > 1), "a value outside [0, 1]"


def check_pred_probs(pred_probs, name="pred_probs"):
    """Return ``pred_probs`` as a 2-D float array without copying float input.

    Native float32 and float64 arrays (also memory-mapped or non-contiguous ones)
    are returned as they are; bool, integer, float16 and extended-precision arrays
    are converted to float64, big-endian ones to native order, pandas objects
    (also nullable dtypes) to their values. Values must be finite and lie in [0, 1].
    """
    if sp.issparse(pred_probs) or getattr(pred_probs, "_skmlq_sparse_probabilities", False):
        raise InputTypeError(
            f"{name} is sparse ({type(pred_probs).__name__}); this entry point needs "
            f"dense predicted probabilities for now: pass {name}.toarray(), an array of "
            f"shape (n_samples, n_classes). The scores (of the second-stage methods, "
            f"the aggregated ones), thresholds, second-stage fit and error "
            f"probabilities, issue filters and dataset tables of skmlq.rank, "
            f"skmlq.filter and skmlq.dataset, and the label issue report, review file "
            f"and HTML report of skmlq.report, accept sparse predictions."
        )
    P = as_numeric_array(pred_probs, name)
    check_2d(
        P, name, "biuf",
        "a numeric array of shape (n_samples, n_classes) with probabilities in [0, 1]",
        "a 2-D array of shape (n_samples, n_classes), one column per class (use "
        "reshape(-1, 1) for a single class)",
    )
    if P.shape[1] == 0:
        raise InputValueError(
            f"{name} has shape {P.shape}, no columns; expected one column per class."
        )
    if P.dtype not in (np.float32, np.float64):
        P = P.astype(np.float64)
    for start, stop in row_blocks(*P.shape):
        block = P[start:stop]
        if block.size == 0:
            continue
        lo, hi = block.min(), block.max()  # both NaN if any NaN
        if lo >= 0 and hi <= 1:
            continue
        bad, what = _bad_probabilities(block)
        i, j = first_offending(bad)
        raise InputValueError(
            f"{name} has {what} ({float(block[i, j])!r}) at row {start + i}, column {j}; "
            f"probabilities must be finite and in [0, 1]."
        )
    return P


# ------------------------------------------------------------ sparse predictions
_SPARSE_VALUES = "stored probabilities must be finite and in [0, 1]"
# Entries per chunk of the checks over stored values: a few MB of temporaries.
_CHECK_CHUNK = 2**20


def check_fill_value(fill_value, n_classes, name="fill_value"):
    """The probability of the entries a sparse ``pred_probs`` does not store.

    Returns ``(fill, given)``: ``fill`` the float64 value of each class, shape
    (n_classes,), and ``given`` the checked value as the caller gave it (a float, or
    a float64 copy of the per-class array).
    """
    if np.ndim(fill_value) == 0:
        if isinstance(fill_value, (bool, np.bool_)) or not isinstance(fill_value, Real) \
                or not 0 <= fill_value <= 1:
            raise _invalid(name, fill_value, f"a probability in [0, 1], or an array of "
                           f"{n_classes} of them (one per class)")
        return np.full(n_classes, float(fill_value)), float(fill_value)
    try:
        fill = np.array(fill_value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputTypeError(
            f"{name} could not be read as numbers; expected a probability in [0, 1] or "
            f"an array of {n_classes} of them (one per class)."
        ) from None
    if fill.shape != (n_classes,):
        raise InputValueError(
            f"{name} has shape {fill.shape}; expected a probability in [0, 1] or one per "
            f"class, shape ({n_classes},)."
        )
    bad = ~((fill >= 0) & (fill <= 1))
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise InputValueError(
            f"{name} has {float(fill[k])!r} for class {k}; fill values are probabilities in "
            f"[0, 1]."
        )
    return fill, fill.copy()


def _float_values(data, name):
    """Stored values as native float32 or float64 (other numeric dtypes as float64)."""
    if data.dtype.kind not in "biuf":
        raise InputTypeError(
            f"{name} stores values of dtype {data.dtype}; expected numeric probabilities "
            f"in [0, 1]."
        )
    if data.dtype not in (np.float32, np.float64):
        return data.astype(np.float64)
    if not data.dtype.isnative:
        return data.astype(data.dtype.newbyteorder("="))
    return data


def _check_stored_values(data, where, name):
    """Raise for the first stored value that is not finite or outside [0, 1];
    ``where(pos)`` names the (row, column) of the ``pos``-th stored entry."""
    for start in range(0, data.size, _CHECK_CHUNK):
        block = data[start : start + _CHECK_CHUNK]
        if block.min() >= 0 and block.max() <= 1:  # False with a NaN
            continue
        bad, what = _bad_probabilities(block)
        pos = start + int(np.flatnonzero(bad)[0])
        row, col = where(pos)
        raise InputValueError(
            f"{name} stores {what} ({float(data[pos])!r}) at row {row}, column {col}; "
            f"{_SPARSE_VALUES}."
        )


def _check_compressed_order(indptr, indices, n_minor, name, major, minor):
    """Indices of each major line (row of CSR, column of CSC) strictly increasing and in
    ``[0, n_minor)``: raises for an out-of-range, duplicate or unsorted index."""
    nnz = int(indptr[-1])

    def line_of(pos):
        return int(np.searchsorted(indptr, pos, side="right") - 1)

    for start in range(0, nnz, _CHECK_CHUNK):
        stop = min(start + _CHECK_CHUNK, nnz)
        block = indices[start:stop]
        if block.size and (block.min() < 0 or block.max() >= n_minor):
            pos = start + int(np.flatnonzero((block < 0) | (block >= n_minor))[0])
            raise InputValueError(
                f"{name} stores {minor} index {int(indices[pos])} in {major} "
                f"{line_of(pos)}, outside [0, {n_minor})."
            )
        # Pairs (j, j + 1) for j in [start, stop - 1], except where j + 1 starts a line.
        last = min(stop, nnz - 1)
        if last <= start:
            continue
        bad = indices[start + 1 : last + 1] <= indices[start:last]
        lo, hi = np.searchsorted(indptr, [start + 1, last], side="left")
        line_starts = indptr[lo:hi + 1]
        line_starts = line_starts[(line_starts >= start + 1) & (line_starts <= last)]
        bad[line_starts - 1 - start] = False
        if bad.any():
            pos = start + int(np.flatnonzero(bad)[0])
            line, index = line_of(pos), int(indices[pos + 1])
            if indices[pos + 1] == indices[pos]:
                raise InputValueError(
                    f"{name} stores {major} {line}, {minor} {index} twice (duplicate "
                    f"entries); store each probability once (scipy's sum_duplicates() "
                    f"would add them up, which is not a probability)."
                )
            raise InputValueError(
                f"{name} has unsorted {minor} indices in {major} {line}; skmlq reads "
                f"sorted indices: pass a sorted copy ({name}.sorted_indices())."
            )


def check_sparse_probabilities(matrix, name="pred_probs"):
    """Check sparse predicted probabilities; return canonical CSR arrays.

    Returns ``(indptr, indices, data, shape)``: every (row, column) stored at most
    once, column indices sorted within each row, values float32 or float64, finite
    and in [0, 1] (explicit zeros are kept: a listed probability of 0). A canonical
    CSR input shares its arrays; the input is never modified.
    """
    if not sp.issparse(matrix):
        raise InputTypeError(
            f"{name} is {type(matrix).__name__}; expected a scipy.sparse matrix or array "
            f"of shape (n_samples, n_classes)."
        )
    if matrix.ndim != 2:
        raise InputValueError(
            f"{name} has shape {matrix.shape}; expected a 2-D sparse matrix of shape "
            f"(n_samples, n_classes)."
        )
    n_samples, n_classes = matrix.shape
    if n_classes == 0:
        raise InputValueError(
            f"{name} has shape {matrix.shape}, no columns; expected one column per class."
        )
    fmt = matrix.format
    if fmt == "csc":
        _check_compressed_order(matrix.indptr, matrix.indices, n_samples, name,
                                "column", "row")
        matrix = matrix.tocsr()  # row by row in column order: sorted, and a copy
    elif fmt == "csr":
        _check_compressed_order(matrix.indptr, matrix.indices, n_classes, name,
                                "row", "column")
    if fmt in ("csr", "csc"):
        indptr, indices = matrix.indptr, matrix.indices
        nnz = int(indptr[-1])
        indices = indices[:nnz]
        data = _float_values(matrix.data[:nnz], name)
    else:
        coo = matrix.tocoo()
        row, col = np.asarray(coo.row), np.asarray(coo.col)
        keys = row.astype(np.int64) * n_classes + col
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        dup = np.flatnonzero(keys[1:] == keys[:-1])
        if dup.size:
            r, c = divmod(int(keys[dup[0]]), n_classes)
            raise InputValueError(
                f"{name} stores row {r}, column {c} twice (duplicate entries); store each "
                f"probability once (scipy's sum_duplicates() would add them up, which "
                f"is not a probability)."
            )
        index_dtype = np.int32 if n_classes < 2**31 else np.int64
        indices = col[order].astype(index_dtype)
        data = _float_values(np.asarray(coo.data)[order], name)
        indptr = np.zeros(n_samples + 1, dtype=np.int64)
        np.cumsum(np.bincount(row, minlength=n_samples), out=indptr[1:])

    def where(pos):
        return int(np.searchsorted(indptr, pos, side="right") - 1), int(indices[pos])

    _check_stored_values(data, where, name)
    return indptr, indices, data, (n_samples, n_classes)


def check_top_k(indices, scores, n_classes):
    """Check a top-k pair of predictions; return canonical CSR arrays.

    ``indices`` and ``scores`` have shape (n_samples, k): the classes listed for each
    example (in any order, each at most once per row, in ``[0, n_classes)``) and
    their probabilities. Returns ``(indptr, indices, data, shape)`` as
    :func:`check_sparse_probabilities` does, rows sorted by class.
    """
    n_classes = check_integer(n_classes, "n_classes", minimum=1)
    idx = as_numeric_array(indices, "indices")
    S = as_numeric_array(scores, "scores")
    check_2d(idx, "indices", "iu", "integer class indices of shape (n_samples, k)",
             "(n_samples, k): the k classes listed for each example")
    if S.shape != idx.shape:
        raise InputValueError(
            f"scores has shape {S.shape} but indices has shape {idx.shape}; give one score "
            f"per listed class."
        )
    bad = (idx < 0) | (idx >= n_classes)
    if bad.any():
        i, j = first_offending(bad)
        raise InputValueError(
            f"indices has class index {int(idx[i, j])} at row {i}, position {j}; class "
            f"indices must be in [0, n_classes) = [0, {n_classes})."
        )
    data = _float_values(S, "scores")
    order = np.argsort(idx, axis=1, kind="stable")
    idx = np.take_along_axis(idx, order, axis=1)
    dup = idx[:, 1:] == idx[:, :-1]
    if dup.any():
        i, j = first_offending(dup)
        raise InputValueError(
            f"indices lists class {int(idx[i, j])} twice in row {i}; list each class at "
            f"most once per example."
        )
    data = np.take_along_axis(data, order, axis=1)
    n_samples, k = idx.shape

    def where(pos):
        return divmod(pos, max(k, 1))[0], int(idx.flat[pos])

    data = data.reshape(-1)
    _check_stored_values(data, where, "scores")
    index_dtype = np.int32 if n_classes < 2**31 else np.int64
    indptr = np.arange(0, n_samples * k + 1, max(k, 1), dtype=np.int64)[: n_samples + 1]
    if k == 0:
        indptr = np.zeros(n_samples + 1, dtype=np.int64)
    return indptr, idx.reshape(-1).astype(index_dtype), data, (n_samples, n_classes)


def check_n_classes(P, n_classes, where):
    """Check that checked ``pred_probs`` have ``n_classes`` columns (as ``where`` had)."""
    if n_classes is not None and P.shape[1] != n_classes:
        raise InputValueError(
            f"pred_probs has {P.shape[1]} columns but {where} had {n_classes}; every batch "
            f"must have one column per class."
        )
    return P


def check_per_class_sides(value, n_classes, name, *, valid, accepted, shape_hint="",
                          type_hint=""):
    """Read a float64 ``(n_classes, 2)`` array of per-class, per-side values.

    ``valid(A)`` gives the entries that are acceptable; the first one that is not is
    named by its row (class) and column, followed by ``accepted``. ``shape_hint``
    and ``type_hint`` end the shape and type messages.
    """
    try:
        A = np.asarray(as_numeric_array(value, name), dtype=np.float64)
    except InputTypeError:
        raise
    except (TypeError, ValueError):
        raise InputTypeError(
            f"{name} could not be read as a numeric array; expected an array of shape "
            f"(n_classes, 2) = ({n_classes}, 2){type_hint}."
        ) from None
    if A.shape != (n_classes, 2):
        raise InputValueError(f"{name} has shape {A.shape}; expected ({n_classes}, 2)"
                              f"{shape_hint}.")
    bad = ~valid(A)
    if bad.any():
        k, c = first_offending(bad)
        raise InputValueError(
            f"{name} has value {A[k, c]!r} at row (class) {k}, column {c}; {accepted}."
        )
    return A


def check_thresholds(thresholds, n_classes, name="thresholds"):
    """Validate precomputed thresholds; return them as a float64 (n_classes, 2) array."""
    source = "as returned by get_confident_thresholds"
    return check_per_class_sides(
        thresholds, n_classes, name,
        valid=lambda T: np.isfinite(T) & (T > 0),
        accepted=f"thresholds must be finite and > 0, {source}",
        shape_hint=(f", one row [t0, t1] per class (pred_probs has {n_classes} columns), "
                    f"{source}"),
        type_hint=f" {source}",
    )


def check_class_names(class_names, n_classes, name="class_names"):
    """``class_names`` as an ndarray of length ``n_classes`` (``arange`` if None)."""
    if class_names is None:
        return np.arange(n_classes)
    # A string would be read as one name per character, a number not at all.
    if isinstance(class_names, (str, bytes)) or np.ndim(class_names) != 1:
        raise InputTypeError(
            f"{name}={class_names!r:.80} is invalid; expected a sequence of {n_classes} "
            f"names, one per class."
        )
    classes = np.asarray(list(class_names) if not hasattr(class_names, "shape")
                         else class_names)
    if classes.shape != (n_classes,):
        raise InputValueError(
            f"{name} has {classes.size} entries but there are {n_classes} classes "
            f"(columns of pred_probs); give one name per class."
        )
    try:
        distinct = len(set(classes.tolist()))
    except TypeError:  # unhashable entries (lists, dicts): not names
        raise InputTypeError(
            f"{name} contains {type(classes.tolist()[0]).__name__} entries; class names "
            f"must be strings or numbers."
        ) from None
    if distinct != n_classes:
        seen, dup = set(), None
        for c in classes.tolist():
            if c in seen:
                dup = c
                break
            seen.add(c)
        raise InputValueError(f"{name} contains {dup!r} twice; class names must be unique.")
    return classes


def check_aggregated(result, aggregator, scores_shape):
    """Check what a callable aggregator returned for a block of per-class scores.

    The result must be real, finite, in [0, 1] and of shape (n,) for scores of
    shape (n, K); anything else would silently become a wrong score.
    """
    label = f"the aggregator {getattr(aggregator, '__name__', aggregator)!r}"
    n = scores_shape[0]
    try:
        R = np.asarray(result)
    except Exception as exc:
        raise InputTypeError(f"{label} returned {type(result).__name__}: {exc}") from None
    if R.dtype.kind not in "biuf":
        raise InputTypeError(
            f"{label} returned an array of dtype {R.dtype} for scores of shape "
            f"{scores_shape}; it must return one real score in [0, 1] per example."
        )
    if R.shape != (n,):
        raise InputValueError(
            f"{label} returned shape {R.shape} for scores of shape {scores_shape}; it "
            f"must reduce axis=1 and return one score per example, shape ({n},)."
        )
    bad = ~((R >= 0) & (R <= 1))  # also NaN
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputValueError(
            f"{label} returned {R[i].item()!r} for row {i} of a block of scores; "
            f"aggregated scores must be finite and in [0, 1]."
        )
    return R


def check_cooccurrence_options(C, n_folds, random_state, n_neighbors):
    """Check the options of the co-occurrence stage; None as ``random_state`` means 0.

    ``n_neighbors`` is an integer >= 1 or ``"all"`` (returned as None: every other
    class).
    """
    C = check_positive(C, "C")
    n_folds = check_integer(n_folds, "n_folds", minimum=2)
    if random_state is None:
        random_state = 0
    if isinstance(random_state, bool) or not isinstance(random_state, Integral) \
            or random_state < 0:
        raise _invalid(
            "random_state", random_state,
            "a non-negative integer (or None for 0): it seeds the folds of the "
            "co-occurrence stage",
        )
    if isinstance(n_neighbors, str) and n_neighbors == "all":
        n_neighbors = None
    elif isinstance(n_neighbors, (bool, np.bool_)) or not isinstance(n_neighbors, Integral) \
            or n_neighbors < 1:
        raise _invalid(
            "n_neighbors", n_neighbors,
            "an integer >= 1 or 'all': the number of other classes whose labels each "
            "class's model reads",
        )
    else:
        n_neighbors = int(n_neighbors)
    return C, n_folds, int(random_state), n_neighbors


def check_cooccurrence_params(params, n_classes, name="cooccurrence_params"):
    """Check precomputed co-occurrence parameters (from ``get_cooccurrence_params``)."""
    coef = getattr(params, "coef", None)
    neighbors = getattr(params, "neighbors", None)
    if coef is None or neighbors is None or not hasattr(params, "random_state") \
            or isinstance(params, np.ndarray):
        raise InputTypeError(
            f"{name} must be the CooccurrenceParams returned by get_cooccurrence_params; "
            f"got {type(params).__name__}."
        )
    neighbors = np.asarray(neighbors)
    m = neighbors.shape[1] if neighbors.ndim == 2 else -1
    if coef.ndim != 3 or coef.shape[1:] != (n_classes, m + 3) or coef.shape[0] < 2 \
            or neighbors.shape != (n_classes, m):
        raise InputValueError(
            f"{name} has coefficients of shape {coef.shape} and neighbours of shape "
            f"{neighbors.shape}; expected (n_folds, {n_classes}, n_neighbors + 3) and "
            f"({n_classes}, n_neighbors) (pred_probs has {n_classes} columns): fit them "
            f"with get_cooccurrence_params on the same classes."
        )
    if not np.isfinite(coef).all():
        f, k, c = np.unravel_index(int(np.flatnonzero(~np.isfinite(coef))[0]), coef.shape)
        raise InputValueError(
            f"{name} has a non-finite coefficient at fold {f}, class {k}, column {c}; "
            f"fit them with get_cooccurrence_params."
        )
    own = neighbors == np.arange(n_classes)[:, None]
    if m > 0 and (neighbors.min() < 0 or neighbors.max() >= n_classes or own.any()):
        raise InputValueError(
            f"{name} has neighbours outside the other {n_classes - 1} classes; fit them "
            f"with get_cooccurrence_params on the same classes."
        )
    model = np.asarray(getattr(params, "noise_model", None))
    if model.shape != (n_classes, 4) or not np.isfinite(model).all():
        raise InputValueError(
            f"{name} has a noise model of shape {model.shape} (or non-finite values); "
            f"expected finite values of shape ({n_classes}, 4): fit them with "
            f"get_cooccurrence_params."
        )
    shares = np.asarray(getattr(params, "error_shares", None))
    if shares.shape != (3,) or not np.all((shares >= 0) & (shares <= 1)):
        raise InputValueError(
            f"{name} has error shares {shares!r}; expected 3 values in [0, 1]: fit "
            f"them with get_cooccurrence_params."
        )
    return params
