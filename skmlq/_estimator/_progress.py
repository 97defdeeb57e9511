"""Progress of the cross fitting: a plan line, then folds and classes as they finish.

A tqdm bar when tqdm is installed (``pip install "skmlq[progress]"``), else one
line rewritten in place. Within a fold, the binary fits of a one-vs-rest
classifier are counted by wrapping its base classifier for the fold's clone only
(the refit and the fitted models are never wrapped); other classifiers report
whole folds.
"""

import itertools
import sys
import time

import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, clone

__all__ = ["FitProgress", "count_class_fits", "fit_plan"]

# Callbacks of the running fits, by key: the wrappers carry only the int key, so
# that cloning them (which deep-copies parameters) never copies a progress bar.
_TICKS = {}
_KEYS = itertools.count()


def _describe_X(X):
    shape = getattr(X, "shape", None)
    if shape is not None and len(shape) == 2:
        kind = "sparse" if sp.issparse(X) else "dense"
        return f"{shape[0]:,} x {shape[1]:,} {kind}"
    return f"{len(X):,} examples"


def fit_plan(n_folds, n_classes, X, estimator):
    """The plan of a fit, e.g. ``"5 folds x 159 classes on 7,395 x 1,836 sparse"``."""
    return (f"{n_folds} folds x {n_classes} classes on {_describe_X(X)} "
            f"({type(estimator).__name__})")


class _CountFits(ClassifierMixin, BaseEstimator):
    """A classifier that fits ``estimator`` and ticks the progress of fit ``key``."""

    def __init__(self, estimator=None, key=-1):
        self.estimator = estimator
        self.key = key

    def fit(self, X, y, **fit_params):
        self.estimator_ = clone(self.estimator).fit(X, y, **fit_params)
        self.classes_ = self.estimator_.classes_
        tick = _TICKS.get(self.key)
        if tick is not None:
            tick()
        return self

    def predict_proba(self, X):
        return self.estimator_.predict_proba(X)

    def decision_function(self, X):
        return self.estimator_.decision_function(X)

    def predict(self, X):
        return self.estimator_.predict(X)

    def __sklearn_tags__(self):
        from sklearn.utils import get_tags

        tags = super().__sklearn_tags__()
        try:
            inner = get_tags(self.estimator)
        except (AttributeError, TypeError):
            return tags
        tags.input_tags = inner.input_tags
        return tags


def _one_vs_rest_path(estimator):
    """Parameter prefix of the OneVsRestClassifier in ``estimator``, or None."""
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import Pipeline

    if isinstance(estimator, OneVsRestClassifier):
        return "" if estimator.n_jobs in (None, 1) else None
    if isinstance(estimator, Pipeline) and estimator.steps:
        name, last = estimator.steps[-1]
        inner = _one_vs_rest_path(last)
        return None if inner is None else f"{name}__{inner}"
    return None


def count_class_fits(estimator, key):
    """``estimator`` (a fold's clone) with its binary fits counted, or None if it can't be."""
    path = _one_vs_rest_path(estimator)
    if path is None:
        return None
    inner = estimator.get_params()[f"{path}estimator"]
    return estimator.set_params(**{f"{path}estimator": _CountFits(inner, key)})


def _tqdm():
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm


class FitProgress:
    """Progress of ``n_folds`` fold fits of ``n_classes`` binary fits each, on ``stream``.

    ``tick_key`` is the key :func:`count_class_fits` wrappers tick; ``fold_done``
    is called when a fold ends. Disabled, it prints nothing and costs nothing.
    """

    def __init__(self, plan, n_folds, n_classes, enabled=True, stream=None, interval=0.2,
                 per_class=True):
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self.n_folds, self.n_classes = n_folds, n_classes
        self.per_class = per_class
        self.total = n_folds * n_classes if per_class else n_folds
        self.folds = self.classes = 0
        self.interval = interval
        self._start = self._last = time.perf_counter()
        self._bar = None
        self.tick_key = next(_KEYS)
        if not enabled:
            return
        print(f"Fitting {plan}", file=self.stream, flush=True)
        tqdm = _tqdm()
        if tqdm is not None:
            self._bar = tqdm(total=self.total, file=self.stream, leave=True,
                             unit="fit" if per_class else "fold", desc="cross-fitting")
        _TICKS[self.tick_key] = self._class_done

    def _class_done(self):
        self.classes += 1
        if self._bar is not None:
            self._bar.update(1)
        else:
            self._line()

    def fold_done(self):
        self.folds += 1
        if not self.enabled:
            return
        if self._bar is not None:
            if self.per_class:
                done = self.folds * self.n_classes
                self._bar.update(max(0, done - self._bar.n))
            else:
                self._bar.update(1)
            self._bar.set_postfix_str(f"fold {self.folds}/{self.n_folds}")
        else:
            self._line(force=True)

    def _line(self, force=False):
        now = time.perf_counter()
        if not force and now - self._last < self.interval:
            return
        self._last = now
        within = (f", class {self.classes - self.folds * self.n_classes}/{self.n_classes}"
                  if self.per_class and self.folds < self.n_folds else "")
        self.stream.write(f"\rcross-fitting: fold {min(self.folds + 1, self.n_folds)}/"
                          f"{self.n_folds}{within} ({now - self._start:.1f} s)   ")
        self.stream.flush()

    def close(self):
        _TICKS.pop(self.tick_key, None)
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.close()
        else:
            self.stream.write(f"\rcross-fitting: {self.n_folds} folds done in "
                              f"{time.perf_counter() - self._start:.1f} s{' ' * 20}\n")
            self.stream.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
        return False
