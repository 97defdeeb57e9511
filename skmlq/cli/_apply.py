"""``skmlq apply``: apply the accepted rows of a review file to a labels file."""

import io
import sys

import numpy as np

from ..report import apply_review
from ..report._review import review_classes
from ._label_files import read_label_file
from ._readers import _INT
from ._writers import check_output_path

__all__ = ["run_apply"]


class _NamedBytes(io.BytesIO):
    """The review file's bytes, named like the file for the error messages."""


def run_apply(args, stdout=None):
    """Execute ``skmlq apply`` with parsed ``args``; return the exit code."""
    stdout = stdout or sys.stdout
    check_output_path(args.output, args.force)
    classes = None
    if args.classes is not None:
        classes = [c.strip() for c in args.classes.split(",")]
    # The classes of the review's accepted removals join those found in the labels:
    # once a review removed the last annotation of a class, the cleaned file no longer
    # names it, and applying the same review to it again must still know the class
    # (and change nothing).
    with open(args.review, "rb") as fh:  # read once: it may be a pipe
        review = _NamedBytes(fh.read())
    review.name = args.review
    reviewed = review_classes(review.getvalue(), args.review)
    as_indices = bool(reviewed) and all(_INT.match(c) for c in reviewed)
    labels = read_label_file(
        args.labels, class_names=classes, labels_column=args.labels_column,
        label_sep=args.label_sep, delimiter=args.delimiter,
        extra_classes=() if as_indices else reviewed,
        n_classes=max(int(c) for c in reviewed) + 1 if as_indices else None,
    )
    cleaned = apply_review(labels.Y, review, classes=labels.classes)
    changed = int((cleaned != labels.Y).sum())
    labels.write(cleaned, args.output, force=args.force)
    rows = int(np.count_nonzero(np.diff((cleaned != labels.Y).tocsr().indptr)))
    print(f"applied {changed} accepted change(s) on {rows} example(s); wrote "
          f"{labels.Y.shape[0]} rows to {args.output}", file=stdout)
    return 0
