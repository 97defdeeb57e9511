"""``skmlq audit``: fit a default model on a CSV data set and rank its examples."""

import os
import sys
import textwrap

import numpy as np

from ._demo import fit_quietly_or_verbosely
from ._errors import CLIError
from ._label_files import read_label_file
from ._models import audit_model, numeric_features
from ._progress import progress_enabled
from ._readers import column_index, read_csv_table, split_labels
from ._score import check_outputs, print_results, write_html, write_outputs

__all__ = ["build_model_input", "run_audit"]

N_SHOWN = 20


def _numeric_column(values):
    """The column as float64 (empty cells are NaN), or None if a cell is not a number."""
    out = np.empty(len(values))
    for i, v in enumerate(values):
        v = v.strip()
        if not v:
            out[i] = np.nan
            continue
        try:
            out[i] = float(v)
        except ValueError:
            return None
    return out


def build_model_input(header, rows, labels_j, text_column, path, cv=5):
    """Return ``(X, estimator, description, skipped)`` for the audit model.

    A text column gives raw strings for TF-IDF; otherwise the numeric columns (all
    cells numbers or empty) give a float matrix, sparse when mostly zeros. The
    classifier and its solver suit the features (see ``_models``).
    """
    if text_column is not None:
        j = column_index(header, text_column, path, "--text-column")
        if j == labels_j:
            raise CLIError("--text-column and --labels-column name the same column")
        X = [row[j] for row in rows]
        model, description = audit_model("text", len(rows), cv=cv)
        return X, model, f"column {text_column!r}: {description}", []
    columns, used, skipped = [], [], []
    for j, name in enumerate(header):
        if j == labels_j:
            continue
        values = _numeric_column([row[j] for row in rows])
        if values is None or np.isnan(values).all():
            skipped.append(name)
        else:
            columns.append(values)
            used.append(name)
    if not columns:
        raise CLIError(
            f"{path} has no numeric feature column (skipped non-numeric: "
            f"{', '.join(skipped[:10]) or 'none'}); pass --text-column COL to model a text column"
        )
    X, kind = numeric_features(np.column_stack(columns))
    model, description = audit_model(kind, len(rows), X.shape[1], cv=cv)
    shown = ", ".join(used[:8]) + (", ..." if len(used) > 8 else "")
    return X, model, f"{len(used)} numeric columns ({shown}), {description}", skipped


def run_audit(args, stdout=None, stderr=None):
    """Execute ``skmlq audit`` with parsed ``args``; return the exit code."""
    from .._estimator import MultilabelLabelQuality
    from ..report._build import error_flags
    from ..report._summary import AuditSummary, quality_table
    from ..utils._labels import positives_per_class

    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    check_outputs(args)
    header, rows, _ = read_csv_table(args.data, args.delimiter)
    if not rows:
        raise CLIError(f"{args.data} has a header but no data rows")
    labels_j = column_index(header, args.labels_column, args.data, "--labels-column")
    labels = [split_labels(row[labels_j], args.label_sep) for row in rows]
    X, estimator, description, skipped = build_model_input(
        header, rows, labels_j, args.text_column, args.data, cv=args.cv
    )
    if skipped:
        print(f"skmlq: not used as features (not numeric): {', '.join(skipped[:10])}",
              file=stderr)
    model = MultilabelLabelQuality(
        estimator, cv=args.cv, random_state=args.random_state, n_jobs=args.n_jobs,
        refit=False,
    )
    quiet = args.output == "-"
    out = stderr if quiet else stdout
    print(f"Fitting {description} with {args.cv}-fold cross-validation on "
          f"{len(rows)} examples ...", file=out, flush=True)
    show = progress_enabled(args.progress, stderr)
    seconds = fit_quietly_or_verbosely(model, X, labels, show, stderr)
    Y, P = model._fit_labels, model.pred_probs_
    scores = model.label_quality_scores_
    S = model.label_quality_scores_per_class_
    names = [str(c) for c in model.classes_]
    # The estimator's verdict: flagged when the error probability reaches its threshold.
    mask, flagged = error_flags(model.error_proba_, model.error_proba_per_class_,
                                model.error_threshold, P.shape)

    def label_file():
        return read_label_file(args.data, class_names=names, labels_column=args.labels_column,
                               label_sep=args.label_sep, delimiter=args.delimiter)

    worst = write_outputs(args, Y, P, scores, mask, flagged, lambda r: S[r], names,
                          label_file, out)
    quality = quality_table(names, positives_per_class(Y), len(rows),
                            model.average_precision_per_class_, model.roc_auc_per_class_)
    summary = AuditSummary.from_arrays(Y, mask, flagged, names, quality,
                                       error_estimate=model.error_estimate_)
    if args.html is not None:
        write_html(args, Y, scores, mask, flagged, lambda r: S[r], names, summary, out,
                   text=X if args.text_column is not None else None,
                   title=f"Label audit: {os.path.basename(args.data)}",
                   error_proba=model.error_proba_, error_threshold=model.error_threshold,
                   pred_probs=P)
    if quiet:
        print(textwrap.fill(str(summary), width=88), file=stderr)
        return 0
    print_results(f"Done in {seconds:.1f} s. The {min(N_SHOWN, len(rows))} most likely "
                  f"mislabelled examples (row = 0-based data row):", worst, summary, len(rows),
                  args, stdout)
    return 0
