"""Plots of label issues (matplotlib; ``pip install "skmlq[plot]"``)."""

from ._plots import plot_class_issue_rates, plot_label_quality_histogram

__all__ = ["plot_class_issue_rates", "plot_label_quality_histogram"]
