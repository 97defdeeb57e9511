"""Measure how well label quality scores find annotation errors.

Inject known, seeded errors into clean (or trusted) annotations with one of the
noise generators, score the noisy annotations, and compare with the mask of wrong
annotations:

- :func:`random_toggle_noise`: one class toggled at random per corrupted example;
- :func:`missing_tags_noise`: annotators forget one or two tags;
- :func:`realistic_noise`: a mix of lost, swapped (towards co-occurring tags) and
  spurious tags;
- :func:`class_conditional_noise` with :func:`random_flip_rates`: independent
  per-class, per-side flips;
- :func:`single_error_noise`: exactly one tag lost or added per corrupted example.

:func:`detection_metrics` gives AUROC, average precision (AP), AP@T, AP@T of the
examples with at least two errors and the lowest-scoring-class hit rate;
:func:`propensity_scored_precision_at_k` (with :func:`label_propensities`) how well
suggested additions recover missing tags, rare ones weighted up.

Examples
--------
>>> import numpy as np
>>> from skmlq import get_label_quality_scores
>>> from skmlq.benchmarking import random_toggle_noise
>>> from skmlq.benchmarking import detection_metrics
>>> rng = np.random.RandomState(0)
>>> clean = rng.random_sample((500, 4)) < 0.3
>>> noisy, wrong = random_toggle_noise(clean, rate=0.1,
...                                    random_state=0)
>>> noise = rng.normal(0, 0.1, clean.shape)
>>> pred_probs = np.clip(clean * 0.6 + 0.2 + noise, 0, 1)
>>> scores = get_label_quality_scores(noisy, pred_probs)
>>> m = detection_metrics(scores, wrong)
>>> m["auroc"] > 0.9
True
"""

from ._metrics import average_precision_at_t, detection_metrics, lowest_class_hit_rate
from ._noise import (
    class_conditional_noise,
    missing_tags_noise,
    random_flip_rates,
    random_toggle_noise,
    realistic_noise,
    single_error_noise,
)
from ._propensity import label_propensities, propensity_scored_precision_at_k

__all__ = [
    "average_precision_at_t",
    "class_conditional_noise",
    "detection_metrics",
    "label_propensities",
    "lowest_class_hit_rate",
    "missing_tags_noise",
    "propensity_scored_precision_at_k",
    "random_flip_rates",
    "random_toggle_noise",
    "realistic_noise",
    "single_error_noise",
]
