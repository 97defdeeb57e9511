"""The scikit-learn estimator, public as ``skmlq.MultilabelLabelQuality``.

One public class composed of private mixins, one module per job:

- ``_estimator``: the public class ``MultilabelLabelQuality``: its docstring,
  parameters (``__init__``) and tags, composing the mixins below;
- ``_fit``: ``fit``: the parameter checks, the folds, cross fitting, the fitted
  attributes and the model-quality check;
- ``_scoring``: the scores of given annotations (``transform``,
  ``fit_transform``, ``score_samples``, ``get_feature_names_out``) and ``score``,
  the model-selection objective, with the synthetic errors it injects;
- ``_reports``: ``find_label_issues``, ``audit_summary``, ``audit_report`` and
  ``estimate_errors``;
- ``_clean``: ``CleanMultilabelClassifier``, the meta-estimator that cleans the
  training annotations with a fitted ``MultilabelLabelQuality`` (``refit=False``)
  and fits the classifier on the cleaned data;

- ``_review``: the review loop: ``next_to_review`` (batches with known draw
  probabilities), ``add_reviewed`` (a person's answers refit the noise model) and
  ``reviewed_issue_mask``;
- ``_base``: what every job uses: the classifier to fit, the fitted one and new
  data as it sees it (``_fitted_estimator``, ``_new_data``). A new job (a review
  loop, a meta-estimator) goes in a module of its own on this base.

And their tools: ``_targets`` encodes ``y``, ``_proba`` reads ``predict_proba``
outputs, ``_cross_fit`` produces out-of-fold probabilities (``_progress`` shows
how far it is), ``_error_estimate`` words the estimated number of errors,
``_given`` replays probabilities computed elsewhere (``skmlq review``, the
benchmarks and the tests run the estimator on given probabilities through it). The
issue report is :mod:`skmlq.report`'s; the noise that ``score`` injects is drawn
by ``skmlq._core._noise``.
"""

from ._clean import CleanMultilabelClassifier
from ._cross_fit import default_estimator
from ._estimator import SYNTHETIC_DRAWS, MultilabelLabelQuality

__all__ = ["CleanMultilabelClassifier", "MultilabelLabelQuality", "SYNTHETIC_DRAWS",
           "default_estimator"]
