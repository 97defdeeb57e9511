"""
Score predictions from any framework
====================================

The functional API takes probabilities as an array, so they can come from
anywhere: a PyTorch or JAX model, a gradient-boosting library, a hosted API. All
it needs is, for every example, the **out-of-sample** probability that each
class applies (an (n_samples, n_classes) array in [0, 1]; rows need not sum to 1)
and the given annotations.

Here a scikit-learn model stands in for "your framework"; the skmlq calls are
the same whatever produced ``pred_probs``.
"""

# %%
# Out-of-sample probabilities
# ---------------------------
# Compute them out of fold, in your framework: split the data into folds, train
# on the others, predict each held-out fold. ``MultilabelStratifiedKFold`` gives
# balanced folds for multi-label data and works with any framework that takes
# index arrays.
import numpy as np
from sklearn.model_selection import cross_val_predict
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmlq.datasets import load_yeast
from skmlq.model_selection import MultilabelStratifiedKFold

yeast = load_yeast()
X, Y = yeast.data, yeast.target
class_names = list(yeast.target_names)
folds = MultilabelStratifiedKFold(n_splits=5, shuffle=True, random_state=0)
model = make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=15))
pred_probs = cross_val_predict(model, X, Y, cv=folds, method="predict_proba")
# KNeighborsClassifier returns one (n, 2) array per class: keep P(class applies).
pred_probs = np.column_stack([p[:, 1] for p in pred_probs])
print(pred_probs.shape, pred_probs.dtype)

# %%
# Labels in any form
# ------------------
# A 0/1 indicator (dense or scipy.sparse) or lists of class indices: the scores
# are the same.
from skmlq.rank import get_label_quality_scores, get_label_quality_scores_per_class

labels = [np.flatnonzero(row).tolist() for row in Y]  # e.g. [[2, 3], [1, 2, 5], ...]
scores = get_label_quality_scores(labels, pred_probs)
assert np.array_equal(scores, get_label_quality_scores(Y, pred_probs))
per_annotation = get_label_quality_scores_per_class(labels, pred_probs)
print("worst 5 examples:", np.argsort(scores, kind="stable")[:5])

# %%
# Options: every scoring method and aggregator of the estimator.
softmin_scores = get_label_quality_scores(
    labels, pred_probs, method="confidence_weighted_entropy",
    aggregator_kwargs={"method": "softmin", "temperature": 0.05},
)

# %%
# Flag issues, class by class
# ---------------------------
from skmlq.filter import find_label_issues, find_multilabel_issues_per_class

ranked = find_label_issues(labels, pred_probs, return_indices_ranked_by="self_confidence")
per_class = find_multilabel_issues_per_class(labels, pred_probs)
print(f"{len(ranked)} examples flagged; {per_class.sum()} annotations: "
      f"{(per_class & (Y == 1)).sum()} wrong (given), {(per_class & (Y == 0)).sum()} "
      "missing (absent)")

# %%
# Which classes are the noisiest
# ------------------------------
# :mod:`skmlq.dataset` tables (pandas) use cleanlab's column names, so existing
# code reading them keeps working.
from skmlq.dataset import rank_classes_by_multilabel_quality

classes = rank_classes_by_multilabel_quality(labels, pred_probs, class_names=class_names)
print(classes.head(5).to_string(index=False))

# %%
import matplotlib.pyplot as plt

from skmlq.plotting import plot_class_issue_rates

ax = plot_class_issue_rates(classes, top=14)
plt.show()

# %%
# Predictions that arrive in batches
# ----------------------------------
# A data loader yields batches; with ``adjust_pred_probs=True`` the per-class
# thresholds need every row first, so the scorer makes two passes. The scores
# equal the all-at-once ones.
from skmlq.rank import LabelQualityScorer

batches = [(Y[i:i + 500], pred_probs[i:i + 500]) for i in range(0, len(Y), 500)]
scorer = LabelQualityScorer(adjust_pred_probs=True)
for batch_labels, batch_probs in batches:
    scorer.partial_fit_thresholds(batch_labels, batch_probs)
batch_scores = np.concatenate(
    [scorer.get_label_quality_scores(b_labels, b_probs) for b_labels, b_probs in batches]
)
all_at_once = get_label_quality_scores(Y, pred_probs, adjust_pred_probs=True)
print("largest difference from scoring all rows at once:",
      np.abs(batch_scores - all_at_once).max())
