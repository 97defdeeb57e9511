"""``skmlq apply``: apply the accepted rows of a review file to a labels file."""

import sys

import numpy as np

from ..report import apply_review
from ._label_files import read_label_file
from ._writers import check_output_path

__all__ = ["run_apply"]


def run_apply(args, stdout=None):
    """Execute ``skmlq apply`` with parsed ``args``; return the exit code."""
    stdout = stdout or sys.stdout
    check_output_path(args.output, args.force)
    classes = None
    if args.classes is not None:
        classes = [c.strip() for c in args.classes.split(",")]
    labels = read_label_file(
        args.labels, class_names=classes, labels_column=args.labels_column,
        label_sep=args.label_sep, delimiter=args.delimiter,
    )
    cleaned = apply_review(labels.Y, args.review, classes=labels.classes)
    changed = int((cleaned != labels.Y).sum())
    labels.write(cleaned, args.output, force=args.force)
    rows = int(np.count_nonzero(np.diff((cleaned != labels.Y).tocsr().indptr)))
    print(f"applied {changed} accepted change(s) on {rows} example(s); wrote "
          f"{labels.Y.shape[0]} rows to {args.output}", file=stdout)
    return 0
