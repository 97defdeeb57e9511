"""Confident learning for multi-label data, vectorised across classes: the counting core.

Every class c is a two-sided binary problem: the *given* side (column 1 of every
(K, 2) array) holds the examples annotated with c, the *absent* side (column 0)
the others, and ``p = pred_probs[:, c]``. The reference runs one binary pass per
class in Python; here every per-class quantity is a (K,) or (K, 2, 2) array and
every selection ("flag the u members of side k with the smallest key") is done for
a chunk of classes at once with one sort per side.

The functions trust their inputs: ``skmlq.filter._api`` validates every argument
once, at the boundary. The rules that reproduce the reference to the last
example (tolerances, rounding order, budgets) are stated with worked examples in
docs/architecture.rst, "Reference parity"; the comments below cite them as F1...F7.
"""

import numpy as np
import scipy.sparse as sp

from ..utils._blocks import iter_blocks, nonzero_2d, row_blocks
from ..utils._defaults import DEFAULT_METHOD, RANKING_AGGREGATOR_KWARGS
from ..utils._errors import InputValueError
from ..utils._labels import indicator_block, positives_per_class
from ..utils._sparse import FilledSparseMatrix
from ..utils._warnings import warn
from ._aggregation import resolve_aggregator
from ._driver import score_blocks
from ._scoring import class_scores_block
from ._sparse_union import sparse_blocks, union_block
from ._thresholds import confident_thresholds

__all__ = [
    "FILTERS",
    "LOW_FILTERS",
    "PRUNE_FILTERS",
    "SIDE_NAMES",
    "calibrate_joint",
    "class_sizes",
    "column_source",
    "columns",
    "class_chunks",
    "flag_smallest",
    "flagged_rows",
    "issue_mask",
    "low_filter_class_mask",
    "low_filter_example_mask",
    "name_classes",
    "ranked_label_issues",
    "raw_joint_and_cl",
    "ranked_per_class",
    "ranking_scores",
]

PRUNE_FILTERS = ("prune_by_class", "prune_by_noise_rate", "both")
LOW_FILTERS = ("low_self_confidence", "low_normalized_margin")
FILTERS = PRUNE_FILTERS + ("confident_learning", "predicted_neq_given") + LOW_FILTERS

# Tolerances of the confident guess and of the disagreement gate (rules F1, F2).
_GUESS_EPS = 1e-6
_GATE_EPS = 1e-6
# Threshold of an empty side in the low_memory estimator (rule F7).
_LOW_MEMORY_EMPTY_SIDE = 2e-6
#: Names of the two sides, indexed like column 0 / column 1 of every (K, 2) array.
SIDE_NAMES = ("absent", "given")
# The small-side warning has always named the given side 'present'; its text is
# kept so that code filtering on it keeps working.
_WARNING_SIDE_NAMES = ("absent", "present")


def name_classes(classes, limit=10):
    shown = ", ".join(str(int(c)) for c in classes[:limit])
    more = f" and {len(classes) - limit} more" if len(classes) > limit else ""
    return shown + more


def _raise_one_sided(sizes, which, filter_by):
    """ValueError for classes whose labels have only one side (ValueError of the reference)."""
    bad = np.flatnonzero((sizes == 0).any(axis=1) if which == "any" else sizes[:, 0] == 0)
    if bad.size:
        c = int(bad[0])
        kind = "annotated on every example" if sizes[c, 0] == 0 else "never annotated"
        raise InputValueError(
            f"class {c} is {kind}, so its one-vs-rest labels have a single side; "
            f"filter_by={filter_by!r} needs both annotated and unannotated examples in "
            f"every class (offending classes: {name_classes(bad)})."
        )


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
    """True where the model clearly disagrees with the given side (rule F2)."""
    q0 = 1.0 - p
    return np.where(y, q0 >= p + _GATE_EPS, p > q0 + _GATE_EPS)


def _gate_sparse(flags, p, y):
    """Apply :func:`_gate` in place, evaluating it only where ``flags`` is True."""
    rows, cols = nonzero_2d(flags)
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
    """Calibrated confident joint (K, 2, 2) int64, in the reference's order (rule F3)."""
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
    # entry 0); rule F3 has the worked example E row [2.5, 7.499999999999999],
    # which the reference rounds to [3, 7], not [2, 8].
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
                    f"side '{_WARNING_SIDE_NAMES[side]}' (label {side}) of class(es) "
                    f"{name_classes(cls)}"
                )
        for _ in range(passes):
            warn(
                f"May not flag all label issues: too few examples (at most "
                f"min_examples_per_class={min_examples:g}) in " + "; ".join(parts)
                + "; no issue is flagged there."
            )
    return blocked


# Classes are processed in chunks of about this many values: each (chunk, N) float64
# temporary is then ~4 MB, few enough chunks that the per-chunk overhead vanishes.
_CLASS_CHUNK_ELEMENTS = 2**19


def class_chunks(n_samples, n_classes):
    step = max(1, _CLASS_CHUNK_ELEMENTS // max(n_samples, 1))
    return [(c, min(c + step, n_classes)) for c in range(0, n_classes, step)]


def column_source(Y):
    """Labels in a form whose column slices are cheap (CSC for sparse labels)."""
    return Y.tocsc() if sp.issparse(Y) else Y


def columns(Y, P, c0, c1):
    """Class-major (chunk, N) float64 probabilities and bool labels of classes c0:c1.

    ``Y`` should come from :func:`_column_source`.
    """
    p = np.array(P[:, c0:c1].T, dtype=np.float64, order="C")
    if sp.issparse(Y):
        y = Y[:, c0:c1].toarray().T
    else:
        y = np.asarray(Y[:, c0:c1]).T
    return p, np.ascontiguousarray(y, dtype=bool)


def _kth_smallest(key, u):
    """Per row r of ``key`` (k, N), its ``u[r]``-th smallest value (``1 <= u[r] <= N``).

    The budgets are usually a small part of the row, so one partition at the
    largest budget puts the ``max(u)`` smallest values of every row first, and only
    those are sorted: O(N) per row instead of the O(N log N) of a full sort, with
    the same values.
    """
    m = int(u.max())
    if 4 * m >= key.shape[1]:
        head = np.sort(key, axis=1)
    else:
        head = np.sort(np.partition(key, m - 1, axis=1)[:, :m], axis=1)
    return head[np.arange(key.shape[0]), u - 1]


def _flag_smallest_few(key, members, u, rows, out):
    """:func:`flag_smallest` when few entries are members: one sort of the members."""
    r, c = nonzero_2d(members[rows])
    order = np.lexsort((c, key[rows[r], c], r))  # by row, then key, then example
    r, c = r[order], c[order]
    rank = np.arange(r.size) - np.searchsorted(r, r)  # position within its row
    keep = rank < u[rows[r]]
    out[rows[r[keep]], c[keep]] = True
    return out


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
    n_members = np.count_nonzero(members[rows])
    if 8 * n_members < rows.size * n:
        return _flag_smallest_few(key, members, u, rows, out)
    key = np.where(members[rows], key[rows], np.inf)
    uc = np.minimum(u[rows], n).astype(np.intp)
    kth = _kth_smallest(key, uc)
    below = key < kth[:, None]
    equal = key == kth[:, None]
    need = uc - np.count_nonzero(below, axis=1)
    tied = np.flatnonzero(np.count_nonzero(equal, axis=1) > need)
    if tied.size:
        equal[tied] &= np.cumsum(equal[tied], axis=1) <= need[tied, None]
    out[rows] = (below | equal) & members[rows]
    return out


# --------------------------------------------------------------------------- masks
def _gated_candidates(Y, P, limit):
    """Row-major ``(rows, cols, p, y)`` of the annotations the gate (rule F2) passes,
    or None if there are more than ``limit``."""
    n_samples, n_classes = P.shape
    parts, total = [], 0
    for start, stop in row_blocks(n_samples, n_classes):
        p = _float_block(P, start, stop)
        y = indicator_block(Y, start, stop)
        r, c = nonzero_2d(_gate(p, y))
        total += r.size
        if total > limit:
            return None
        parts.append((r + start, c, p[r, c], y[r, c]))
    if not parts:
        return None
    return [np.concatenate(a) for a in zip(*parts)]


def _prune_mask(Y, P, filter_by, by_class, by_noise, sparse=False):
    n_samples, n_classes = P.shape
    # Flag where the model disagrees: usually few annotations. Then the selection
    # is one sort of those candidates instead of a pass over every class's column.
    found = _gated_candidates(Y, P, (n_samples * n_classes) // 8)
    if found is not None:
        return _prune_mask_few(filter_by, by_class, by_noise, *found, P.shape, sparse=sparse)
    # Built class-major (contiguous chunks); the (N, K) result is its transpose.
    mask = np.empty((n_classes, n_samples), dtype=bool)
    Y = column_source(Y)
    for c0, c1 in class_chunks(n_samples, n_classes):
        p, y = columns(Y, P, c0, c1)
        # Side 1: smallest p first; side 0: largest p first (both keys: q of the side).
        # The gate (rule F2) passes, on each side, the members with the smallest
        # keys (a threshold on p), so "the u smallest, then gated" is "the u
        # smallest of the gated members": gating first leaves few candidates.
        gate = _gate(p, y)
        given, absent = y & gate, gate
        absent &= ~y
        flags = {}
        for name, budget in (("prune_by_class", by_class), ("prune_by_noise_rate", by_noise)):
            if filter_by in (name, "both"):
                flags[name] = flag_smallest(p, given, budget[c0:c1, 1]) | flag_smallest(
                    -p, absent, budget[c0:c1, 0]
                )
        chunk = flags.popitem()[1]
        if flags:
            chunk &= flags.popitem()[1]
        mask[c0:c1] = chunk
    return sp.csr_matrix(mask.T) if sparse else mask.T


def _prune_mask_few(filter_by, by_class, by_noise, rows, cols, p, y, shape, sparse=False):
    """:func:`_prune_mask` from the gated candidates.

    Per class and side, the flags are the ``u`` candidates with the smallest key
    (``p`` on the given side, ``-p`` on the absent side; ties to the lower
    example), as in :func:`flag_smallest`; ``both`` needs both budgets, and the
    two selections are prefixes of the same order, so it keeps the shorter one.
    """
    side = y.astype(np.intp)
    key = np.where(y, p, -p)
    order = np.lexsort((rows, key, side, cols))
    group = cols[order] * 2 + side[order]  # (class, side), sorted
    rank = np.arange(group.size) - np.searchsorted(group, group)
    if filter_by == "prune_by_class":
        budget = by_class
    elif filter_by == "prune_by_noise_rate":
        budget = by_noise
    else:
        budget = np.minimum(by_class, by_noise)
    keep = rank < budget.reshape(-1)[group]
    if sparse:
        return _sparse_mask(rows[order[keep]], cols[order[keep]], shape)
    mask = np.zeros(shape, dtype=bool)
    mask[rows[order[keep]], cols[order[keep]]] = True
    return mask


def _sparse_mask(rows, cols, shape):
    """A boolean CSR mask with True at ``(rows, cols)`` (distinct entries)."""
    mask = sp.csr_matrix((np.ones(rows.size, dtype=bool), (rows, cols)), shape=shape)
    mask.sort_indices()
    return mask


def flagged_rows(mask):
    """Per example, whether any class annotation of it is flagged: (N,) bool."""
    if sp.issparse(mask):
        return np.diff(mask.indptr) > 0  # only True entries are stored
    return mask.any(axis=1)


def _sparse_pass(Y, P, thresholds):
    """One pass over the explicit entries of sparse ``(Y, P)``.

    Returns ``(R, entries)``: the raw confident joint of :func:`raw_joint_and_cl`
    (implicit entries counted once per class: ``p = fill[k]``, ``y = 0``) if
    ``thresholds`` is given, else None; and the explicit entries the gate (rule F2)
    passes, ``(rows, cols, p, y, cl)`` with ``cl`` the confident-learning flags
    (None without thresholds). With fill values at most 0.5 (checked by the
    filter), no implicit entry passes the gate: an unlisted class is never flagged.
    """
    n_samples, n_classes = P.shape

    def block(start, stop):
        indptr, cols, p, y = union_block(P, Y, start, stop)
        p = p.astype(np.float64)
        rows = np.repeat(np.arange(start, stop, dtype=np.int64), np.diff(indptr))
        gate = _gate(p, y)
        counts = None
        cl = None
        if thresholds is not None:
            g0, g1 = _guesses(p, thresholds[cols])
            counts = [np.bincount(cols[side & guess], minlength=n_classes)
                      for side, guess in ((y, g1), (y, g0), (~y, g1), (~y, g0))]
            counts.append(np.bincount(cols, minlength=n_classes))
            cl = np.where(y, g0, g1)[gate]
        return counts, (rows[gate], cols[gate], p[gate], y[gate], cl)

    R = np.zeros((n_classes, 2, 2), dtype=np.int64)
    explicit = np.zeros(n_classes, dtype=np.int64)
    parts = []
    # Per-class counts are added as the blocks come (only a few (K,) arrays alive).
    for counts, gated in iter_blocks(block, sparse_blocks(P, Y)):
        parts.append(gated)
        if counts is not None:
            R[:, 1, 1] += counts[0]
            R[:, 1, 0] += counts[1]
            R[:, 0, 1] += counts[2]
            R[:, 0, 0] += counts[3]
            explicit += counts[4]
    entries = [np.concatenate([part[i] for part in parts]) if parts else np.zeros(0)
               for i in range(4)]
    entries[0] = entries[0].astype(np.int64)
    entries[1] = entries[1].astype(np.int64)
    entries[3] = entries[3].astype(bool)
    if thresholds is None:
        return None, (*entries, None)
    cl = np.concatenate([part[4] for part in parts]) if parts else np.zeros(0, bool)
    implicit = n_samples - explicit
    g0, g1 = _guesses(P.fill.astype(P.dtype).astype(np.float64), thresholds)
    R[:, 0, 1] += implicit * g1
    R[:, 0, 0] += implicit * g0
    diag = R[:, [0, 1], [0, 1]]
    R[:, [0, 1], [0, 1]] = np.maximum(diag, 1)
    return R, (*entries, cl.astype(bool))


def _sparse_issue_mask(Y, P, filter_by, frac_noise, ntr, min_examples, joint, thresholds,
                       sizes):
    """:func:`issue_mask` of sparse predictions in O(nnz): a boolean CSR mask."""
    shape = P.shape
    if filter_by in LOW_FILTERS:
        raise InputValueError(
            f"filter_by={filter_by!r} flags per class the examples with the lowest "
            f"scores, implicit entries included, which is not available for sparse "
            f"pred_probs yet; find_label_issues takes it (one flag per example), or use "
            f"one of {', '.join(map(repr, PRUNE_FILTERS))}, 'confident_learning', "
            f"'predicted_neq_given', or pass pred_probs.toarray()."
        )
    if filter_by == "predicted_neq_given":
        rows, cols, p, y, _ = _sparse_pass(Y, P, None)[1]
        flag = _predicted_neq_given(p, y)
        return _sparse_mask(rows[flag], cols[flag], shape)
    if thresholds is None:
        thresholds = confident_thresholds(Y, P)
    R, (rows, cols, p, y, cl) = _sparse_pass(Y, P, thresholds)
    if filter_by == "confident_learning":
        return _sparse_mask(rows[cl], cols[cl], shape)
    J = calibrate_joint(R, sizes, shape[0]) if joint is None else joint
    by_class, by_noise = _budgets(J.astype(np.float64), sizes, frac_noise, min_examples, ntr)
    blocked = _small_side_guard(sizes, min_examples, 2 if filter_by == "both" else 1)
    by_class[blocked] = 0
    by_noise[blocked] = 0
    return _prune_mask_few(filter_by, by_class, by_noise, rows, cols, p, y, shape,
                           sparse=True)


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
    Y = column_source(Y)
    for c0, c1 in class_chunks(n_samples, n_classes):
        p, y = columns(Y, P, c0, c1)
        scores = class_scores_block(p, y, method)
        mask[c0:c1] = flag_smallest(scores, np.ones_like(y), counts[c0:c1])
    return mask.T


def _low_memory_mask(Y, P, method, thresholds=None):
    """The reference's batched estimator (rule F7)."""
    n_samples, n_classes = P.shape
    sizes = class_sizes(Y, n_samples)
    thresholds = confident_thresholds(Y, P) if thresholds is None else thresholds.copy()
    thresholds[sizes == 0] = _LOW_MEMORY_EMPTY_SIDE
    counts = np.zeros(n_classes, dtype=np.int64)
    for start, stop in row_blocks(n_samples, n_classes):
        p = _float_block(P, start, stop)
        y = indicator_block(Y, start, stop)
        # The confident guess of the predicted side (rule F1: where the model prefers
        # side 1, guess 1 is exactly "side 1 passes"; elsewhere guess 0 "side 0 passes").
        pred1 = p > 1.0 - p
        guess0, guess1 = _guesses(p, thresholds)
        counts += np.count_nonzero((pred1 != y) & np.where(pred1, guess1, guess0), axis=0)
    mask = _lowest_scores_mask(Y, P, counts, method)
    for start, stop in row_blocks(n_samples, n_classes):
        _gate_sparse(mask[start:stop], _float_block(P, start, stop),
                     indicator_block(Y, start, stop))
    return mask


def issue_mask(Y, P, filter_by, *, frac_noise=1.0, ntr=None, min_examples=1.0, joint=None,
               low_memory=False, low_memory_method=None, return_cl=False, thresholds=None,
               sparse=False):
    """The (N, K) boolean mask of flagged class annotations (rules F1-F6).

    ``joint`` is a checked (K, 2, 2) float array or None; inputs must be validated.
    Sparse predictions (a ``FilledSparseMatrix`` with a CSR ``Y``) give a boolean CSR
    mask, computed in O(nnz) (prune rules, ``confident_learning`` and
    ``predicted_neq_given``; fill values at most 0.5).
    ``thresholds`` are the confident thresholds of ``(Y, P)`` if the caller has
    them (the scoring of ``adjust_pred_probs=True``), else None.
    With ``return_cl`` and a ``low_*`` rule, returns ``(mask, cl)``: also the
    confident-learning mask the rule counts, for :func:`low_filter_example_mask`.
    With ``sparse=True`` the prune rules return a boolean CSR mask of dense
    predictions too, and never hold an (N, K) array when the model disagrees with
    few annotations (the usual case); the other rules return their dense mask.
    """
    n_samples, n_classes = P.shape
    if low_memory:
        return _low_memory_mask(Y, P, low_memory_method or DEFAULT_METHOD, thresholds)
    sizes = class_sizes(Y, n_samples)
    all_positive = np.flatnonzero(sizes[:, 0] == 0)
    if all_positive.size:
        c = int(all_positive[0])
        raise InputValueError(
            f"class {c} is annotated on every example, so its one-vs-rest labels have a "
            f"single side and no label issue can be estimated for it (offending classes: "
            f"{name_classes(all_positive)}); drop such classes first."
        )
    if filter_by in ("predicted_neq_given",) + LOW_FILTERS:
        _raise_one_sided(sizes, "any", filter_by)
    if isinstance(P, FilledSparseMatrix):  # the filter allows prune rules, CL and neq
        return _sparse_issue_mask(Y, P, filter_by, frac_noise, ntr, min_examples, joint,
                                  thresholds, sizes)
    if filter_by == "predicted_neq_given":
        return _elementwise_mask(Y, P, _predicted_neq_given)
    want_cl = filter_by not in PRUNE_FILTERS
    if thresholds is None:
        thresholds = confident_thresholds(Y, P)
    R, cl = raw_joint_and_cl(Y, P, thresholds, want_cl=want_cl)
    if filter_by == "confident_learning":
        return cl
    if filter_by in LOW_FILTERS:
        mask = low_filter_class_mask(Y, P, cl, filter_by)
        return (mask, cl) if return_cl else mask
    J = calibrate_joint(R, sizes, n_samples) if joint is None else joint
    by_class, by_noise = _budgets(J.astype(np.float64), sizes, frac_noise, min_examples, ntr)
    blocked = _small_side_guard(sizes, min_examples, 2 if filter_by == "both" else 1)
    by_class[blocked] = 0
    by_noise[blocked] = 0
    return _prune_mask(Y, P, filter_by, by_class, by_noise, sparse=sparse)


def low_filter_class_mask(Y, P, cl, filter_by):
    """Per-class mask of a ``low_*`` rule: per class as many as ``cl`` flags, lowest first."""
    method = "self_confidence" if filter_by == "low_self_confidence" else "normalized_margin"
    return _lowest_scores_mask(Y, P, np.count_nonzero(cl, axis=0), method)


def low_filter_example_mask(Y, P, cl):
    """Example mask of a ``low_*`` rule (rule F6): as many examples as ``cl`` flags, those
    with the lowest aggregated self-confidence (stable: ties go to the lower index)."""
    n_flag = int(flagged_rows(cl).sum())
    scores = ranking_scores(Y, P, "self_confidence", False, per_class=False)
    mask = np.zeros(P.shape[0], dtype=bool)
    mask[np.argsort(scores, kind="stable")[:n_flag]] = True
    return mask


# --------------------------------------------------------------------------- ranking
def ranking_scores(Y, P, method, adjust, *, per_class):
    """Scores used to rank issues, from the rank core (never a second formula)."""
    thresholds = confident_thresholds(Y, P) if adjust else None
    aggregate = None if per_class else resolve_aggregator(RANKING_AGGREGATOR_KWARGS)
    return score_blocks(Y, P, method, thresholds, aggregate)


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
