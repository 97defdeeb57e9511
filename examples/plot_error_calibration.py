"""
How many annotations are wrong? Checking the estimate on yeast
==============================================================

:class:`~skmlq.MultilabelLabelQuality` gives every example a probability that
one of its annotations is wrong (``error_proba_``), and
:meth:`~skmlq.MultilabelLabelQuality.estimate_errors` adds them up into a count.
Whether to believe that count can only be measured on data whose errors we know,
so we inject them on purpose into the yeast data set and compare.
"""

# %%
# Inject known errors, class by class
# -----------------------------------
# :func:`~skmlq.benchmarking.random_flip_rates` draws, for each of the 14
# classes, the probability that a label that applies goes missing (given side,
# up to 30%) and that a spurious one appears (absent side, up to 5%);
# :func:`~skmlq.benchmarking.class_conditional_noise` flips each annotation with
# its class's rate. ``wrong`` marks the flipped annotations, ``is_error`` the
# examples with at least one.
import warnings

from skmlq.benchmarking import class_conditional_noise, random_flip_rates
from skmlq.datasets import load_yeast

yeast = load_yeast()
X, Y_clean = yeast.data, yeast.target
flip_rates = random_flip_rates(Y_clean.shape[1], random_state=0)
Y, wrong = class_conditional_noise(Y_clean, flip_rates, random_state=0)
is_error = wrong.any(axis=1)
print(f"{is_error.sum()} of {len(Y)} genes have a wrong annotation: "
      f"{wrong[Y].sum()} to remove, {wrong[~Y].sum()} to add")

# %%
# Fit, and estimate the number of wrong examples
# ----------------------------------------------
# A fast base model: a one-vs-rest logistic regression on standardised
# features, cross-fitted over 5 folds. ``fit`` warns that yeast's classes are
# predicted only weakly (``ModelQualityWarning``); we know, and silence it here.
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmlq import MultilabelLabelQuality


def fit(labels):
    model = make_pipeline(
        StandardScaler(), OneVsRestClassifier(LogisticRegression(solver="liblinear"))
    )
    mlq = MultilabelLabelQuality(model, cv=5, random_state=0, refit=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mlq.fit(X, labels)


mlq = fit(Y)
estimate = mlq.estimate_errors()
print(estimate)
print(f"estimated: {estimate.n_wrong_examples:.0f} wrong examples "
      f"({estimate.n_to_remove:.0f} to remove, {estimate.n_to_add:.0f} to add); "
      f"true: {is_error.sum()} ({wrong[Y].sum()} to remove, {wrong[~Y].sum()} to add)")

# %%
# The count of wrong examples is in the right range (0.84x the truth here, 0.95
# to 1.05x across the seeds and base models of the detection benchmark); the
# split by kind is rougher (too few labels to remove). The estimate counts
# *every* wrong annotation, including any the original yeast annotators made,
# while the "truth" here is only what we injected.
#
# Are the probabilities calibrated?
# ---------------------------------
# :class:`~skmlq.plotting.ErrorCalibrationDisplay` bins the examples by their
# error probability and plots, per bin, the share that really is wrong. On the
# diagonal, "0.7" means that 70% of such examples are wrong; the expected
# calibration error (ECE) in the legend is the average distance to it.
import matplotlib.pyplot as plt

from skmlq.plotting import ErrorCalibrationDisplay

display = ErrorCalibrationDisplay.from_estimator(mlq, is_error, name="class-conditional")
print(f"expected calibration error: {display.expected_calibration_error:.3f}")
plt.show()

# %%
# Another kind of error: tags forgotten on a fixed share of examples
# -------------------------------------------------------------------
# The error probabilities assume that each class's annotations flip at a rate,
# as above. Real errors are often different: here
# :func:`~skmlq.benchmarking.missing_tags_noise` removes one or two tags from
# exactly 10% of the genes and leaves the others untouched. The noise model then
# finds no evidence that the classes differ and shares one pair of flip rates
# between them, and the count stays near the truth (on yeast, 0.98 to 1.04 times
# the truth across seeds and base models). Elsewhere it can be off by up to 2x
# either way (see the detection benchmark): read
# :meth:`~skmlq.MultilabelLabelQuality.estimate_errors` as "about", not as a fact.
from sklearn.metrics import roc_auc_score

from skmlq.benchmarking import missing_tags_noise

Y_missing, wrong_missing = missing_tags_noise(Y_clean, rate=0.1, random_state=0)
is_missing = wrong_missing.any(axis=1)
mlq_missing = fit(Y_missing)
estimate_missing = mlq_missing.estimate_errors()
print(f"estimated: {estimate_missing.n_wrong_examples:.0f} wrong examples; "
      f"true: {is_missing.sum()} "
      f"({estimate_missing.n_wrong_examples / is_missing.sum():.2f}x); "
      f"most likely kind: {estimate_missing.most_likely_kind}")

display = ErrorCalibrationDisplay.from_estimator(
    mlq_missing, is_missing, name="missing tags, 10% of examples"
)
print(f"expected calibration error: {display.expected_calibration_error:.3f}")
print(f"AUROC of error_proba_ for the affected genes: "
      f"{roc_auc_score(is_missing, mlq_missing.error_proba_):.3f}")
plt.show()

# %%
# The kind of error is right (missing tags), the probabilities rank the
# affected genes well and their calibration error is small. To know how far to
# trust the count on your own data, inject errors like the ones you expect, as
# here, and measure.
