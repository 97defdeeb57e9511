"""Docstring fragments shared by several public names (numpydoc parameters, and the
data of Examples sections).

A fragment is written once and inserted with ``str.format``, so that the same
parameter is documented in the same words everywhere.
"""

__all__ = [
    "COOCCURRENCE_PARAMS_DOC", "LABELS_DOC", "LABELS_PRED_PROBS_DOC", "METHOD_DOC",
    "SPARSE_PRED_PROBS_DOC", "THRESHOLDS_DOC", "fill_doc", "filled_doc", "forest_data_doc",
    "toy_data_doc",
]

LABELS_DOC = """labels : list of lists of int, array-like of shape (n_samples, n_classes) or \
sparse matrix
        The given annotations: for each example the list of class indices that
        apply (``[[1], [0, 2], []]``; an empty list means no class applies), or a
        0/1 indicator array (bool or int), dense or scipy.sparse. Python lists are
        always read as lists of class indices."""

METHOD_DOC = """method : {"self_confidence", "normalized_margin", \
"confidence_weighted_entropy", "cooccurrence", "noise_posterior", "single_error"}, \
default="self_confidence"
        Per-class scoring method. The first three are cleanlab's; ``"cooccurrence"``
        scores second-stage probabilities that also weigh each example's other
        annotations (:func:`~skmlq.rank.get_cooccurrence_params`): much stronger
        where classes are structured and on wrongly added tags, weaker than
        ``adjust_pred_probs=True`` with a cleanlab method on missing tags of many
        rare classes. ``"noise_posterior"`` scores each annotation by the
        probability that it is right under a noise model of the same stage (one
        minus :func:`~skmlq.rank.get_label_error_probabilities`): it recovers most
        of the missing tags ``"cooccurrence"`` misses. ``"single_error"`` assumes
        at most one wrong annotation per example (one tag forgotten, or one added)
        and scores the probability that the annotation is not that one: the
        strongest on average and on forgotten tags, weaker than
        ``"noise_posterior"`` where many annotations of an example are wrong (see
        the detection benchmark on the Benchmarks page)."""

COOCCURRENCE_PARAMS_DOC = """cooccurrence_params : CooccurrenceParams, default=None
        The fitted second stage of ``method="cooccurrence"``,
        ``"noise_posterior"`` and ``"single_error"``, from
        :func:`~skmlq.rank.get_cooccurrence_params` over all rows. None fits it on
        the given rows (folds seeded by 0). Pass it to score a part of the data (a
        batch, a slice of a memory-mapped file) exactly as if all rows were scored
        together. Giving it with another method raises ValueError."""

THRESHOLDS_DOC = """thresholds : array-like of shape (n_classes, 2), default=None
        Precomputed per-class thresholds ``[t0, t1]`` (column 0: the absent side,
        column 1: the given side) for ``adjust_pred_probs=True`` (from
        :func:`get_confident_thresholds` over all rows). None computes them from
        the given rows. Pass them to score a part of the data (a batch, a slice of
        a memory-mapped file) exactly as if all rows were scored together. Giving
        thresholds with ``adjust_pred_probs=False`` raises ValueError."""

LABELS_PRED_PROBS_DOC = """labels : list of lists of int, array-like of shape \
(n_samples, n_classes) or sparse matrix
        The given annotations (lists of class indices, or a 0/1 indicator).
    pred_probs : array-like, sparse matrix or FilledSparseMatrix of shape \
(n_samples, n_classes)
        Out-of-sample predicted probability that each class applies. Sparse
        predictions (top-k scores; unlisted entries have a fill value, 0 for a plain
        scipy.sparse matrix, see :class:`~skmlq.utils.FilledSparseMatrix`) cost
        O(nnz) time and memory; fill values must then be at most 0.5."""

#: The sparse forms of ``pred_probs``, appended to its description where accepted.
SPARSE_PRED_PROBS_DOC = """A scipy.sparse matrix (CSR, CSC, COO...: the entries
        not stored have probability 0) or a :class:`~skmlq.utils.FilledSparseMatrix`
        (top-k ``(indices, scores)`` pairs, another fill value) is read without
        densifying: time and memory O(nnz(pred_probs) + nnz(labels)); the
        second-stage methods add, for each label, the classes it is a neighbour
        of (see :ref:`extreme`)."""


#: Eight examples of two classes, one of them (row 6) with a forgotten class 0: the
#: data of most Examples sections, so that their outputs can be compared.
_TOY_DATA = (
    ">>> labels = [[0, 1], [1], [0], [1], [], [0, 1], [1], [0]]",
    ">>> pred_probs = [[0.9, 0.8], [0.1, 0.7], [0.8, 0.2], [0.2, 0.9], [0.3, 0.2],",
    "...               [0.7, 0.6], [0.9, 0.3], [0.6, 0.1]]",
)


#: A small feature matrix, its labels and a forest: the data of the estimators'
#: Examples sections (``from skmlq import ...`` follows in each).
_FOREST_DATA = (
    ">>> from sklearn.datasets import make_multilabel_classification",
    ">>> from sklearn.ensemble import RandomForestClassifier",
    ">>> X, Y = make_multilabel_classification(n_samples=60, n_classes=3, random_state=0)",
    ">>> forest = RandomForestClassifier(n_estimators=20, random_state=0)",
)


def toy_data_doc(indent=4):
    """The toy ``labels`` and ``pred_probs`` as doctest lines, for a ``{toy_data}`` field
    at column ``indent`` (4 in a function's docstring, 8 in a method's)."""
    return ("\n" + " " * indent).join(_TOY_DATA)


def forest_data_doc(indent=4):
    """``X``, ``Y`` and ``forest`` as doctest lines, for a ``{forest_data}`` field at
    column ``indent``."""
    return ("\n" + " " * indent).join(_FOREST_DATA)


def fill_doc(*funcs, **fragments):
    """Insert ``fragments`` into the docstrings of ``funcs`` (``{name}`` fields)."""
    for func in funcs:
        func.__doc__ = func.__doc__.format(**fragments)


def filled_doc(**fragments):
    """:func:`fill_doc` as a decorator, for methods that another decorator wraps."""
    def decorate(func):
        fill_doc(func, **fragments)
        return func
    return decorate
