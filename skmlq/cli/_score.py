"""``skmlq score``: rank examples from label and pred_probs files, streamed."""

import sys

import numpy as np

from .._backends import check_scoring_inputs
from .._core._aggregation import resolve_aggregator
from .._core._driver import score_blocks
from ..utils._blocks import row_blocks
from ..utils._defaults import DEFAULT_ALPHA, DEFAULT_TEMPERATURE
from ..utils._labels import indicator_block
from ._errors import CLIError
from ._progress import Progress, progress_enabled
from ._readers import read_labels, read_pred_probs
from ._writers import (
    FLOAT_FORMATS, atomic_output, check_output_path, csv_writer, shorten, suspect_class,
    text_table,
)

__all__ = ["aggregator_kwargs", "compute_scores", "run_score", "worst_table", "write_ranked"]

N_SHOWN = 20
# Rows per scoring step: large enough to amortise overhead, small enough to report
# progress often on inputs larger than RAM (a step reads about 32 MB of float64).
_STEP_ELEMENTS = 2**22
# Values per written chunk of the output CSV.
_WRITE_ELEMENTS = 2**18


def aggregator_kwargs(aggregator, alpha, temperature):
    """Build ``aggregator_kwargs`` from the options, refusing options of the other one."""
    if aggregator == "softmin":
        if alpha is not None:
            raise CLIError("--alpha applies to --aggregator exponential_moving_average only")
        return {"method": "softmin",
                "temperature": DEFAULT_TEMPERATURE if temperature is None else temperature}
    if temperature is not None:
        raise CLIError("--temperature applies to --aggregator softmin only")
    return {"method": aggregator, "alpha": DEFAULT_ALPHA if alpha is None else alpha}


def compute_scores(Y, P, method, thresholds, aggregate, progress):
    """Aggregated scores (N,) of checked inputs, in steps that report progress."""
    n_samples, n_classes = P.shape
    scores = np.empty(n_samples, dtype=P.dtype)
    for start, stop in row_blocks(n_samples, n_classes, _STEP_ELEMENTS):
        scores[start:stop] = score_blocks(
            Y[start:stop], P[start:stop], method, thresholds, aggregate
        )
        progress.update(stop - start)
    return scores


def _class_labels(class_names, n_classes):
    return [str(c) for c in (class_names if class_names is not None else range(n_classes))]


def write_ranked(fh, order, scores, *, per_class=None, class_names=None, progress=None):
    """Write ``row,label_quality,rank[,label_quality_<class>...]`` rows in ``order``.

    ``per_class`` is None or ``(Y, P, method, thresholds)``: the per-class scores
    of each chunk of rows are computed when it is written, so memory stays
    bounded by the chunk, not by N x K. Floats are written exactly: float64 as the
    shortest repr, float32 with 9 significant digits.
    """
    header = ["row", "label_quality", "rank"]
    n_classes = 0
    if per_class is not None:
        Y, P, method, thresholds = per_class
        n_classes = P.shape[1]
        header += [f"label_quality_{c}" for c in _class_labels(class_names, n_classes)]
    csv_writer(fh).writerow(header)  # class names may need quoting
    # Every field is a number: one %-format per row (several times faster than csv).
    ffmt = FLOAT_FORMATS.get(scores.dtype, "%r")
    line = ",".join(["%d", ffmt, "%d"] + [ffmt] * n_classes) + "\n"
    for start, stop in row_blocks(len(order), n_classes + 3, _WRITE_ELEMENTS):
        rows = order[start:stop]
        fields = zip(rows.tolist(), scores[rows].tolist(), range(start + 1, stop + 1))
        if per_class is not None:
            read = np.sort(rows)  # read the (memory-mapped) inputs in file order
            S = score_blocks(Y[read], P[read], method, thresholds)
            S = S[np.searchsorted(read, rows)].tolist()
            fh.write("".join([line % (*f, *s) for f, s in zip(fields, S)]))
        else:
            fh.write("".join([line % f for f in fields]))
        if progress is not None:
            progress.update(stop - start)


def worst_table(rows, scores, Y, P, method, thresholds, class_names, label_sep=";"):
    """Lines of a text table of ``rows`` (ranked): given classes and the suspect class."""
    names = _class_labels(class_names, P.shape[1])
    read = np.sort(rows)
    pos = np.searchsorted(read, rows)
    given = indicator_block(Y[read], 0, len(read))[pos]
    S = score_blocks(Y[read], P[read], method, thresholds)[pos]
    table = [("rank", "row", "label_quality", "given classes", "suspect class (score)")]
    for r, (i, g, s) in enumerate(zip(rows, given, S), start=1):
        shown = label_sep.join(names[j] for j in np.flatnonzero(g)) or "(none)"
        table.append((str(r), str(int(i)), f"{scores[i]:.4f}", shorten(shown),
                      suspect_class(s, g, names)))
    return text_table(table)


def run_score(args, stdout=None, stderr=None):
    """Execute ``skmlq score`` with parsed ``args``; return the exit code."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    check_output_path(args.output, args.force)
    agg_kwargs = aggregator_kwargs(args.aggregator, args.alpha, args.temperature)
    aggregate = resolve_aggregator(agg_kwargs)
    P, class_names = read_pred_probs(args.pred_probs, args.delimiter)
    if args.classes is not None:
        class_names = [c.strip() for c in args.classes.split(",")]
        if getattr(P, "ndim", 0) == 2 and len(class_names) != P.shape[1]:
            raise CLIError(
                f"--classes names {len(class_names)} classes but pred_probs has "
                f"{P.shape[1]} columns"
            )
    n_classes = P.shape[1] if getattr(P, "ndim", 0) == 2 else 0
    labels, class_names, note = read_labels(
        args.labels, n_classes, class_names=class_names, labels_column=args.labels_column,
        label_sep=args.label_sep, delimiter=args.delimiter,
    )
    if note:
        print(f"skmlq: {note}", file=stderr)
    Y, P, thresholds = check_scoring_inputs(labels, P, args.method, args.adjust_pred_probs)
    show = progress_enabled(args.progress, stderr)
    n_samples = P.shape[0]
    with Progress("scoring", n_samples, show, stderr) as progress:
        scores = compute_scores(Y, P, args.method, thresholds, aggregate, progress)
    order = np.argsort(scores, kind="stable")
    if args.output is not None:
        per_class = (Y, P, args.method, thresholds) if args.per_class else None
        with Progress("writing", n_samples, show and args.output != "-", stderr) as progress:
            with atomic_output(args.output, args.force) as fh:
                write_ranked(fh, order, scores, per_class=per_class, class_names=class_names,
                             progress=progress)
        if args.output == "-":
            return 0
    lines = worst_table(order[:N_SHOWN], scores, Y, P, args.method, thresholds, class_names,
                        args.label_sep)
    options = ", ".join(f"{k}={v}" for k, v in agg_kwargs.items() if k != "method")
    adjusted = ", adjusted" if args.adjust_pred_probs else ""
    print(f"{n_samples} examples scored ({args.method}{adjusted}; {agg_kwargs['method']} "
          f"{options}); the {min(N_SHOWN, n_samples)} most likely mislabelled:", file=stdout)
    print("\n".join(lines), file=stdout)
    if args.output is None:
        print("(write all rows with -o OUT.csv)", file=stdout)
    else:
        print(f"wrote {n_samples} rows to {args.output}", file=stdout)
    return 0
