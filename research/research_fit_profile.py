"""Where ``MultilabelLabelQuality().fit``'s own work goes on delicious (2026-12-08).

The estimator's fit with its base model's out-of-fold probabilities read from the
detection benchmark's cache (``delicious-toggle-knn-0``, built by
``benchmarks/_detect_data.py``; k-NN, so no base model is fitted here): each step
of the fit is wrapped and its CPU seconds (all threads, ``time.process_time``)
added up. Run ``python research/research_fit_profile.py`` with the old and the new
code side by side, under the same load.

Findings (load average about 2 on 2 cores; before -> after the changes of
2026-12-08, the same run of this script on each):

===============================================  ==========  ==========
step                                              before s    after s
===============================================  ==========  ==========
the fit's blocks (``_FitSample``: neighbours,        5.4         4.0
pairs of neighbours, the 0/1 matrices)
the start, the model without neighbour weights       6.2         0.9
the full model's Newton passes                      25.4        22.0
the noise model (L-BFGS-B)                           2.3         4.8
its histogram, the single-error shares, the          3.9         3.9
error probabilities, the scores, the model-quality
check, the folds, the rest
total                                               43.1        35.7
===============================================  ==========  ==========

- The full model's passes: a pass with the Hessian over all 983 classes costs
  about 2 s, half of it the neighbour block's sum over the pairs of neighbours
  (116 million pairs, ``np.bincount``), then the four sums over X (0.67 s in four
  sparse products, 0.2 s in one), the dense terms (0.4 s) and ``X @ theta``.
  About nine such passes and six line searches: from the start most classes'
  first steps overshoot (590 of 983), and they take damped steps for several
  passes.
- Not adopted: the full model first fitted on an eighth of the rows, then on all
  from there, took as many passes on all rows (509 classes still rejected their
  first step); a vectorised builder of the pairs' index was 15% faster only.
- The noise model's cost is its path: L-BFGS-B stopped after 912 iterations on
  the old stage's probabilities and ran its 2,000 on the new ones, which differ by
  1e-9. The shared-rates fit stops after 2 iterations at its start (alpha 1,
  beta 0: its gradient, scaled by the number of annotations, is below the
  stopping tolerance from the start) and is the one the information criterion
  picks on delicious.
"""

import sys
import time
from collections import Counter, defaultdict
from functools import wraps
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from _detect_data import load_case  # noqa: E402
from sklearn.neighbors import KNeighborsClassifier  # noqa: E402

import skmlq._core._second_stage as stage  # noqa: E402
import skmlq._estimator._fit as fit  # noqa: E402
from skmlq import MultilabelLabelQuality  # noqa: E402

CPU = defaultdict(float)
CALLS = Counter()


def timed(owner, name, label=None):
    function = getattr(owner, name)

    @wraps(function)
    def wrapper(*args, **kwargs):
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            CPU[label or name] += time.process_time() - start
            CALLS[label or name] += 1

    setattr(owner, name, wrapper)


def main():
    case = load_case("delicious", "toggle", "knn", 0)
    Y, P = case["noisy"].astype(np.int64), case["pred_probs"]
    fit.cross_fit_pred_probs = lambda *args, **kwargs: P.copy()
    for name in ("_FitSample", "fit_stage", "noise_histogram", "fit_noise_model",
                 "fit_error_shares"):
        timed(stage, name)
    for name in ("fit_second_stage", "label_error_probabilities"):
        timed(fit, name)
    timed(fit._FitMixin, "_check_model_quality")
    timed(MultilabelLabelQuality, "_score")
    newton = stage._newton

    def labelled(sample, theta, *args, **kwargs):
        start = time.process_time()
        result = newton(sample, theta, *args, **kwargs)
        CPU["newton, start" if theta.shape[1] == 3 else "newton, full model"] += (
            time.process_time() - start)
        return result

    stage._newton = labelled
    start = time.process_time()
    MultilabelLabelQuality(KNeighborsClassifier(), cv=5, refit=False).fit(
        np.zeros((Y.shape[0], 1)), Y)
    total = time.process_time() - start
    for name, seconds in sorted(CPU.items(), key=lambda item: -item[1]):
        print(f"{name:<28} {seconds:7.2f} CPU s")
    print(f"{'total':<28} {total:7.2f} CPU s")


if __name__ == "__main__":
    main()
