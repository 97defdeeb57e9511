"""The second stage on sparse predictions: its fit and its scores, never (N, K).

``P`` is a checked :class:`~skmlq.utils._sparse.FilledSparseMatrix`, ``Y`` a checked
CSR indicator and ``params`` a fitted ``CooccurrenceParams`` (``_second_stage``). The
stage's logit of entry (i, k), with f the fold of row i and ``n_i`` its number of
labels, is::

    eta_ik = a_fk logit(p_ik) + b_fk + c_fk (n_i - y_ik) + sum_{j in N(k)} (w_fkj - c_fk) y_ij

so an entry that ``P`` does not store, ``Y`` does not annotate and whose row carries
none of k's neighbours has ``p = fill[k]``, ``y = 0`` and no label term: its logit,
and every score read from it, depends on ``(k, n_i, f)`` alone. The stage's
*explicit* entries are therefore those of the first stage (``_sparse_union``) and the
entries ``(i, k)`` whose row carries a neighbour of k (the support of the label terms,
``nnz(Y) x`` reverse neighbours); every other entry of a row takes the value of its
*group* ``(n_i, f)`` at class k, computed once per group (a (K,) vector each).

The fold of a row is the dense hash (``_second_stage._row_hash``): a wrapping sum of
one mix per entry, so a sparse row's is the sum over its explicit entries plus the sum
of the fill values' mixes over all classes, less that over its explicit classes (the
same bits exactly). Row aggregates take, per group, the implicit scores of the group
as the per-class implicit scores of ``_sparse.aggregate_rows``; the single-error
mixture's implicit scores also depend on the row's denominator (monotonically), whose
closed forms are taken from the group's ranking of the odds.

The fit (:class:`SparseFitSample`) takes the dense fit's sample, folds and
neighbours, and sums Newton's terms over the sample's explicit entries and, per fold,
over the implicit entries of each (class, label count) at once, times their number;
the noise model's histogram (:func:`sparse_noise_histogram`) and the single-error
shares read the explicit entries and the groups likewise. The coefficients equal the
dense ones to rounding (on a dense sample large enough that the dense fit takes its
start from a part of its blocks, to Newton's tolerance: this sample, cut into blocks
by its entries, fits its start on all rows), and the noise model, fitted on the bins'
rounded means (``_error_proba._centres``), is the dense one.

Costs: time O(nnz(P) + sum over the labels of the number of classes each is a
neighbour of), which is ``nnz(Y) m`` on average over classes but more where frequent
tags are the neighbours of many classes (power-law tags: a fit's popular tag can be a
neighbour of a large share of all classes, and every row that carries it then has an
explicit entry for each of them); memory that of one row block of those entries
(blocks are cut by that count), plus a (K,) vector per group (distinct label counts x
folds) and a ranking of it per group for the per-class implicit scores that differ
between classes.
"""

import math

import numpy as np
import scipy.sparse as sp

from ..utils._blocks import BLOCK_ELEMENTS, run_blocks
from ..utils._labels import positives_per_class
from ._count import count_reliability
from ._error_proba import (
    _N_BINS, _Q_EPS, _bins, calibrated_logits_block, error_proba_block,
    fit_noise_model, log_right,
)
from ._logistic import log_loss, logit_block, sigmoid_inplace
from ._scoring import class_scores_block
from ._second_stage import (
    _HEAD, _MAX_FIT_ROWS, CooccurrenceParams, _finish, _FitSample, _mix, choose_neighbors,
    fit_sample, neighbor_terms,
)
from ._single_error import error_shares_em, flip_odds, shares_denominator, side_weights
from ._thresholds import thresholds_from_sums
from ._sparse import (
    ImplicitScores, _ema_kept, _ema_sorted, _first_free, _reduce, _row_of, aggregate_rows,
)
from ._sparse_union import union_block

__all__ = ["SparseFitSample", "SparseStage", "sparse_error_probabilities",
           "sparse_fit_second_stage", "sparse_noise_histogram", "sparse_stage_scores",
           "sparse_stage_thresholds"]

_READ_LOGITS = ("noise_posterior", "single_error")


class _EntryParams:
    """The noise model and shares of a fitted stage with the model gathered per
    entry: the per-class formulas then score a flat list of entries of any classes
    as one (1, n) block."""

    def __init__(self, params, cols):
        self.noise_model = params.noise_model[cols]
        self.error_shares = params.error_shares


class SparseStage:
    """The stage's values of sparse rows: explicit entries by row blocks, and the
    implicit value of each group ``(n_labels, fold)``, computed once."""

    def __init__(self, Y, P, params, method):
        self.Y, self.P, self.params, self.method = Y, P, params, method
        n_folds, self.n_classes, width = params.coef.shape
        fill = P.fill.astype(P.dtype)
        self.hasher = _Hasher(P, params.random_state)
        self.fill_logit = logit_block(fill)
        self.a, self.b, self.c = (np.ascontiguousarray(params.coef[:, :, i])
                                  for i in range(_HEAD))
        self.weights = None
        if width > _HEAD:
            weights = params.label_weights()
            self.weights = weights if sp.issparse(weights) else sp.csr_matrix(weights)
        # float64 predictions are scored from the logits by the noise model's methods,
        # float32 ones through the float32 probabilities (as the dense core does)
        self.logits = method in _READ_LOGITS and P.dtype == np.float64
        self._groups = {}

    def group_logits(self, n_labels, fold):
        """The logit of every implicit entry of group ``(n_labels, fold)``, (K,)."""
        eta = self.fill_logit * self.a[fold]
        eta += self.b[fold]
        eta += self.c[fold] * float(n_labels)
        return eta

    def group(self, n_labels, fold):
        """The group's values (``values`` of :meth:`block`) at every class, (K,)."""
        key = (int(n_labels), int(fold))
        if key not in self._groups:
            self._groups[key] = self._values(self.group_logits(*key))
        return self._groups[key]

    def _values(self, eta):
        return eta if self.logits else sigmoid_inplace(eta).astype(self.P.dtype, copy=False)

    def class_scores(self, values, y, thresholds=None, cols=None):
        """Per-class scores of the stage's ``values`` (1-D, not changed) and their
        ``y``: of the classes ``cols`` when given (an entry list: per-entry noise
        model and thresholds), else of every class in order (a group's values)."""
        scorer = "self_confidence" if self.method == "cooccurrence" else self.method
        params = None
        if self.method == "noise_posterior":
            params = self.params if cols is None else _EntryParams(self.params, cols)
        if thresholds is not None and cols is not None:
            thresholds = thresholds[cols]
        return class_scores_block(values[None].copy(), y[None], scorer, thresholds,
                                  second_stage=params, logits=self.logits)[0]

    def calibrated_logits(self, values, model):
        """The noise model's calibrated logits, (1, n), of the stage's ``values``
        (1-D, not changed) under ``model`` (per class, or per entry)."""
        if self.logits:
            return calibrated_logits_block(None, model, logits=values[None].copy())
        return calibrated_logits_block(values[None], model)

    def block(self, start, stop):
        """Explicit entries of rows ``start:stop``: ``(indptr, cols, values, y,
        n_labels, folds)`` with ``values`` the stage's logits (the noise model's
        methods on float64 input) or probabilities, and per row its number of labels
        and fold."""
        params, n_classes = self.params, self.n_classes
        n_rows = stop - start
        indptr, cols, p, y = union_block(self.P, self.Y, start, stop)
        rows = _row_of(indptr)
        n_labels = np.bincount(rows[y], minlength=n_rows)
        folds = self._folds(indptr, rows, cols, p, y)
        keys = rows * n_classes + cols
        term = None
        if self.weights is not None:
            label_rows, labels = rows[y], cols[y]
            label_ptr = np.zeros(n_rows + 1, dtype=np.int64)
            np.cumsum(n_labels, out=label_ptr[1:])
            widened = sp.csr_matrix(
                (np.ones(labels.size), labels + folds[label_rows] * n_classes, label_ptr),
                shape=(n_rows, params.n_folds * n_classes))
            term = (widened @ self.weights).tocsr()
            term_keys = _row_of(term.indptr) * n_classes + term.indices
            keys, cols, p, y = _widen(keys, cols, p, y, term_keys, self.P, n_classes)
            rows = keys // n_classes
            indptr = np.searchsorted(keys, np.arange(n_rows + 1) * n_classes)
            term = (np.searchsorted(keys, term_keys), term.data)
        # the dense stage's operations, in its order, on the explicit entries
        eta = logit_block(p)
        f = folds[rows]
        eta *= self.a[f, cols]
        eta += self.b[f, cols]
        c = self.c[f, cols]
        c_given = c[y]
        c *= n_labels[rows].astype(np.float64)
        eta += c
        eta[y] -= c_given
        if term is not None:
            eta[term[0]] += term[1]
        return indptr, cols, self._values(eta), y, n_labels, folds

    def blocks(self):
        """Row blocks of about ``BLOCK_ELEMENTS`` of the stage's explicit entries."""
        return _stage_blocks(self.P, self.Y, self.params.neighbors)

    def _folds(self, indptr, rows, cols, p, y):
        """Each row's fold: the dense hash from its explicit entries."""
        total = self.hasher(indptr, cols, p, y)
        return (total % np.uint64(self.params.n_folds)).astype(np.intp)


class _Hasher:
    """The fold hash of ``_second_stage._row_hash`` from a sparse row's explicit
    entries: the sum of their mixes, plus the sum of the fill values' mixes over all
    classes less that over the row's explicit classes (wrapping uint64 sums: the
    same bits as the dense row's)."""

    def __init__(self, P, random_state):
        fill = P.fill.astype(P.dtype)
        self.fill_mix = _mix(fill.astype(np.float64).view(np.uint64).copy())
        with np.errstate(over="ignore"):
            self.fill_mix_total = self.fill_mix.sum(dtype=np.uint64)
        self.random_state = random_state

    def __call__(self, indptr, cols, p, y):
        bits = p.astype(np.float64).view(np.uint64).copy()
        bits[y] |= np.uint64(1 << 63)
        with np.errstate(over="ignore"):
            h = _mix(bits)
            h -= self.fill_mix[cols]
            total = np.zeros(indptr.size - 1, dtype=np.uint64)
            has = np.diff(indptr) > 0
            if h.size:
                total[has] = np.add.reduceat(h, indptr[:-1][has], dtype=np.uint64)
            total += self.fill_mix_total
        return _finish(total, self.random_state)


def _widen(keys, cols, p, y, more, P, n_classes):
    """The explicit entries (sorted flat ``keys``, their ``cols``, ``p``, ``y``) with
    the entries ``more`` (flat keys, any order, may repeat) added: ``p`` their fill
    value, ``y`` False. (One sort of both lists: several times faster than
    np.union1d's hash table.)"""
    union = np.sort(np.concatenate([keys, more]))
    union = union[np.append(True, union[1:] != union[:-1])] if union.size else union
    if union.size == keys.size:
        return keys, cols, p, y
    at = np.searchsorted(union, keys)
    new_cols = union % n_classes
    new_p = P.fill[new_cols].astype(P.dtype)
    new_p[at] = p
    new_y = np.zeros(union.size, dtype=bool)
    new_y[at] = y
    return union, new_cols, new_p, new_y


def _stage_blocks(P, Y, neighbors, lo=0, hi=None):
    """Row blocks of rows ``lo:hi`` of about ``BLOCK_ELEMENTS`` explicit entries of the
    stage each: a row's stored entries and labels, and for each label the classes it
    is a neighbour of (an upper bound of the entries its label terms add). Where a
    frequent tag is the neighbour of many classes, these outnumber the stored
    entries by far, and the blocks follow them."""
    hi = P.shape[0] if hi is None else hi
    if hi <= lo:
        return []
    n_classes = P.shape[1]
    n_reverse = np.bincount(np.asarray(neighbors).ravel(), minlength=n_classes)
    Y_ptr = np.asarray(Y.indptr[lo:hi + 1], dtype=np.int64)
    given = np.asarray(Y.data[Y_ptr[0]:Y_ptr[-1]], dtype=bool)
    labels = Y.indices[Y_ptr[0]:Y_ptr[-1]][given]
    label_rows = _row_of(Y_ptr - Y_ptr[0])[given]
    weight = np.diff(np.asarray(P.indptr[lo:hi + 1], dtype=np.int64)) + np.diff(Y_ptr) + 1
    weight += np.bincount(label_rows, weights=n_reverse[labels],
                          minlength=hi - lo).astype(np.int64)
    total = np.zeros(hi - lo + 1, dtype=np.int64)
    np.cumsum(weight, out=total[1:])
    cuts = np.searchsorted(total, np.arange(BLOCK_ELEMENTS, int(total[-1]), BLOCK_ELEMENTS))
    bounds = np.unique(np.concatenate([[0], cuts, [hi - lo]])) + lo
    return list(zip(bounds[:-1].tolist(), bounds[1:].tolist()))


def _rows_by_group(n_labels, folds, n_folds):
    """Rows ordered by group, and the groups ``(n_labels, fold)`` with their row ranges."""
    key = n_labels.astype(np.int64) * n_folds + folds
    order = np.argsort(key, kind="stable")
    unique, starts = np.unique(key[order], return_index=True)
    bounds = np.append(starts, order.size)
    return order, [(int(u) // n_folds, int(u) % n_folds, bounds[i], bounds[i + 1])
                   for i, u in enumerate(unique)]


def _take_rows(indptr, rows):
    """``(indptr, entries)`` of the rows ``rows`` (in that order) of a row-grouped list."""
    lengths = indptr[rows + 1] - indptr[rows]
    out = np.zeros(rows.size + 1, dtype=np.int64)
    np.cumsum(lengths, out=out[1:])
    entries = np.repeat(indptr[rows] - out[:-1], lengths) + np.arange(out[-1])
    return out, entries


class _Implicit:
    """Per group, the implicit per-class scores as an ``ImplicitScores`` (cached: the
    ranking of a group's scores is computed once for all blocks)."""

    def __init__(self, stage, thresholds=None):
        self.stage = stage
        self.thresholds = thresholds
        self._cache = {}

    def scores(self, n_labels, fold):
        key = (n_labels, fold)
        if key not in self._cache:
            stage = self.stage
            z = stage.class_scores(stage.group(n_labels, fold),
                                   np.zeros(stage.n_classes, dtype=bool), self.thresholds)
            self._cache[key] = ImplicitScores(z)
        return self._cache[key]


def sparse_stage_scores(Y, P, params, method, aggregate, thresholds=None):
    """Aggregated scores (N,) of a second-stage ``method`` on sparse predictions:
    ``_driver.score_blocks`` with ``second_stage`` for a ``FilledSparseMatrix``
    (``thresholds``: those of ``adjust_pred_probs``, ``"cooccurrence"`` only)."""
    n_samples, n_classes = P.shape
    stage = SparseStage(Y, P, params, method)
    out = np.empty(n_samples, dtype=P.dtype)
    implicit = (_Implicit(stage, thresholds) if method != "single_error"
                else _SingleError(stage))
    spec = aggregate.spec

    def score_block(start, stop):
        indptr, cols, values, y, n_labels, folds = stage.block(start, stop)
        if method == "single_error":
            out[start:stop] = implicit.aggregate(spec, indptr, cols, values, y, n_labels,
                                                 folds, aggregate)
            return
        scores = stage.class_scores(values, y, thresholds, cols)
        order, groups = _rows_by_group(n_labels, folds, params.n_folds)
        for n, f, lo, hi in groups:
            rows = order[lo:hi]
            sub_ptr, entries = _take_rows(indptr, rows)
            out[start + rows] = aggregate_rows(spec, sub_ptr, cols[entries], scores[entries],
                                               implicit.scores(n, f), n_classes, aggregate)

    # (the groups' cache is shared between blocks: one thread)
    run_blocks(score_block, stage.blocks(), parallel=False)
    return out


class _SingleError:
    """The single-error mixture on sparse rows: per group the weighted odds of the
    implicit entries and their sum over all classes; per row the denominator of
    Bayes' rule, which scales the implicit scores of its row."""

    def __init__(self, stage):
        self.stage = stage
        self.model = stage.params.noise_model
        self.shares = stage.params.error_shares
        self._cache = {}

    def group(self, n_labels, fold):
        """``(odds, total, ranked)``: the weighted odds of the group's implicit entries
        (K,), their sum, and an ``ImplicitScores`` of minus the odds (its ascending
        ranking is the implicit scores' own)."""
        key = (n_labels, fold)
        if key not in self._cache:
            stage = self.stage
            odds = flip_odds(stage.calibrated_logits(stage.group(n_labels, fold), self.model))[0]
            odds *= side_weights(n_labels, stage.n_classes)[0]
            self._cache[key] = (odds, math.fsum(odds.tolist()), ImplicitScores(-odds))
        return self._cache[key]

    def aggregate(self, spec, indptr, cols, values, y, n_labels, folds, aggregate):
        missing, wrong, odds, order, groups, tables = self.side_sums(
            indptr, cols, values, y, n_labels, folds)
        stage = self.stage
        n_rows = indptr.size - 1
        rows = _row_of(indptr)
        den = shares_denominator(missing, wrong, self.shares)
        _, p_missing, p_wrong = self.shares
        share = np.where(y, p_wrong, p_missing)
        dtype = stage.P.dtype if not stage.logits else np.float64
        scores = self._scores(odds, share, den[rows], dtype)
        out = np.empty(n_rows)
        for index, (n, f, lo, hi) in enumerate(groups):
            sub_rows = order[lo:hi]
            sub_ptr, entries = _take_rows(indptr, sub_rows)
            out[sub_rows] = self._aggregate_group(
                spec, sub_ptr, cols[entries], scores[entries], tables[index],
                den[sub_rows], dtype, aggregate)
        return out

    def side_sums(self, indptr, cols, values, y, n_labels, folds):
        """``(L_missing, L_wrong)`` of each row of a block (those of ``_single_error``),
        and the explicit entries' weighted odds, the rows by group and the groups'
        tables."""
        stage = self.stage
        n_classes, n_rows = stage.n_classes, indptr.size - 1
        rows = _row_of(indptr)
        odds = flip_odds(stage.calibrated_logits(values, self.model[cols]))[0]
        absent_w, given_w = side_weights(n_labels, n_classes)
        odds[~y] *= absent_w[rows[~y]]
        odds[y] = 1 / odds[y] * given_w[rows[y]]
        wrong = np.bincount(rows[y], weights=odds[y], minlength=n_rows)
        missing = np.bincount(rows[~y], weights=odds[~y], minlength=n_rows)
        # the implicit entries: the group's sum over all classes less its explicit ones
        order, groups = _rows_by_group(n_labels, folds, stage.params.n_folds)
        group_of = np.empty(n_rows, dtype=np.intp)
        tables = []
        for index, (n, f, lo, hi) in enumerate(groups):
            group_of[order[lo:hi]] = index
            tables.append(self.group(n, f))
        g = group_of[rows]
        explicit_implicit = np.zeros(cols.size)
        for index, (group_odds, _, _) in enumerate(tables):
            at = g == index
            explicit_implicit[at] = group_odds[cols[at]]
        totals = np.array([t[1] for t in tables])
        missing += totals[group_of] - np.bincount(rows, weights=explicit_implicit,
                                                  minlength=n_rows)
        return missing, wrong, odds, order, groups, tables

    def _scores(self, odds, share, den, dtype):
        """``1 - P_k`` of weighted odds, each of its side's share and row's denominator:
        the dense single-error scores' operations in their order."""
        P = odds * share
        P = P / den
        np.clip(P, 0.0, 1.0, out=P)
        return np.subtract(1, P, dtype=dtype, casting="same_kind")

    def _aggregate_group(self, spec, indptr, cols, scores, table, den, dtype, aggregate):
        odds, _, ranked = table
        n_classes = odds.size
        n_rows = indptr.size - 1
        p_missing = self.shares[1]
        kind, option = spec
        if kind == "exponential_moving_average" and option == 1:
            kind = "min"
        if kind == "min":
            largest = -_first_free(indptr, ranked.ranked()[1][cols], ranked.ranked()[0],
                                   ranked.z, 1)[:, 0]
            low = np.where(np.isfinite(largest),
                           self._scores(largest, p_missing, den, dtype), np.inf)
            return np.minimum(_reduce(np.minimum, scores.astype(np.float64), indptr, np.inf),
                              low)
        if kind == "exponential_moving_average" and option is not None and 0 < option < 1:
            kept = _ema_kept(n_classes, option)
            if kept is not None:
                order, rank = ranked.ranked()
                largest = -_first_free(indptr, rank[cols], order, ranked.z, kept + 1)
                finite = np.isfinite(largest)
                cand_rows = np.nonzero(finite)[0]
                z = self._scores(largest[finite], p_missing, den[cand_rows], dtype)
                rows = _row_of(indptr)
                return _ema_sorted(
                    np.concatenate([rows, cand_rows]),
                    np.concatenate([scores.astype(np.float64), z.astype(np.float64)]),
                    np.ones(rows.size + cand_rows.size, np.int64), n_rows, 1.0 - option)
        # no closed form: the implied dense rows, a bounded block at a time
        out = np.empty(n_rows)
        step = max(1, BLOCK_ELEMENTS // max(n_classes, 1))
        for start in range(0, n_rows, step):
            stop = min(start + step, n_rows)
            block = self._scores(odds[None], p_missing, den[start:stop, None], dtype)
            lo, hi = indptr[start], indptr[stop]
            block[_row_of(indptr[start:stop + 1] - lo), cols[lo:hi]] = scores[lo:hi]
            out[start:stop] = aggregate(block)
        return out


def sparse_error_probabilities(Y, P, params):
    """``example_proba`` (N,) of ``_second_stage.label_error_probabilities`` on sparse
    predictions: ``1 - prod_k (1 - e_k)`` from the explicit entries' error
    probabilities and, per group, the sum of ``log(1 - e)`` over all classes less
    that over the row's explicit classes."""
    n_samples = P.shape[0]
    stage = SparseStage(Y, P, params, "noise_posterior")
    model = params.noise_model
    logs = {}

    def group_logs(n, f):
        if (n, f) not in logs:
            eta = stage.calibrated_logits(stage.group(n, f), model)
            E = error_proba_block(None, np.zeros(eta.shape, dtype=bool), model, eta)
            log_e = log_right(E)[0]
            logs[(n, f)] = (log_e, math.fsum(log_e.tolist()))
        return logs[(n, f)]

    out = np.empty(n_samples)

    def block(start, stop):
        indptr, cols, values, y, n_labels, folds = stage.block(start, stop)
        n_rows = stop - start
        rows = _row_of(indptr)
        entry_model = model[cols]
        E = error_proba_block(None, y[None], entry_model,
                              stage.calibrated_logits(values, entry_model))[0]
        total = np.bincount(rows, weights=log_right(E), minlength=n_rows)
        order, groups = _rows_by_group(n_labels, folds, params.n_folds)
        for n, f, lo, hi in groups:
            sub = order[lo:hi]
            sub_ptr, entries = _take_rows(indptr, sub)
            log_e, log_total = group_logs(n, f)
            total[sub] += log_total - np.bincount(
                _row_of(sub_ptr), weights=log_e[cols[entries]], minlength=sub.size)
        out[start:stop] = -np.expm1(total)

    run_blocks(block, stage.blocks(), parallel=False)
    return out


# --------------------------------------------------------------------------- the fit
class SparseFitSample:
    """The rows the stage is fitted on (``_second_stage._FitSample``), from sparse
    predictions: the same sample, folds and neighbours, held as explicit entries.

    Each block (rows of one fold) keeps, per explicit entry of the stage (stored,
    annotated, or carrying a neighbour of its class), its class, ``logit(p)``, ``y``,
    ``s`` (the labels outside the class's neighbours) and its row of ``X`` (which
    neighbours it carries, columns ``k m + t``). Every other entry of class k in a row
    of ``n`` labels has ``logit(fill[k])``, ``y = 0``, ``s = n`` and no neighbour: its
    terms are those of group ``(k, n)``, counted once per fold with their number of
    entries (``_groups``: rows of that count less those where k is explicit).
    """

    sparse = True

    def __init__(self, Y, P, n_folds, random_state, n_neighbors):
        n_samples, n_classes = P.shape
        n_parts = np.uint64(-(-n_samples // _MAX_FIT_ROWS))
        hasher = _Hasher(P, random_state)
        kept, hashes = [], []
        for start, stop in _union_blocks(P, Y):
            indptr, cols, p, y = union_block(P, Y, start, stop)
            h = hasher(indptr, cols, p, y)
            keep = np.flatnonzero((h // np.uint64(n_folds)) % n_parts == 0)
            kept.append(keep + start)
            hashes.append(h[keep])
        rows = np.concatenate(kept) if kept else np.zeros(0, dtype=np.intp)
        h = np.concatenate(hashes) if hashes else np.zeros(0, dtype=np.uint64)
        folds = (h % np.uint64(n_folds)).astype(np.intp)
        order = np.argsort(folds, kind="stable")
        rows, h, folds = rows[order], h[order], folds[order]
        # the sample's rows in fold order: its labels (annotations only, float64 as the
        # dense sample's) and stored predictions
        Y_ptr, Y_at = _take_rows(np.asarray(Y.indptr, dtype=np.int64), rows)
        given = np.asarray(Y.data[Y_at], dtype=bool)
        L_ptr = np.zeros(rows.size + 1, dtype=np.int64)
        np.cumsum(np.bincount(_row_of(Y_ptr)[given], minlength=rows.size), out=L_ptr[1:])
        L = sp.csr_matrix((np.ones(int(given.sum())), Y.indices[Y_at][given], L_ptr),
                          shape=(rows.size, n_classes))
        P_ptr, P_at = _take_rows(np.asarray(P.indptr, dtype=np.int64), rows)
        P_sample = type(P)._from_checked(P_ptr, P.indices[P_at], P.data[P_at],
                                         (rows.size, n_classes), P.fill)
        self.neighbors = choose_neighbors(L, h, n_neighbors)
        m = self.neighbors.shape[1]
        self.n_rows, self.n_classes, self.n_folds, self.m = rows.size, n_classes, n_folds, m
        self.fill_logit = logit_block(P.fill.astype(P.dtype))
        n_labels = np.diff(L.indptr)
        self.count_values = np.unique(n_labels)
        count_index = np.searchsorted(self.count_values, n_labels)
        n_counts = self.count_values.size
        # per fold, count and class: the implicit entries (rows less explicit ones)
        mult = np.zeros((n_folds, n_counts, n_classes))
        bounds = np.searchsorted(folds, np.arange(n_folds + 1))
        columns = self.neighbors.ravel()
        self.blocks = []
        for fold in range(n_folds):
            lo, hi = bounds[fold], bounds[fold + 1]
            mult[fold] += np.bincount(count_index[lo:hi], minlength=n_counts)[:, None]
            for start, stop in _stage_blocks(P_sample, L, self.neighbors, lo, hi):
                block = self._block(P_sample, L, start, stop, columns, n_labels)
                entry_rows, cols = block[0], block[1]
                explicit = np.bincount(count_index[start + entry_rows] * n_classes + cols,
                                       minlength=n_counts * n_classes)
                mult[fold] -= explicit.reshape(n_counts, n_classes)
                X = block[5]
                self.blocks.append((fold,) + block[1:] + (_FitSample._pairs(X, m),))
        for fold in range(n_folds):
            self.blocks.append((fold, None, mult[fold]))

    def _block(self, P, L, start, stop, columns, n_labels):
        """``(entry rows, cols, Z, y, s, X)`` of the explicit entries of rows
        ``start:stop`` of the sample."""
        n_classes, m = self.n_classes, self.m
        indptr, cols, p, y = union_block(P, L, start, stop)
        rows = _row_of(indptr)
        keys = rows * n_classes + cols
        L_block = L[start:stop]
        if m:
            carried = L_block.T.tocsr()[columns].T.tocsr()
            carried.sort_indices()
            c_rows = _row_of(carried.indptr)
            c_keys = c_rows * n_classes + carried.indices // m
            keys, cols, p, y = _widen(keys, cols, p, y, c_keys, P, n_classes)
            rows = keys // n_classes
            entry = np.searchsorted(keys, c_keys)
            X_ptr = np.zeros(keys.size + 1,
                             dtype=np.int32 if c_keys.size < 2**31 else np.int64)
            np.cumsum(np.bincount(entry, minlength=keys.size), out=X_ptr[1:])
            X = sp.csr_matrix((np.ones(entry.size), carried.indices, X_ptr),
                              shape=(keys.size, n_classes * m))
        else:
            X = sp.csr_matrix((keys.size, 0))
        Z = logit_block(p)
        s = n_labels[start + rows].astype(np.float64) - y
        s -= np.diff(X.indptr)
        # (kept for every Newton pass: classes as int32 and s, a small count, as
        # float32, exact and a quarter of an entry's bytes fewer; they enter every
        # product as float64)
        index = np.int32 if n_classes < 2**31 else np.intp
        return rows, cols.astype(index), Z, y, s.astype(np.float32), X

    def block_terms(self, index, theta, with_hessian, step, lengths):
        """``_second_stage._data_terms``'s terms of one block (every class)."""
        block = self.blocks[index]
        if block[1] is None:
            return self._group_terms(block[2], theta, with_hessian, step, lengths)
        _, cols, Z, y, s, X, pairs = block
        n_classes = self.n_classes
        width = theta.shape[1]
        m = width - _HEAD

        def linear(coef):
            eta = Z * coef[cols, 0]
            eta += coef[cols, 1]
            eta += s * coef[cols, 2]
            if m and X.nnz:
                eta += X @ coef[:, _HEAD:].ravel()
            return eta

        def per_class(values):
            return np.bincount(cols, weights=values, minlength=n_classes)

        eta = linear(theta)
        if step is not None:
            delta = linear(step)
            return (np.stack([per_class(log_loss(eta - delta * t, y, False, False)[0])
                              for t in lengths]),)
        loss, sig = log_loss(eta, y, with_hessian, False)
        loss = per_class(loss)
        if not with_hessian:
            return (loss,)
        r = sig - y
        w = sig * (1 - sig)
        wz, ws = w * Z, w * s
        grad = np.zeros((n_classes, width))
        head = np.zeros((n_classes, _HEAD, width))
        grad[:, 0] = per_class(r * Z)
        grad[:, 1] = per_class(r)
        grad[:, 2] = per_class(r * s)
        head[:, 0, 0] = per_class(wz * Z)
        head[:, 0, 1] = per_class(wz)
        head[:, 0, 2] = per_class(wz * s)
        head[:, 1, 1] = per_class(w)
        head[:, 1, 2] = per_class(ws)
        head[:, 2, 2] = per_class(ws * s)
        upper = None
        if m and X.nnz:
            upper = neighbor_terms(X, pairs, grad, head, r, w, wz, ws)
        return loss, grad, head, upper

    def _group_terms(self, mult, theta, with_hessian, step, lengths):
        """The terms of a fold's implicit entries: per count n and class k, those of
        one entry (``logit(fill[k])``, ``y = 0``, ``s = n``) times their number."""
        n_classes = self.n_classes
        width = theta.shape[1]
        Z = np.broadcast_to(self.fill_logit, mult.shape)
        s = np.broadcast_to(self.count_values.astype(np.float64)[:, None], mult.shape)

        def linear(coef):
            eta = Z * coef[:, 0]
            eta += coef[:, 1]
            eta += s * coef[:, 2]
            return eta

        y = np.zeros(mult.shape, dtype=bool)
        eta = linear(theta)
        if step is not None:
            delta = linear(step)
            return (np.stack([(mult * log_loss(eta - delta * t, y, False, False)[0]).sum(axis=0)
                              for t in lengths]),)
        loss, sig = log_loss(eta, y, with_hessian, False)
        loss = (mult * loss).sum(axis=0)
        if not with_hessian:
            return (loss,)
        r = mult * sig
        w = mult * (sig * (1 - sig))
        grad = np.zeros((n_classes, width))
        head = np.zeros((n_classes, _HEAD, width))
        grad[:, 0] = (r * Z).sum(axis=0)
        grad[:, 1] = r.sum(axis=0)
        grad[:, 2] = (r * s).sum(axis=0)
        head[:, 0, 0] = (w * Z * Z).sum(axis=0)
        head[:, 0, 1] = (w * Z).sum(axis=0)
        head[:, 0, 2] = (w * Z * s).sum(axis=0)
        head[:, 1, 1] = w.sum(axis=0)
        head[:, 1, 2] = (w * s).sum(axis=0)
        head[:, 2, 2] = (w * s * s).sum(axis=0)
        return loss, grad, head, None


def _union_blocks(P, Y, lo=0, hi=None):
    """Row blocks of rows ``lo:hi`` of about ``BLOCK_ELEMENTS`` stored entries and
    labels each."""
    hi = P.shape[0] if hi is None else hi
    if hi <= lo:
        return []
    weight = (np.asarray(P.indptr[lo:hi + 1], dtype=np.int64) + Y.indptr[lo:hi + 1]
              + np.arange(hi - lo + 1))
    weight -= weight[0]
    cuts = np.searchsorted(weight, np.arange(BLOCK_ELEMENTS, int(weight[-1]), BLOCK_ELEMENTS))
    bounds = np.unique(np.concatenate([[0], cuts, [hi - lo]])) + lo
    return list(zip(bounds[:-1].tolist(), bounds[1:].tolist()))


def sparse_fit_second_stage(Y, P, C, n_folds, random_state, n_neighbors, check_count=False):
    """``_second_stage.fit_second_stage`` on sparse predictions: the stage fitted on
    the sample's explicit entries and groups, then the noise model's histogram and the
    single-error shares of all rows from the explicit entries and the groups."""
    coef, neighbors = fit_sample(
        SparseFitSample(Y, P, n_folds, random_state, n_neighbors), C)
    n_samples, n_classes = P.shape
    no_model = np.zeros((n_classes, 4))
    params = CooccurrenceParams(coef, neighbors, random_state, C, no_model, np.zeros(3))
    histogram = sparse_noise_histogram(Y, P, params)
    model = fit_noise_model(*histogram)
    check = count_reliability(*histogram, model) if check_count else None
    # the single-error shares from each row's side sums
    params = CooccurrenceParams(coef, neighbors, random_state, C, model, np.zeros(3))
    mixture = _SingleError(SparseStage(Y, P, params, "single_error"))
    L = np.ones((3, n_samples))
    for start, stop in mixture.stage.blocks():
        missing, wrong = mixture.side_sums(*mixture.stage.block(start, stop))[:2]
        L[1, start:stop], L[2, start:stop] = missing, wrong
    shares = error_shares_em(L)
    return CooccurrenceParams(coef, neighbors, random_state, C, model, shares, check)


class _GroupCounter:
    """The number of implicit entries of each group ``(label count, fold)`` and class,
    from a pass over the explicit entries: the group's rows less those where the
    class is explicit (counted per (group, class), merged block by block)."""

    def __init__(self, Y, n_classes):
        self.n_classes = n_classes
        self.n_max = int(np.diff(Y.indptr).max()) + 1 if Y.shape[0] else 1
        self.rows = {}
        self.keys, self.counts = np.zeros(0, dtype=np.int64), np.zeros(0)

    def add(self, indptr, cols, n_labels, folds):
        group = folds.astype(np.int64) * self.n_max + n_labels
        for g, n in zip(*np.unique(group, return_counts=True)):
            self.rows[int(g)] = self.rows.get(int(g), 0) + int(n)
        block_keys, block_counts = np.unique(group[_row_of(indptr)] * self.n_classes + cols,
                                             return_counts=True)
        self.keys, at = np.unique(np.concatenate([self.keys, block_keys]),
                                  return_inverse=True)
        self.counts = np.bincount(at, weights=np.concatenate([self.counts, block_counts]),
                                  minlength=self.keys.size)

    def groups(self):
        """``(n_labels, fold, implicit entries per class (K,))`` of every group seen."""
        n_classes = self.n_classes
        for g, n_rows in sorted(self.rows.items()):
            fold, n = divmod(g, self.n_max)
            mult = np.full(n_classes, float(n_rows))
            lo, hi = np.searchsorted(self.keys, [g * n_classes, (g + 1) * n_classes])
            mult[self.keys[lo:hi] - g * n_classes] -= self.counts[lo:hi]
            yield n, fold, mult


def sparse_stage_thresholds(Y, P, params):
    """``_second_stage.second_stage_thresholds`` on sparse rows: the sums of ``q`` from
    the explicit entries and, per group, its value times its implicit entries."""
    n_samples, n_classes = P.shape
    stage = SparseStage(Y, P, params, "cooccurrence")
    counter = _GroupCounter(Y, n_classes)
    sum_pos, sum_all = np.zeros(n_classes), np.zeros(n_classes)
    for start, stop in stage.blocks():
        indptr, cols, q, y, n_labels, folds = stage.block(start, stop)
        q = q.astype(np.float64)
        sum_pos += np.bincount(cols[y], weights=q[y], minlength=n_classes)
        sum_all += np.bincount(cols, weights=q, minlength=n_classes)
        counter.add(indptr, cols, n_labels, folds)
    for n, fold, mult in counter.groups():
        sum_all += mult * stage.group(n, fold).astype(np.float64)
    return thresholds_from_sums(sum_pos, sum_all, positives_per_class(Y), n_samples)


def sparse_noise_histogram(Y, P, params):
    """``_error_proba.noise_histogram`` of the stage's probabilities on sparse rows:
    the explicit entries binned one by one, each group's implicit entries of class k
    counted at once (the group's rows less those where k is explicit)."""
    n_samples, n_classes = P.shape
    stage = SparseStage(Y, P, params, "cooccurrence")
    size = 2 * n_classes * _N_BINS
    counts, sums = np.zeros(size), np.zeros(size)
    counter = _GroupCounter(Y, n_classes)
    for start, stop in stage.blocks():
        indptr, cols, q, y, n_labels, folds = stage.block(start, stop)
        u = logit_block(q, _Q_EPS)
        flat = cols * _N_BINS + _bins(u) + y * (n_classes * _N_BINS)
        counts += np.bincount(flat, minlength=size)
        sums += np.bincount(flat, weights=u, minlength=size)
        counter.add(indptr, cols, n_labels, folds)
    for n, fold, mult in counter.groups():
        u = logit_block(stage.group(n, fold), _Q_EPS)
        flat = np.arange(n_classes) * _N_BINS + _bins(u)
        counts += np.bincount(flat, weights=mult, minlength=size)
        sums += np.bincount(flat, weights=mult * u, minlength=size)
    shape = (2, n_classes, _N_BINS)
    return counts.reshape(shape), sums.reshape(shape)
