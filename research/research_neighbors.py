"""How many neighbours the second stage needs: detection against the full model.

The second stage models each class from ``logit(p)``, its ``n_neighbors`` most
informative other classes and the count of the labels outside them
(``skmlq._core._second_stage``); ``n_neighbors="all"`` is the full model of every
other label. This script fits the stage with several ``n_neighbors`` on the
detection benchmark's cached out-of-fold probabilities (whatever cases
``~/.cache/skmlq-bench/detection`` holds; nothing is written there) and, with
``--extra``, on bibtex and synthetic cases it builds itself with k-NN (seed 0,
kept in ``/tmp``), and prints, per method, the mean AUROC over the cases and the
worst case's AUROC difference to ``"all"``.

Run ``python research/research_neighbors.py [--only yeast] [--extra]``.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from _detect_data import NOISE, available_cases, load, load_case, oof_pred_probs  # noqa: E402
from bench_detection import AGGREGATORS  # noqa: E402

from skmlq import get_label_quality_scores  # noqa: E402
from skmlq.benchmarking import detection_metrics  # noqa: E402
from skmlq.rank import get_cooccurrence_params  # noqa: E402

ROWS = [("cooccurrence", "min"), ("noise_posterior", "softmin0.1"),
        ("single_error", "softmin0.1")]
EXTRA = [("bibtex", "toggle"), ("bibtex", "missing"), ("bibtex", "realistic"),
         ("synthetic", "realistic"), ("synthetic", "classcond")]


def extra_case(data, noise, seed=0):
    path = Path("/tmp") / f"skmlq-neighbors-{data}-{noise}-knn-{seed}.npz"
    if not path.exists():
        X, Y = load(data, seed)
        noisy, wrong = NOISE[noise](Y, seed)
        P = oof_pred_probs(X, noisy, "knn", data, seed)
        np.savez_compressed(path, noisy=noisy, wrong=wrong, pred_probs=P)
    with np.load(path) as f:
        return {k: f[k] for k in f.files}


def evaluate(d, choices):
    Y, P, wrong = d["noisy"], d["pred_probs"], d["wrong"]
    out = {}
    for m in choices:
        t0 = time.perf_counter()
        params = get_cooccurrence_params(Y, P, n_neighbors=m)
        fit = time.perf_counter() - t0
        for method, agg in ROWS:
            s = get_label_quality_scores(Y, P, method=method, cooccurrence_params=params,
                                         aggregator_kwargs=AGGREGATORS[agg])
            out[m, method] = detection_metrics(s, wrong)["auroc"]
        out[m, "fit"] = fit
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="")
    parser.add_argument("--extra", action="store_true")
    parser.add_argument("--choices", default="2,5,10,20,40,all")
    args = parser.parse_args(argv)
    choices = [c if c == "all" else int(c) for c in args.choices.split(",")]
    results = {}
    for case in available_cases():
        name = "-".join(map(str, case))
        if args.only in name:
            results[name] = evaluate(load_case(*case), choices)
            print(f"  {name} done", flush=True)
    if args.extra:
        for data, noise in EXTRA:
            name = f"{data}-{noise}-knn-0 (built here)"
            if args.only in name:
                results[name] = evaluate(extra_case(data, noise), choices)
                print(f"  {name} done", flush=True)
    print(f"\n{len(results)} cases; mean AUROC (worst difference to 'all' over cases), "
          f"mean fit seconds")
    print(f"  {'n_neighbors':>11s} " + " ".join(f"{m + ' ' + a:>30s}" for m, a in ROWS)
          + f" {'fit s':>6s}")
    for m in choices:
        cells = []
        for method, _ in ROWS:
            au = np.array([r[m, method] for r in results.values()])
            ref = np.array([r["all", method] for r in results.values()])
            diff = au - ref
            cells.append(f"{au.mean():.4f} ({diff.min():+.4f}, mean {diff.mean():+.4f})")
        fit = np.mean([r[m, "fit"] for r in results.values()])
        print(f"  {str(m):>11s} " + " ".join(f"{c:>30s}" for c in cells) + f" {fit:6.2f}")


if __name__ == "__main__":
    main()
