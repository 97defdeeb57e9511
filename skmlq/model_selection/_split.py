"""Multi-label stratified k-fold cross-validation (iterative stratification)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.model_selection import BaseCrossValidator
from sklearn.utils import check_random_state

from ..utils._blocks import row_blocks
from ..utils._errors import InputTypeError, InputValueError
from ..utils._labels import check_labels

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..utils._typing import Labels

__all__ = ["MultilabelStratifiedKFold"]

# Examples matched to folds per step: smaller is closer to one-at-a-time, slower.
_CHUNK = 2048


def _check_params(n_splits, shuffle, random_state):
    """Validate the constructor parameters with scikit-learn's ``KFold`` messages."""
    if isinstance(n_splits, (bool, np.bool_)) or not isinstance(n_splits, Integral):
        raise InputValueError(
            "The number of folds must be of Integral type. "
            f"n_splits={n_splits!r} of type {type(n_splits).__name__} was passed."
        )
    if n_splits <= 1:
        raise InputValueError(
            "k-fold cross-validation requires at least one train/test split by setting "
            f"n_splits=2 or more, got n_splits={n_splits}."
        )
    if not isinstance(shuffle, (bool, np.bool_)):  # scikit-learn's KFold wording
        raise InputTypeError(f"shuffle must be True or False; got {shuffle!r}")
    if not shuffle and random_state is not None:
        raise InputValueError(
            "Setting a random_state has no effect since shuffle is False. You should "
            "leave random_state to its default (None), or set shuffle=True."
        )


def _check_y(y):
    """Convert ``y`` to a boolean CSR indicator; reject single-label targets."""
    if y is None:
        raise InputValueError(
            "MultilabelStratifiedKFold.split needs y, the multi-label targets: a list "
            "of lists of class indices, or a dense or sparse 0/1 indicator of shape "
            "(n_samples, n_classes)."
        )
    if not sp.issparse(y):
        first = y[0] if isinstance(y, (list, tuple)) and len(y) else None
        one_d = first is not None and np.ndim(first) == 0 and not isinstance(first, str)
        if not isinstance(y, (list, tuple)):
            values = y.to_numpy() if hasattr(y, "to_numpy") else np.asarray(y)
            one_d = values.ndim == 1 and values.dtype != object
        if one_d:
            raise InputValueError(
                "y is one-dimensional (one class id per example), which is not "
                "multi-label. Pass a list of lists of class indices (e.g. [[c] for c "
                "in y] for one class per example) or a (n_samples, n_classes) 0/1 "
                "indicator; for single-label targets use "
                "sklearn.model_selection.StratifiedKFold."
            )
    Y = check_labels(y, name="y")
    if sp.issparse(Y):
        return Y
    # Dense 0/1 array: build the CSR matrix block by block (memory of one block).
    n_samples, n_classes = Y.shape
    indptr = np.zeros(n_samples + 1, dtype=np.int64)
    indices = []
    for start, stop in row_blocks(n_samples, n_classes):
        block = Y[start:stop]
        # check_labels has verified 0/1 values: one-byte ints can be read as bool.
        one_byte = block.dtype.itemsize == 1 and block.dtype.kind in "biu"
        block = block.view(bool) if one_byte else block != 0
        indptr[start + 1: stop + 1] = np.count_nonzero(block, axis=1)
        indices.append(np.flatnonzero(block) % max(n_classes, 1))
    indices = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64)
    return sp.csr_matrix(
        (np.ones(indices.size, dtype=bool), indices, np.cumsum(indptr)),
        shape=(n_samples, n_classes),
    )


def _fill_order(level, size, bounds, n_take, tie_key):
    """Folds of the next ``n_take`` greedy picks, in the order the greedy makes them.

    Fold ``j`` offers candidate picks ``t = 0, 1, ...`` while it is below its upper
    size bound; pick ``t`` is ranked by ``(level[j] + t, size[j] + t, tie)``: least
    filled with the current label first, then most wanting examples overall
    (smallest), then ``tie_key``. Every key grows with ``t``, so taking the
    ``n_take`` smallest keys reproduces the one-example-at-a-time greedy exactly.
    Picks that lift a fold above its lower bound are limited so that the examples
    still unplaced can always bring every fold up to its lower bound.
    """
    lower, upper, unplaced = bounds
    room = upper - size
    need = np.clip(lower - size, 0, None)
    budget = unplaced - need.sum()  # picks allowed beyond the lower bounds

    def available(counts):
        mandatory = np.minimum(counts, need)
        return mandatory.sum(axis=-1) + np.minimum((counts - mandatory).sum(axis=-1), budget)

    lo, hi = int(level.min()), int(level.max()) + n_take
    while lo < hi:  # smallest cut-off level with at least n_take candidates
        grid = np.append(np.arange(lo, hi, max(1, (hi - lo) // 256)), hi)
        enough = available(np.clip(grid[:, None] - level + 1, 0, room)) >= n_take
        first = int(np.argmax(enough))  # enough[-1] holds: grid[-1] == hi
        lo, hi = (int(grid[first - 1]) + 1 if first else lo), int(grid[first])
    counts = np.clip(lo - level + 1, 0, room)
    folds = np.repeat(np.arange(level.size), counts)
    starts = np.cumsum(counts) - counts
    t = np.arange(folds.size) - np.repeat(starts, counts)
    order = np.lexsort((tie_key(folds), size[folds] + t, level[folds] + t))
    optional = t[order] >= need[folds[order]]
    keep = ~optional | (np.cumsum(optional) <= budget)
    return folds[order[keep][:n_take]]


def _gather_rows(Y, rows):
    """Column indices of the entries of CSR rows ``rows``, and where each row starts."""
    starts = Y.indptr[rows]
    lengths = Y.indptr[rows + 1] - starts
    first = np.cumsum(lengths) - lengths
    offsets = np.arange(first[-1] + lengths[-1]) - np.repeat(first - starts, lengths)
    return Y.indices[offsets], first


def _match(score, greedy, n_splits):
    """Re-assign a chunk's examples to folds, keeping the greedy's count per fold.

    ``score[i, j]`` says how much fold ``j`` still wants the other classes of
    example ``i``; ``greedy`` is the fold the greedy gave it in dataset order,
    kept unless another fold with a free slot wants the example strictly more
    (score differences are integers). In each round every example proposes to its
    best fold with free slots and each fold keeps its strongest proposals, so at
    most ``n_splits`` rounds are needed.
    """
    score[np.arange(greedy.size), greedy] += 0.5
    if np.array_equal(np.argmax(score, axis=1), greedy):
        return greedy  # every example already sits in its best fold
    slots = np.bincount(greedy, minlength=n_splits)
    out = np.empty(greedy.size, dtype=np.intp)
    left = np.arange(greedy.size)
    while True:
        candidate = score[left]
        candidate[:, slots == 0] = -np.inf
        best = np.argmax(candidate, axis=1)
        order = np.lexsort((-candidate[np.arange(left.size), best], best))
        best = best[order]
        accept = np.arange(best.size) - np.searchsorted(best, best) < slots[best]
        out[left[order[accept]]] = best[accept]
        if accept.all():
            return out
        slots -= np.bincount(best[accept], minlength=n_splits)
        left = left[order[~accept]]


def _pair_counts(classes, folds, shape):
    """Counts of (class, fold) pairs as a ``shape`` array (faster than np.add.at)."""
    flat = np.bincount(classes * shape[1] + folds, minlength=shape[0] * shape[1])
    return flat.reshape(shape)


def _iterative_stratification(Y, n_splits, rng, chunk=_CHUNK):
    """Test-fold id of every row of the boolean CSR indicator ``Y``.

    ``rng`` is a ``RandomState`` (random ties and label order among equally rare
    labels) or None (deterministic: ties go to a rotating fold order). The
    examples of one class are matched to folds ``chunk`` at a time (0: no matching,
    the plain greedy of the paper).
    """
    n_samples, n_classes = Y.shape
    # Fold j holds target[j] +- slack examples; target: n_samples // n_splits, one
    # more for the first n_samples % n_splits folds; slack: 1% of that, rounded down.
    target = np.full(n_splits, n_samples // n_splits, dtype=np.int64)
    target[: n_samples % n_splits] += 1
    slack = n_samples // (100 * n_splits)
    size = np.zeros(n_splits, dtype=np.int64)
    fold = np.full(n_samples, -1, dtype=np.intp)
    by_class = Y.tocsc()
    by_class.sort_indices()
    remaining = np.bincount(Y.indices, minlength=n_classes).astype(np.int64)
    ideal = remaining / n_splits
    held = np.zeros((n_classes, n_splits), dtype=np.int64)  # placed positives
    label_rank = rng.permutation(n_classes) if rng is not None else np.arange(n_classes)
    rotation = 0
    never = np.iinfo(np.int64).max

    def tie_key(folds):
        if rng is not None:
            return rng.random_sample(folds.size)
        return (folds - rotation) % n_splits

    for _ in range(n_classes):
        active = remaining > 0
        if not active.any():
            break
        # Rarest label among the examples not yet placed; ties by label_rank.
        key = np.where(active, remaining * n_classes + label_rank, never)
        label = int(np.argmin(key))
        rotation += 1
        rows = by_class.indices[by_class.indptr[label]: by_class.indptr[label + 1]]
        todo = rows[fold[rows] < 0]
        bounds = (target - slack, target + slack, n_samples - size.sum())
        greedy = _fill_order(held[label], size, bounds, todo.size, tie_key)
        size += np.bincount(greedy, minlength=n_splits)
        classes, first = _gather_rows(Y, todo)
        remaining -= np.bincount(classes, minlength=n_classes)
        first = np.append(first, classes.size)
        if not chunk or classes.size == todo.size:  # nothing to match: keep the greedy
            fold[todo] = greedy
            held += _pair_counts(classes, np.repeat(greedy, np.diff(first)), held.shape)
            continue
        for start in range(0, todo.size, chunk):
            stop = min(start + chunk, todo.size)
            part = classes[first[start]: first[stop]]
            want = ideal[part, None] - held[part]
            want[part == label] = 0
            score = np.add.reduceat(want, first[start:stop] - first[start], axis=0)
            chosen = _match(score, greedy[start:stop], n_splits)
            fold[todo[start:stop]] = chosen
            held += _pair_counts(
                part, np.repeat(chosen, np.diff(first[start: stop + 1])), held.shape)
    # Examples without any label go to the smallest folds.
    todo = np.flatnonzero(fold < 0)
    if todo.size:
        bounds = (target - slack, target + slack, todo.size)
        fold[todo] = _fill_order(size, size, bounds, todo.size, tie_key)
    return fold


class MultilabelStratifiedKFold(BaseCrossValidator):
    """Multi-label stratified k-fold cross-validator (iterative stratification).

    Splits the examples into ``n_splits`` test folds so that every class keeps,
    as nearly as possible, the same number of positive examples in every fold, using
    the iterative stratification of Sechidis, Tsoumakas and Vlahavas (2011). With
    plain :class:`~sklearn.model_selection.KFold` a rare class can lose all its
    positives in a training fold; here a class with at least ``n_splits`` positives
    is spread over the folds.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds. Must be at least 2 and at most the number of examples.
    shuffle : bool, default=False
        Whether to visit the examples in a random order and to break ties at random.
        With ``shuffle=False`` the split is deterministic and uses no randomness.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffling when ``shuffle=True``; an int gives the same folds on
        every call. Must stay None when ``shuffle=False``, as in
        :class:`~sklearn.model_selection.KFold`.

    See Also
    --------
    sklearn.model_selection.KFold : Folds without regard to the labels.
    sklearn.model_selection.StratifiedKFold : Stratification of single-label targets.

    Notes
    -----
    The algorithm follows the paper: classes are taken rarest first, counting only
    examples not yet placed (equally rare classes in random order with
    ``shuffle=True``, by class index otherwise), and the examples of the current
    class are shared out so that each goes to the fold that most wants that class
    (holds the fewest of its positives), ties to the fold that most wants examples
    overall (the smallest), remaining ties at random (``shuffle=True``) or to a
    fold order that rotates from class to class (``shuffle=False``). Examples
    without any class go to the smallest folds.

    The paper places one example at a time; here one vectorised step places all
    unplaced examples of the current class. Fold ``j`` offers its ``t``-th example
    at priority ``(held_j + t, size_j + t, tie)`` and the ``m`` smallest priorities
    win. Since the priorities of a fold only grow with ``t``, this gives every
    fold exactly the number of examples of the current class that the
    one-at-a-time greedy gives it, with the paper's tie-breaking.

    The paper hands these examples out in dataset order; any order gives the
    current class the same counts. We choose the order that serves the classes
    still to come: within chunks of at most 2048 examples, an example moves from
    the fold the dataset order gives it to a fold with a free slot that wants its
    other classes strictly more (by the sum over them of ideal minus current
    count). On many-label data this cuts the deviation of per-fold positive counts
    from ``positives / n_splits`` severalfold (see ``benchmarks/bench_splitter.py``).
    The Python loop runs over classes and these chunks, never over examples.

    Fold sizes are guaranteed, which the paper does not do. Fold ``j`` holds
    between ``target_j - s`` and ``target_j + s`` examples, where ``target_j`` is
    ``n_samples // n_splits`` plus one for the first ``n_samples % n_splits``
    folds, and the slack ``s = n_samples // (100 * n_splits)`` is 1% of
    ``n_samples / n_splits`` rounded down. Below ``100 * n_splits`` examples ``s``
    is 0 and fold sizes differ by at most one. The slack lets the last, most
    common classes go where they are wanted instead of where room is left.

    ``groups`` is accepted for API compatibility and ignored.

    References
    ----------
    .. [1] K. Sechidis, G. Tsoumakas and I. Vlahavas, "On the Stratification of
       Multi-label Data", ECML PKDD 2011, pp. 145-158.

    Examples
    --------
    >>> from skmlq.model_selection import MultilabelStratifiedKFold
    >>> labels = [[0], [0, 1], [1], [0], [2], [1, 2], [], [2]]
    >>> cv = MultilabelStratifiedKFold(n_splits=2)
    >>> cv
    MultilabelStratifiedKFold(n_splits=2, random_state=None, shuffle=False)
    >>> for train, test in cv.split(None, labels):
    ...     print(train, test)
    [0 2 3 4] [1 5 6 7]
    [1 5 6 7] [0 2 3 4]
    """

    def __init__(
        self,
        n_splits: int = 5,
        *,
        shuffle: bool = False,
        random_state: int | np.random.RandomState | None = None,
    ):
        _check_params(n_splits, shuffle, random_state)
        self.n_splits = n_splits
        self.shuffle = shuffle
        self.random_state = random_state

    def get_n_splits(self, X: object = None, y: object = None, groups: object = None) -> int:
        """Return the number of splits, ``n_splits``.

        Parameters
        ----------
        X, y, groups : object
            Ignored, present for API compatibility.

        Returns
        -------
        n_splits : int
        """
        return self.n_splits

    def split(
        self, X: object, y: Labels | None = None, groups: object = None
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Generate train and test indices for each fold.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or None
            Training data; only its length is used (checked against ``y``). None is
            accepted.
        y : list of lists of int, array-like or sparse matrix, default=None
            Multi-label targets of shape (n_samples, n_classes): class indices per
            example, or a 0/1 indicator. Required; None raises ValueError.
        groups : object, default=None
            Ignored, present for API compatibility.

        Yields
        ------
        train : ndarray of int
            Training indices of the split, sorted.
        test : ndarray of int
            Test indices of the split, sorted.
        """
        fold = self._test_folds(X, y)
        for j in range(self.n_splits):
            test = fold == j
            yield np.flatnonzero(~test), np.flatnonzero(test)

    def _test_folds(self, X, y):
        _check_params(self.n_splits, self.shuffle, self.random_state)
        Y = _check_y(y)
        n_samples = Y.shape[0]
        n_x = None if X is None else (X.shape[0] if hasattr(X, "shape") else len(X))
        if n_x is not None and n_x != n_samples:
            raise InputValueError(
                f"X has {n_x} examples but y has {n_samples}; they must describe "
                "the same examples."
            )
        if self.n_splits > n_samples:
            raise InputValueError(
                f"Cannot have number of splits n_splits={self.n_splits} greater than "
                f"the number of samples: n_samples={n_samples}."
            )
        if not self.shuffle:
            return _iterative_stratification(Y, self.n_splits, None)
        rng = check_random_state(self.random_state)
        order = rng.permutation(n_samples)
        fold = np.empty(n_samples, dtype=np.intp)
        fold[order] = _iterative_stratification(Y[order], self.n_splits, rng)
        return fold
