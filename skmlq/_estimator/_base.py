"""What every part of the estimator shares: the classifier and new data.

``MultilabelLabelQuality`` is one public class composed of private mixins, one
module per job (the list is in the docstring of ``skmlq._estimator``). This module
holds ``_LabelQualityBase``, the helpers that every job uses: the classifier to
fit (``_base_estimator``), the classifier fitted on all the data
(``_fitted_estimator``) and new data encoded and predicted by it (``_new_data``).
A new job (a review loop, a meta-estimator) builds on it in a module of its own.
"""

from __future__ import annotations

from sklearn.exceptions import NotFittedError
from sklearn.utils import get_tags
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils._errors import InputValueError
from ._cross_fit import default_estimator
from ._proba import predict_pred_probs
from ._targets import encode_targets, n_examples

__all__ = ["_LabelQualityBase", "input_tags_of"]


def input_tags_of(estimator, tags):
    """``tags`` with what ``estimator`` accepts as ``X`` (sparse input, NaN): the
    estimators of this package pass ``X`` to their classifier untouched."""
    try:
        base_tags = get_tags(estimator)
    except AttributeError:  # a classifier without scikit-learn tags
        return tags
    tags.input_tags.sparse = base_tags.input_tags.sparse
    tags.input_tags.allow_nan = base_tags.input_tags.allow_nan
    return tags


class _LabelQualityBase:
    """The classifier to fit, the fitted one, and new data as the fitted one sees it."""

    def _base_estimator(self):
        return default_estimator() if self.estimator is None else self.estimator

    def _fitted_estimator(self, caller):
        check_is_fitted(self)
        if not hasattr(self, "estimator_"):
            raise NotFittedError(
                f"{caller} needs estimator_, the classifier fitted on all the data, but "
                f"this {type(self).__name__} was fitted with refit=False. Refit with "
                f"refit=True, or use the out-of-fold label_quality_scores_."
            )
        return self.estimator_

    def _new_data(self, X, labels, caller, name="labels"):
        """Encoded ``labels`` and ``estimator_``'s probabilities on new data ``X``."""
        estimator = self._fitted_estimator(caller)
        validate_data(self, X, reset=False, skip_check_array=True)
        if labels is None and name == "labels":
            routing = (
                f" In a Pipeline, enable metadata routing, call "
                f"set_{caller}_request(labels=True) on this step and pass labels=... ."
                if caller in ("transform", "score_samples")
                else ""
            )
            raise InputValueError(
                f"{caller} needs the given labels of X as second argument, "
                f"{caller}(X, labels): a label quality score rates annotations, so "
                f"there is nothing to score without them.{routing}"
            )
        n_samples = n_examples(X)
        Y = encode_targets(labels, self.classes_, name=name)[0]
        if Y.shape[0] != n_samples:
            raise InputValueError(
                f"{name} has {Y.shape[0]} examples but X has {n_samples}; they must "
                f"describe the same examples."
            )
        return Y, predict_pred_probs(estimator, X, n_samples, len(self.classes_))
