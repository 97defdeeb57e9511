"""Every message about a bad array names the parameter the caller passed it as.

The public functions are discovered from the packages' ``__all__``: each one with
an array parameter (``labels``, ``pred_probs``, ``scores``...) must have valid
arguments in ``VALID`` below, and is then called once per array parameter with a
bad value there (a NaN, a 2 in an indicator, a string in a mask) and valid values
elsewhere. The error must be the project's (ValueError/TypeError) and its message
must name that parameter, not the name an inner helper gives it (``wrong`` for
``is_error``, ``scores`` for ``per_class_scores``, ``pred_probs`` for ``s``).
"""

import importlib
import inspect
import warnings

import numpy as np
import pytest

MODULES = ("skmlq", "skmlq.rank", "skmlq.filter", "skmlq.dataset", "skmlq.report",
           "skmlq.benchmarking", "skmlq.plotting")
# Parameters that take an (n_samples, ...) array of numbers.
ARRAY_PARAMETERS = {"labels", "pred_probs", "scores", "is_error", "wrong", "per_class_scores",
                    "label_quality_scores", "flip_rates", "s"}

rng = np.random.default_rng(0)
N, K = 40, 4
Y = (rng.random((N, K)) < 0.4).astype(int)
Y[0], Y[1] = [1, 1, 0, 0], [0, 0, 1, 1]  # every class has both sides
P = np.clip(np.where(Y, 0.7, 0.2) + rng.normal(0, 0.15, Y.shape), 0.01, 0.99)
SCORES = rng.random(N)
PER_CLASS = rng.random((N, K))
WRONG = np.zeros((N, K), dtype=bool)
WRONG[:6, 0] = True
WRONG[:2, 1] = True

LP = {"labels": Y, "pred_probs": P}
# Valid arguments of every public function that takes an array parameter.
VALID = {
    "get_label_quality_scores": LP,
    "get_label_quality_scores_per_class": LP,
    "get_confident_thresholds": LP,
    "get_cooccurrence_params": LP,
    "get_label_error_probabilities": LP,
    "find_label_issues": LP,
    "find_multilabel_issues_per_class": LP,
    "common_multilabel_issues": LP,
    "multilabel_health_summary": dict(LP, verbose=False),
    "overall_multilabel_health_score": LP,
    "rank_classes_by_multilabel_quality": LP,
    "label_issue_report": LP,
    "model_quality": LP,
    "average_precision_at_t": {"scores": SCORES, "is_error": WRONG[:, 0]},
    "detection_metrics": {"scores": SCORES, "wrong": WRONG, "per_class_scores": PER_CLASS},
    "lowest_class_hit_rate": {"per_class_scores": PER_CLASS, "wrong": WRONG},
    "label_propensities": {"labels": Y},
    "propensity_scored_precision_at_k": {"scores": PER_CLASS, "truth": WRONG,
                                         "propensities": np.full(K, 0.5)},
    "class_conditional_noise": {"labels": Y, "flip_rates": np.full((K, 2), 0.1),
                                "random_state": 0},
    "missing_tags_noise": {"labels": Y, "rate": 0.1, "random_state": 0},
    "random_toggle_noise": {"labels": Y, "rate": 0.1, "random_state": 0},
    "realistic_noise": {"labels": Y, "rate": 0.1, "random_state": 0},
    "single_error_noise": {"labels": Y, "missing_rate": 0.1, "extra_rate": 0.1,
                           "random_state": 0},
    "plot_label_quality_histogram": {"label_quality_scores": SCORES},
    "plot_class_issue_rates": None,  # its labels are class names, not an array of numbers
    # Functions of a folder (the files they read or write go there).
    "apply_suggestions": lambda folder: {"labels": Y, "report": REPORT},
    "write_review": lambda folder: {"report": REPORT, "path": str(folder / "review.csv"),
                                    "pred_probs": P},
    "apply_review": lambda folder: {"labels": Y, "review": review_file(folder)},
    # the review screen's file carries the model's probabilities
    "render_html_report": lambda folder: {"report": REPORT, "pred_probs": P},
    "write_html_report": lambda folder: {"path": str(folder / "report.html"), "report": REPORT,
                                         "pred_probs": P},
}
# The aggregators are plain reductions called on every block of scores (their
# inputs come checked from the scorer): they do not check, so they name nothing.
UNCHECKED = {"exponential_moving_average", "softmin"}


def review_file(folder):
    from skmlq.report import write_review

    path = folder / "filled.csv"
    if not path.exists():
        write_review(REPORT, str(path), pred_probs=P)
    return str(path)


def public_functions():
    found = {}
    for name in MODULES:
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", ()):
            obj = getattr(module, attr)
            if inspect.isfunction(obj):
                found[attr] = obj
    return found


FUNCTIONS = public_functions()
REPORT = FUNCTIONS["label_issue_report"](Y, P)


def bad_value(parameter, value):
    """A copy of ``value`` with one entry no check accepts."""
    bad = np.array(value, dtype=object if value.dtype == bool else None)
    if value.dtype == bool:
        bad.flat[3] = "x"  # a mask entry that is not a truth value
    elif value.dtype.kind in "iu":
        bad.flat[5] = 2  # an indicator entry that is not 0/1
    else:
        bad = bad.astype(float)
        bad.flat[min(5, bad.size - 1)] = np.nan
    return bad


def valid_arguments(name, folder):
    valid = VALID[name]
    return valid(folder) if callable(valid) else valid


def cases():
    """Every array parameter of every listed function."""
    for name, valid in VALID.items():
        if valid is None:
            continue
        for parameter in inspect.signature(FUNCTIONS[name]).parameters:
            if parameter in ARRAY_PARAMETERS:
                yield pytest.param(name, parameter, id=f"{name}-{parameter}")


def test_every_public_function_with_an_array_parameter_is_listed():
    missing = sorted(
        name for name, f in FUNCTIONS.items()
        if ARRAY_PARAMETERS & set(inspect.signature(f).parameters)
        and name not in VALID and name not in UNCHECKED
    )
    assert not missing, f"add valid arguments to VALID for {missing}"


@pytest.mark.parametrize("name, parameter", list(cases()))
def test_the_message_names_the_bad_parameter(name, parameter, tmp_path):
    valid = valid_arguments(name, tmp_path)
    assert parameter in inspect.signature(FUNCTIONS[name]).parameters
    kwargs = dict(valid, **{parameter: bad_value(parameter, valid[parameter])})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises((ValueError, TypeError)) as info:
            FUNCTIONS[name](**kwargs)
    message = str(info.value)
    assert parameter in message.split(";")[0].replace(",", " ").split(), message


@pytest.mark.parametrize("name, parameter", list(cases()))
def test_a_shorter_array_names_the_parameter(name, parameter, tmp_path):
    """One row fewer in one array: the mismatch message names it too."""
    valid = valid_arguments(name, tmp_path)
    if sum(p in ARRAY_PARAMETERS and np.ndim(v) and len(v) == N for p, v in valid.items()) < 2:
        pytest.skip("a single array: its length has nothing to disagree with")
    if parameter == "flip_rates":
        pytest.skip("one row per class, not per example")
    kwargs = dict(valid, **{parameter: valid[parameter][:-1]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises((ValueError, TypeError)) as info:
            FUNCTIONS[name](**kwargs)
    assert parameter in str(info.value), str(info.value)
