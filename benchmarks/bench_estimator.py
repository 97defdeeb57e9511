"""Benchmark of ``MultilabelLabelQuality`` against the bare route, in one process.

Run ``python benchmarks/bench_estimator.py`` (full, a few minutes, bibtex) or with
``--quick`` (a small synthetic smoke run).

1. Overhead of the estimator: ``MultilabelLabelQuality(refit=False).fit`` against
   the bare route with the same estimator and the same folds,
   ``cross_val_predict(..., method="predict_proba")`` followed by cleanlab's
   ``get_label_quality_scores``. Target: ratio (ours / bare) <= 1.2 (``fit`` also
   fits the second stage for the error probabilities). Times are the
   best of ``--repeat`` runs, the two routes alternating; peak extra memory of our
   fit is measured with tracemalloc in a separate, untimed call.
2. ``memory``: ``GridSearchCV`` over 3 methods x 4 alphas (12 candidates, 3 outer
   splits, inner ``cv=3``) with and without ``memory``, with the number of base-model
   fits (counted by a wrapper) and the wall time of each.

Data: bibtex (7,395 examples, 1,836 sparse word features, 159 tags) when
``shared/data/bibtex.arff`` is found, else synthetic ``make_multilabel_classification``.
"""

import argparse
import gc
import sys
import tempfile
import time
import warnings

import numpy as np
from _measure import peak_mb
from _report import summary_line
from sklearn.base import clone
from sklearn.datasets import make_multilabel_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold, cross_val_predict
from sklearn.multiclass import OneVsRestClassifier
from sklearn.neighbors import KNeighborsClassifier

from skmlq import MultilabelLabelQuality
from skmlq.model_selection import MultilabelStratifiedKFold

try:
    from cleanlab.multilabel_classification.rank import (
        get_label_quality_scores as cleanlab_scores,
    )
except ImportError:  # pragma: no cover - optional
    cleanlab_scores = None

FIT_COUNT = [0]


class CountingOVR(OneVsRestClassifier):
    """OneVsRestClassifier that counts its fits (module level: picklable, hashable)."""

    def fit(self, X, y, **fit_params):
        FIT_COUNT[0] += 1
        return super().fit(X, y, **fit_params)


def lr():
    return OneVsRestClassifier(LogisticRegression(solver="liblinear"))


def load_data(quick):
    """``(X, Y dense int, description)``: bibtex if available (full runs), else synthetic."""
    if not quick:
        try:
            from _data import bibtex_path, load_bibtex

            if bibtex_path() is not None:
                X, Y, _, _ = load_bibtex()
                return X, Y.toarray().astype(np.int64), "bibtex"
        except ImportError:  # pragma: no cover
            pass
    n, k = (400, 6) if quick else (3000, 40)
    X, Y = make_multilabel_classification(
        n_samples=n, n_features=50, n_classes=k, n_labels=2, length=100, random_state=0
    )
    return X, Y, f"synthetic {n}x{k}"


def top_classes(Y, n_classes):
    """Y restricted to its ``n_classes`` most frequent columns."""
    order = np.argsort(-Y.sum(axis=0), kind="stable")[:n_classes]
    return Y[:, np.sort(order)]


def bare_route(estimator, X, Y, folds):
    """cross_val_predict + cleanlab scoring: what a user writes without skmlq.

    Returns ``(P, scores, seconds in cross_val_predict)``.
    """
    start = time.perf_counter()
    P = cross_val_predict(estimator, X, Y, cv=folds, method="predict_proba")
    if isinstance(P, list):  # KNeighbors/RandomForest with 2-D y: one (n, 2) per class
        P = np.stack([part[:, 1] for part in P], axis=1)
    cvp_s = time.perf_counter() - start
    labels = [np.flatnonzero(row).tolist() for row in Y]
    return P, cleanlab_scores(labels, P), cvp_s


def bench_overhead(name, estimator, X, Y, repeat):
    folds = list(MultilabelStratifiedKFold(5, shuffle=True, random_state=0).split(X, Y))
    ours_t, bare_t, cvp_t = np.inf, np.inf, np.inf
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        mlq = MultilabelLabelQuality(estimator, cv=folds, refit=False).fit(X, Y)
        ours_t = min(ours_t, time.perf_counter() - start)
        if cleanlab_scores is not None:
            gc.collect()
            start = time.perf_counter()
            P, scores, cvp_s = bare_route(estimator, X, Y, folds)
            bare_t = min(bare_t, time.perf_counter() - start)
            cvp_t = min(cvp_t, cvp_s)
    peak = peak_mb(lambda: MultilabelLabelQuality(estimator, cv=folds, refit=False).fit(X, Y))
    if cleanlab_scores is None:
        print(f"{name:<34} ours {ours_t:8.2f} s   bare: skipped: cleanlab not installed")
        summary_line(f"estimator fit {name}", ours_t, None, peak, "skipped: cleanlab not installed")
        return
    same = np.allclose(mlq.pred_probs_, P) and np.allclose(mlq.label_quality_scores_, scores)
    ratio = ours_t / bare_t
    print(
        f"{name:<34} ours {ours_t:8.2f} s   bare {bare_t:8.2f} s   ours/bare {ratio:5.3f}  "
        f"{'PASS' if ratio <= 1.2 else 'FAIL'} (<= 1.2)   peak {peak:7.1f} MB   "
        f"same numbers: {same}"
    )
    print(
        f"{'':<34} (bare = cross_val_predict {cvp_t:.2f} s + cleanlab scoring "
        f"{bare_t - cvp_t:.2f} s; ours / cross_val_predict alone {ours_t / cvp_t:.3f})"
    )
    summary_line(
        f"estimator fit {name}", ours_t, bare_t, peak,
        f"refit=False vs cross_val_predict+cleanlab; ours/bare {ratio:.3f}",
    )


def bench_delicious_share(X, Y, n_sampled=50):
    """What the estimator adds to the default base model's fits on delicious, in CPU
    seconds (steady on a busy machine, unlike wall time).

    The default base model (one-vs-rest logistic regression) fits 983 classes x 5
    folds plus the refit on all rows, most of an hour on a busy machine: its CPU is
    measured on ``n_sampled`` classes drawn at random (seeded) and scaled to all.
    The estimator's own work (second stage, noise model, count check, scores) is
    its fit's CPU minus that of ``cross_val_predict`` with the same base model and
    folds (k-NN, whose cost does not matter here).
    """
    from skmlq._estimator._cross_fit import default_estimator

    folds = list(MultilabelStratifiedKFold(5, shuffle=True, random_state=0).split(X, Y))
    knn = KNeighborsClassifier(n_neighbors=15, metric="cosine")
    start = time.process_time()
    cross_val_predict(knn, X, Y, cv=folds, method="predict_proba")
    cvp = time.process_time() - start
    start = time.process_time()
    MultilabelLabelQuality(knn, cv=folds, refit=False).fit(X, Y)
    own = time.process_time() - start - cvp
    sampled = np.sort(np.random.default_rng(0).choice(Y.shape[1], n_sampled, replace=False))
    base = default_estimator().estimator
    start = time.process_time()
    for k in sampled:
        for train, _ in folds + [(np.arange(X.shape[0]), None)]:
            y = Y[train, k]
            if 0 < y.sum() < y.size:
                clone(base).fit(X[train], y)
    lr_cpu = (time.process_time() - start) * Y.shape[1] / n_sampled
    print(f"the default base model's fits (5 folds + refit), CPU extrapolated from "
          f"{n_sampled} classes: {lr_cpu:.0f} s; the estimator's own work (second stage, "
          f"noise model, count check, scores): {own:.1f} CPU s = {own / lr_cpu:.0%} of "
          f"them ({'PASS' if own <= 0.2 * lr_cpu else 'FAIL'}: at most 20%)")
    summary_line("estimator own work delicious", own, lr_cpu, None,
                 "reference = default base model's fits, extrapolated")


def bench_memory(name, X, Y):
    outer = list(KFold(3, shuffle=True, random_state=0).split(X))
    grid = {
        "method": ["self_confidence", "normalized_margin", "confidence_weighted_entropy"],
        "alpha": [0.2, 0.5, 0.8, 0.95],
    }
    results = {}
    with tempfile.TemporaryDirectory() as location:
        for label, memory in (("without memory", None), ("with memory", location)):
            FIT_COUNT[0] = 0
            estimator = MultilabelLabelQuality(
                CountingOVR(LogisticRegression(solver="liblinear")),
                cv=3, random_state=0, memory=memory,
            )
            gc.collect()
            start = time.perf_counter()
            search = GridSearchCV(estimator, grid, cv=outer).fit(X, Y)
            results[label] = (time.perf_counter() - start, FIT_COUNT[0], search.best_params_)
    (t0, n0, best0), (t1, n1, best1) = results["without memory"], results["with memory"]
    print(f"GridSearchCV 3 methods x 4 alphas, 3 outer splits, inner cv=3, {name}")
    print(f"  {'':<16}{'time s':>10}{'base fits':>11}  best_params_")
    print(f"  {'without memory':<16}{t0:10.2f}{n0:11d}  {best0}")
    print(f"  {'with memory':<16}{t1:10.2f}{n1:11d}  {best1}")
    print(f"  speed-up {t0 / t1:.1f}x, fits {n0} -> {n1}, same best_params_: {best0 == best1}")
    summary_line(
        f"estimator grid memory {name}", t1, t0, None,
        f"reference = no memory; base fits {n0} -> {n1}",
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small synthetic smoke run")
    parser.add_argument("--repeat", type=int, default=None, help="timing repeats (best of)")
    parser.add_argument("--delicious", action="store_true",
                        help="only check 1 on delicious (983 tags) with k-NN, one run")
    args = parser.parse_args(argv)
    repeat = args.repeat or (2 if args.quick else 3)
    warnings.filterwarnings("ignore", message="Label not 1 is present")
    warnings.filterwarnings("ignore", message="Label .* is present in all training")

    if args.delicious:
        from _detect_data import load_delicious

        X, Y = load_delicious()
        print(f"data: delicious, X {X.shape}, Y {Y.shape}; k-NN (cosine, 15 neighbours): "
              f"the one-vs-rest logistic regression's 983 x 5 fits take most of an hour on "
              f"a busy machine, and the stage's cost does not depend on the model")
        knn = KNeighborsClassifier(n_neighbors=15, metric="cosine")
        bench_overhead("KNN delicious all 983 tags", knn, X, Y.astype(np.int64), 1)
        bench_delicious_share(X, Y.astype(np.int64))
        return 0
    X, Y, data_name = load_data(args.quick)
    print(f"data: {data_name}, X {X.shape}, Y {Y.shape}")
    if cleanlab_scores is None:
        print("skipped: cleanlab not installed (bare route column)")
    print("\n1. fit(refit=False) vs cross_val_predict + cleanlab scoring, same 5 folds")
    if args.quick:
        bench_overhead(f"OVR(LR) {data_name}", lr(), X, Y, repeat)
        bench_overhead(f"KNN {data_name}", KNeighborsClassifier(), X, Y, repeat)
        grid_X, grid_Y, grid_name = X, Y, data_name
    else:
        k = 20
        bench_overhead(
            f"OVR(LR) {data_name} top-{k} tags", lr(), X, top_classes(Y, k), repeat
        )
        bench_overhead(
            f"KNN {data_name} all {Y.shape[1]} tags", KNeighborsClassifier(), X, Y, repeat
        )
        n = min(2000, X.shape[0])
        grid_X, grid_Y = X[:n], top_classes(Y[:n], k)
        grid_name = f"{data_name} first {n} x top-{k} tags"
    print("\n2. memory: base-model fits and time of a grid search over scoring parameters")
    bench_memory(grid_name, grid_X, grid_Y)
    return 0


if __name__ == "__main__":
    sys.exit(main())
