"""Per-class confident learning for multi-label data, vectorised across classes.

Every class c is a two-sided binary problem: side 1 holds the examples annotated with
c, side 0 the others, and ``p = pred_probs[:, c]``. The reference runs one binary
pass per class in Python; here every per-class quantity is a (K,) or (K, 2, 2) array
and every selection ("flag the u members of side k with the smallest key") is done
for a chunk of classes at once with one sort per side. The core functions trust their
inputs; the public functions at the end validate everything once, at the boundary
(``check_filter_inputs``).
"""

import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp

from ._aggregation import resolve_aggregator
from ._blocks import row_blocks
from ._labels import check_labels, indicator_block, positives_per_class
from ._rank import score_blocks
from ._scoring import class_scores_block, confident_thresholds
from ._validation import check_method, check_pred_probs

__all__ = [
    "FILTERS",
    "calibrate_joint",
    "check_filter_inputs",
    "find_label_issues",
    "find_multilabel_issues_per_class",
    "issue_mask",
    "ranked_label_issues",
]

PRUNE_FILTERS = ("prune_by_class", "prune_by_noise_rate", "both")
LOW_FILTERS = ("low_self_confidence", "low_normalized_margin")
FILTERS = PRUNE_FILTERS + ("confident_learning", "predicted_neq_given") + LOW_FILTERS

# Tolerances of the reference semantics (SPEC-filter 1.2 and 1.4).
_GUESS_EPS = 1e-6
_GATE_EPS = 1e-6
# Threshold of an empty side in the low_memory estimator (SPEC-filter 3.4).
_LOW_MEMORY_EMPTY_SIDE = 2e-6
# The fixed aggregation used to rank examples (SPEC-filter 3.2).
_RANK_AGGREGATOR = {"method": "exponential_moving_average", "alpha": 0.8}
_SIDE_NAMES = ("absent", "present")


# --------------------------------------------------------------------------- validation
def _check_filter_by(filter_by):
    if not isinstance(filter_by, str) or filter_by not in FILTERS:
        raise ValueError(
            f"filter_by={filter_by!r} is not a valid filter; valid values are "
            f"{', '.join(repr(f) for f in FILTERS)}."
        )


def _check_rank_by_kwargs(rank_by_kwargs, method):
    if rank_by_kwargs is None:
        rank_by_kwargs = {}
    if not isinstance(rank_by_kwargs, dict):
        raise TypeError(
            f"rank_by_kwargs must be a dict such as {{'adjust_pred_probs': True}}, got "
            f"{type(rank_by_kwargs).__name__}."
        )
    unknown = sorted(set(rank_by_kwargs) - {"adjust_pred_probs"})
    if unknown:
        raise TypeError(
            f"rank_by_kwargs has unknown key(s) {unknown}; the only accepted key is "
            f"'adjust_pred_probs'."
        )
    adjust = rank_by_kwargs.get("adjust_pred_probs", False)
    if not isinstance(adjust, (bool, np.bool_)):
        raise TypeError(f"rank_by_kwargs['adjust_pred_probs']={adjust!r} must be True or False.")
    if adjust and method == "confidence_weighted_entropy":
        raise ValueError(
            "rank_by_kwargs={'adjust_pred_probs': True} is not defined for "
            "return_indices_ranked_by='confidence_weighted_entropy'; use "
            "'self_confidence' or 'normalized_margin', or drop adjust_pred_probs."
        )
    return bool(adjust)


def _check_joint(confident_joint, n_classes):
    """Return the (K, 2, 2) float joint, or None (a (K, K) array is ignored)."""
    if confident_joint is None:
        return None
    J = np.asarray(confident_joint)
    if J.dtype.kind not in "biuf":
        raise TypeError(
            f"confident_joint has dtype {J.dtype}; expected a numeric array of shape "
            f"({n_classes}, 2, 2)."
        )
    if J.shape == (n_classes, 2, 2):
        if not np.isfinite(J).all():
            raise ValueError("confident_joint contains NaN or inf; expected finite counts.")
        return J.astype(np.float64)
    if J.shape == (n_classes, n_classes):
        warnings.warn(
            f"confident_joint has shape {J.shape}, the single-label (K, K) layout; it is "
            f"ignored. Pass a multi-label joint of shape ({n_classes}, 2, 2).",
            UserWarning,
            stacklevel=4,
        )
        return None
    raise ValueError(
        f"confident_joint has shape {J.shape}; expected ({n_classes}, 2, 2) (one 2x2 "
        f"joint [given][true] per class)."
    )


def _check_ntr(num_to_remove_per_class, n_classes):
    if num_to_remove_per_class is None:
        return None
    ntr = np.asarray(num_to_remove_per_class)
    if ntr.ndim != 1 or ntr.dtype.kind not in "iu" and not (
        ntr.dtype.kind == "f" and np.all(np.mod(ntr, 1) == 0)
    ):
        raise TypeError(
            f"num_to_remove_per_class must be a 1-D sequence of integers, one per class; "
            f"got {num_to_remove_per_class!r}."
        )
    if ntr.size < n_classes:
        raise ValueError(
            f"num_to_remove_per_class has {ntr.size} entries but there are {n_classes} "
            f"classes; give one count per class."
        )
    if (ntr < 0).any():
        c = int(np.flatnonzero(ntr < 0)[0])
        raise ValueError(
            f"num_to_remove_per_class[{c}]={ntr[c]!r} is negative; counts must be >= 0."
        )
    return ntr[:n_classes].astype(np.float64)


def _check_n_jobs(n_jobs):
    if n_jobs is not None and (
        isinstance(n_jobs, bool) or not isinstance(n_jobs, Integral) or n_jobs < 1
    ):
        raise ValueError(f"n_jobs={n_jobs!r} is invalid; expected None or an integer >= 1.")


def check_filter_inputs(
    labels,
    pred_probs,
    *,
    return_indices_ranked_by,
    rank_by_kwargs,
    filter_by,
    frac_noise,
    num_to_remove_per_class,
    min_examples_per_class,
    confident_joint,
    n_jobs,
    low_memory,
):
    """Validate every argument of the filter functions once, at the boundary.

    Returns a dict of checked values: ``Y``, ``P``, ``method`` (or None),
    ``adjust``, ``ntr`` (float (K,) or None), ``joint`` (float (K, 2, 2) or None),
    ``frac_noise`` and ``min_examples``.
    """
    _check_filter_by(filter_by)
    P = check_pred_probs(pred_probs)
    Y = check_labels(labels, n_samples=P.shape[0], n_classes=P.shape[1])
    method = None
    if return_indices_ranked_by is not None:
        method = check_method(return_indices_ranked_by, name="return_indices_ranked_by")
    adjust = _check_rank_by_kwargs(rank_by_kwargs, method)
    if isinstance(frac_noise, bool) or not isinstance(frac_noise, Real) or not (
        0 <= frac_noise <= 1
    ):
        raise ValueError(f"frac_noise={frac_noise!r} is invalid; expected a number in [0, 1].")
    if (
        isinstance(min_examples_per_class, bool)
        or not isinstance(min_examples_per_class, Real)
        or min_examples_per_class < 0
        or not np.isfinite(min_examples_per_class)
    ):
        raise ValueError(
            f"min_examples_per_class={min_examples_per_class!r} is invalid; expected a "
            f"number >= 0."
        )
    _check_n_jobs(n_jobs)
    if not isinstance(low_memory, (bool, np.bool_)):
        raise TypeError(f"low_memory={low_memory!r} must be True or False.")
    n_classes = P.shape[1]
    ntr = _check_ntr(num_to_remove_per_class, n_classes)
    joint = _check_joint(confident_joint, n_classes)
    return {
        "Y": Y,
        "P": P,
        "method": method,
        "adjust": adjust,
        "ntr": ntr,
        "joint": joint,
        "confident_joint_given": confident_joint is not None,
        "frac_noise": float(frac_noise),
        "min_examples": float(min_examples_per_class),
    }


def _name_classes(classes, limit=10):
    shown = ", ".join(str(int(c)) for c in classes[:limit])
    more = f" and {len(classes) - limit} more" if len(classes) > limit else ""
    return shown + more


def _raise_one_sided(sizes, which, filter_by):
    """ValueError for classes whose labels have only one side (ValueError of the reference)."""
    bad = np.flatnonzero((sizes == 0).any(axis=1) if which == "any" else sizes[:, 0] == 0)
    if bad.size:
        c = int(bad[0])
        kind = "annotated on every example" if sizes[c, 0] == 0 else "never annotated"
        raise ValueError(
            f"class {c} is {kind}, so its one-vs-rest labels have a single side; "
            f"filter_by={filter_by!r} needs both annotated and unannotated examples in "
            f"every class (offending classes: {_name_classes(bad)})."
        )


# --------------------------------------------------------------------------- counting
def class_sizes(Y, n_samples):
    """Side sizes ``[n0, n1]`` per class, shape (K, 2), int64."""
    n1 = positives_per_class(Y)
    return np.column_stack([n_samples - n1, n1])


def _guesses(p, thresholds):
    """Confident guesses of a block: boolean (guess 0, guess 1), float64 arithmetic."""
    q0 = 1.0 - p
    pass0 = q0 >= thresholds[:, 0] - _GUESS_EPS
    pass1 = p >= thresholds[:, 1] - _GUESS_EPS
    prefer1 = p > q0
    guess1 = pass1 & (~pass0 | prefer1)
    guess0 = pass0 & ~guess1
    return guess0, guess1


def _gate(p, y):
    """True where the model clearly disagrees with the given side (SPEC-filter 1.4)."""
    q0 = 1.0 - p
    return np.where(y, q0 >= p + _GATE_EPS, p > q0 + _GATE_EPS)


def _gate_sparse(flags, p, y):
    """Apply :func:`_gate` in place, evaluating it only where ``flags`` is True."""
    rows, cols = np.nonzero(flags)
    drop = ~_gate(p[rows, cols], y[rows, cols])
    flags[rows[drop], cols[drop]] = False


def _float_block(P, start, stop):
    return np.asarray(P[start:stop], dtype=np.float64)


def raw_joint_and_cl(Y, P, thresholds, *, want_cl):
    """Raw confident joint (K, 2, 2) with the diagonal clipped at 1, and the gated
    confident-learning mask (N, K) if ``want_cl`` (else None)."""
    n_samples, n_classes = P.shape
    R = np.zeros((n_classes, 2, 2), dtype=np.int64)
    cl = np.zeros((n_samples, n_classes), dtype=bool) if want_cl else None
    for start, stop in row_blocks(n_samples, n_classes):
        p = _float_block(P, start, stop)
        y = indicator_block(Y, start, stop)
        g0, g1 = _guesses(p, thresholds)
        R[:, 1, 1] += np.count_nonzero(y & g1, axis=0)
        R[:, 1, 0] += np.count_nonzero(y & g0, axis=0)
        R[:, 0, 1] += np.count_nonzero(~y & g1, axis=0)
        R[:, 0, 0] += np.count_nonzero(~y & g0, axis=0)
        if want_cl:
            cl[start:stop] = np.where(y, g0, g1) & _gate(p, y)
    diag = R[:, [0, 1], [0, 1]]
    R[:, [0, 1], [0, 1]] = np.maximum(diag, 1)
    return R, cl


def calibrate_joint(R, sizes, n_samples):
    """Calibrated confident joint (K, 2, 2) int64 (SPEC-filter 1.3, exact order)."""
    Rf = R.astype(np.float64)
    row = np.maximum(Rf[:, :, 0] + Rf[:, :, 1], 1e-100)
    D = (Rf / row[:, :, None]) * sizes[:, :, None]
    # Column-major total, as the reference sums: it decides values that sit on .5.
    S = ((D[:, 0, 0] + D[:, 1, 0]) + D[:, 0, 1]) + D[:, 1, 1]
    E = (D / np.maximum(S, 1e-100)[:, None, None]) * n_samples
    C = np.rint(E)
    diff = np.rint(E[:, :, 0] + E[:, :, 1]) - (C[:, :, 0] + C[:, :, 1])
    # Restore the rounded row total by moving the entry with the largest rounding
    # loss (adding; ties: entry 1) or the largest rounding gain (subtracting; ties:
    # entry 0). SPEC-filter 1.3 states "entry 1" / "entry 0" unconditionally, which
    # holds for the .5 ties it lists but not for e.g. E row [2.5, 7.499999999999999]:
    # the reference gives [3, 7], not [2, 8].
    loss = E - C
    add_to_1 = loss[:, :, 1] >= loss[:, :, 0]
    take_from_0 = loss[:, :, 0] <= loss[:, :, 1]
    up, down = diff == 1, diff == -1
    C[:, :, 1] += up & add_to_1
    C[:, :, 0] += up & ~add_to_1
    C[:, :, 0] -= down & take_from_0
    C[:, :, 1] -= down & ~take_from_0
    return C.astype(np.int64)


def _budgets(J, sizes, frac_noise, min_examples, ntr):
    """Per class and side: number to flag for prune_by_class and prune_by_noise_rate."""
    keep = np.empty((J.shape[0], 2))
    move = np.empty((J.shape[0], 2))
    for k in (0, 1):  # the two sides, not the classes
        d, o = J[:, k, k], J[:, k, 1 - k]
        d1 = np.maximum(d, min_examples)
        o1 = np.maximum(o - (d1 - d), 0)
        o2 = o1 * frac_noise
        d2 = d1 + (o1 - o2)
        keep[:, k] = np.trunc(d2)
        move[:, k] = np.trunc(o2)
    if ntr is not None:
        # The reference normalises [r, 0] by the noise estimate; a 0 estimate (or an
        # empty kept/moved total) gives 0/0, which silently means "remove none".
        some = (move[:, 1] > 0) & (keep[:, 1] + move[:, 0] != 0)
        keep[:, 0] = sizes[:, 0] - ntr
        keep[:, 1] = sizes[:, 1]
        move[:, 0] = 0
        move[:, 1] = np.where(some, ntr, 0)
    by_class = np.maximum(sizes - keep, 0)
    by_noise = np.maximum(move, 0)
    return by_class, by_noise


def _small_side_guard(sizes, min_examples, passes):
    """Sides the prune rules never flag; warns (naming class and side) once per pass."""
    too_small = sizes <= min_examples
    blocked = too_small | (sizes == 1)
    if too_small.any():
        parts = []
        for side in (0, 1):
            cls = np.flatnonzero(too_small[:, side])
            if cls.size:
                parts.append(
                    f"side '{_SIDE_NAMES[side]}' (label {side}) of class(es) "
                    f"{_name_classes(cls)}"
                )
        for _ in range(passes):
            warnings.warn(
                f"May not flag all label issues: too few examples (at most "
                f"min_examples_per_class={min_examples:g}) in " + "; ".join(parts)
                + "; no issue is flagged there.",
                UserWarning,
                stacklevel=5,
            )
    return blocked


# Classes are processed in chunks of about this many values: each (chunk, N) float64
# temporary is then ~4 MB, few enough chunks that the per-chunk overhead vanishes.
_CLASS_CHUNK_ELEMENTS = 2**19


def _class_chunks(n_samples, n_classes):
    step = max(1, _CLASS_CHUNK_ELEMENTS // max(n_samples, 1))
    return [(c, min(c + step, n_classes)) for c in range(0, n_classes, step)]


def _column_source(Y):
    """Labels in a form whose column slices are cheap (CSC for sparse labels)."""
    return Y.tocsc() if sp.issparse(Y) else Y


def _columns(Y, P, c0, c1):
    """Class-major (chunk, N) float64 probabilities and bool labels of classes c0:c1.

    ``Y`` should come from :func:`_column_source`.
    """
    p = np.array(P[:, c0:c1].T, dtype=np.float64, order="C")
    if sp.issparse(Y):
        y = Y[:, c0:c1].toarray().T
    else:
        y = np.asarray(Y[:, c0:c1]).T
    return p, np.ascontiguousarray(y, dtype=bool)


def flag_smallest(key, members, u):
    """Per row r of ``key`` (k, N): flag the ``u[r]`` members with the smallest key.

    Ties are broken by ascending column (example) index, i.e. a stable order. If
    ``u[r]`` is at least the number of members, all members are flagged.
    """
    n_rows, n = key.shape
    out = np.zeros(key.shape, dtype=bool)
    rows = np.flatnonzero(u > 0)
    if rows.size == 0 or n == 0:
        return out
    key = np.where(members[rows], key[rows], np.inf)
    uc = np.minimum(u[rows], n).astype(np.intp)
    kth = np.sort(key, axis=1)[np.arange(rows.size), uc - 1]
    below = key < kth[:, None]
    equal = key == kth[:, None]
    need = uc - np.count_nonzero(below, axis=1)
    tied = np.flatnonzero(np.count_nonzero(equal, axis=1) > need)
    if tied.size:
        equal[tied] &= np.cumsum(equal[tied], axis=1) <= need[tied, None]
    out[rows] = (below | equal) & members[rows]
    return out


# --------------------------------------------------------------------------- masks
def _prune_mask(Y, P, filter_by, by_class, by_noise):
    n_samples, n_classes = P.shape
    # Built class-major (contiguous chunks); the (N, K) result is its transpose.
    mask = np.empty((n_classes, n_samples), dtype=bool)
    Y = _column_source(Y)
    for c0, c1 in _class_chunks(n_samples, n_classes):
        p, y = _columns(Y, P, c0, c1)
        # Side 1: smallest p first; side 0: largest p first (both keys: q of the side).
        flags = {}
        for name, budget in (("prune_by_class", by_class), ("prune_by_noise_rate", by_noise)):
            if filter_by in (name, "both"):
                flags[name] = flag_smallest(p, y, budget[c0:c1, 1]) | flag_smallest(
                    -p, ~y, budget[c0:c1, 0]
                )
        chunk = flags.popitem()[1]
        if flags:
            chunk &= flags.popitem()[1]
        _gate_sparse(chunk, p, y)
        mask[c0:c1] = chunk
    return mask.T


def _elementwise_mask(Y, P, rule):
    n_samples, n_classes = P.shape
    mask = np.empty((n_samples, n_classes), dtype=bool)
    for start, stop in row_blocks(n_samples, n_classes):
        p = _float_block(P, start, stop)
        y = indicator_block(Y, start, stop)
        mask[start:stop] = rule(p, y) & _gate(p, y)
    return mask


def _predicted_neq_given(p, y):
    return (p > 1.0 - p) != y


def _lowest_scores_mask(Y, P, counts, method):
    """Per class c flag the ``counts[c]`` examples with the lowest binary score."""
    n_samples, n_classes = P.shape
    mask = np.empty((n_classes, n_samples), dtype=bool)
    Y = _column_source(Y)
    for c0, c1 in _class_chunks(n_samples, n_classes):
        p, y = _columns(Y, P, c0, c1)
        scores = class_scores_block(p, y, method)
        mask[c0:c1] = flag_smallest(scores, np.ones_like(y), counts[c0:c1])
    return mask.T


def _low_memory_mask(Y, P, method):
    """The reference's batched estimator (SPEC-filter 3.4)."""
    n_samples, n_classes = P.shape
    sizes = class_sizes(Y, n_samples)
    thresholds = confident_thresholds(Y, P)
    thresholds[sizes == 0] = _LOW_MEMORY_EMPTY_SIDE
    counts = np.zeros(n_classes, dtype=np.int64)
    for start, stop in row_blocks(n_samples, n_classes):
        p = _float_block(P, start, stop)
        y = indicator_block(Y, start, stop)
        pred1 = p > 1.0 - p
        confident = np.where(
            pred1, p >= thresholds[:, 1] - _GUESS_EPS, 1.0 - p >= thresholds[:, 0] - _GUESS_EPS
        )
        counts += np.count_nonzero((pred1 != y) & confident, axis=0)
    mask = _lowest_scores_mask(Y, P, counts, method)
    for start, stop in row_blocks(n_samples, n_classes):
        _gate_sparse(mask[start:stop], _float_block(P, start, stop),
                     indicator_block(Y, start, stop))
    return mask


def issue_mask(Y, P, filter_by, *, frac_noise=1.0, ntr=None, min_examples=1.0, joint=None,
               low_memory=False, low_memory_method=None):
    """The (N, K) boolean mask of flagged class annotations (SPEC-filter 1 and 2).

    ``joint`` is a checked (K, 2, 2) float array or None; inputs must be validated.
    """
    n_samples, n_classes = P.shape
    if low_memory:
        return _low_memory_mask(Y, P, low_memory_method or "self_confidence")
    sizes = class_sizes(Y, n_samples)
    all_positive = np.flatnonzero(sizes[:, 0] == 0)
    if all_positive.size:
        c = int(all_positive[0])
        raise ValueError(
            f"class {c} is annotated on every example, so its one-vs-rest labels have a "
            f"single side and no label issue can be estimated for it (offending classes: "
            f"{_name_classes(all_positive)}); drop such classes first."
        )
    if filter_by in ("predicted_neq_given",) + LOW_FILTERS:
        _raise_one_sided(sizes, "any", filter_by)
    if filter_by == "predicted_neq_given":
        return _elementwise_mask(Y, P, _predicted_neq_given)
    thresholds = confident_thresholds(Y, P)
    want_cl = filter_by not in PRUNE_FILTERS
    R, cl = raw_joint_and_cl(Y, P, thresholds, want_cl=want_cl)
    if filter_by == "confident_learning":
        return cl
    if filter_by in LOW_FILTERS:
        method = "self_confidence" if filter_by == "low_self_confidence" else "normalized_margin"
        return _lowest_scores_mask(Y, P, np.count_nonzero(cl, axis=0), method)
    J = calibrate_joint(R, sizes, n_samples) if joint is None else joint
    by_class, by_noise = _budgets(J.astype(np.float64), sizes, frac_noise, min_examples, ntr)
    blocked = _small_side_guard(sizes, min_examples, 2 if filter_by == "both" else 1)
    by_class[blocked] = 0
    by_noise[blocked] = 0
    return _prune_mask(Y, P, filter_by, by_class, by_noise)


# --------------------------------------------------------------------------- ranking
def ranking_scores(Y, P, method, adjust, *, per_class):
    """Scores used to rank issues, from the rank core (never a second formula)."""
    thresholds = confident_thresholds(Y, P) if adjust else None
    aggregate = None if per_class else resolve_aggregator(_RANK_AGGREGATOR)
    return score_blocks(Y, P, method, thresholds, aggregate)


def check_aggregate_rankable(Y, n_classes, what):
    """The aggregate ranking needs K >= 2 and both 0 and 1 in the label matrix."""
    if n_classes < 2:
        raise ValueError(
            f"{what} ranks examples by an aggregate over classes, which needs at least 2 "
            f"classes; pred_probs has {n_classes} column. Use "
            f"find_multilabel_issues_per_class for a single class."
        )
    n_pos = int(positives_per_class(Y).sum())
    if n_pos == 0 or n_pos == Y.shape[0] * n_classes:
        state = "no annotations at all" if n_pos == 0 else "every class on every example"
        raise ValueError(
            f"{what} needs labels containing both annotated and unannotated classes; the "
            f"labels contain {state}."
        )


def ranked_label_issues(indices, scores):
    """``indices`` sorted by ascending ``scores[indices]``, ties by index (stable)."""
    indices = np.asarray(indices, dtype=np.int64)
    return indices[np.argsort(scores[indices], kind="stable")]


def ranked_per_class(mask, scores):
    """Per class, flagged indices sorted by ascending per-class score (stable)."""
    cls, idx = np.nonzero(mask.T)
    order = np.lexsort((idx, scores[idx, cls], cls))
    counts = np.bincount(cls, minlength=mask.shape[1])
    return np.split(idx[order].astype(np.int64), np.cumsum(counts)[:-1])


# --------------------------------------------------------------------------- public API
_SHARED_DOC = """labels : list of lists of int, array-like of shape (n_samples, n_classes) or \
sparse matrix
        The given annotations: for each example the list of class indices that apply
        (``[[1], [0, 2], []]``), or a 0/1 indicator array, dense or scipy.sparse.
    pred_probs : array-like of shape (n_samples, n_classes)
        Out-of-sample predicted probability that each class applies; K is its number
        of columns.
    return_indices_ranked_by : {{None, "self_confidence", "normalized_margin", \
"confidence_weighted_entropy"}}, default=None
        None returns a boolean mask; a scoring method returns flagged indices ranked
        by that score, worst first.
    rank_by_kwargs : dict, default={{}}
        Options of the ranking score; the only key is ``"adjust_pred_probs"``.
    filter_by : {{"prune_by_noise_rate", "prune_by_class", "both", \
"confident_learning", "predicted_neq_given", "low_self_confidence", \
"low_normalized_margin"}}, default="prune_by_noise_rate"
        How each class's issues are selected (see Notes).
    frac_noise : float, default=1.0
        Fraction of each estimated noise count to flag (prune rules only).
    num_to_remove_per_class : sequence of int, default=None
        Number of issues to flag per class (prune rules only; see Notes).
    min_examples_per_class : int, default=1
        Keep at least this many examples on each side of each class (prune rules).
    confident_joint : ndarray of shape (n_classes, 2, 2), default=None
        Per-class ``[given][true]`` counts to use instead of the estimated ones
        (prune rules only).
    n_jobs : int, default=None
        Accepted for compatibility (None or >= 1); the computation is vectorised and
        the result never depends on it.
    verbose : bool, default=False
        Print the number of flagged annotations.
    low_memory : bool, default=False
        Use the batched estimator (see Notes); most other options are then unused."""


def _warn_unused(name, reason):
    warnings.warn(f"`{name}` is not used {reason}.", UserWarning, stacklevel=4)


def _per_class_mask(checked, filter_by, *, low_memory, n_jobs, min_examples_per_class,
                    from_find_label_issues):
    """Warnings for unused options, then :func:`issue_mask`."""
    c = checked
    if low_memory:
        defaults = (
            ("filter_by", filter_by != "prune_by_noise_rate"),
            ("frac_noise", c["frac_noise"] != 1.0),
            ("num_to_remove_per_class", c["ntr"] is not None),
            ("min_examples_per_class", min_examples_per_class != 1),
            ("n_jobs", n_jobs is not None),
        )
        for name, changed in defaults:
            if changed:
                _warn_unused(name, "when `low_memory=True`")
        if c["confident_joint_given"]:
            if from_find_label_issues:
                raise ValueError(
                    "confident_joint cannot be used with low_memory=True; the batched "
                    "estimator computes its own counts. Pass confident_joint=None."
                )
            _warn_unused("confident_joint", "when `low_memory=True`")
        return issue_mask(c["Y"], c["P"], filter_by, low_memory=True,
                          low_memory_method=c["method"])
    if filter_by not in PRUNE_FILTERS:
        if c["ntr"] is not None:
            raise ValueError(
                f"num_to_remove_per_class is only used by the prune rules "
                f"{PRUNE_FILTERS}; it cannot be combined with filter_by={filter_by!r}."
            )
        if c["frac_noise"] != 1.0:
            _warn_unused("frac_noise", f"with filter_by={filter_by!r}")
        if filter_by == "confident_learning" and c["confident_joint_given"]:
            warnings.warn(
                "confident_joint is ignored with filter_by='confident_learning', which "
                "counts confident guesses directly.",
                UserWarning,
                stacklevel=3,
            )
    return issue_mask(
        c["Y"], c["P"], filter_by, frac_noise=c["frac_noise"], ntr=c["ntr"],
        min_examples=c["min_examples"], joint=c["joint"],
    )


def find_multilabel_issues_per_class(
    labels,
    pred_probs,
    *,
    return_indices_ranked_by=None,
    rank_by_kwargs={},
    filter_by="prune_by_noise_rate",
    frac_noise=1.0,
    num_to_remove_per_class=None,
    min_examples_per_class=1,
    confident_joint=None,
    n_jobs=None,
    verbose=False,
    low_memory=False,
):
    """Find which class annotations look wrong, class by class.

    Each class is treated as a one-vs-rest binary problem (annotated or not) and
    confident learning estimates, per class, which annotations disagree with the
    model's confident predictions. All classes are processed at once.

    Parameters
    ----------
    {shared}

    Returns
    -------
    label_issues : ndarray of shape (n_samples, n_classes), dtype bool
        If ``return_indices_ranked_by`` is None: ``[i, c]`` is True if class c looks
        wrongly annotated (missing or superfluous) on example i.
    (ranked_indices, labels_per_class, pred_probs_per_class) : tuple of three lists
        Otherwise, three lists of length K: the int64 indices of the flagged examples
        of each class, worst first by the per-class score; the int64 0/1 given side
        of each class, shape (n_samples,); and ``[1 - p, p]`` of each class, shape
        (n_samples, 2).

    See Also
    --------
    find_label_issues : One flag (or ranking) per example.
    skmlq.rank.get_label_quality_scores_per_class : The per-class scores.

    Notes
    -----
    ``prune_by_noise_rate`` flags, on each side of a class, as many examples as the
    calibrated confident joint counts as mislabeled from that side, those the model
    most disagrees with; ``prune_by_class`` flags the side's size minus its
    estimated correct count; ``both`` requires both; ``confident_learning`` flags
    examples whose confident guess differs from the annotation;
    ``predicted_neq_given`` those whose more probable side differs; ``low_*`` flag
    as many examples per class as ``confident_learning`` would, with the lowest
    scores. Every rule except ``low_*`` keeps a flag only where the model prefers
    the other side by more than 1e-6. ``num_to_remove_per_class[c] = r`` flags r
    unannotated examples with the highest probability (``prune_by_class``) or r
    annotated examples with the lowest (``prune_by_noise_rate``), so ``both`` flags
    nothing. With ``low_memory=True`` a batched estimator counts, per class, the
    confidently mispredicted examples and flags that many lowest-scoring ones.

    The reference (cleanlab) returns the ranked lists of the ``low_memory`` path in
    index order; skmlq ranks them like every other path. A class annotated on every
    example raises ValueError, as do ``predicted_neq_given`` and ``low_*`` on a
    class that is never annotated. Sorting is stable: ties go to the lower index.

    Examples
    --------
    >>> from skmlq.filter import find_multilabel_issues_per_class
    >>> labels = [[0, 1], [1], [0], [1], [], [0, 1], [1], [0]]
    >>> pred_probs = [[0.9, 0.8], [0.1, 0.7], [0.8, 0.2], [0.2, 0.9], [0.3, 0.2],
    ...               [0.7, 0.6], [0.9, 0.3], [0.6, 0.1]]
    >>> find_multilabel_issues_per_class(labels, pred_probs)
    array([[False, False],
           [False, False],
           [False, False],
           [False, False],
           [False, False],
           [False, False],
           [ True, False],
           [False, False]])
    >>> ranked, given, probs = find_multilabel_issues_per_class(
    ...     labels, pred_probs, return_indices_ranked_by="self_confidence")
    >>> ranked
    [array([6]), array([], dtype=int64)]
    """
    checked = check_filter_inputs(
        labels, pred_probs, return_indices_ranked_by=return_indices_ranked_by,
        rank_by_kwargs=rank_by_kwargs, filter_by=filter_by, frac_noise=frac_noise,
        num_to_remove_per_class=num_to_remove_per_class,
        min_examples_per_class=min_examples_per_class, confident_joint=confident_joint,
        n_jobs=n_jobs, low_memory=low_memory,
    )
    mask = _per_class_mask(
        checked, filter_by, low_memory=low_memory, n_jobs=n_jobs,
        min_examples_per_class=min_examples_per_class,
        from_find_label_issues=False,
    )
    if verbose:
        print(f"Flagged {int(mask.sum())} class annotations on {int(mask.any(1).sum())} "
              f"of {mask.shape[0]} examples ({filter_by}).")
    if checked["method"] is None:
        return mask
    Y, P = checked["Y"], checked["P"]
    scores = ranking_scores(Y, P, checked["method"], checked["adjust"], per_class=True)
    ranked = ranked_per_class(mask, scores)
    given, probs = [], []
    Y = _column_source(Y)
    for start, stop in _class_chunks(P.shape[0], P.shape[1]):
        p, y = _columns(Y, P, start, stop)
        given.extend(y.astype(np.int64))
        probs.extend(np.stack([1.0 - p, p], axis=2))
    return ranked, given, probs


def _low_filter_issues(checked, filter_by):
    """find_label_issues with low_self_confidence / low_normalized_margin (3.3)."""
    Y, P = checked["Y"], checked["P"]
    check_aggregate_rankable(Y, P.shape[1], f"filter_by={filter_by!r}")
    if checked["confident_joint_given"]:
        warnings.warn(
            "confident_joint is ignored with filter_by='confident_learning', which "
            "counts confident guesses directly.",
            UserWarning,
            stacklevel=3,
        )
    n_flag = int(issue_mask(Y, P, "confident_learning").any(axis=1).sum())
    scores = ranking_scores(Y, P, "self_confidence", False, per_class=False)
    order = np.argsort(scores, kind="stable")
    mask = np.zeros(P.shape[0], dtype=bool)
    mask[order[:n_flag]] = True
    return mask


def find_label_issues(
    labels,
    pred_probs,
    *,
    return_indices_ranked_by=None,
    rank_by_kwargs={},
    filter_by="prune_by_noise_rate",
    frac_noise=1.0,
    num_to_remove_per_class=None,
    min_examples_per_class=1,
    confident_joint=None,
    n_jobs=None,
    verbose=False,
    low_memory=False,
):
    """Find the examples whose set of annotations looks wrong.

    An example is flagged if any of its class annotations is flagged by
    :func:`find_multilabel_issues_per_class` (a missing class or a superfluous one).

    Parameters
    ----------
    {shared}

    Returns
    -------
    label_issues : ndarray of shape (n_samples,), dtype bool
        If ``return_indices_ranked_by`` is None: True for flagged examples.
    ranked_label_issues : ndarray of shape (n_issues,), dtype int64
        Otherwise the indices of the flagged examples sorted by their label quality
        score (the chosen method, aggregated over classes by an exponential moving
        average with alpha=0.8), worst first.

    See Also
    --------
    find_multilabel_issues_per_class : Which class of each example is suspect.
    skmlq.rank.get_label_quality_scores : The aggregated score used for ranking.

    Notes
    -----
    With ``filter_by="low_self_confidence"`` or ``"low_normalized_margin"`` (both
    identical here, as in the reference) the number of examples flagged by
    ``"confident_learning"`` is counted and that many examples with the lowest
    aggregated self-confidence are flagged. A ranked result then sorts them by the
    ranking score (the reference returns a scrambled order). Ranking needs at least
    two classes and labels with both annotated and unannotated entries.

    Examples
    --------
    >>> from skmlq.filter import find_label_issues
    >>> labels = [[0, 1], [1], [0], [1], [], [0, 1], [1], [0]]
    >>> pred_probs = [[0.9, 0.8], [0.1, 0.7], [0.8, 0.2], [0.2, 0.9], [0.3, 0.2],
    ...               [0.7, 0.6], [0.9, 0.3], [0.6, 0.1]]
    >>> find_label_issues(labels, pred_probs)
    array([False, False, False, False, False, False,  True, False])
    >>> find_label_issues(labels, pred_probs, return_indices_ranked_by="self_confidence")
    array([6])
    """
    checked = check_filter_inputs(
        labels, pred_probs, return_indices_ranked_by=return_indices_ranked_by,
        rank_by_kwargs=rank_by_kwargs, filter_by=filter_by, frac_noise=frac_noise,
        num_to_remove_per_class=num_to_remove_per_class,
        min_examples_per_class=min_examples_per_class, confident_joint=confident_joint,
        n_jobs=n_jobs, low_memory=low_memory,
    )
    Y, P, method = checked["Y"], checked["P"], checked["method"]
    if filter_by in LOW_FILTERS and not low_memory:
        mask = _low_filter_issues(checked, filter_by)
    else:
        mask = _per_class_mask(
            checked, filter_by, low_memory=low_memory, n_jobs=n_jobs,
            min_examples_per_class=min_examples_per_class,
            from_find_label_issues=True,
        ).any(axis=1)
        if method is not None:
            check_aggregate_rankable(Y, P.shape[1], "return_indices_ranked_by")
    if verbose:
        print(f"Flagged {int(mask.sum())} of {mask.shape[0]} examples ({filter_by}).")
    if method is None:
        return mask
    scores = ranking_scores(Y, P, method, checked["adjust"], per_class=False)
    return ranked_label_issues(np.flatnonzero(mask), scores)


for _func in (find_multilabel_issues_per_class, find_label_issues):
    _func.__doc__ = _func.__doc__.format(shared=_SHARED_DOC)
del _func
