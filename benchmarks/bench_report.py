"""From scores to fixed labels: start-up time, ``audit``'s model, report and apply overhead.

1. ``skmlq --version`` and ``skmlq --help``: CPU seconds of the process (median of
   5 runs; user + system), with ``--before PATH`` also for another checkout (for
   example the previous release) run the same way.
2. ``skmlq audit``'s model on bibtex (``../shared/data/bibtex.arff``) with one tag
   flipped on 10% of the examples (seeded), side by side in one process: the
   previous default (standardised features or TF-IDF + lbfgs) and the model audit
   now picks for the features. Two cases: the first 1,000 entries' 1,836 word
   features as dense numeric columns, and all 7,395 entries' words as text.
   Wall and CPU seconds of the 5-fold cross fit, and how well the label quality
   finds the flipped examples (average precision; precision among the 10% worst).
3. At N = 100,000, K = 100 (synthetic): scoring time, and the time of the issue
   mask, of laying out the report (with the filter's flags, and with flags from
   error probabilities as the estimator does), of applying its suggestions and of
   writing the review file, each as a multiple of the scoring time of the same
   label form (best-of-5 CPU seconds).

Usage: ``python benchmarks/bench_report.py [--quick] [--before PATH]``.
"""

import argparse
import io
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from _data import bibtex_path, load_bibtex
from _report import summary_line
from threadpoolctl import threadpool_limits

HERE = Path(__file__).resolve().parent


def cpu_of(cmd, env=None, cwd=None, repeat=5):
    """Median CPU seconds (user + system) of running ``cmd``."""
    runs = []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(cmd, capture_output=True, check=True, env=env, cwd=cwd)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        runs.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(runs)


def bench_startup(before):
    print("1. start-up: CPU seconds of the process (median of 5)")
    rows = []
    for label, root in (("now", HERE.parent), ("before", before)):
        if root is None:
            continue
        env = dict(os.environ, PYTHONPATH=str(root))
        for flag in ("--version", "--help"):
            # cwd=root: "python -m" puts the working directory first on sys.path.
            seconds = cpu_of([sys.executable, "-m", "skmlq", flag], env=env, cwd=root)
            rows.append((label, flag, seconds))
            print(f"  {label:7s} skmlq {flag:10s} {seconds:6.3f} s CPU", flush=True)
    for label, flag, seconds in rows:
        summary_line(f"skmlq {flag} CPU ({label})", seconds, None, None,
                     note="CPU seconds, not wall")
    return rows


def _flip(Y, rate, seed):
    rng = np.random.default_rng(seed)
    n, k = Y.shape
    rows = rng.choice(n, size=int(round(rate * n)), replace=False)
    Y = Y.copy()
    Y[rows, rng.integers(0, k, size=rows.size)] ^= True
    corrupted = np.zeros(n, dtype=bool)
    corrupted[rows] = True
    return Y, corrupted


def _previous_model(kind):
    """The model ``skmlq audit`` fitted before it chose by feature kind."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skmlq._estimator import default_estimator

    if kind == "text":
        return make_pipeline(TfidfVectorizer(sublinear_tf=True), default_estimator())
    return make_pipeline(SimpleImputer(strategy="median"), StandardScaler(),
                         default_estimator())


def _fit(model, X, Y, corrupted):
    from sklearn.metrics import average_precision_score

    from skmlq import MultilabelLabelQuality

    mlq = MultilabelLabelQuality(model, cv=5, random_state=0, refit=False)
    wall, cpu = time.perf_counter(), time.process_time()
    mlq.fit(X, Y)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    scores = mlq.label_quality_scores_
    ap = average_precision_score(corrupted, -scores)
    k = int(corrupted.sum())
    top = corrupted[np.argsort(scores, kind="stable")[:k]].mean()
    return wall, cpu, ap, top


def bench_audit(quick, text=True):
    from skmlq.cli._models import audit_model, numeric_features

    if bibtex_path() is None:
        print("2. audit: skipped (bibtex.arff not found)")
        summary_line("audit bibtex", None, None, None, note="skipped: bibtex.arff not found")
        return
    X, Y, words, _ = load_bibtex()
    Y = Y.toarray()
    print("2. audit model on bibtex, one tag flipped on 10% of the examples; 5-fold cross fit")
    print(f"  {'case':34s} {'model':9s} {'wall s':>8s} {'CPU s':>8s} {'AP':>6s} "
          f"{'prec@10%':>9s}")
    n_dense = 200 if quick else 1000
    n_text = 1000 if quick else X.shape[0]
    cases = []
    Xd = X[:n_dense].toarray()
    Yd = Y[:n_dense]
    keep = (Yd.sum(0) > 0) & (Yd.sum(0) < n_dense)  # audit refuses constant classes
    cases.append((f"{n_dense:,} x {Xd.shape[1]:,} dense numeric", "dense", Xd,
                  Yd[:, keep]))
    # The same words with a little noise in every cell: genuinely dense columns.
    noise = np.random.default_rng(0).normal(0, 0.05, Xd.shape)
    cases.append((f"{n_dense:,} x {Xd.shape[1]:,} words + noise", "dense", Xd + noise,
                  Yd[:, keep]))
    words = np.asarray(words, dtype=object)
    Xc = X[:n_text].tocsr()
    texts = [" ".join(words[Xc.indices[Xc.indptr[i]:Xc.indptr[i + 1]]]) for i in
             range(n_text)]
    Yt = Y[:n_text]
    keep = (Yt.sum(0) > 0) & (Yt.sum(0) < n_text)
    if text:
        cases.append((f"{n_text:,} bibtex entries as text", "text", texts, Yt[:, keep]))
    for name, kind, features, labels in cases:
        noisy, corrupted = _flip(labels, 0.1, seed=0)
        if kind == "dense":
            new_X, new_kind = numeric_features(features)
        else:
            new_X, new_kind = features, "text"
        new_model, _ = audit_model(new_kind, len(noisy), getattr(new_X, "shape", (0, 0))[1])
        runs = [("before", _previous_model(kind), features), ("now", new_model, new_X)]
        if new_kind == "sparse":  # the path of genuinely dense columns, on the same data
            runs.append(("now-dense", audit_model("dense", len(noisy), features.shape[1])[0],
                         features))
        results = {}
        for label, model, data in runs:
            wall, cpu, ap, top = _fit(model, data, noisy, corrupted)
            results[label] = (wall, cpu, ap, top)
            print(f"  {name:34s} {label:9s} {wall:8.1f} {cpu:8.1f} {ap:6.3f} {top:9.3f}",
                  flush=True)
        (bw, bc, bap, _), (nw, nc, nap, _) = results["before"], results["now"]
        summary_line(f"audit {name}", nw, bw, None,
                     note=f"CPU {nc:.1f} s vs {bc:.1f} s before; AP {nap:.3f} vs "
                          f"{bap:.3f} before (reference = previous model)")


def bench_overhead(quick):
    import scipy.sparse as sp

    from skmlq.filter import find_multilabel_issues_per_class
    from skmlq.rank import get_label_quality_scores, get_label_quality_scores_per_class
    from skmlq.report import apply_suggestions, label_issue_report, write_review
    from skmlq.report._build import build_report

    n, k = (10_000, 100) if quick else (100_000, 100)
    rng = np.random.default_rng(0)
    Y = rng.random((n, k)) < 0.05
    P = np.clip(np.where(Y, 0.8, 0.05) + rng.normal(0, 0.1, Y.shape), 0, 1)
    flip = rng.random((n, k)) < 0.002
    Y ^= flip
    lists = [np.flatnonzero(r).tolist() for r in Y]
    Ys = sp.csr_matrix(Y)

    repeat = 3 if quick else 5

    def timed(func):
        # Best of `repeat` CPU times: the machine is shared, so wall time (and a
        # single run) measures the neighbours as much as the code.
        best, out = np.inf, None
        for _ in range(repeat):
            start = time.process_time()
            out = func()
            best = min(best, time.process_time() - start)
        return best, out

    def scoring(labels):
        return lambda: (get_label_quality_scores_per_class(labels, P),
                        get_label_quality_scores(labels, P))

    # The scoring time of each label form: reading lists is part of both scoring
    # and applying, so each apply is compared with scoring the same form.
    t_score, _ = timed(scoring(Ys))
    t_score_dense, _ = timed(scoring(Y))
    t_score_lists, _ = timed(scoring(lists))
    S = get_label_quality_scores_per_class(Ys, P)
    s = get_label_quality_scores(Ys, P)
    t_mask, mask = timed(lambda: find_multilabel_issues_per_class(Ys, P))
    t_layout, report = timed(lambda: build_report(Ys, s, S, mask, np.arange(k)))
    t_full, _ = timed(lambda: label_issue_report(Ys, P))
    # The estimator's path: flags from error probabilities instead of the filter.
    e_class = np.where(mask, 0.9, 0.01)
    e_example = 1.0 - np.prod(1.0 - e_class, axis=1)
    t_proba, _ = timed(lambda: label_issue_report(Ys, P, error_proba=e_example,
                                                  error_proba_per_class=e_class))
    t_apply_lists, _ = timed(lambda: apply_suggestions(lists, report))
    t_apply_sparse, _ = timed(lambda: apply_suggestions(Ys, report))
    t_apply_dense, _ = timed(lambda: apply_suggestions(Y, report))
    t_review, _ = timed(lambda: write_review(report, io.StringIO(), pred_probs=P))
    n_changes = int(mask.sum())
    print(f"3. overhead at N={n:,}, K={k} ({n_changes:,} suggested changes): best-of-{repeat} "
          f"CPU seconds, and as a multiple of the scoring time (per-class scores + "
          f"aggregated, as two calls: {t_score:.3f} s from a sparse indicator, "
          f"{t_score_dense:.3f} s dense, {t_score_lists:.3f} s from lists)")
    rows = [("issue mask (filter, public call)", t_mask, t_score),
            ("report layout", t_layout, t_score),
            ("label_issue_report, all of it", t_full, t_score),
            ("  of which beyond scoring", t_full - t_score, t_score),
            ("  with error-probability flags", t_proba, t_score),
            ("    of which beyond scoring", t_proba - t_score, t_score),
            ("apply_suggestions, index lists", t_apply_lists, t_score_lists),
            ("apply_suggestions, sparse", t_apply_sparse, t_score),
            ("apply_suggestions, dense", t_apply_dense, t_score_dense),
            ("write_review", t_review, t_score)]
    print(f"  {'step':34s} {'CPU s':>8s}  {'x scoring':>9s}")
    for name, seconds, reference in rows:
        print(f"  {name:34s} {seconds:8.3f}  {seconds / reference:9.2f}", flush=True)
    for name, seconds, reference in rows:
        summary_line(f"{name.strip()} N={n:,} K={k}", seconds, None, None,
                     note=f"{seconds / reference:.2f} x scoring ({reference:.3f} s), CPU")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    parser.add_argument("--before", type=Path, default=None, metavar="PATH",
                        help="another checkout to measure start-up against")
    parser.add_argument("--only", choices=("startup", "audit", "overhead"), default=None)
    parser.add_argument("--no-text", action="store_true", help="skip audit's text case")
    args = parser.parse_args(argv)
    if args.only in (None, "startup"):
        bench_startup(args.before)
    with threadpool_limits(1):  # like the tests: the machine's cores are shared
        if args.only in (None, "audit"):
            bench_audit(args.quick, text=not args.no_text)
        if args.only in (None, "overhead"):
            bench_overhead(args.quick)


if __name__ == "__main__":
    main()
