"""The one block driver: every score of skmlq is computed by :func:`score_blocks`.

The functional API, the streaming scorer, the dask chunks, the estimator, the
filter's rankings and the command line all call it on validated inputs.
"""

import numpy as np

from ..utils._blocks import row_blocks, run_blocks
from ..utils._errors import InputTypeError
from ..utils._labels import indicator_block
from ..utils._sparse import FilledSparseMatrix
from ._second_stage import second_stage_block, second_stage_logits
from ._scoring import class_scores_block
from ._sparse import sparse_score_blocks
from ._sparse_stage import sparse_stage_scores
from ._thresholds import confident_thresholds

__all__ = ["score_blocks", "scoring_thresholds"]

_READ_LOGITS = ("noise_posterior", "single_error")


def scoring_thresholds(Y, P, adjust_pred_probs, thresholds=None):
    """The thresholds to score with: the given ones, those of all rows, or None."""
    if thresholds is not None or not adjust_pred_probs:
        return thresholds
    return confident_thresholds(Y, P)


def score_blocks(Y, P, method, thresholds, aggregate=None, *, keep_per_class=False,
                 second_stage=None, stage_done=False):
    """Run the scoring core over row blocks.

    Returns per-class scores (N, K) if ``aggregate`` is None, else the aggregated
    (N,) scores, or both ``(per_class, aggregated)`` with ``keep_per_class``; the
    dtype is that of ``P``. Sparse predictions (a ``FilledSparseMatrix`` with a CSR
    ``Y``) are scored by ``_sparse`` in O(nnz), their per-class scores returned as a
    ``FilledSparseMatrix``. Inputs must already be validated. With
    ``second_stage`` (fitted co-occurrence parameters), each block's ``P`` is first
    replaced by the second-stage probabilities, which ``method`` then scores
    (``"noise_posterior"`` and ``"single_error"`` through what was fitted with it).
    With ``stage_done``, ``P`` already holds the second-stage probabilities (the
    review loop keeps them while it refits the noise model).
    """
    if isinstance(P, FilledSparseMatrix) and second_stage is not None:
        # O(nnz): the stage's explicit entries and one implicit value per group
        scorer = {"noise_posterior": "noise_posterior", "single_error": "single_error"}.get(
            method, "cooccurrence")
        if aggregate is None or keep_per_class:
            raise InputTypeError(
                f"method={scorer!r} gives no per-class scores for sparse pred_probs: its "
                f"scores of the entries not stored depend on the example's number of "
                f"labels and fold, which a per-class fill value cannot hold. Ask for the "
                f"aggregated scores (get_label_quality_scores), or pass dense pred_probs."
            )
        return sparse_stage_scores(Y, P, second_stage, scorer, aggregate, thresholds)
    if isinstance(P, FilledSparseMatrix):  # O(nnz): the explicit entries and one
        return sparse_score_blocks(  # implicit score per class
            Y, P, method, thresholds, aggregate, keep_per_class=keep_per_class)
    n_samples, n_classes = P.shape
    per_class = None
    if aggregate is None or keep_per_class:
        per_class = np.empty((n_samples, n_classes), dtype=P.dtype)
    aggregated = None if aggregate is None else np.empty(n_samples, dtype=P.dtype)

    def score_block(start, stop):
        out = None if per_class is None else per_class[start:stop]
        Y_block = indicator_block(Y, start, stop)
        P_block = P[start:stop]
        logits = False
        if second_stage is not None and not stage_done:
            # the noise model's methods read the stage's logits (float64 inputs)
            eta = (second_stage_logits(P_block, Y_block, second_stage)
                   if method in _READ_LOGITS else None)
            logits = eta is not None
            P_block = eta if logits else second_stage_block(P_block, Y_block, second_stage)
        S = class_scores_block(P_block, Y_block, method, thresholds, out=out,
                               second_stage=second_stage, logits=logits)
        if aggregate is not None:
            aggregated[start:stop] = aggregate(S)

    # Blocks write disjoint rows of the outputs. A user's callable aggregator may not
    # be thread-safe, so it runs on one thread.
    parallel = aggregate is None or getattr(aggregate, "thread_safe", False)
    run_blocks(score_block, row_blocks(n_samples, n_classes), parallel=parallel)
    if aggregate is None:
        return per_class
    return (per_class, aggregated) if keep_per_class else aggregated
