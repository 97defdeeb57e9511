"""Reports: which examples look mislabelled, the audit in words and as a page.

``_ReportsMixin`` of ``MultilabelLabelQuality`` (the other jobs are listed in the
docstring of ``skmlq._estimator``): ``find_label_issues`` (the issue report of
:mod:`skmlq.report`), ``audit_summary``, ``estimate_errors`` and
``audit_report`` (the HTML page of :mod:`skmlq.plotting`). They read what
``fit`` stored, or score new data (``_scoring``); the report modules are imported
when called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sklearn.utils.validation import check_is_fitted

from ..utils._defaults import DEFAULT_HTML_MAX_ROWS
from ..utils._docstrings import fill_doc, forest_data_doc
from ..utils._errors import InputTypeError, InputValueError

if TYPE_CHECKING:
    import os
    from typing import Any

    import pandas as pd
    from numpy.typing import ArrayLike

    from ..report import AuditSummary
    from ..utils._typing import Labels
    from ._error_estimate import ErrorEstimate

__all__ = ["_ReportsMixin"]


class _ReportsMixin:
    """The issue report, the audit summary and page, the error estimate."""

    def find_label_issues(self, X: Any = None, labels: Labels | None = None, *,
                          form: str = "long", flagged_only: bool = False,
                          worst: int | None = None, error_threshold: float | None = None,
                          **filter_kwargs: Any) -> pd.DataFrame:
        """Report which examples look mislabelled, and which labels to remove or add.

        Without ``X`` the report covers the training data and uses the out-of-fold
        results of :meth:`fit` (:attr:`pred_probs_`, :attr:`label_quality_scores_`,
        :attr:`error_proba_`), the ones to trust there. With ``X`` and ``labels`` it
        covers new data, scored with :attr:`estimator_` and the second stage of
        :meth:`fit`. The flags, suggestions and order are those of
        :meth:`audit_summary`, :meth:`audit_report` and the command line.

        Parameters
        ----------
        X : array-like, sparse matrix, DataFrame or list of shape (n_samples, ...), \
default=None
            New input, passed to :attr:`estimator_` untouched; None reports on the
            training data.
        labels : array-like, sparse matrix or list of lists, default=None
            The given annotations of ``X`` (any form :meth:`fit` accepts); required
            with ``X``, not accepted without it.
        form : {{"long", "wide"}}, default="long"
            ``"wide"`` gives one column per class instead of the class lists (see
            :func:`skmlq.report.label_issue_report`).
        flagged_only : bool, default=False
            Keep only the flagged examples.
        worst : int, default=None
            Keep only the ``worst`` lowest-scoring examples.
        error_threshold : float in [0, 1], default=None
            The flag threshold on the error probabilities (None: the estimator's
            ``error_threshold``): an example is flagged when its error probability
            is at least this, and carries the annotations whose own error
            probability is at least this, or else its one annotation most likely
            wrong. Not accepted with filter options.
        **filter_kwargs : dict
            Flag by confident learning instead of by error probabilities: passed to
            :func:`skmlq.filter.find_multilabel_issues_per_class`: ``filter_by``,
            ``frac_noise``, ``num_to_remove_per_class``, ``min_examples_per_class``,
            ``confident_joint``, ``low_memory``. The ``error_proba`` column stays.

        Returns
        -------
        report : pandas.DataFrame
            One row per example, worst first (``label_quality`` ascending, ties by
            row; with the default scoring, ``error_proba`` descending, the flagged
            examples first), index ``example`` (the row): ``label_quality``,
            ``error_proba``, ``flagged``, ``given``, ``to_remove``,
            ``to_add``, ``suggested`` (lists of :attr:`classes_`),
            ``to_remove_scores`` and ``to_add_scores``. See
            :func:`skmlq.report.label_issue_report`; apply it with
            :func:`skmlq.report.apply_suggestions`, review it with
            :func:`skmlq.report.write_review`.

        Examples
        --------
        {forest_data}
        >>> from skmlq import MultilabelLabelQuality
        >>> mlq = MultilabelLabelQuality(forest, cv=3, random_state=0).fit(X, Y)
        >>> report = mlq.find_label_issues()
        >>> list(report.columns[:6])
        ['label_quality', 'error_proba', 'flagged', 'given', 'to_remove', 'to_add']
        >>> report.shape
        (60, 9)
        """
        from ..filter._api import find_label_issues_both
        from ..report._build import build_report, error_flags

        check_is_fitted(self)
        Y, pred_probs, scores, per_class, error_proba, error_proba_per_class = \
            self._verdict_inputs(X, labels)
        # Filter options ask for confident-learning flags explicitly; the error
        # probabilities stay in the report as evidence.
        if not filter_kwargs:
            if error_threshold is None:
                error_threshold = self.error_threshold
            mask, flagged = error_flags(error_proba, error_proba_per_class, error_threshold,
                                        pred_probs.shape)
        else:
            if error_threshold is not None:
                raise InputTypeError(
                    "error_threshold sets the flags of error probabilities; it cannot be "
                    "combined with filter options, which flag by confident learning.")
            if "return_indices_ranked_by" in filter_kwargs:
                raise InputTypeError(
                    "return_indices_ranked_by is not accepted here: the report is already "
                    "sorted by label_quality.")
            mask, flagged = find_label_issues_both(Y, pred_probs, **filter_kwargs)
        return build_report(Y, scores, per_class, mask, self.classes_, flagged=flagged,
                            error_proba=error_proba, form=form, flagged_only=flagged_only,
                            worst=worst)

    def _verdict_inputs(self, X, labels):
        """``(Y, pred_probs, scores, per_class_scores, error_proba, error_proba_per_class)``
        of the training data (out of fold, as fitted) or of new data ``X`` (scored with
        :attr:`estimator_` and the second stage fitted on the training data)."""
        from .._core._second_stage import label_error_probabilities

        if X is None:
            if labels is not None:
                raise InputValueError(
                    "find_label_issues got labels without X; pass X=... with the labels "
                    "of new data, or neither to report on the training data."
                )
            return (self._fit_labels, self.pred_probs_, self.label_quality_scores_,
                    self.label_quality_scores_per_class_, self.error_proba_,
                    self.error_proba_per_class_)
        Y, pred_probs = self._new_data(X, labels, "find_label_issues")
        per_class, scores = self._score(Y, pred_probs)
        error_proba, error_proba_per_class = label_error_probabilities(
            Y, pred_probs, self.cooccurrence_params_)
        return Y, pred_probs, scores, per_class, error_proba, error_proba_per_class

    def audit_summary(self) -> AuditSummary:
        """The audit in plain words: flagged examples, labels to remove and add, model quality.

        Quiet: nothing is printed; ``print(mlq.audit_summary())`` shows the
        paragraph. Uses the default report of :meth:`find_label_issues` on the
        training data and the out-of-fold model quality of :meth:`fit`.

        Returns
        -------
        summary : skmlq.report.AuditSummary
            ``n_examples``, ``n_flagged``, ``n_to_remove``, ``n_to_add``,
            ``trusted``, ``advice`` and the per-class table ``per_class``
            (snake_case columns).
        """
        from ..report._summary import AuditSummary, quality_table
        from ..utils._labels import positives_per_class

        check_is_fitted(self)
        quality = quality_table(self.classes_, positives_per_class(self._fit_labels),
                                self._fit_labels.shape[0], self.average_precision_per_class_,
                                self.roc_auc_per_class_)
        return AuditSummary(self.find_label_issues(), quality,
                            error_estimate=self.error_estimate_)

    def estimate_errors(self) -> ErrorEstimate:
        """How many training examples have a wrong annotation, and of which kind.

        Returns
        -------
        estimate : ErrorEstimate
            :attr:`error_estimate_`; ``print(estimate)`` gives one line such as
            "about 9% of examples, 712 of 7,395, have a wrong annotation; most
            likely kind: missing tags". The count is the sum of
            :attr:`error_proba_`, the same expected count as in
            :meth:`audit_summary`; an "about", not a count. Where the noise model
            does not pin it down (``estimate.reliable`` is False), the line says
            so instead of giving a number (see the Benchmarks page).
        """
        check_is_fitted(self)
        return self.error_estimate_

    def audit_report(self, path: str | os.PathLike, X: Any = None,
                     labels: Labels | None = None, *, text: ArrayLike | None = None,
                     max_rows: int = DEFAULT_HTML_MAX_ROWS, title: str = "Label audit",
                     **report_kwargs: Any) -> str:
        """Write the audit as one self-contained HTML file, to open in any browser.

        The file holds the plain-language summary, the figures of
        :class:`~skmlq.plotting.LabelQualityHistogramDisplay` and
        :class:`~skmlq.plotting.ClassIssueRatesDisplay` (when matplotlib is
        installed), a table of the ``max_rows`` worst examples that sorts and
        filters in the browser, the review screen (accept or reject each suggested
        change of those examples, then download the decisions as a review file for
        :meth:`add_reviewed`, :func:`~skmlq.report.apply_review` or ``skmlq apply``)
        and the per-class table. It needs no network and
        makes no request; every string from the data is escaped, so a label or a
        text containing markup shows as text.

        Parameters
        ----------
        path : str or path-like
            Where to write the file (overwritten; written atomically).
        X : array-like, sparse matrix, DataFrame or list, default=None
            New input; None reports on the training data (out of fold), as
            :meth:`find_label_issues` does.
        labels : array-like, sparse matrix or list of lists, default=None
            The given annotations of ``X``; required with ``X``.
        text : sequence or pandas.Series, default=None
            The text (or any description) of each example, shown in the table:
            in data order, or a Series indexed by example id.
        max_rows : int, default=1000
            Rows of the worst-examples table (the report states the limit).
        title : str, default="Label audit"
            Title of the page.
        **report_kwargs : dict
            Passed to :meth:`find_label_issues`.

        Returns
        -------
        path : str
            The path written.

        See Also
        --------
        skmlq.plotting.write_html_report : The writer, from a report and a summary.

        Examples
        --------
        {forest_data}
        >>> from skmlq import MultilabelLabelQuality
        >>> mlq = MultilabelLabelQuality(forest, cv=3, random_state=0).fit(X, Y)
        >>> import tempfile, os
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = mlq.audit_report(os.path.join(folder, "audit.html"))
        ...     page = open(path, encoding="utf-8").read()
        >>> "The 60 worst of 60 examples" in page
        True
        """
        from ..plotting._audit import write_estimator_report

        return write_estimator_report(self, path, X, labels, text=text, max_rows=max_rows,
                                      title=title, **report_kwargs)


fill_doc(_ReportsMixin.find_label_issues, _ReportsMixin.audit_report,
         forest_data=forest_data_doc(8))
