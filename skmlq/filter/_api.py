"""The public filter functions: option checks, warning policy and results.

Every argument is validated once here (:func:`check_filter_inputs`); the masks come
from the confident-learning core (``skmlq._core._confident_learning``), which
trusts its inputs, and the rankings from the scoring core.
"""

from __future__ import annotations

import inspect
import math
from numbers import Integral, Real
from typing import TYPE_CHECKING

import numpy as np

from .._core._confident_learning import (
    FILTERS, LOW_FILTERS, PRUNE_FILTERS, class_chunks, column_source, columns,
    flagged_rows, issue_mask, low_filter_example_mask, ranked_label_issues,
    ranked_per_class, ranking_scores,
)
from ..utils._defaults import DEFAULT_FILTER_BY
from ..utils._docstrings import fill_doc, toy_data_doc
from ..utils._errors import InputTypeError, InputValueError
from ..utils._labels import check_labels, positives_per_class
from ..utils._sparse import check_probabilities, is_sparse_probabilities
from ..utils._validation import (
    as_numeric_array, check_bool, check_choice, check_integer, check_method,
    check_unit_interval,
)
from ..utils._warnings import warn

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from numpy.typing import ArrayLike

    from ..utils._typing import Labels, ProbabilityArray

__all__ = [
    "check_aggregate_rankable",
    "check_filter_inputs",
    "find_label_issues",
    "find_label_issues_both",
    "find_multilabel_issues_per_class",
]


def _check_filter_by(filter_by):
    check_choice(filter_by, "filter_by", FILTERS, what="filter")


def _check_rank_by_kwargs(rank_by_kwargs, method):
    if rank_by_kwargs is None:
        rank_by_kwargs = {}
    if not isinstance(rank_by_kwargs, dict):
        raise InputTypeError(
            f"rank_by_kwargs must be a dict such as {{'adjust_pred_probs': True}}, got "
            f"{type(rank_by_kwargs).__name__}."
        )
    unknown = sorted(set(rank_by_kwargs) - {"adjust_pred_probs"})
    if unknown:
        raise InputTypeError(
            f"rank_by_kwargs has unknown key(s) {unknown}; the only accepted key is "
            f"'adjust_pred_probs'."
        )
    adjust = check_bool(rank_by_kwargs.get("adjust_pred_probs", False),
                        "rank_by_kwargs['adjust_pred_probs']")
    if adjust and method == "confidence_weighted_entropy":
        raise InputValueError(
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
        raise InputTypeError(
            f"confident_joint has dtype {J.dtype}; expected a numeric array of shape "
            f"({n_classes}, 2, 2)."
        )
    if J.shape == (n_classes, 2, 2):
        J = as_numeric_array(J, "confident_joint").astype(np.float64)
        bad = ~(np.isfinite(J) & (J >= 0))
        if bad.any():
            k, given, true = np.argwhere(bad)[0]
            raise InputValueError(
                f"confident_joint has {J[k, given, true]!r} at class {k}, [given={given}]"
                f"[true={true}]; a joint holds counts: finite numbers >= 0."
            )
        empty = J.sum(axis=(1, 2)) == 0
        if empty.any():
            raise InputValueError(
                f"confident_joint counts nothing for class {int(np.flatnonzero(empty)[0])} "
                f"(all four counts are 0); every class needs counts of its examples."
            )
        return J
    if J.shape == (n_classes, n_classes):
        warn(
            f"confident_joint has shape {J.shape}, the single-label (K, K) layout; it is "
            f"ignored. Pass a multi-label joint of shape ({n_classes}, 2, 2)."
        )
        return None
    raise InputValueError(
        f"confident_joint has shape {J.shape}; expected ({n_classes}, 2, 2) (one 2x2 "
        f"joint [given][true] per class)."
    )


def _check_ntr(num_to_remove_per_class, n_classes, n_samples):
    if num_to_remove_per_class is None:
        return None
    ntr = as_numeric_array(num_to_remove_per_class, "num_to_remove_per_class")
    if ntr.dtype == object and ntr.ndim == 1 and all(
        isinstance(v, Integral) and not isinstance(v, (bool, np.bool_)) for v in ntr
    ):
        # Python ints beyond int64: removing more than n_samples means removing all.
        ntr = np.array([min(int(v), n_samples) if v > 0 else int(v) for v in ntr])
    if ntr.ndim != 1 or ntr.dtype.kind not in "iu" and not (
        ntr.dtype.kind == "f" and np.all(np.mod(ntr, 1) == 0)
    ):
        raise InputTypeError(
            f"num_to_remove_per_class must be a 1-D sequence of integers, one per class; "
            f"got {num_to_remove_per_class!r}."
        )
    if ntr.size != n_classes:
        raise InputValueError(
            f"num_to_remove_per_class has {ntr.size} entries but there are {n_classes} "
            f"classes; give one count per class."
        )
    if (ntr < 0).any():
        c = int(np.flatnonzero(ntr < 0)[0])
        raise InputValueError(
            f"num_to_remove_per_class[{c}]={ntr[c]!r} is negative; counts must be >= 0."
        )
    return np.minimum(ntr, n_samples).astype(np.float64)


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
    trusted=False,
):
    """Validate every argument of the filter functions once, at the boundary.

    With ``trusted``, ``labels`` and ``pred_probs`` are already the checked ``Y``
    and ``P`` of :func:`~skmlq.utils._labels.check_labels` and
    :func:`~skmlq.utils._validation.check_pred_probs` and are not checked again.
    Returns a dict of checked values: ``Y``, ``P``, ``method`` (or None),
    ``adjust``, ``ntr`` (float (K,) or None), ``joint`` (float (K, 2, 2) or None),
    ``frac_noise`` and ``min_examples``.
    """
    _check_filter_by(filter_by)
    if trusted:
        Y, P = labels, pred_probs
    else:
        P = check_probabilities(pred_probs)
        Y = check_labels(labels, n_samples=P.shape[0], n_classes=P.shape[1],
                         sparse=is_sparse_probabilities(P))
    if is_sparse_probabilities(P):
        _check_sparse_filter(P, filter_by, low_memory)
    if P.shape[0] == 0:
        raise InputValueError(
            "labels and pred_probs have no examples (0 rows); finding label issues needs "
            "examples with and without each class."
        )
    method = None
    if return_indices_ranked_by is not None:
        method = check_method(return_indices_ranked_by, name="return_indices_ranked_by")
    if check_bool(low_memory, "low_memory") and rank_by_kwargs:
        # The batched estimator ranks nothing: like the reference, accept whatever
        # rank_by_kwargs holds and say that it is ignored.
        _warn_unused("rank_by_kwargs", "when `low_memory=True`")
        rank_by_kwargs = None
    adjust = _check_rank_by_kwargs(rank_by_kwargs, method)
    frac_noise = check_unit_interval(frac_noise, "frac_noise")
    if (
        isinstance(min_examples_per_class, bool)
        or not isinstance(min_examples_per_class, Real)
        or min_examples_per_class < 0
        or not math.isfinite(min_examples_per_class)
    ):
        raise InputValueError(
            f"min_examples_per_class={min_examples_per_class!r} is invalid; expected a "
            f"number >= 0."
        )
    check_integer(n_jobs, "n_jobs", minimum=1, allow_none=True)
    check_bool(low_memory, "low_memory")
    n_classes = P.shape[1]
    ntr = _check_ntr(num_to_remove_per_class, n_classes, P.shape[0])
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


def _check_sparse_filter(P, filter_by, low_memory):
    """What the filter computes on sparse predictions in O(nnz), and on what fill."""
    if low_memory is True:
        raise InputValueError(
            "low_memory=True is not available for sparse pred_probs, which are already "
            "filtered in time and memory proportional to the stored entries; set "
            "low_memory=False."
        )
    high = np.flatnonzero(P.fill > 0.5)
    if high.size:
        k = int(high[0])
        raise InputValueError(
            f"pred_probs has fill value {float(P.fill[k])!r} for class {k}; the filters need "
            f"fill values <= 0.5 with sparse pred_probs (an unlisted class means 'not "
            f"predicted'), or pass pred_probs.toarray()."
        )


def check_aggregate_rankable(Y, n_classes, what):
    """The aggregate ranking needs K >= 2 and both 0 and 1 in the label matrix."""
    if n_classes < 2:
        raise InputValueError(
            f"{what} ranks examples by an aggregate over classes, which needs at least 2 "
            f"classes; pred_probs has {n_classes} column. Use "
            f"find_multilabel_issues_per_class for a single class."
        )
    n_pos = int(positives_per_class(Y).sum())
    if n_pos == 0 or n_pos == Y.shape[0] * n_classes:
        state = "no annotations at all" if n_pos == 0 else "every class on every example"
        raise InputValueError(
            f"{what} needs labels containing both annotated and unannotated classes; the "
            f"labels contain {state}."
        )


_SHARED_DOC = """labels : list of lists of int, array-like of shape (n_samples, n_classes) or \
sparse matrix
        The given annotations: for each example the list of class indices that apply
        (``[[1], [0, 2], []]``), or a 0/1 indicator array, dense or scipy.sparse.
    pred_probs : array-like, sparse matrix or FilledSparseMatrix of shape \
(n_samples, n_classes)
        Out-of-sample predicted probability that each class applies; K is its number
        of columns. Sparse predictions (top-k scores, see
        :class:`~skmlq.utils.FilledSparseMatrix`) are filtered in O(nnz) with the
        prune rules, ``"confident_learning"`` and ``"predicted_neq_given"`` (and
        the ``low_*`` rules in :func:`find_label_issues`); fill values must be at
        most 0.5, so that an unlisted class is never flagged.
    return_indices_ranked_by : {None, "self_confidence", "normalized_margin", \
"confidence_weighted_entropy"}, default=None
        None returns a boolean mask; a scoring method returns flagged indices ranked
        by that score, worst first.
    rank_by_kwargs : dict or None, default=None
        Options of the ranking score; the only key is ``"adjust_pred_probs"``. None
        means no options (``{}``).
    filter_by : {"prune_by_noise_rate", "prune_by_class", "both", \
"confident_learning", "predicted_neq_given", "low_self_confidence", \
"low_normalized_margin"}, default="prune_by_noise_rate"
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


def _print_flagged(mask, filter_by):
    """The ``verbose`` line of the per-class mask."""
    print(f"Flagged {int(mask.sum())} class annotations on "
          f"{int(flagged_rows(mask).sum())} of {mask.shape[0]} examples ({filter_by}).")


def _warn_unused(name, reason):
    warn(f"`{name}` is not used {reason}.")


def _warn_joint_ignored(filter_by):
    """The rules that count confident guesses directly never read a confident joint."""
    warn(
        f"confident_joint is ignored with filter_by={filter_by!r}, which counts "
        f"confident guesses directly."
    )


def _per_class_mask(checked, filter_by, *, low_memory, n_jobs, min_examples_per_class,
                    from_find_label_issues, return_cl=False, thresholds=None, sparse=False):
    """Warnings for unused options, then :func:`issue_mask` (``return_cl``: see there)."""
    c = checked
    if low_memory:
        defaults = (
            ("filter_by", filter_by != DEFAULT_FILTER_BY),
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
                raise InputValueError(
                    "confident_joint cannot be used with low_memory=True; the batched "
                    "estimator computes its own counts. Pass confident_joint=None."
                )
            _warn_unused("confident_joint", "when `low_memory=True`")
        return issue_mask(c["Y"], c["P"], filter_by, low_memory=True,
                          low_memory_method=c["method"], thresholds=thresholds)
    if filter_by not in PRUNE_FILTERS:
        if c["ntr"] is not None:
            raise InputValueError(
                f"num_to_remove_per_class is only used by the prune rules "
                f"{PRUNE_FILTERS}; it cannot be combined with filter_by={filter_by!r}."
            )
        if c["frac_noise"] != 1.0:
            _warn_unused("frac_noise", f"with filter_by={filter_by!r}")
        if filter_by == "confident_learning" and c["confident_joint_given"]:
            _warn_joint_ignored(filter_by)
    return issue_mask(
        c["Y"], c["P"], filter_by, frac_noise=c["frac_noise"], ntr=c["ntr"],
        min_examples=c["min_examples"], joint=c["joint"], return_cl=return_cl,
        thresholds=thresholds, sparse=sparse,
    )


def find_multilabel_issues_per_class(
    labels: Labels,
    pred_probs: ProbabilityArray,
    *,
    return_indices_ranked_by: str | None = None,
    rank_by_kwargs: dict[str, Any] | None = None,
    filter_by: str = DEFAULT_FILTER_BY,
    frac_noise: float = 1.0,
    num_to_remove_per_class: Sequence[int] | None = None,
    min_examples_per_class: int = 1,
    confident_joint: ArrayLike | None = None,
    n_jobs: int | None = None,
    verbose: bool = False,
    low_memory: bool = False,
) -> np.ndarray | tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """Find which class annotations look wrong, class by class.

    Each class is treated as a one-vs-rest binary problem (annotated or not) and
    confident learning estimates, per class, which annotations disagree with the
    model's confident predictions. All classes are processed at once.

    Parameters
    ----------
    {shared}

    Returns
    -------
    label_issues : ndarray or scipy.sparse.csr_matrix of shape (n_samples, \
n_classes), dtype bool
        If ``return_indices_ranked_by`` is None: ``[i, c]`` is True if class c looks
        wrongly annotated on example i (missing, or given but wrong). A boolean CSR
        matrix for sparse ``pred_probs`` (which do not take
        ``return_indices_ranked_by`` here).
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
    {toy_data}
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
        _print_flagged(mask, filter_by)
    if checked["method"] is None:
        return mask
    Y, P = checked["Y"], checked["P"]
    if is_sparse_probabilities(P):
        raise InputValueError(
            "return_indices_ranked_by is not available with sparse pred_probs in "
            "find_multilabel_issues_per_class (it returns dense per-class columns); use "
            "the sparse mask it returns with return_indices_ranked_by=None, or "
            "find_label_issues to rank examples."
        )
    scores = ranking_scores(Y, P, checked["method"], checked["adjust"], per_class=True)
    ranked = ranked_per_class(mask, scores)
    given, probs = [], []
    Y = column_source(Y)
    for start, stop in class_chunks(P.shape[0], P.shape[1]):
        p, y = columns(Y, P, start, stop)
        given.extend(y.astype(np.int64))
        probs.extend(np.stack([1.0 - p, p], axis=2))
    return ranked, given, probs


def _low_filter_issues(checked, filter_by, cl=None):
    """find_label_issues with low_self_confidence / low_normalized_margin (rule F6).

    ``cl`` is the confident-learning mask if the caller has it already.
    """
    Y, P = checked["Y"], checked["P"]
    check_aggregate_rankable(Y, P.shape[1], f"filter_by={filter_by!r}")
    if checked["confident_joint_given"]:
        _warn_joint_ignored(filter_by)
    if cl is None:
        cl = issue_mask(Y, P, "confident_learning")
    return low_filter_example_mask(Y, P, cl)


def find_label_issues(
    labels: Labels,
    pred_probs: ProbabilityArray,
    *,
    return_indices_ranked_by: str | None = None,
    rank_by_kwargs: dict[str, Any] | None = None,
    filter_by: str = DEFAULT_FILTER_BY,
    frac_noise: float = 1.0,
    num_to_remove_per_class: Sequence[int] | None = None,
    min_examples_per_class: int = 1,
    confident_joint: ArrayLike | None = None,
    n_jobs: int | None = None,
    verbose: bool = False,
    low_memory: bool = False,
) -> np.ndarray:
    """Find the examples whose set of annotations looks wrong.

    An example is flagged if any of its class annotations is flagged by
    :func:`find_multilabel_issues_per_class` (a missing class or a wrong one).

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
    {toy_data}
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
        mask = flagged_rows(_per_class_mask(
            checked, filter_by, low_memory=low_memory, n_jobs=n_jobs,
            min_examples_per_class=min_examples_per_class,
            from_find_label_issues=True,
        ))
        if method is not None:
            check_aggregate_rankable(Y, P.shape[1], "return_indices_ranked_by")
    if verbose:
        print(f"Flagged {int(mask.sum())} of {mask.shape[0]} examples ({filter_by}).")
    if method is None:
        return mask
    scores = ranking_scores(Y, P, method, checked["adjust"], per_class=False)
    return ranked_label_issues(np.flatnonzero(mask), scores)


fill_doc(find_multilabel_issues_per_class, find_label_issues, shared=_SHARED_DOC,
         toy_data=toy_data_doc())


#: The filter options of find_label_issues_both, with their defaults: those of
#: find_label_issues, read from its signature so that the two never disagree.
_FILTER_OPTIONS = {
    name: p.default for name, p in inspect.signature(find_label_issues).parameters.items()
    if p.kind is p.KEYWORD_ONLY and name not in ("return_indices_ranked_by", "verbose")
}


def find_label_issues_both(Y, P, *, thresholds=None, verbose=False, sparse=False,
                           **options):
    """``(find_multilabel_issues_per_class(...), find_label_issues(...))`` as masks,
    validated and computed once (the ``low_*`` rules count one confident-learning
    mask for both). ``sparse=True``: the per-class mask may be a boolean CSR matrix
    (see :func:`skmlq._core._confident_learning.issue_mask`).

    For callers that have scored already: ``Y`` and ``P`` must be the checked
    labels and probabilities, and ``thresholds`` (if not None) their confident
    thresholds, which the scoring computed with ``adjust_pred_probs=True``.
    ``options`` are the filter options of :func:`find_label_issues` but
    ``return_indices_ranked_by``, with its defaults.
    """
    unknown = sorted(set(options) - set(_FILTER_OPTIONS))
    if unknown:
        raise TypeError(
            f"find_label_issues_both() got an unexpected keyword argument {unknown[0]!r}")
    options = {**_FILTER_OPTIONS, **options}
    checked = check_filter_inputs(Y, P, return_indices_ranked_by=None, trusted=True, **options)
    filter_by, low_memory = options["filter_by"], options["low_memory"]
    low = filter_by in LOW_FILTERS and not low_memory
    result = _per_class_mask(
        checked, filter_by, low_memory=low_memory, n_jobs=options["n_jobs"],
        min_examples_per_class=options["min_examples_per_class"],
        from_find_label_issues=False, return_cl=low, thresholds=thresholds, sparse=sparse,
    )
    mask, cl = result if low else (result, None)
    if verbose:
        _print_flagged(mask, filter_by)
    return mask, _low_filter_issues(checked, filter_by, cl) if low else flagged_rows(mask)
