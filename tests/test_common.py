"""scikit-learn's estimator checks over every public skmlq estimator.

``MultilabelLabelQuality`` runs the whole suite. ``LabelQualityScorer`` (skmlq.rank)
has no ``fit`` (it is fitted batch by batch with ``partial_fit_thresholds``), so it
runs the checks of the parameter API that apply without one, plus clone and pickle.
"""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.utils.estimator_checks import (
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
    parametrize_with_checks,
)

from skmlq import CleanMultilabelClassifier, MultilabelLabelQuality
from skmlq.rank import LabelQualityScorer, get_label_quality_scores

# transform(X, labels) scores given annotations and needs them: called as
# transform(X), as these checks do, it raises a ValueError saying so (by design).
_NEEDS_LABELS = "calls transform(X) without the labels that transform needs to score"
_SINGLE_LABEL = ("multi-label only: the check passes single-label targets or expects 1-D "
                 "predictions")

EXPECTED_FAILED_CHECKS = {
    "MultilabelLabelQuality": {
        # Cross fitting: fit_transform returns out-of-fold scores, which differ
        # from fit(X, y).transform(X, y) by design (like TargetEncoder).
        "check_transformer_general": "cross fitting: fit_transform != fit().transform; "
        + _NEEDS_LABELS,
        "check_transformer_general(readonly_memmap=True)": "cross fitting: fit_transform "
        "!= fit().transform; " + _NEEDS_LABELS,
        "check_transformer_preserve_dtypes": _NEEDS_LABELS,
        "check_transformer_data_not_an_array": _NEEDS_LABELS,
        "check_estimators_dtypes": _NEEDS_LABELS,
        "check_dtype_object": _NEEDS_LABELS,
        "check_estimators_nan_inf": _NEEDS_LABELS,
        "check_estimators_pickle": _NEEDS_LABELS,
        "check_estimators_pickle(readonly_memmap=True)": _NEEDS_LABELS,
        "check_f_contiguous_array_estimator": _NEEDS_LABELS,
        "check_methods_sample_order_invariance": _NEEDS_LABELS,
        "check_methods_subset_invariance": _NEEDS_LABELS,
        "check_dict_unchanged": _NEEDS_LABELS,
        "check_fit_idempotent": _NEEDS_LABELS,
        "check_fit2d_predict1d": _NEEDS_LABELS,
    },
    "CleanMultilabelClassifier": {
        # A multi-label classifier: y is a 0/1 indicator (or lists of class labels) and
        # predict returns an (n_samples, n_classes) indicator, also for one class.
        # These checks feed single-label targets or expect 1-D predictions.
        "check_estimators_dtypes": _SINGLE_LABEL,
        "check_dtype_object": _SINGLE_LABEL,
        "check_classifier_data_not_an_array": _SINGLE_LABEL,
        "check_classifiers_classes": _SINGLE_LABEL,
        "check_classifiers_train": _SINGLE_LABEL,
        "check_classifiers_train(readonly_memmap=True)": _SINGLE_LABEL,
        "check_classifiers_train(readonly_memmap=True,X_dtype=float32)": _SINGLE_LABEL,
        "check_classifier_not_supporting_multiclass": _SINGLE_LABEL,
        "check_fit2d_1feature": _SINGLE_LABEL,
        "check_estimator_sparse_array": _SINGLE_LABEL,
        "check_estimator_sparse_matrix": _SINGLE_LABEL,
        # Lists of lists are read as the class labels of each example, the project's
        # label form, not as rows of an indicator.
        "check_classifiers_multilabel_representation_invariance": "a list of lists holds "
        "class labels per example, not indicator rows",
        # One example makes every class constant; the label-quality step says so in
        # its own words ("every example has that class") instead of "1 sample".
        "check_fit2d_1sample": "one example: every class is constant, said in skmlq's words",
        # X goes to the classifier untouched (it may be raw text), so X errors are the
        # classifier's own. On the check's random data the cleaning makes the one class
        # constant, and OneVsRestClassifier's constant predictor never reads X.
        "check_fit2d_predict1d": "X is passed to the classifier untouched",
        "check_estimators_nan_inf": "X is passed to the classifier untouched; the cleaned "
        "class is constant and OneVsRestClassifier's constant predictor reads no X",
    },
}


def _expected_failed_checks(estimator):
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})


# liblinear: the same model family as the default, several times faster on the
# checks' tiny data sets, which keeps this module within the suite's time budget.
@parametrize_with_checks(
    [
        MultilabelLabelQuality(
            OneVsRestClassifier(LogisticRegression(solver="liblinear")), cv=3
        ),
        CleanMultilabelClassifier(
            OneVsRestClassifier(LogisticRegression(solver="liblinear")), cv=3
        ),
    ],
    expected_failed_checks=_expected_failed_checks,
    xfail_strict=True,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


SCORERS = [
    LabelQualityScorer(),
    LabelQualityScorer(method="normalized_margin", adjust_pred_probs=True,
                       aggregator_kwargs={"method": "softmin", "temperature": 0.2}),
]


@pytest.mark.parametrize("check", [
    check_no_attributes_set_in_init,
    check_get_params_invariance,
    check_set_params,
    check_parameters_default_constructible,
])
@pytest.mark.parametrize("scorer", SCORERS, ids=repr)
def test_label_quality_scorer_parameter_api(scorer, check):
    check(type(scorer).__name__, scorer)


@pytest.mark.parametrize("scorer", SCORERS, ids=repr)
def test_label_quality_scorer_clone_and_pickle(scorer):
    rng = np.random.default_rng(0)
    labels = rng.random((30, 4)) < 0.4
    labels[0] = True
    labels[1] = False
    pred_probs = rng.random((30, 4))
    fitted = clone(scorer)
    assert fitted.get_params() == scorer.get_params()
    if fitted.adjust_pred_probs:
        fitted.partial_fit_thresholds(labels[:10], pred_probs[:10])
        fitted.partial_fit_thresholds(labels[10:], pred_probs[10:])
    restored = pickle.loads(pickle.dumps(fitted))
    expected = get_label_quality_scores(
        labels, pred_probs, method=scorer.method, adjust_pred_probs=scorer.adjust_pred_probs,
        aggregator_kwargs=scorer.aggregator_kwargs,
    )
    np.testing.assert_allclose(restored.get_label_quality_scores(labels, pred_probs), expected,
                               rtol=0, atol=1e-12)
