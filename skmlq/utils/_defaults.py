"""The one home of every default value shared by several entry points.

The functional API, the estimator, the streaming scorer and the command line read
their defaults from here, so that a default is changed in one place.
"""

__all__ = [
    "CLEANING_MODES",
    "DEFAULT_CLEANING",
    "DEFAULT_CLEANING_CONFIDENCE",
    "DEFAULT_AGGREGATOR",
    "DEFAULT_AGGREGATOR_KWARGS",
    "DEFAULT_ALPHA",
    "DEFAULT_COOCCURRENCE_C",
    "DEFAULT_COOCCURRENCE_FOLDS",
    "DEFAULT_COOCCURRENCE_NEIGHBORS",
    "DEFAULT_ERROR_THRESHOLD",
    "DEFAULT_FILTER_BY",
    "DEFAULT_HTML_MAX_ROWS",
    "DEFAULT_METHOD",
    "DEFAULT_PROBABILITY_CUTOFF",
    "DEFAULT_TEMPERATURE",
    "ESTIMATOR_AGGREGATOR",
    "ESTIMATOR_METHOD",
    "COOCCURRENCE",
    "METHODS",
    "NOISE_POSTERIOR",
    "POSTERIOR_METHODS",
    "SCORING_METHODS",
    "SECOND_STAGE_METHODS",
    "SINGLE_ERROR",
    "AGGREGATORS",
    "RANKING_AGGREGATOR_KWARGS",
]

#: Per-class scoring methods (the formulas are in ``skmlq._core._scoring``).
METHODS = ("self_confidence", "normalized_margin", "confidence_weighted_entropy")
DEFAULT_METHOD = "self_confidence"
#: The second-stage method: self_confidence on the probabilities of a model of each
#: annotation given the model's probability and the example's other annotations
#: (``skmlq._core._second_stage``). Not available for the confident-learning filter,
#: the streaming scorer or dask inputs.
COOCCURRENCE = "cooccurrence"
#: The probability that an annotation is right under the noise model fitted on the
#: second-stage probabilities (``skmlq._core._error_proba``); same availability.
NOISE_POSTERIOR = "noise_posterior"
#: The probability that an annotation is the example's one wrong annotation under a
#: clean / one-missing / one-wrong mixture on the same stage
#: (``skmlq._core._single_error``); same availability.
SINGLE_ERROR = "single_error"
#: The methods that run the co-occurrence stage (and take ``cooccurrence_params``).
SECOND_STAGE_METHODS = (COOCCURRENCE, NOISE_POSTERIOR, SINGLE_ERROR)
#: The second-stage methods that score by a posterior, not by self_confidence of q
#: (``adjust_pred_probs`` is not defined for them).
POSTERIOR_METHODS = (NOISE_POSTERIOR, SINGLE_ERROR)
#: Every value of ``method`` accepted by the rank functions and the estimator.
SCORING_METHODS = METHODS + SECOND_STAGE_METHODS
#: Options of the co-occurrence stage: inverse L2 penalty, folds, fold seed.
DEFAULT_COOCCURRENCE_C = 1.0
DEFAULT_COOCCURRENCE_FOLDS = 5
#: Classes whose labels each class's model in the stage reads (``"all"``: every
#: other class); see docs/benchmarks.rst for the measurement behind it.
DEFAULT_COOCCURRENCE_NEIGHBORS = 40

#: Built-in aggregators and the options each accepts.
AGGREGATORS = {
    "exponential_moving_average": ("alpha",),
    "softmin": ("temperature",),
    # The product of the per-class scores: for scores that are probabilities that each
    # annotation is right (``noise_posterior``), the probability that all are.
    "product": (),
}
DEFAULT_AGGREGATOR = "exponential_moving_average"
#: Forgetting factor of the exponential moving average.
DEFAULT_ALPHA = 0.8
#: Temperature of the softmin.
DEFAULT_TEMPERATURE = 0.1
DEFAULT_AGGREGATOR_KWARGS = {"method": DEFAULT_AGGREGATOR, "alpha": DEFAULT_ALPHA}
#: The fixed aggregation ``skmlq.filter`` ranks flagged examples by (it does not
#: follow ``aggregator_kwargs``; see docs/architecture.rst, "Reference parity").
RANKING_AGGREGATOR_KWARGS = DEFAULT_AGGREGATOR_KWARGS

#: The confident-learning rule of ``skmlq.filter`` used when none is named.
DEFAULT_FILTER_BY = "prune_by_noise_rate"

#: Probability at or above which a class counts as believed by the model.
DEFAULT_PROBABILITY_CUTOFF = 0.5

#: Rows of the worst-examples table of the HTML audit report (the estimator's
#: ``audit_report``, the command line's ``--html``): the worst only, so that a report
#: on millions of examples stays small and opens fast.
DEFAULT_HTML_MAX_ROWS = 1000

#: Error probability at or above which the estimator flags an example.
DEFAULT_ERROR_THRESHOLD = 0.5

#: How ``CleanMultilabelClassifier`` cleans the training annotations, and the error
#: probabilities from which it removes a given tag and adds an absent one. A forgotten
#: tag left in the training data teaches the classifier to predict too few tags, so
#: tags are added from 0.2, and where that adds fewer than the noise model expects to
#: be missing (many rare classes, whose missing tags each get a low probability), the
#: expected number, the most likely first; a given tag is removed only when more
#: likely wrong than right, because a weak model also finds true tags it cannot
#: predict "wrong" (see the benchmark in the user guide, "Clean, then train").
CLEANING_MODES = ("fix", "drop", "weight")
DEFAULT_CLEANING = "fix"
DEFAULT_CLEANING_CONFIDENCE = (0.5, (0.2, "auto"))

#: The scoring of the audit tools (``MultilabelLabelQuality``, ``skmlq audit``,
#: ``skmlq score``): the probability that every annotation of an example is right
#: under the noise model of the second stage, one minus its error probability, so
#: that the ranking and the flags (error probability >= the threshold) agree. The
#: functional API keeps ``DEFAULT_METHOD`` and ``DEFAULT_AGGREGATOR`` (cleanlab's).
ESTIMATOR_METHOD = NOISE_POSTERIOR
ESTIMATOR_AGGREGATOR = "product"
