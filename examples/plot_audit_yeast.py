"""
Audit the yeast data set end to end
===================================

A complete audit of a real multi-label data set: fit
:class:`~skmlq.MultilabelLabelQuality`, rank the examples, read the suspected
annotations and decide how many to review. To *measure* how well the audit works,
we first inject known errors: one class annotation flipped on 10% of the genes.
"""

# %%
# Load the data and inject known errors
# -------------------------------------
# :func:`~skmlq.datasets.load_yeast` ships with skmlq. ``Y`` is a 0/1 indicator:
# 2,417 genes, 14 functional classes, 4.2 classes per gene on average.
import numpy as np

from skmlq.datasets import load_yeast

yeast = load_yeast()
X, Y_true = yeast.data, yeast.target
class_names = list(yeast.target_names)
print(X.shape, Y_true.shape, "classes per gene:", Y_true.sum(axis=1).mean().round(2))

rng = np.random.default_rng(0)
corrupted = rng.random(len(Y_true)) < 0.10
flipped_class = rng.integers(0, Y_true.shape[1], len(Y_true))
Y = Y_true.copy()
Y[corrupted, flipped_class[corrupted]] ^= 1
print(f"{corrupted.sum()} genes with one flipped annotation")

# %%
# Fit: out-of-fold probabilities and scores
# -----------------------------------------
# The estimator cross-fits a classifier (here a one-vs-rest logistic regression
# on standardised features) so that every gene is scored by a model that never
# saw its annotations. ``refit=False``: we only need the out-of-fold results.
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmlq import MultilabelLabelQuality

model = make_pipeline(
    StandardScaler(), OneVsRestClassifier(LogisticRegression(solver="liblinear"))
)
mlq = MultilabelLabelQuality(
    model, cv=5, aggregator="softmin", random_state=0, refit=False
).fit(X, Y)
scores = mlq.label_quality_scores_  # one per gene, low = suspicious
per_annotation = mlq.label_quality_scores_per_class_  # one per (gene, class)

# %%
# How well does the ranking find the injected errors?
# ---------------------------------------------------
# Average precision of ranking the corrupted genes first (a random ranking gets
# their share, 0.10), and the share of corrupted genes among the top of the list.
from sklearn.metrics import average_precision_score

order = np.argsort(scores, kind="stable")
print(f"average precision: {average_precision_score(corrupted, -scores):.3f}"
      f" (random: {corrupted.mean():.3f})")
for top in (20, 100, 240):
    print(f"corrupted among the {top} lowest scores: {corrupted[order[:top]].mean():.0%}")

# %%
# Yeast is hard: its 103 features predict the functional classes only weakly,
# so the model disagrees with many *correct* annotations too, and the ranking,
# while clearly better than chance, is far from perfect. The quality of an audit
# is the quality of its model; compare the near-perfect ``skmlq demo`` on digit
# images, whose tags follow from the image.
#
# Which annotation to fix
# -----------------------
# Within a suspicious gene, the annotation with the lowest per-class score is the
# suspect: a low score on a *given* class says "wrong, remove it", on an *absent*
# class "missing, add it".
worst_class = per_annotation.argmin(axis=1)
for i in order[:8]:
    k = worst_class[i]
    kind = "wrong (remove)" if Y[i, k] else "missing (add)"
    truth = f"flipped {class_names[flipped_class[i]]}" if corrupted[i] else "not corrupted"
    print(f"gene {i:4d}  score {scores[i]:.3f}  suspect {class_names[k]:8s} {kind:15s}"
          f" [{truth}]")

# %%
# Some of the most suspicious genes were not corrupted by us. They may be
# errors of the original annotation, which is what an audit is for: a curator
# would look at those too.
#
# Over all corrupted genes, how often is the flipped class the one with the
# lowest score?
hit = worst_class[corrupted] == flipped_class[corrupted]
print(f"suspect class is the flipped one for {hit.mean():.0%} of the corrupted genes "
      f"(random guess: {1 / Y.shape[1]:.0%})")

# %%
# How many to review
# ------------------
# Confident learning (:func:`skmlq.filter.find_label_issues`) estimates how many
# annotations are wrong. With a weak model the estimate is large: read it as an
# upper bound and review by rank instead.
from skmlq.filter import find_label_issues

flagged = find_label_issues(Y, mlq.pred_probs_)
print(f"flagged: {flagged.sum()} of {len(Y)} genes; "
      f"{corrupted[flagged].sum()} of the {corrupted.sum()} corrupted ones among them")

# %%
# The report, and whether to trust it
# ------------------------------------
# :meth:`~skmlq.MultilabelLabelQuality.find_label_issues` lists, per gene, the
# given classes that look wrong (``to_remove``) and the absent ones that look
# missing (``to_add``); the audit summary says how good the model is. ``fit``
# already warned (``ModelQualityWarning``, above): most classes are predicted
# too weakly for the flags to be trusted.
report = mlq.find_label_issues()
print(report.head(6)[["label_quality", "flagged", "given", "to_remove", "to_add"]])
print(mlq.audit_summary())

# %%
# The warning is right. Applying the suggestions whose confidence reaches a
# threshold, and comparing with the labels before we corrupted them, shows how
# many annotations each choice repairs and how many correct ones it breaks.
from skmlq.report import apply_suggestions

for min_confidence in (0.9, 0.95, 0.99):
    fixed = apply_suggestions(Y, report, min_confidence=min_confidence)
    repaired = ((fixed == Y_true) & (Y != Y_true)).sum()
    broken = ((fixed != Y_true) & (Y == Y_true)).sum()
    print(f"min_confidence={min_confidence}: {(fixed != Y).sum():4d} changes, "
          f"{repaired:3d} injected errors repaired, {broken:4d} correct annotations broken")

# %%
# With this model, applying fixes automatically does more harm than good, at
# every threshold: on yeast the report is a list to *review* (a curator looks at
# the worst genes first, through the review file of :ref:`report`), not a list to
# apply. Follow the warning's advice (a stronger model) and measure the same way,
# on errors injected on purpose, before applying anything automatically.
#
# The distribution of scores, with the flagged genes
# --------------------------------------------------
import matplotlib.pyplot as plt

from skmlq.plotting import plot_label_quality_histogram

ax = plot_label_quality_histogram(scores, flagged)
ax.set_title("yeast: label quality of 2,417 genes")
plt.show()
