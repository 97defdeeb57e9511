"""Public functions of the second stage (``skmlq._core._second_stage``) and of the
error probabilities."""

from .._backends import check_second_stage_inputs
from .._core._second_stage import fit_second_stage, label_error_probabilities
from .._core._sparse_stage import sparse_error_probabilities, sparse_fit_second_stage
from ..utils._defaults import (
    DEFAULT_COOCCURRENCE_C, DEFAULT_COOCCURRENCE_FOLDS, DEFAULT_COOCCURRENCE_NEIGHBORS,
)
from ..utils._docstrings import LABELS_PRED_PROBS_DOC, fill_doc
from ..utils._errors import InputTypeError, InputValueError
from ..utils._labels import check_labels
from ..utils._sparse import check_probabilities, is_sparse_probabilities
from ..utils._validation import check_bool, check_cooccurrence_options

__all__ = ["get_cooccurrence_params", "get_label_error_probabilities"]


def get_cooccurrence_params(labels, pred_probs, *, C=DEFAULT_COOCCURRENCE_C,
                            n_folds=DEFAULT_COOCCURRENCE_FOLDS, random_state=0,
                            n_neighbors=DEFAULT_COOCCURRENCE_NEIGHBORS):
    """Fit the second stage of the methods ``"cooccurrence"``, ``"noise_posterior"``
    and ``"single_error"``.

    For every class k, a logistic regression of the given annotation ``y_ik`` on
    ``logit(pred_probs[i, k])``, the given annotations of its ``n_neighbors``
    *neighbours* (the classes of highest mutual information with k, from the
    co-occurrence counts of the labels) and the number of the example's other
    annotations outside them::

        q_ik = sigmoid(a_k logit(p_ik) + b_k + c_k s_ik + sum_{{j in N(k)}} w_kj y_ij)

    with an L2 penalty ``1 / (2 C)`` on every weight but the intercept. All
    classes are fitted at once, by a batched Newton method over row blocks with
    one (n_neighbors + 3) x (n_neighbors + 3) system per class.

    The stage is **cross-fitted**: the rows are split into ``n_folds`` folds,
    and each row is scored by the weights fitted without its fold, so that an
    annotation never helps to judge itself. The weights of a fold are one Newton
    step, on the rows outside the fold, from the fit on all rows (close to an
    exact refit: within 0.01 of its probabilities on 1,500 rows, and the same
    detection figures on the benchmarks). A row's fold is a hash, seeded by
    ``random_state``, of its values and annotations (not of its position), so any
    part of the rows scored with these parameters gets the numbers it gets in a
    call over all rows. Beyond 32,768 rows the stage is fitted on a sample of
    about that many, chosen by the same hash.

    The noise model of :func:`get_label_error_probabilities` and
    ``method="noise_posterior"``, then the shares of ``method="single_error"``
    (clean, one tag missing, one tag wrong; by EM), are fitted on the stage's
    probabilities of all rows and kept with the stage, so that a part of the rows
    is scored by the fit of all of them too.

    Parameters
    ----------
    {labels_pred_probs}
    C : float > 0, default=1.0
        Inverse strength of the L2 penalty (as scikit-learn's ``C``).
    n_folds : int >= 2, default=5
        Number of folds of the cross-fitting.
    random_state : int >= 0 or None, default=0
        Seed of the fold hash (None means 0).
    n_neighbors : int >= 1 or "all", default=40
        Number of other classes whose annotations each class's model reads (at
        most ``n_classes - 1``; ``"all"`` reads every other class, the full model,
        whose memory grows as ``n_classes ** 3``). The others enter through their
        count only. 40 finds errors as well as ``"all"`` on the detection
        benchmark (within 0.005 mean AUROC for each second-stage method; 20 was
        0.011 below it on bibtex with ``method="single_error"``; see the
        Benchmarks page) at a cost linear in the number of classes.

    Returns
    -------
    params : CooccurrenceParams
        Pass it as ``cooccurrence_params`` to the rank functions or to
        :func:`get_label_error_probabilities`. ``params.coef`` has shape
        ``(n_folds, n_classes, n_neighbors + 3)`` and ``params.neighbors``
        ``(n_classes, n_neighbors)``; ``params.noise_model`` has shape
        ``(n_classes, 4)``, per class ``[alpha, beta, r_absent, r_given]`` (see
        :func:`get_label_error_probabilities`); ``params.error_shares`` has shape
        ``(3,)``.

    Notes
    -----
    Costs one pass over the rows to take the fit's sample and a second to read
    its ``logit(pred_probs)``, the choice of neighbours (the co-occurrence counts
    ``labels.T @ labels`` of the sample, in blocks of columns), then a few Newton
    steps on the sample (each one pass over it and one small solve per class),
    then one more pass and solve for the folds, then one pass for the noise
    model's histogram and its fit, then one for the single-error shares. Memory:
    the sample's ``logit(pred_probs)`` (at most 32,768 rows), the
    ``n_classes x (n_neighbors + 3)^2`` Hessians and one row block.

    Sparse ``pred_probs`` (with dense or CSR ``labels``) are fitted on their
    stored entries, their annotations and the entries whose example carries one
    of the class's neighbours; every other entry of a class counts once per
    (number of labels, fold) with its number of examples, so no (n_samples,
    n_classes) array is built. The same sample, folds and neighbours as the
    densified input, coefficients equal to rounding (4e-15 on the tests; on a
    sample large enough that the dense fit starts from a part of its rows, to
    Newton's tolerance), and the noise model fitted on the same histogram (its
    bins' means are rounded far above the rounding of their sums), so the dense
    one bit for bit.

    Examples
    --------
    >>> import numpy as np
    >>> from skmlq.rank import get_cooccurrence_params, get_label_quality_scores
    >>> rng = np.random.RandomState(0)
    >>> a = rng.random_sample(300) < 0.5
    >>> labels = np.column_stack([a, a, ~a])  # classes 0 and 1 always together
    >>> labels[0] = [True, False, False]  # ... except on example 0
    >>> pred_probs = rng.uniform(0.3, 0.7, labels.shape)  # an uninformative model
    >>> params = get_cooccurrence_params(labels, pred_probs)
    >>> scores = get_label_quality_scores(labels, pred_probs, method="cooccurrence",
    ...                                   cooccurrence_params=params)
    >>> int(scores.argmin())
    0
    """
    P = _some_examples(check_probabilities(pred_probs))
    sparse = is_sparse_probabilities(P)
    Y = check_labels(labels, n_samples=P.shape[0], n_classes=P.shape[1], sparse=sparse)
    options = check_cooccurrence_options(C, n_folds, random_state, n_neighbors)
    return (sparse_fit_second_stage if sparse else fit_second_stage)(Y, P, *options)


def get_label_error_probabilities(labels, pred_probs, *, cooccurrence_params=None,
                                  per_class=True):
    """Probability that each annotation, and each example, is wrong.

    The co-occurrence stage's probability ``q`` that a class is annotated is
    read through a per-class noise model: the true class applies with
    probability ``s = sigmoid(alpha logit(q) + beta)``, and is annotated with
    probability ``1 - r_given`` if it applies, ``r_absent`` if it does not. The
    four parameters per class are fitted by maximum likelihood on all rows; Bayes'
    rule then gives the probability that the given annotation is wrong. The
    noise model is the one fitted with the stage (``params.noise_model``), on
    the rows the stage was fitted on.

    Parameters
    ----------
    {labels_pred_probs}
    cooccurrence_params : CooccurrenceParams, default=None
        From :func:`get_cooccurrence_params`, with its noise model; None fits both
        on the given rows.
    per_class : bool, default=True
        Return the per-class probabilities too. False returns ``example_proba``
        alone: the only form for sparse ``pred_probs``, whose per-class
        probabilities of the entries not stored depend on the example's number of
        labels and fold (no per-class fill value holds them); it is computed in
        O(stored entries), equal to the dense computation on the densified input.

    Returns
    -------
    example_proba : ndarray of shape (n_samples,)
        Probability that the example has at least one wrong annotation,
        ``1 - prod_k (1 - per_class_proba[:, k])``.
    per_class_proba : ndarray of shape (n_samples, n_classes)
        Probability that the annotation (given or absent) of each class is wrong:
        a given one should be removed, an absent one added. Only with
        ``per_class=True``.

    Notes
    -----
    The noise model is class-conditional; its flip rates are each class's own, or
    one pair shared by all classes when the Bayesian information criterion finds
    the per-class rates not worth their parameters. On the detection benchmark the
    sum of ``example_proba`` is within 25% of the true number of wrong examples on
    18 of 26 benchmarks; it underestimates (0.44-0.46x) class-conditional flips of
    very unequal rates on 20 independent classes, and overestimates (2.8-5.7x)
    when a weak model meets few errors: read it as "about" (see the detection
    benchmark on the Benchmarks page).

    Examples
    --------
    >>> import numpy as np
    >>> from skmlq.rank import get_label_error_probabilities
    >>> rng = np.random.RandomState(0)
    >>> a = rng.random_sample(300) < 0.5
    >>> labels = np.column_stack([a, a, ~a])
    >>> labels[0] = [True, False, False]
    >>> pred_probs = rng.uniform(0.3, 0.7, labels.shape)
    >>> example, per_class = get_label_error_probabilities(labels, pred_probs)
    >>> example.shape, per_class.shape, int(example.argmax())
    ((300,), (300, 3), 0)
    """
    check_bool(per_class, "per_class")
    P = _some_examples(check_probabilities(pred_probs))
    Y, P, _, params = check_second_stage_inputs(
        labels, P, False, None, cooccurrence_params, allow_sparse=True
    )
    if is_sparse_probabilities(P):
        if per_class:
            raise InputTypeError(
                "pred_probs is sparse and per_class=True: the per-class error "
                "probabilities of the entries not stored depend on the example's number "
                "of labels and fold, which a per-class fill value cannot hold. Pass "
                "per_class=False for example_proba alone, or dense pred_probs."
            )
        return sparse_error_probabilities(Y, P, params)
    example, per_class_proba = label_error_probabilities(Y, P, params)
    return (example, per_class_proba) if per_class else example


def _some_examples(P):
    """The second stage is fitted on the examples: it needs at least one."""
    if P.shape[0] == 0:
        raise InputValueError("pred_probs has no rows; the second stage is fitted on the "
                              "examples and needs at least one (shape (n_samples, n_classes) "
                              "with n_samples >= 1).")
    return P


fill_doc(get_cooccurrence_params, get_label_error_probabilities,
         labels_pred_probs=LABELS_PRED_PROBS_DOC)
