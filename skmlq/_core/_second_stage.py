"""Fitting the second stage and what is estimated from it, in one first pass.

:func:`fit_second_stage` is the fit behind ``get_cooccurrence_params``, the
estimator and the rank functions: the co-occurrence stage (``_cooccurrence``),
then on its probabilities of all rows the noise model (``_error_proba``) and the
shares of the single-error mixture (``_single_error``). All three travel in one
:class:`~skmlq._core._cooccurrence.CooccurrenceParams`, so that a block, batch or
slice scored with them gets the numbers of a call over all rows.
"""

from ..utils._labels import indicator_block
from ._cooccurrence import CooccurrenceParams, cooccurrence_block, fit_cooccurrence
from ._error_proba import fit_noise_model, noise_histogram
from ._single_error import fit_error_shares

__all__ = ["fit_second_stage"]


def fit_second_stage(Y, P, C, n_folds, random_state):
    """:class:`CooccurrenceParams` fitted on validated ``(Y, P)``: the stage, then its
    noise model (one more pass over the rows, for the histogram of ``q``), then the
    single-error shares (one more)."""
    coef = fit_cooccurrence(Y, P, C, n_folds, random_state)
    n_samples, n_classes = P.shape

    def q_block(start, stop):
        return cooccurrence_block(P[start:stop], indicator_block(Y, start, stop), coef,
                                  random_state)

    model = fit_noise_model(*noise_histogram(Y, q_block, n_samples, n_classes))
    shares = fit_error_shares(Y, q_block, model, n_samples, n_classes)
    return CooccurrenceParams(coef, random_state, C, model, shares)
