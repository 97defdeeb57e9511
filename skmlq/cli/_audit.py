"""``skmlq audit``: fit a default model on a CSV data set and rank its examples."""

import sys

import numpy as np

from ._demo import fit_quietly_or_verbosely
from ._errors import CLIError
from ._progress import progress_enabled
from ._readers import column_index, read_csv_table, split_labels
from ._writers import (
    atomic_output, check_output_path, csv_writer, float_strings, shorten, suspect, text_table,
)

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


def build_model_input(header, rows, labels_j, text_column, path):
    """Return ``(X, estimator, description, skipped)`` for the audit model.

    A text column gives raw strings and TF-IDF + the default classifier; otherwise
    the numeric columns (all cells numbers or empty) give a float matrix with
    median imputation and standardisation before the default classifier.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from .._estimator import default_estimator

    if text_column is not None:
        j = column_index(header, text_column, path, "--text-column")
        if j == labels_j:
            raise CLIError("--text-column and --labels-column name the same column")
        X = [row[j] for row in rows]
        model = make_pipeline(TfidfVectorizer(sublinear_tf=True), default_estimator())
        return X, model, f"TF-IDF of column {text_column!r} + one-vs-rest logistic regression", []
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
    X = np.column_stack(columns)
    model = make_pipeline(SimpleImputer(strategy="median"), StandardScaler(),
                          default_estimator())
    shown = ", ".join(used[:8]) + (", ..." if len(used) > 8 else "")
    return X, model, (f"{len(used)} standardised numeric columns ({shown}) + one-vs-rest "
                      f"logistic regression"), skipped


def run_audit(args, stdout=None, stderr=None):
    """Execute ``skmlq audit`` with parsed ``args``; return the exit code."""
    from .._estimator import MultilabelLabelQuality
    from .._estimator._targets import encode_targets

    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    check_output_path(args.output, args.force)
    header, rows, _ = read_csv_table(args.data, args.delimiter)
    if not rows:
        raise CLIError(f"{args.data} has a header but no data rows")
    labels_j = column_index(header, args.labels_column, args.data, "--labels-column")
    labels = [split_labels(row[labels_j], args.label_sep) for row in rows]
    X, estimator, description, skipped = build_model_input(
        header, rows, labels_j, args.text_column, args.data
    )
    if skipped:
        print(f"skmlq: not used as features (not numeric): {', '.join(skipped[:10])}",
              file=stderr)
    model = MultilabelLabelQuality(
        estimator, cv=args.cv, random_state=args.random_state, n_jobs=args.n_jobs,
        refit=False,
    )
    to_out = args.output != "-"
    if to_out:
        print(f"Fitting {description} with {args.cv}-fold cross-validation on "
              f"{len(rows)} examples ...", file=stdout, flush=True)
    show = progress_enabled(args.progress, stderr)
    seconds = fit_quietly_or_verbosely(model, X, labels, show, stderr)
    scores = model.label_quality_scores_
    S = model.label_quality_scores_per_class_
    names = [str(c) for c in model.classes_]
    order = np.argsort(scores, kind="stable")
    given = [args.label_sep.join(row) for row in labels]
    Y = encode_targets(labels, model.classes_, name="labels")[0].astype(bool)
    suspects = [suspect(S[i], Y[i], names) for i in order]
    if args.output is not None:
        with atomic_output(args.output, args.force) as fh:
            writer = csv_writer(fh)
            writer.writerow(["row", "label_quality", "rank", args.labels_column,
                             "suspect_class", "suspect_kind", "suspect_score"])
            writer.writerows(
                (i, q, r, given[i], name, kind, repr(float(score)))
                for i, q, r, (name, kind, score) in zip(
                    order.tolist(), float_strings(scores[order]), range(1, len(order) + 1),
                    suspects,
                )
            )
        if not to_out:
            return 0
    table = [("rank", "row", "label_quality", "given classes", "suspect class (score)")]
    for r, i in enumerate(order[:N_SHOWN], start=1):
        table.append((str(r), str(int(i)), f"{scores[i]:.4f}",
                      shorten(given[i] or "(none)"), "{} ({}, {:.3f})".format(*suspects[r - 1])))
    print(f"Done in {seconds:.1f} s. The {min(N_SHOWN, len(order))} most likely "
          f"mislabelled examples (row = 0-based data row):", file=stdout)
    print("\n".join(text_table(table)), file=stdout)
    if args.output is None:
        print("(write all rows with -o OUT.csv)", file=stdout)
    else:
        print(f"wrote {len(order)} rows to {args.output}", file=stdout)
    return 0
