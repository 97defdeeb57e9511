"""Backends: the same scoring core over rows that live in memory, in dask chunks or
in batches. Each validates with ``skmlq.utils`` and scores with ``skmlq._core``."""

from ._dispatch import check_scoring_inputs, check_second_stage_inputs, label_quality_scores

__all__ = ["check_scoring_inputs", "check_second_stage_inputs", "label_quality_scores"]
