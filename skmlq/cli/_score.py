"""``skmlq score``: rank examples from label and pred_probs files, streamed."""

import os
import sys
import textwrap

import numpy as np

from .._backends import check_scoring_inputs, check_second_stage_inputs
from .._core._aggregation import resolve_aggregator
from .._core._driver import score_blocks
from ..utils._blocks import row_blocks
from ..utils._row_mask import RowMask
from ..utils._defaults import (DEFAULT_ALPHA, DEFAULT_ERROR_THRESHOLD, DEFAULT_TEMPERATURE,
                               METHODS, SECOND_STAGE_METHODS)
from ..utils._sparse import FilledSparseMatrix
from ._errors import CLIError
from ._progress import Progress, progress_enabled
from ._readers import check_unique_names, read_labels, read_pred_probs
from ._label_files import read_label_file
from ._report_csv import float_format, mask_rows, write_report_csv
from ._writers import STDOUT, atomic_output, check_output_path, is_stdout, shorten, text_table

__all__ = ["aggregator_kwargs", "check_outputs", "check_sparse_route", "compute_filter",
           "compute_scores", "compute_verdict", "print_results", "run_score", "sparse_rows",
           "worst_table", "write_outputs"]

N_SHOWN = 20
# Rows per scoring step: large enough to amortise overhead, small enough to report
# progress often on inputs larger than RAM (a step reads about 32 MB of float64).
_STEP_ELEMENTS = 2**22


def aggregator_kwargs(aggregator, alpha, temperature):
    """Build ``aggregator_kwargs`` from the options, refusing options of the other one."""
    if aggregator == "softmin":
        if alpha is not None:
            raise CLIError("--alpha applies to --aggregator exponential_moving_average only")
        return {"method": "softmin",
                "temperature": DEFAULT_TEMPERATURE if temperature is None else temperature}
    if temperature is not None:
        raise CLIError("--temperature applies to --aggregator softmin only")
    if aggregator == "product":
        if alpha is not None:
            raise CLIError("--alpha applies to --aggregator exponential_moving_average only")
        return {"method": "product"}
    return {"method": aggregator, "alpha": DEFAULT_ALPHA if alpha is None else alpha}


def check_sparse_route(args, path):
    """Sparse predictions are read by the first stage and the filter only: refuse, before
    any work, the options that need dense (N, K) arrays."""
    if args.method in SECOND_STAGE_METHODS or args.flag_by != "filter":
        raise CLIError(
            f"pred_probs file {path} holds sparse predictions, which are scored by a "
            f"first-stage --method ({', '.join(METHODS)}) and flagged by "
            f"--flag-by filter only (the second stage fits dense predictions): pass, for "
            f"cleanlab's ranking, --method self_confidence --aggregator "
            f"exponential_moving_average --flag-by filter"
        )
    if getattr(args, "per_class", False):
        raise CLIError(
            f"--per-class writes one column per class, which sparse predictions (pred_probs "
            f"file {path}) are meant to avoid; the review file (--review) lists each "
            f"suggested change with its score"
        )


def sparse_rows(matrix, rows):
    """The rows ``rows`` (sorted) of a :class:`~skmlq.utils.FilledSparseMatrix`, in
    O(their stored entries)."""
    part = matrix.matrix[rows]
    return FilledSparseMatrix._from_checked(
        part.indptr.astype(matrix.indptr.dtype, copy=False),
        part.indices.astype(matrix.indices.dtype, copy=False), part.data, part.shape,
        matrix.fill)


def compute_scores(Y, P, method, thresholds, aggregate, progress, second_stage=None):
    """Aggregated scores (N,) of checked inputs, in steps that report progress.

    Sparse predictions are scored in one O(nnz) pass (the implicit score of each
    class is computed once, not once per step); it returns ``(per_class, scores)``,
    the per-class scores a :class:`~skmlq.utils.FilledSparseMatrix`.
    """
    if isinstance(P, FilledSparseMatrix):
        per_class, scores = score_blocks(Y, P, method, thresholds, aggregate,
                                         keep_per_class=True)
        progress.update(P.shape[0])
        return per_class, scores
    n_samples, n_classes = P.shape
    scores = np.empty(n_samples, dtype=P.dtype)
    for start, stop in row_blocks(n_samples, n_classes, _STEP_ELEMENTS):
        scores[start:stop] = score_blocks(
            Y[start:stop], P[start:stop], method, thresholds, aggregate,
            second_stage=second_stage,
        )
        progress.update(stop - start)
    return scores


def compute_verdict(Y, P, params, error_threshold):
    """The estimator's verdict on checked inputs, in steps (the (N, K) error
    probabilities are never held at once): ``(error_proba (N,), mask, flagged (N,),
    expected counts)``, from the second stage ``params``; ``mask`` is a
    :class:`~skmlq.utils._row_mask.RowMask` (it keeps the suggested changes only)."""
    from ..rank import get_label_error_probabilities
    from ..report._build import error_flags, expected_counts

    n_samples, n_classes = P.shape
    error_proba = np.empty(n_samples)
    flagged = np.empty(n_samples, dtype=bool)
    counts = np.zeros(3)
    blocks = []
    for start, stop in row_blocks(n_samples, n_classes, _STEP_ELEMENTS):
        Y_block = Y[start:stop]
        proba, per_class = get_label_error_probabilities(
            Y_block, P[start:stop], cooccurrence_params=params)
        error_proba[start:stop] = proba
        mask, flagged[start:stop] = error_flags(
            proba, per_class, error_threshold, per_class.shape)
        blocks.append((start, mask))
        counts += expected_counts(proba, per_class, Y_block)
    return error_proba, RowMask.from_blocks(blocks, (n_samples, n_classes)), flagged, counts


def compute_filter(Y, P, thresholds):
    """``--flag-by filter``: the mask (a :class:`~skmlq.utils._row_mask.RowMask`) and
    flags of :func:`skmlq.filter.find_label_issues` with its defaults, from checked
    inputs (``thresholds``: the confident thresholds the scoring used, or None)."""
    from ..filter._api import find_label_issues_both

    mask, flagged = find_label_issues_both(Y, P, thresholds=thresholds, sparse=True)
    return RowMask(mask), flagged


def _class_labels(class_names, n_classes):
    return [str(c) for c in (class_names if class_names is not None else range(n_classes))]


def worst_table(worst, label_sep=";"):
    """Lines of a text table of the worst examples: given labels and the fixes.

    ``worst`` holds ``(row, label_quality, given, to_remove, to_add)`` tuples,
    worst first, as :func:`write_outputs` returns them.
    """
    table = [("rank", "row", "label_quality", "given", "to remove", "to add")]
    for r, (i, quality, given, to_remove, to_add) in enumerate(worst, start=1):
        table.append((str(r), str(i), f"{quality:.4f}",
                      shorten(label_sep.join(map(str, given)) or "(none)"),
                      shorten(label_sep.join(map(str, to_remove))),
                      shorten(label_sep.join(map(str, to_add)))))
    return text_table(table)


def write_outputs(args, Y, P, scores, mask, flagged, per_class, names, label_file, stdout,
                  progress=None):
    """The outputs shared by score and audit: OUT.csv, --write-labels and --review.

    ``per_class`` maps sorted rows to their (n, K) per-class scores; ``label_file``
    is None or a function returning the :class:`LabelFile` of the labels to clean.
    Returns the worst examples for :func:`worst_table`.
    """
    from ..report import apply_suggestions, write_review
    from ..report._build import build_report, class_lists, review_order

    order = review_order(scores)
    if args.output is not None:
        ffmt = float_format(args.float_format, scores.dtype)
        with atomic_output(args.output, args.force) as fh:
            write_report_csv(fh, order, scores, Y, mask, names, per_class,
                             label_sep=args.label_sep, ffmt=ffmt,
                             with_per_class=getattr(args, "per_class", False),
                             progress=progress)
    if args.review is not None or args.write_labels is not None:
        rows = np.flatnonzero(flagged)
        flagged_report = build_report(Y[rows], scores[rows], per_class(rows),
                                      mask_rows(mask, rows), names, ids=rows)
        flagged_report.index = flagged_report.index.astype(np.int64)
        if args.review is not None:
            check_output_path(args.review, args.force)
            n_changes = write_review(flagged_report, args.review, pred_probs=P)
            print(f"wrote {n_changes} suggested changes to review to {args.review} (fill in "
                  f"the decision column, then run skmlq apply)", file=stdout)
        if args.write_labels is not None:
            labels = label_file()
            cleaned = apply_suggestions(labels.Y, flagged_report, classes=names)
            labels.write(cleaned, args.write_labels, force=args.force)
            print(f"wrote the labels with every suggestion applied to {args.write_labels}",
                  file=stdout)
    worst = order[:N_SHOWN]
    read = np.sort(worst)
    pos = np.searchsorted(read, worst)
    lists = class_lists(Y[read], mask_rows(mask, read), names, pos, plain=True)
    return list(zip(worst.tolist(), scores[worst].tolist(), lists["given"], lists["to_remove"],
                    lists["to_add"]))


def write_html(args, Y, scores, mask, flagged, per_class, names, summary, stdout, *,
               text=None, title="Label audit", error_proba=None, error_threshold=None,
               pred_probs=None):
    """--html: the HTML audit report, from the report of the worst rows only (so its
    cost does not grow with N beyond the scores' sort) and the summary of all rows."""
    from ..plotting._audit import FIGURES_NEED_PLOT, figures_available, write_arrays_report
    from ..report._build import build_report, review_order
    from ..utils._defaults import DEFAULT_ERROR_THRESHOLD, DEFAULT_HTML_MAX_ROWS

    read = np.sort(review_order(scores)[:DEFAULT_HTML_MAX_ROWS])
    worst = build_report(Y[read], scores[read], per_class(read), mask_rows(mask, read), names,
                         flagged=flagged[read], ids=read,
                         error_proba=None if error_proba is None else error_proba[read])
    write_arrays_report(args.html, worst, summary, scores, flagged, names, text=text,
                        error_proba=error_proba,
                        error_threshold=(DEFAULT_ERROR_THRESHOLD if error_threshold is None
                                         else error_threshold),
                        max_rows=DEFAULT_HTML_MAX_ROWS, title=title, pred_probs=pred_probs)
    figures = "figures" if figures_available() else FIGURES_NEED_PLOT
    print(f"wrote the HTML audit report ({min(len(read), DEFAULT_HTML_MAX_ROWS)} worst "
          f"examples, summary; {figures}) to {args.html}", file=stdout)


def check_outputs(args):
    """Fail before any work if an output path cannot or must not be written."""
    named = (args.output, args.write_labels, args.review, args.html)
    paths = [p for p in named if p not in (None, "-")]
    if len(set(map(os.path.abspath, paths))) != len(paths):
        raise CLIError("-o, --write-labels, --review and --html must name different files")
    for path in named:
        check_output_path(path, args.force)
    for option, path in (("--write-labels", args.write_labels), ("--review", args.review),
                         ("--html", args.html)):
        if path == "-":
            raise CLIError(f"{option} needs a file name, not '-'")
    float_format(args.float_format)


def run_score(args, stdout=None, stderr=None):
    """Execute ``skmlq score`` with parsed ``args``; return the exit code."""
    from ..report._summary import AuditSummary, model_quality_binned, quality_table

    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    if is_stdout(args.output):  # -o /dev/stdout means -o -: no summary mixed into the CSV
        args.output = STDOUT
    check_outputs(args)
    by_filter = args.flag_by == "filter"
    if by_filter and args.error_threshold is not None:
        raise CLIError("--error-threshold applies to --flag-by error_proba only")
    error_threshold = (DEFAULT_ERROR_THRESHOLD if args.error_threshold is None
                       else args.error_threshold)
    agg_kwargs = aggregator_kwargs(args.aggregator, args.alpha, args.temperature)
    aggregate = resolve_aggregator(agg_kwargs)
    P, class_names = read_pred_probs(args.pred_probs, args.delimiter)
    if args.classes is not None:
        class_names = [c.strip() for c in args.classes.split(",")]
        check_unique_names(class_names, "--classes")
        if getattr(P, "ndim", 0) == 2 and len(class_names) != P.shape[1]:
            raise CLIError(
                f"--classes names {len(class_names)} classes but pred_probs has "
                f"{P.shape[1]} columns"
            )
    n_classes = P.shape[1] if getattr(P, "ndim", 0) == 2 else 0
    sparse = isinstance(P, FilledSparseMatrix)
    if sparse:
        check_sparse_route(args, args.pred_probs)
    labels, class_names, note = read_labels(
        args.labels, n_classes, class_names=class_names, labels_column=args.labels_column,
        label_sep=args.label_sep, delimiter=args.delimiter,
    )
    if note:
        print(f"skmlq: {note}", file=stderr)
    # By default the verdict (flags, suggestions, expected count) is the estimator's,
    # from the second stage fitted on these rows, whatever the ranking's method.
    # --flag-by filter takes the confident-learning filter's instead: with a
    # first-stage method nothing is fitted, and every pass reads the rows in blocks.
    params = None
    if sparse:  # a first-stage method and the filter (check_sparse_route)
        Y, P, thresholds = check_scoring_inputs(labels, P, args.method, args.adjust_pred_probs,
                                                allow_sparse=True)
        stage = None
    elif args.method in SECOND_STAGE_METHODS:
        Y, P, thresholds, params = check_second_stage_inputs(
            labels, P, args.adjust_pred_probs, method=args.method, check_count=True)
        stage = params
    else:
        Y, P, thresholds = check_scoring_inputs(labels, P, args.method, args.adjust_pred_probs)
        if not by_filter:
            params = check_second_stage_inputs(Y, P, False, check_count=True)[3]
        stage = None
    show = progress_enabled(args.progress, stderr)
    n_samples = P.shape[0]
    with Progress("scoring", n_samples, show, stderr) as progress:
        scores = compute_scores(Y, P, args.method, thresholds, aggregate, progress, stage)
    if sparse:
        sparse_per_class, scores = scores
    if by_filter:
        # A second-stage method's thresholds are those of the stage's probabilities:
        # the filter reads pred_probs and computes its own.
        mask, flagged = compute_filter(Y, P, None if stage is not None else thresholds)
        error_proba = None
    else:
        error_proba, mask, flagged, counts = compute_verdict(Y, P, params, error_threshold)
    names = _class_labels(class_names, P.shape[1])

    def per_class(rows):
        if sparse:
            return sparse_rows(sparse_per_class, rows)
        return score_blocks(Y[rows], P[rows], args.method, thresholds, second_stage=stage)

    def label_file():
        return read_label_file(args.labels, class_names=class_names,
                               labels_column=args.labels_column, label_sep=args.label_sep,
                               delimiter=args.delimiter, n_classes=P.shape[1])

    quiet = args.output == "-"
    out = stderr if quiet else stdout
    with Progress("writing", n_samples, show and not quiet, stderr) as progress:
        worst = write_outputs(args, Y, P, scores, mask, flagged, per_class, names, label_file,
                              out, progress)
    # From histograms filled in row blocks: a sort of every class's column of a
    # memory-mapped input costs more than all the rest (see model_quality_binned);
    # sparse predictions get the exact scores, from one sort of their stored entries.
    n_given, ap, auc, _ = model_quality_binned(Y, P)
    quality = quality_table(names, n_given, n_samples, ap, auc)
    estimate = None
    if not by_filter:
        from .._estimator._error_estimate import ErrorEstimate

        estimate = ErrorEstimate.from_stage(Y, P, params, error_proba, *counts)
    summary = AuditSummary.from_arrays(Y, mask, flagged, names, quality,
                                       error_estimate=estimate)
    if args.html is not None:
        write_html(args, Y, scores, mask, flagged, per_class, names, summary, out,
                   title=f"Label audit: {os.path.basename(args.labels)}",
                   error_proba=error_proba, error_threshold=error_threshold, pred_probs=P)
    if quiet:
        return 0
    aggregation = " ".join([agg_kwargs["method"]] + [
        ", ".join(f"{k}={v}" for k, v in agg_kwargs.items() if k != "method")]).strip()
    adjusted = ", adjusted" if args.adjust_pred_probs else ""
    print_results(f"{n_samples} examples scored ({args.method}{adjusted}; "
                  f"{aggregation}); the {min(N_SHOWN, n_samples)} most "
                  f"likely mislabelled:", worst, summary, n_samples, args, stdout)
    return 0


def print_results(headline, worst, summary, n_samples, args, stdout):
    """What score and audit print at the end: the worst rows, the summary, the output."""
    print(headline, file=stdout)
    print("\n".join(worst_table(worst, args.label_sep)), file=stdout)
    print("", file=stdout)
    print(textwrap.fill(str(summary), width=88), file=stdout)
    if args.output is None:
        print("(write all rows with -o OUT.csv)", file=stdout)
    else:
        print(f"wrote {n_samples} rows to {args.output}", file=stdout)
