"""``skmlq review``: the review loop across days, one batch per run.

The first run reads the labels and the out-of-sample predicted probabilities
(given, or cross-fitted once with the audit's default model on a features file),
fits :class:`~skmlq.MultilabelLabelQuality` on them (the probabilities are taken
as they are: no classifier is fitted again) and writes the next batch
(:meth:`~skmlq.MultilabelLabelQuality.next_to_review`) as a review file and as the
HTML review screen. A later run takes a filled-in review file back
(:meth:`~skmlq.MultilabelLabelQuality.add_reviewed`) and writes the next batch.

Between runs the loop lives in a state file next to the labels
(``<labels>.skmlq-review.npz``, numpy arrays only, read without pickle): the
labels, the probabilities, the options, every batch drawn and every review file
taken back, byte for byte. A run rebuilds the estimator from it by replaying the
same calls, which the estimator makes deterministic for an integer
``random_state``; each replayed batch is checked against the one recorded, so a
state written by a version that draws differently is refused, never silently
continued.
"""

import io
import os
import sys
import warnings

import numpy as np

from .._estimator._given import GivenProbabilities
from .._version import __version__
from ..report import ModelQualityWarning
from ..utils._output import safe_output
from ._apply import _NamedBytes
from ._errors import CLIError
from ._label_files import read_label_file
from ..utils._sparse import FilledSparseMatrix
from ._readers import check_unique_names, read_labels, read_pred_probs
from ._writers import check_output_path

__all__ = ["STATE_SUFFIX", "run_review"]

#: Suffix of the default state file, added to the labels file's name.
STATE_SUFFIX = ".skmlq-review.npz"
_FORMAT = "skmlq-review-state-1"
_BATCH, _REVIEWED = 0, 1


class _State:
    """The loop's record: what it was started on and every call since."""

    def __init__(self, Y, P, classes, options, labels_name, events=()):
        self.Y, self.P, self.classes = Y, P, [str(c) for c in classes]
        self.options = options  # random_state, random_share, error_threshold
        self.labels_name = labels_name
        self.events = list(events)  # (_BATCH, n, rows) or (_REVIEWED, name, bytes)

    @property
    def n_batches(self):
        return sum(kind == _BATCH for kind, *_ in self.events)

    def save(self, path):
        batches = [e for e in self.events if e[0] == _BATCH]
        reviews = [e for e in self.events if e[0] == _REVIEWED]
        arrays = {
            "format": np.array(_FORMAT), "version": np.array(__version__),
            "labels": np.asarray(self.Y, dtype=bool), "pred_probs": self.P,
            "classes": np.array(self.classes, dtype=str),
            "labels_name": np.array(self.labels_name),
            "random_state": np.array(self.options["random_state"], dtype=np.int64),
            "random_share": np.array(self.options["random_share"], dtype=np.float64),
            "error_threshold": np.array(self.options["error_threshold"], dtype=np.float64),
            "event_kinds": np.array([e[0] for e in self.events], dtype=np.int8),
            "batch_sizes": np.array([e[1] for e in batches], dtype=np.int64),
            "batch_offsets": np.cumsum([0] + [len(e[2]) for e in batches]).astype(np.int64),
            "batch_rows": np.concatenate([np.asarray(e[2], dtype=np.int64) for e in batches]
                                         or [np.zeros(0, np.int64)]),
            "review_names": np.array([e[1] for e in reviews], dtype=str),
            "review_offsets": np.cumsum([0] + [len(e[2]) for e in reviews]).astype(np.int64),
            "review_bytes": np.frombuffer(b"".join(e[2] for e in reviews), dtype=np.uint8),
        }
        with safe_output(path, force=True, binary=True, what="review state") as fh:
            np.savez_compressed(fh, **arrays)

    @classmethod
    def load(cls, path):
        where = f"review state {path}"
        try:
            with np.load(path, allow_pickle=False) as npz:
                data = {name: npz[name] for name in npz.files}
        except (OSError, ValueError, EOFError) as exc:
            if isinstance(exc, FileNotFoundError):
                raise CLIError(f"{where} does not exist; start the review with --labels and "
                               f"--pred-probs") from None
            raise CLIError(f"{where} is not a state file of skmlq review ({exc})") from None
        if str(data.get("format", "")) != _FORMAT:
            raise CLIError(f"{where} is not a state file of skmlq review (it has no "
                           f"format {_FORMAT!r})")
        kinds = data["event_kinds"].tolist()
        b_off, r_off = data["batch_offsets"], data["review_offsets"]
        raw = data["review_bytes"].tobytes()
        events, b, r = [], 0, 0
        for kind in kinds:
            if kind == _BATCH:
                events.append((_BATCH, int(data["batch_sizes"][b]),
                               data["batch_rows"][b_off[b]:b_off[b + 1]]))
                b += 1
            else:
                events.append((_REVIEWED, str(data["review_names"][r]),
                               raw[r_off[r]:r_off[r + 1]]))
                r += 1
        options = {"random_state": int(data["random_state"]),
                   "random_share": float(data["random_share"]),
                   "error_threshold": float(data["error_threshold"])}
        state = cls(data["labels"], data["pred_probs"], data["classes"].tolist(), options,
                    str(data["labels_name"]), events)
        state.version = str(data["version"])
        return state


def _named(data, name):
    review = _NamedBytes(data)
    review.name = name
    return review


def _fit(state):
    """The estimator of the loop, fitted on the state's labels and probabilities."""
    import pandas as pd

    from .._estimator import MultilabelLabelQuality

    n_samples = state.Y.shape[0]
    mlq = MultilabelLabelQuality(GivenProbabilities(state.P), cv=2, refit=False,
                                 random_state=state.options["random_state"],
                                 error_threshold=state.options["error_threshold"])
    labels = pd.DataFrame(np.asarray(state.Y, dtype=np.int8), columns=state.classes)
    with warnings.catch_warnings():
        # The summary of each run says what the loop found; the model is given.
        warnings.simplefilter("ignore", ModelQualityWarning)
        mlq.fit(np.arange(n_samples).reshape(-1, 1), labels)
    return mlq


def _replay(state, path):
    """The estimator as the recorded calls left it."""
    mlq = _fit(state)
    for kind, first, second in state.events:
        if kind == _BATCH:
            rows = mlq.next_to_review(first, random_share=state.options["random_share"])
            if not np.array_equal(rows, second):
                raise CLIError(
                    f"review state {path} was written by skmlq {state.version}, which drew "
                    f"other batches than this version ({__version__}) does; finish the "
                    f"review with that version, or start again (--force)")
        else:
            mlq.add_reviewed(review=_named(second, first))
    return mlq


def _batch_report(mlq, rows, labels, threshold):
    """The issue report of the batch ``rows``: every example shows at least the
    annotation most likely wrong, so that a decision on each settles it (an
    example with no row in a review file cannot be reviewed through it)."""
    from ..report._build import build_report, error_flags

    rows = np.sort(rows)
    Y = np.asarray(getattr(mlq, "reviewed_labels_", labels))
    proba = mlq.error_proba_[rows]
    per_class = np.asarray(mlq.error_proba_per_class_[rows])
    # A proba at the threshold marks the example: the verdict then names its
    # likeliest change (the one verdict of every view of an audit).
    mask, _ = error_flags(np.maximum(proba, threshold), per_class, threshold,
                          per_class.shape)
    report = build_report(Y[rows], mlq.label_quality_scores_[rows],
                          np.asarray(mlq.label_quality_scores_per_class_[rows]), mask,
                          list(mlq.classes_), flagged=proba >= threshold, error_proba=proba,
                          ids=rows)
    report.index = report.index.astype(np.int64)
    return report


def _default_output(state_path, labels_name, number, suffix):
    stem = os.path.splitext(os.path.basename(labels_name))[0]
    return os.path.join(os.path.dirname(os.path.abspath(state_path)),
                        f"{stem}.review-{number}{suffix}")


def _features_pred_probs(args, stdout, stderr):
    """Out-of-fold probabilities of the audit's default model on ``--features``, a
    CSV file of numeric columns (or a text column, ``--text-column``) like ``skmlq
    audit``'s; the labels file's column is left out when it is the same file. The
    model is fitted once: the state keeps the probabilities. Returns ``(P, class
    names)``."""
    import pandas as pd

    from .._estimator import MultilabelLabelQuality
    from ._audit import build_model_input
    from ._demo import fit_quietly_or_verbosely
    from ._progress import progress_enabled
    from ._readers import read_csv_table

    header, rows, _ = read_csv_table(args.features, args.delimiter)
    if not rows:
        raise CLIError(f"{args.features} has a header but no data rows")
    same = os.path.abspath(args.features) == os.path.abspath(args.labels)
    labels_j = header.index(args.labels_column) if same and args.labels_column in header \
        else -1
    X, estimator, description, skipped = build_model_input(
        header, rows, labels_j, args.text_column, args.features, cv=args.cv)
    if skipped:
        print(f"skmlq: not used as features (not numeric): {', '.join(skipped[:10])}",
              file=stderr)
    classes = None if args.classes is None else [c.strip() for c in args.classes.split(",")]
    label_file = read_label_file(args.labels, class_names=classes,
                                 labels_column=args.labels_column, label_sep=args.label_sep,
                                 delimiter=args.delimiter)
    Y = label_file.Y
    Y = Y.toarray() if hasattr(Y, "toarray") else np.asarray(Y)
    if Y.shape[0] != len(rows):
        raise CLIError(f"labels {args.labels} has {Y.shape[0]} examples but features "
                       f"{args.features} has {len(rows)}; they must describe the same "
                       f"examples")
    names = [str(c) for c in label_file.classes]
    model = MultilabelLabelQuality(estimator, cv=args.cv, random_state=args.random_state,
                                   refit=False)
    print(f"Fitting {description} with {args.cv}-fold cross-validation on {len(rows)} "
          f"examples (once: the review keeps its probabilities) ...", file=stdout, flush=True)
    fit_quietly_or_verbosely(model, X, pd.DataFrame(Y.astype(np.int8), columns=names),
                             progress_enabled(None, stderr), stderr)
    return model.pred_probs_, names


def _read_start(args, stdout, stderr):
    if args.features is not None:
        P, class_names = _features_pred_probs(args, stdout, stderr)
    else:
        P, class_names = read_pred_probs(args.pred_probs, args.delimiter)
        if isinstance(P, FilledSparseMatrix):
            raise CLIError(
                f"pred_probs file {args.pred_probs} holds sparse predictions; the review "
                f"loop refits its noise model on dense ones. For sparse predictions, "
                f"write a review file with skmlq score --method self_confidence "
                f"--aggregator exponential_moving_average --flag-by filter --review FILE")
    if args.classes is not None:
        class_names = [c.strip() for c in args.classes.split(",")]
        check_unique_names(class_names, "--classes")
    if getattr(P, "ndim", 0) != 2:
        raise CLIError(f"pred_probs {args.pred_probs} has shape {np.shape(P)}; expected "
                       f"(n_samples, n_classes)")
    if class_names is not None and len(class_names) != P.shape[1]:
        raise CLIError(f"--classes names {len(class_names)} classes but pred_probs has "
                       f"{P.shape[1]} columns")
    labels, class_names, note = read_labels(
        args.labels, P.shape[1], class_names=class_names, labels_column=args.labels_column,
        label_sep=args.label_sep, delimiter=args.delimiter)
    if note:
        print(f"skmlq: {note}", file=stderr)
    from ..utils._labels import check_labels
    from ..utils._validation import check_pred_probs

    P = check_pred_probs(P)
    Y = check_labels(labels, n_samples=P.shape[0], n_classes=P.shape[1])
    Y = Y.toarray() if hasattr(Y, "toarray") else np.asarray(Y)
    names = [str(c) for c in (class_names if class_names is not None
                              else range(P.shape[1]))]
    return np.asarray(Y, dtype=bool), np.array(P), names


def run_review(args, stdout=None, stderr=None):
    """Execute ``skmlq review`` with parsed ``args``; return the exit code."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    if args.pred_probs is not None and args.features is not None:
        raise CLIError("pass --pred-probs or --features, not both: the review starts from "
                       "probabilities, given or fitted once on the features")
    starting = args.pred_probs is not None or args.features is not None
    if starting and args.labels is None:
        raise CLIError(f"{'--pred-probs' if args.features is None else '--features'} needs "
                       f"--labels (the labels the review starts from)")
    if not starting and args.labels is None and args.state is None:
        raise CLIError("start a review with --labels and --pred-probs, or continue one with "
                       "--state (or --labels, whose state file is next to it)")
    state_path = args.state or (args.labels + STATE_SUFFIX)
    if starting:
        if args.reviewed is not None:
            raise CLIError("--reviewed continues a review under way (--state); a new review "
                           "(--pred-probs or --features) has nothing reviewed yet")
        if os.path.exists(state_path) and not args.replace:
            raise CLIError(f"a review of these labels is under way ({state_path}); continue "
                           f"it with --state {state_path} --reviewed FILE, or pass --force "
                           f"to start again")
        check_output_path(state_path, True)
        Y, P, names = _read_start(args, stdout, stderr)
        state = _State(Y, P, names, {"random_state": args.random_state,
                                     "random_share": args.random_share,
                                     "error_threshold": args.error_threshold},
                       os.path.basename(args.labels))
        mlq = _fit(state)
    else:
        state = _State.load(state_path)
        mlq = _replay(state, state_path)
    number = state.n_batches + 1
    csv_path = args.review or _default_output(state_path, state.labels_name, number, ".csv")
    html_path = args.html or _default_output(state_path, state.labels_name, number, ".html")
    if args.batch:
        if os.path.abspath(csv_path) == os.path.abspath(html_path):
            raise CLIError("--review and --html must name different files")
        for path in (csv_path, html_path):
            check_output_path(path, args.replace)
    if args.reviewed is not None:
        with open(args.reviewed, "rb") as fh:  # read once: it may be a pipe
            data = fh.read()
        before = int(mlq.reviewed_.sum()) if hasattr(mlq, "reviewed_") else 0
        mlq.add_reviewed(review=_named(data, args.reviewed))
        state.events.append((_REVIEWED, os.path.basename(args.reviewed), data))
        n_new = int(mlq.reviewed_.sum()) - before
        print(f"took back {args.reviewed}: {n_new} example(s) newly reviewed, "
              f"{int(mlq.reviewed_.sum())} in all", file=stdout)
    if args.batch:
        rows = mlq.next_to_review(args.batch, random_share=state.options["random_share"])
        state.events.append((_BATCH, args.batch, rows))
        _write_batch(mlq, rows, state, number, csv_path, html_path, args.replace, stdout)
    state.save(state_path)
    print(f"errors: {mlq.estimate_errors()}", file=stdout)
    print(f"state: {state_path} (continue with skmlq review --state {state_path} "
          f"--reviewed FILE)", file=stdout)
    return 0


def _write_batch(mlq, rows, state, number, csv_path, html_path, force, stdout):
    from ..plotting import write_html_report
    from ..report import write_review

    if rows.size == 0:
        print("every example has been drawn in a batch: nothing left to review", file=stdout)
        return
    report = _batch_report(mlq, rows, state.Y, state.options["error_threshold"])
    P = state.P
    buffer = io.StringIO()
    n_changes = write_review(report, buffer, pred_probs=P)
    with safe_output(csv_path, force=force, what="review file") as fh:
        fh.write(buffer.getvalue())
    summary = (f"Batch {number} of the review of {state.labels_name}: {rows.size} examples "
               f"(the likeliest errors, then a few drawn at random so that the count of "
               f"wrong examples stays unbiased). Decide every change of an example to "
               f"settle it; an example whose changes you all reject keeps its labels. "
               f"Errors so far: {mlq.estimate_errors()}.")
    write_html_report(html_path, report, summary=summary, max_rows=max(rows.size, 1),
                      title=f"Review batch {number}: {state.labels_name}", pred_probs=P,
                      review_name=os.path.basename(csv_path))
    print(f"batch {number}: {rows.size} examples, {n_changes} suggested changes, written to "
          f"{csv_path} and {html_path} (review them in a browser and download the file, or "
          f"fill in the decision column)", file=stdout)
