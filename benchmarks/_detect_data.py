"""Out-of-fold probabilities of the detection benchmark, cached on disk.

One *case* is (data set, noise kind, base model, seed): the clean annotations get
seeded errors from ``skmlq.benchmarking``, the base model is cross-fitted on the
noisy annotations (5 shuffled folds seeded by the case's seed), and the noisy
annotations, the mask of wrong annotations and the out-of-fold probabilities are
saved to ``$SKMLQ_BENCH_CACHE`` (default ``~/.cache/skmlq-bench/detection``, under
``$XDG_CACHE_HOME`` when it is set). A new scorer then costs seconds: only the
scoring runs. The cache lives outside the work tree so that a fresh checkout on the
same machine finds it; a case depends on the noise generators of
``skmlq.benchmarking`` and on the base models below, so delete the cache when either
changes (the co-occurrence stage's files carry a version in their names).

Run ``python benchmarks/_detect_data.py`` to build every missing case (cheap
cases first; about 25 minutes of one core, ``--jobs 2`` builds two cases at a time;
``--only yeast`` restricts by name).
"""

import argparse
import gzip
import os
import sys
import time
from pathlib import Path

import numpy as np

from skmlq.benchmarking import (
    class_conditional_noise,
    missing_tags_noise,
    random_flip_rates,
    random_toggle_noise,
    realistic_noise,
)

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE.parents[1] / "shared" / "data"
CACHE = Path(os.environ.get("SKMLQ_BENCH_CACHE") or Path(
    os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "skmlq-bench" / "detection")
SEEDS = (0, 1, 2)
N_FOLDS = 5
RATE = 0.1  # fraction of corrupted examples for the rate-based noise kinds

NOISE = {
    "toggle": lambda Y, seed: random_toggle_noise(Y, rate=RATE, random_state=seed),
    "missing": lambda Y, seed: missing_tags_noise(Y, rate=RATE, random_state=seed),
    "realistic": lambda Y, seed: realistic_noise(Y, rate=RATE, random_state=seed),
    "classcond": lambda Y, seed: class_conditional_noise(
        Y, random_flip_rates(Y.shape[1], random_state=1000 + seed), random_state=seed
    ),
}

# (data, noise kinds, models). bibtex's 159 one-vs-rest fits on 1,836 sparse
# features per fold make its logistic regression and forest the costly part, so
# bibtex runs the forest on fewer trees (see make_model). delicious has 983 tags:
# its 983 one-vs-rest fits take about 10 minutes per case on one core, and a
# multi-output forest, whose every split weighs all 983 outputs, far longer, so it
# runs the logistic regression and k-NN only.
GRID = [
    ("yeast", ("toggle", "missing", "realistic", "classcond"), ("lr", "forest", "knn")),
    ("synthetic", ("classcond", "realistic"), ("lr", "forest", "knn")),
    ("bibtex", ("toggle", "missing", "realistic"), ("knn", "lr", "forest")),
    ("delicious", ("toggle", "missing", "realistic"), ("knn", "lr")),
]


# Sparse binary word features: no scaling, cosine distances.
SPARSE_DATA = ("bibtex", "delicious")


def load_yeast():
    import csv

    with gzip.open(DATA_DIR / "yeast.csv.gz", "rt") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], np.array(rows[1:], dtype=np.float64)
    is_class = np.array([h.startswith("Class") for h in header])
    return body[:, ~is_class], body[:, is_class].astype(bool)


def load_synthetic(seed=0):
    """The synthetic benchmark: make_multilabel_classification, 20 classes."""
    from sklearn.datasets import make_multilabel_classification

    X, Y = make_multilabel_classification(
        n_samples=4000, n_features=40, n_classes=20, n_labels=3, length=60,
        allow_unlabeled=True, random_state=seed,
    )
    return X.astype(np.float64), Y.astype(bool)


def load_delicious():
    """The delicious web pages: 500 binary word features, 983 tags (Mulan ARFF)."""
    import scipy.sparse as sp

    from skmlq.datasets import load_arff

    bunch = load_arff(DATA_DIR / "delicious.arff", label_prefix="TAG_")
    return bunch.data, sp.csr_matrix(bunch.target, dtype=bool).toarray()


def load(name, seed):
    if name == "yeast":
        return load_yeast()
    if name == "synthetic":
        return load_synthetic(seed)
    if name == "delicious":
        return load_delicious()
    sys.path.insert(0, str(HERE))
    from _data import load_bibtex

    X, Y, _, _ = load_bibtex()
    return X, Y.toarray()


def make_model(model, data):
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if model == "lr":
        lr = OneVsRestClassifier(LogisticRegression(solver="liblinear", C=1.0))
        return lr if data in SPARSE_DATA else make_pipeline(StandardScaler(), lr)
    if model == "forest":
        n_trees = 50 if data == "bibtex" else 100
        return RandomForestClassifier(n_estimators=n_trees, min_samples_leaf=2, random_state=0)
    if model == "knn":
        metric = "cosine" if data in SPARSE_DATA else "minkowski"
        knn = KNeighborsClassifier(n_neighbors=15, metric=metric)
        return knn if data in SPARSE_DATA else make_pipeline(StandardScaler(), knn)
    raise ValueError(model)


def _positive_proba(model, X):
    proba = model.predict_proba(X)
    if isinstance(proba, list):  # native multi-output estimators: one (n, c) per class
        cols = []
        for k, pk in enumerate(proba):
            classes = model.classes_[k] if hasattr(model, "classes_") else model[-1].classes_[k]
            cols.append(pk[:, list(classes).index(1)] if 1 in classes else np.zeros(len(pk)))
        return np.column_stack(cols)
    return proba


def oof_pred_probs(X, Y, model, data, seed):
    from sklearn.base import clone
    from sklearn.model_selection import KFold

    P = np.zeros(Y.shape)
    est = make_model(model, data)
    for train, test in KFold(N_FOLDS, shuffle=True, random_state=seed).split(X):
        fitted = clone(est).fit(X[train], Y[train].astype(int))
        P[test] = _positive_proba(fitted, X[test])
    return np.clip(P, 0.0, 1.0)


def case_path(data, noise, model, seed):
    return CACHE / f"{data}-{noise}-{model}-{seed}.npz"


def cases():
    for data, noises, models in GRID:
        for model in models:
            for noise in noises:
                for seed in SEEDS:
                    yield data, noise, model, seed


def build(data, noise, model, seed):
    path = case_path(data, noise, model, seed)
    if path.exists():
        return path
    X, Y = load(data, seed)
    noisy, wrong = NOISE[noise](Y, seed)
    t0 = time.perf_counter()
    P = oof_pred_probs(X, noisy, model, data, seed)
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, noisy=noisy, wrong=wrong, clean=Y, pred_probs=P)
    tmp.replace(path)
    print(f"{path.name}: {time.perf_counter() - t0:.1f} s", flush=True)
    return path


def load_case(data, noise, model, seed):
    with np.load(case_path(data, noise, model, seed)) as f:
        return {k: f[k] for k in f.files}


def available_cases():
    return [c for c in cases() if case_path(*c).exists()]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="build only cases whose name contains this")
    parser.add_argument("--jobs", type=int, default=1,
                        help="cases built at a time (each fits its base model on one core)")
    args = parser.parse_args(argv)
    todo = [c for c in cases() if args.only in "-".join(map(str, c))]
    # Each case writes its own file (through a temporary of its own), so cases can be
    # built in parallel processes.
    from joblib import Parallel, delayed

    Parallel(n_jobs=args.jobs)(delayed(build)(*case) for case in todo)


if __name__ == "__main__":
    main()
