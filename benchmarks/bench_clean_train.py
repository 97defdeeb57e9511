"""Clean, then train: what cleaning the training annotations gains on held-out data.

One *case* is (data set, noise kind, noise rate, base model, seed): the examples are
split 70 / 30 (seeded), seeded errors of ``skmlq.benchmarking`` are injected into
the training annotations only, and the base model is trained

- on the noisy annotations (``noisy``),
- by :class:`skmlq.CleanMultilabelClassifier` with each cleaning mode
  (``fix`` at confidences 0.5, 0.3, 0.2, 0.1, ``"auto"``, and per side
  ``(0.5, "auto")``, ``(0.5, 0.2)`` and ``(0.5, (0.2, "auto"))``, the default,
  ``fix@0.5/0.2+auto``; ``drop`` at 0.5; ``weight`` where the model takes
  ``sample_weight``: the forest),
- on the true annotations (``ceiling``),

and scored on the clean test annotations: micro-F1, macro-F1, Jaccard (samples)
and label-ranking average precision (LRAP). The cleaning's label-quality step is
``method="noise_posterior", aggregator="product"``; the cleaning itself reads the
error probabilities, which do not depend on the method. The modes of a case share
one cross fitting through ``memory``.

The share of the gap recovered is ``(mode - noisy) / (ceiling - noisy)`` on the
seed means; a gap smaller than twice the standard error of the per-seed gaps (or
than 0.005) is *within noise*: listed, left out of the average, never claimed as
a gain or a loss.

Grid (sized for a shared 2-core machine, run at nice priority): yeast and the
synthetic suite (k-NN, one-vs-rest logistic regression, a 50-tree random forest),
then bibtex (sparse: k-NN with cosine distances and one-vs-rest SGD logistic
regression, no forest), then delicious last (k-NN and SGD only: a forest over 983
outputs costs far too much); noise kinds toggle, missing and realistic, at 10%
and 20% of the training examples; seeds 0, 1, 2. Results are cached per case in
``~/.cache/skmlq-bench/clean`` (``$SKMLQ_CLEAN_CACHE``), so a rerun only prints; a
variant added to ``VARIANTS`` is computed for the cached cases that lack it (the
label-quality step again, then one fit per new variant), except the default's row,
which equals one of two other rows (``UNION_OF``).

Run ``python benchmarks/bench_clean_train.py`` (``--only yeast`` restricts the
cases by name, ``--jobs 2`` runs two cases at a time, ``--timing`` also times
``CleanMultilabelClassifier.fit`` against ``MultilabelLabelQuality.fit``);
``--quick`` is a smoke run on a small synthetic problem.
"""

import argparse
import json
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _detect_data import load, make_model  # noqa: E402
from _report import summary_line  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from skmlq import CleanMultilabelClassifier, MultilabelLabelQuality  # noqa: E402
from skmlq.benchmarking import (  # noqa: E402
    missing_tags_noise,
    random_toggle_noise,
    realistic_noise,
)

VERSION = 1  # bump when the cleaning or the grid's meaning changes
CACHE = Path(os.environ.get("SKMLQ_CLEAN_CACHE") or Path(
    os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "skmlq-bench" / "clean")
SEEDS = (0, 1, 2)
RATES = (0.1, 0.2)
KINDS = ("toggle", "missing", "realistic")
NOISE = {
    "toggle": random_toggle_noise,
    "missing": missing_tags_noise,
    "realistic": realistic_noise,
}
# (data, model, noise kinds): cheap cases first, delicious last. The forest, the
# costliest model (and the only one taking sample_weight), runs the realistic noise
# only.
GRID = [
    ("yeast", "knn", KINDS), ("yeast", "lr", KINDS), ("yeast", "forest", ("realistic",)),
    ("synthetic", "knn", KINDS), ("synthetic", "lr", KINDS),
    ("synthetic", "forest", ("realistic",)),
    ("bibtex", "knn", ("realistic",)), ("bibtex", "sgd", ("realistic",)),
    ("delicious", "knn", ("realistic",)), ("delicious", "sgd", ("realistic",)),
]
DEFAULT = ("fix", (0.5, (0.2, "auto")))  # CleanMultilabelClassifier's default cleaning
VARIANTS = [("fix", 0.5), ("fix", 0.3), ("fix", 0.2), ("fix", 0.1), ("fix", "auto"),
            ("fix", (0.5, "auto")), ("fix", (0.5, 0.2)), DEFAULT, ("drop", 0.5),
            ("weight", 0.5)]
# A side of several criteria changes what any of them selects; as each selects the
# most likely first, that is the larger of their selections. The default's labels are
# therefore those of whichever of these two variants added more tags (they remove the
# same ones), and so is its row: a case cached before the default was added takes it
# from them (marked "same_as") instead of cross-fitting again.
UNION_OF = {"fix@0.5/0.2+auto": ("fix@0.5/0.2", "fix@0.5/auto")}
METRICS = ("micro_f1", "macro_f1", "jaccard", "lrap")
LABEL_QUALITY = {"method": "noise_posterior", "aggregator": "product"}
TEST_SIZE = 0.3


def base_model(model, data):
    from sklearn.linear_model import SGDClassifier
    from sklearn.multiclass import OneVsRestClassifier

    if model == "sgd":
        return OneVsRestClassifier(SGDClassifier(loss="log_loss", alpha=1e-4, random_state=0))
    est = make_model(model, data)
    if model == "forest":
        est.set_params(n_estimators=50)
    return est


def variant_name(mode, confidence):
    if isinstance(confidence, tuple):  # (given: to remove, absent: to add)
        confidence = "/".join("+".join(map(str, side)) if isinstance(side, tuple) else str(side)
                              for side in confidence)
    return mode if mode == "weight" else f"{mode}@{confidence}"


def supports_weight(est):
    from sklearn.utils.validation import has_fit_parameter

    return has_fit_parameter(est, "sample_weight")


def scores(model, X, Y):
    from sklearn.metrics import f1_score, jaccard_score, label_ranking_average_precision_score

    pred = np.asarray(model.predict(X)).reshape(Y.shape[0], -1).astype(bool)
    proba = model.predict_proba(X) if isinstance(model, CleanMultilabelClassifier) else None
    if proba is None:
        from skmlq._estimator._proba import predict_pred_probs

        proba = predict_pred_probs(model, X, Y.shape[0], Y.shape[1])
    return {
        "micro_f1": f1_score(Y, pred, average="micro", zero_division=0),
        "macro_f1": f1_score(Y, pred, average="macro", zero_division=0),
        "jaccard": jaccard_score(Y, pred, average="samples", zero_division=1),
        "lrap": label_ranking_average_precision_score(Y, proba),
    }


def split(n, seed):
    rng = np.random.RandomState(seed)
    order = rng.permutation(n)
    n_test = int(round(TEST_SIZE * n))
    return np.sort(order[n_test:]), np.sort(order[:n_test])


def case_path(case):
    data, kind, rate, model, seed = case
    return CACHE / f"v{VERSION}-{data}-{kind}-{int(rate * 100)}-{model}-{seed}.json"


def missing_rows(out, base):
    """Rows of VARIANTS (and the two references) that ``out`` does not hold yet."""
    names = ["noisy", "ceiling"] + [
        variant_name(mode, confidence) for mode, confidence in VARIANTS
        if mode != "weight" or supports_weight(base)]
    return [n for n in names if n not in out["rows"]]


def take_unions(out):
    """Fill the rows of UNION_OF that ``out`` lacks from the rows they equal; True if any."""
    added = False
    for name, parts in UNION_OF.items():
        if name in out["rows"] or not all(p in out["rows"] for p in parts):
            continue
        rows = [out["rows"][p] for p in parts]
        if any("error" in r for r in rows):
            continue
        largest = max(range(len(parts)), key=lambda i: rows[i]["n_changed"])
        out["rows"][name] = {**rows[largest], "same_as": parts[largest]}
        added = True
    return added


def run_case(case, X, Y, out=None):
    """Run the rows of ``case`` that ``out`` (a cached result) lacks; all without it."""
    from sklearn.base import clone
    from sklearn.utils.validation import check_memory

    data, kind, rate, model, seed = case
    path = case_path(case)
    train, test = split(Y.shape[0], seed)
    X_train, X_test = X[train], X[test]
    noisy, wrong = NOISE[kind](Y[train], rate=rate, random_state=seed)
    noisy = np.asarray(noisy, dtype=bool)
    wrong = np.asarray(wrong, dtype=bool)
    base = base_model(model, data)
    out = out or {"case": list(case), "n_train": len(train), "n_test": len(test),
                  "n_wrong": int(wrong.sum()), "rows": {}, "seconds": {}}
    todo = missing_rows(out, base)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, labels in (("noisy", noisy), ("ceiling", Y[train])):
            if name not in todo:
                continue
            start = time.perf_counter()
            fitted = clone(base).fit(X_train, labels.astype(int))
            out["seconds"][name] = time.perf_counter() - start
            out["rows"][name] = scores(fitted, X_test, Y[test])
        with tempfile.TemporaryDirectory() as folder:
            memory = check_memory(folder)
            for mode, confidence in VARIANTS:
                if mode == "weight" and not supports_weight(base):
                    continue
                name = variant_name(mode, confidence)
                if name not in todo:
                    continue
                start = time.perf_counter()
                clf = CleanMultilabelClassifier(
                    base, cleaning=mode, confidence=confidence, cv=5, random_state=seed,
                    memory=memory, **LABEL_QUALITY,
                )
                try:
                    clf.fit(X_train, noisy.astype(int))
                    out["seconds"][name] = time.perf_counter() - start
                    row = scores(clf, X_test, Y[test])
                except ValueError as exc:  # e.g. "drop" left fewer examples than k-NN's k
                    out["rows"][name] = {**{m: np.nan for m in METRICS}, "error": str(exc)}
                    continue
                row["n_changed"] = int(clf.n_changed_)
                if mode == "fix":
                    changed = clf.y_cleaned_ != noisy
                    row["fix_precision"] = float((changed & wrong).sum() / max(changed.sum(), 1))
                    row["fix_recall"] = float((changed & wrong).sum() / max(wrong.sum(), 1))
                out["rows"][name] = row
    out["seconds"]["case"] = out["seconds"].get("case", 0.0) + time.perf_counter() - t0
    if case[0] != "quick":
        write_json(path, out)
    return out


def write_json(path, out):
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(out))
    tmp.replace(path)


def cases(only=""):
    for data, model, kinds in GRID:
        for kind in kinds:
            for rate in RATES:
                for seed in SEEDS:
                    case = (data, kind, rate, model, seed)
                    if only in "-".join(map(str, case)):
                        yield case


def build(case):
    """Run a case, or the rows its cached result lacks (a variant added since)."""
    path = case_path(case)
    out = json.loads(path.read_text()) if path.exists() else None
    if out is not None and take_unions(out):
        write_json(path, out)
    if out is not None and not missing_rows(out, base_model(case[3], case[0])):
        return out
    X, Y = load(case[0], case[4])
    out = run_case(case, X, Y, out)
    print(f"{path.name}: {out['seconds']['case']:.1f} s", flush=True)
    return out


def summarise(results, metric="micro_f1"):
    """Per group (data, kind, rate, model): seed means, gap and recovered shares."""
    groups = {}
    for res in results:
        data, kind, rate, model, _ = res["case"]
        groups.setdefault((data, kind, rate, model), []).append(res)
    table = []
    for key, runs in groups.items():
        names = [n for n in runs[0]["rows"] if all(n in r["rows"] for r in runs)]
        # A mode that failed on a seed (e.g. "drop" left too few examples) has no mean.
        means = {n: float(np.mean([r["rows"][n][metric] for r in runs])) for n in names}
        gaps = np.array([r["rows"]["ceiling"][metric] - r["rows"]["noisy"][metric] for r in runs])
        gap = means["ceiling"] - means["noisy"]
        se = gaps.std(ddof=1) / np.sqrt(len(gaps)) if len(gaps) > 1 else np.inf
        within_noise = gap < max(2 * se, 0.005)
        shares = {n: (means[n] - means["noisy"]) / gap if gap > 0 else np.nan
                  for n in names if n not in ("noisy", "ceiling")}
        table.append({"group": key, "n_seeds": len(runs), "means": means, "gap": gap,
                      "within_noise": bool(within_noise), "shares": shares})
    return table


def print_report(results):
    names = [variant_name(*v) for v in VARIANTS]
    for metric in METRICS:
        table = summarise(results, metric)
        print(f"\n== {metric}: seed means; share of the noisy-to-ceiling gap recovered")
        header = (f"{'data':10} {'kind':9} {'rate':>4} {'model':6} {'noisy':>6} "
                  f"{'ceil':>6} " + " ".join(f"{n:>9}" for n in names))
        print(header)
        for row in table:
            data, kind, rate, model = row["group"]
            cells = []
            for n in names:
                if n in row["shares"]:
                    v = row["means"][n]
                    share = "" if row["within_noise"] else f"({row['shares'][n]:+.0%})"
                    cells.append(f"{v:.3f}{share}")
                else:
                    cells.append("-")
            flag = "  (gap within noise)" if row["within_noise"] else ""
            print(f"{data:10} {kind:9} {rate:4.0%} {model:6} {row['means']['noisy']:.3f} "
                  f"{row['means']['ceiling']:.3f} " + " ".join(f"{c:>9}" for c in cells)
                  + flag)
        real = [r for r in table if not r["within_noise"]]
        print(f"-- average share recovered over {len(real)} of {len(table)} groups with a "
              f"gap beyond noise; worst change vs noisy over all groups:")
        for n in names:
            shares = [r["shares"][n] for r in real
                      if n in r["shares"] and np.isfinite(r["shares"][n])]
            deltas = [r["means"][n] - r["means"]["noisy"] for r in table
                      if n in r["means"] and np.isfinite(r["means"][n])]
            failed = sum(1 for r in table if n in r["means"] and not np.isfinite(r["means"][n]))
            if deltas:
                mean_share = np.mean(shares) if shares else np.nan
                # Capped: a model lifted above its ceiling counts as the whole gap.
                capped = np.mean(np.minimum(shares, 1.0)) if shares else np.nan
                print(f"   {n:9} mean share {mean_share:+.0%} (median "
                      f"{np.median(shares) if shares else np.nan:+.0%}, capped at 100% "
                      f"{capped:+.0%}, {len(shares)} groups); "
                      f"worst delta {min(deltas):+.4f}; mean delta {np.mean(deltas):+.4f}"
                      + (f"; failed in {failed} groups" if failed else ""))
        default = variant_name(*DEFAULT)
        per_data = []
        for data in dict.fromkeys(r["group"][0] for r in table):
            shares = [r["shares"][default] for r in real
                      if r["group"][0] == data and default in r["shares"]]
            deltas = [r["means"][default] - r["means"]["noisy"] for r in table
                      if r["group"][0] == data and default in r["means"]]
            if deltas:
                per_data.append(f"{data} {np.mean(shares) if shares else np.nan:+.0%} "
                                f"({len(shares)} groups; worst delta {min(deltas):+.4f})")
        print(f"   the default per data set: mean share {'; '.join(per_data)}")
    for mode, confidence in VARIANTS:
        if mode != "fix":
            continue
        name = variant_name(mode, confidence)
        fixes = [r["rows"][name] for r in results if "fix_precision" in r["rows"].get(name, {})]
        precision = np.mean([f["fix_precision"] for f in fixes])
        recall = np.mean([f["fix_recall"] for f in fixes])
        print(f"{name}: {precision:.2f} of the changes repair an injected error; they repair "
              f"{recall:.2f} of the wrong annotations (means over {len(fixes)} cases)")


def print_rst(results, metric="micro_f1"):
    """The micro-F1 table of the user guide, as reStructuredText (the default
    cleaning, the two rules it combines, fix at 0.5, drop and weight)."""
    shown = (DEFAULT, ("fix", (0.5, 0.2)), ("fix", (0.5, "auto")), ("fix", 0.5),
             ("drop", 0.5), ("weight", 0.5))
    names = [variant_name(*v) for v in shown]
    table = summarise(results, metric)
    head = ["data", "model", "noise", "noisy", "ceiling"] + names
    rows = []
    for row in table:
        data, kind, rate, model = row["group"]
        cells = [data, model, f"{kind} {rate:.0%}", f"{row['means']['noisy']:.3f}",
                 f"{row['means']['ceiling']:.3f}"]
        for n in names:
            value = row["means"].get(n)
            if value is None:
                cells.append("")
            elif not np.isfinite(value):
                cells.append("failed")
            elif row["within_noise"]:
                cells.append(f"{value:.3f}")
            else:
                cells.append(f"{value:.3f} ({row['shares'][n]:+.0%})")
        rows.append(cells)
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    rule = " ".join("=" * w for w in widths)
    print(rule)
    print(" ".join(h.ljust(w) for h, w in zip(head, widths)).rstrip())
    print(rule)
    for r in rows:
        print(" ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    print(rule)


def timing(data="yeast", seed=0):
    """Fit time of the default cleaning against MultilabelLabelQuality.fit, same data."""
    X, Y = load(data, seed)
    out = []
    for model in ("knn", "lr"):
        base = base_model(model, data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            times = {}
            for name, est in (
                ("mlq", MultilabelLabelQuality(base, cv=5, random_state=seed, **LABEL_QUALITY)),
                ("clean", CleanMultilabelClassifier(base, cv=5, random_state=seed,
                                                    **LABEL_QUALITY)),
            ):
                best = np.inf
                for _ in range(1):  # one run: the machine is shared
                    start = time.perf_counter()
                    est.fit(X, Y.astype(int))
                    best = min(best, time.perf_counter() - start)
                times[name] = best
        ratio = times["clean"] / times["mlq"]
        print(f"timing {data} {model}: MultilabelLabelQuality.fit {times['mlq']:.2f} s, "
              f"CleanMultilabelClassifier.fit {times['clean']:.2f} s, ratio {ratio:.2f}")
        summary_line(f"clean fit {data} {model}", times["clean"], None,
                     note=f"{ratio:.2f}x MultilabelLabelQuality.fit ({times['mlq']:.2f} s)")
        out.append(ratio)
    return out


def quick():
    from sklearn.datasets import make_multilabel_classification

    X, Y = make_multilabel_classification(n_samples=400, n_features=20, n_classes=5,
                                          random_state=0)
    start = time.perf_counter()
    res = [run_case(("quick", "realistic", 0.2, "lr", s), X.astype(float), Y.astype(bool))
           for s in (0, 1)]
    print_report(res)
    summary_line("clean train quick", time.perf_counter() - start, None,
                 note="synthetic 400 x 5, 2 seeds")


def main(argv=None):
    # One thread per process: on a shared machine, multi-threaded BLAS under load made
    # the noise model's L-BFGS fits of the label-quality step ~8x slower.
    threadpool_limits(1)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="run only cases whose name contains this")
    parser.add_argument("--jobs", type=int, default=1, help="cases run at a time")
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    parser.add_argument("--timing", action="store_true", help="also time the fits")
    parser.add_argument("--rst", action="store_true",
                        help="also print the micro-F1 table as reStructuredText")
    parser.add_argument("--report-only", action="store_true",
                        help="print the cached cases only; run nothing")
    args = parser.parse_args(argv)
    if args.quick:
        return quick()
    todo = list(cases(args.only))
    if not args.report_only:
        from joblib import Parallel, delayed

        Parallel(n_jobs=args.jobs)(delayed(build)(case) for case in todo)
    results = [json.loads(case_path(c).read_text()) for c in todo if case_path(c).exists()]
    for res in results:
        take_unions(res)
    print(f"{len(results)} of {len(todo)} cases cached in {CACHE}")
    if results:
        print_report(results)
        if args.rst:
            print_rst(results)
    if args.timing:
        timing()


if __name__ == "__main__":
    main()
