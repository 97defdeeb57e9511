"""Seeded parity cases and cleanlab 2.9.0's recorded outputs for them.

Shared by ``tests/filter/test_filter_parity.py`` and ``tests/data/make_filter_parity_fixture.py``:
the inputs of every case are regenerated here from its seed (never stored), the
reference outputs are computed here (``reference_*_record``, calling cleanlab as a
black box) and stored in / read back from ``tests/data/filter_parity_cleanlab-2.9.0.npz``
(``write_fixture`` / ``RecordedOutputs``).

A *record* is the reference's answer for one case as a flat ``dict`` of 1-D arrays
(index arrays ``int64``, masks ``bool``, table columns as they come, text as ``str``).
In the file, the records of one kind (a ``filter_by`` value, ``"low_memory"`` or
``"dataset"``) are concatenated field by field: ``<kind>/<field>`` holds the values
(``<kind>/<field>.bits`` for booleans, ``np.packbits``-packed; ``<kind>/<field>.u16``
for ``int64`` values in ``[0, 2**16)``) and ``<kind>/<field>.len`` the length per case,
``-1`` where the case has no such field.
"""

from pathlib import Path

import numpy as np
import scipy.sparse as sp

FORMAT_VERSION = 1
CLEANLAB_VERSION = "2.9.0"
FIXTURE_PATH = Path(__file__).parent / "data" / f"filter_parity_cleanlab-{CLEANLAB_VERSION}.npz"
METHODS = ("self_confidence", "normalized_margin", "confidence_weighted_entropy")
PRUNE = ("prune_by_class", "prune_by_noise_rate", "both")
FILTERS = PRUNE + ("confident_learning", "predicted_neq_given", "low_self_confidence",
                   "low_normalized_margin")
# Cases per kind in the fixture: 200 per filter_by keeps a 1-in-200 disagreement visible.
N_CASES = dict.fromkeys(FILTERS, 200) | {"low_memory": 200, "dataset": 50}


def make_case(seed):
    """A random case; sizes log-uniform so that most cases are small and cheap."""
    rng = np.random.default_rng(seed)
    n = int(np.exp(rng.uniform(np.log(20), np.log(500))))
    k = int(np.exp(rng.uniform(np.log(2), np.log(20))))
    P = rng.uniform(0.0, 1.0, size=(n, k))
    Y = rng.random((n, k)) < rng.uniform(0.1, 0.5)
    Y[0] = False  # no class annotated on every example (the reference raises there)
    labels = [np.flatnonzero(row).tolist() for row in Y]
    forms = (labels, Y.astype(np.int64), sp.csr_matrix(Y), Y)
    return rng, labels, forms[seed % len(forms)], P


def prune_options(rng, k):
    choice = rng.integers(0, 6)
    if choice == 1:
        return {"frac_noise": float(rng.uniform(0.1, 1.0))}
    if choice == 2:
        return {"num_to_remove_per_class": rng.integers(0, 6, size=k).tolist()}
    if choice == 3:
        return {"min_examples_per_class": int(rng.integers(0, 8))}
    if choice == 4:
        return {"confident_joint": rng.integers(0, 30, size=(k, 2, 2))}
    return {}


def filter_case(filter_by, seed):
    """``(labels, form, P, prune_kwargs, ranked_kwargs)`` of case ``seed`` of ``filter_by``."""
    rng, labels, form, P = make_case(1000 * FILTERS.index(filter_by) + seed)
    kwargs = prune_options(rng, P.shape[1]) if filter_by in PRUNE else {}
    rank_kw = {"adjust_pred_probs": True} if seed % 6 == 0 else {}
    ranked = dict(filter_by=filter_by, return_indices_ranked_by=METHODS[seed % 3],
                  rank_by_kwargs=rank_kw, **kwargs)
    return labels, form, P, kwargs, ranked


def low_memory_case(seed):
    """``(labels, form, P, kwargs)`` of low-memory case ``seed``."""
    _, labels, form, P = make_case(50_000 + seed)
    method = ((None,) + METHODS)[seed % 4]
    return labels, form, P, {"return_indices_ranked_by": method, "low_memory": True}


def dataset_case(seed):
    """``(labels, form, P, class_names)`` of dataset-table case ``seed``."""
    _, labels, form, P = make_case(90_000 + seed)
    names = [f"class {c}" for c in range(P.shape[1])] if seed % 2 else None
    return labels, form, P, names


def call(func, *args, **kwargs):
    """``func(...)``, or ``(ValueError, exc)`` if it raises ValueError; warnings silenced."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return func(*args, **kwargs)
        except ValueError as exc:
            return ValueError, exc


def is_error(result):
    return isinstance(result, tuple) and len(result) == 2 and result[0] is ValueError


def _index(array):
    array = np.asarray(array)
    if array.size and array.dtype.kind not in "iu":
        raise TypeError(f"expected an index array, got dtype {array.dtype}")
    return array.astype(np.int64).ravel()


def _lists(prefix, arrays):
    """Per-class index lists as ``<prefix>_len`` and ``<prefix>_idx`` fields."""
    arrays = [_index(a) for a in arrays]
    return {f"{prefix}_len": np.array([a.size for a in arrays], dtype=np.int64),
            f"{prefix}_idx": np.concatenate(arrays) if arrays else np.zeros(0, np.int64)}


def _binary(columns):
    values = np.concatenate([np.asarray(c).ravel() for c in columns])
    if not np.isin(values, (0, 1)).all():
        raise ValueError("expected 0/1 label columns from the reference")
    return values.astype(bool)


def reference_filter_record(filter_by, seed):
    """cleanlab's ``find_multilabel_issues_per_class`` and ``find_label_issues`` outputs."""
    from cleanlab.multilabel_classification import filter as cl_filter

    labels, _, P, _, ranked = filter_case(filter_by, seed)
    record = {}
    ref = call(cl_filter.find_multilabel_issues_per_class, labels, P, n_jobs=1, **ranked)
    record["per_class_error"] = np.array([is_error(ref)])
    if not is_error(ref):
        issues, label_columns, prob_columns = ref
        record.update(_lists("per_class", issues))
        record["per_class_labels"] = _binary(label_columns)
        # The third list repeats the input: [1 - P[:, c], P[:, c]] per class. Storing it
        # would cost N * K * 16 bytes per case, so the record keeps only whether it does.
        record["per_class_probs_are_input"] = np.array([len(prob_columns) == P.shape[1] and all(
            np.array_equal(col, np.column_stack([1 - P[:, c], P[:, c]]))
            for c, col in enumerate(prob_columns))])
    ref = call(cl_filter.find_label_issues, labels, P, n_jobs=1, **ranked)
    record["issues_error"] = np.array([is_error(ref)])
    if not is_error(ref):
        record["issues"] = _index(ref)
    return record


def reference_low_memory_record(seed):
    """cleanlab's low-memory ``find_label_issues`` / ``find_multilabel_issues_per_class``."""
    from cleanlab.multilabel_classification import filter as cl_filter

    labels, _, P, kw = low_memory_case(seed)
    ranked = kw["return_indices_ranked_by"] is not None
    record = {}
    ref = call(cl_filter.find_label_issues, labels, P, **kw)
    record["issues_error"] = np.array([is_error(ref)])
    if not is_error(ref):
        if ranked:
            record["issues"] = _index(ref)
        else:
            record["issues_mask"] = np.asarray(ref, dtype=bool).ravel()
    ref = call(cl_filter.find_multilabel_issues_per_class, labels, P, **kw)
    record["per_class_error"] = np.array([is_error(ref)])
    if not is_error(ref):
        if ranked:
            record.update(_lists("per_class", ref[0]))
        else:
            record["per_class_mask"] = np.asarray(ref, dtype=bool).ravel()
    return record


def _table(prefix, frame):
    record = {f"{prefix}.columns": np.array(list(frame.columns), dtype=str)}
    for col in frame.columns:
        values = frame[col].to_numpy()
        record[f"{prefix}.{col}"] = values.astype(str) if values.dtype == object else values
    return record


def reference_dataset_record(seed):
    """cleanlab's dataset-level tables and health score for dataset case ``seed``."""
    from cleanlab.multilabel_classification import dataset as cl_dataset

    labels, _, P, names = dataset_case(seed)
    record = _table("common", cl_dataset.common_multilabel_issues(labels, P, class_names=names))
    record.update(_table("rank", cl_dataset.rank_classes_by_multilabel_quality(
        labels, P, class_names=names)))
    record["overall"] = np.array([cl_dataset.overall_multilabel_health_score(labels, P)])
    if seed < 1:
        summary = call(cl_dataset.multilabel_health_summary, labels, P, verbose=False)
        record["summary.keys"] = np.array(list(summary), dtype=str)
        record["summary.overall"] = np.array([summary["overall_multilabel_health_score"]])
    return record


def reference_record(kind, seed):
    """The reference's record for case ``seed`` of ``kind``."""
    if kind == "low_memory":
        return reference_low_memory_record(seed)
    if kind == "dataset":
        return reference_dataset_record(seed)
    return reference_filter_record(kind, seed)


def pack_records(kind, records):
    """The arrays stored in the fixture for ``records`` (one per case, seeds 0, 1, ...)."""
    out = {f"meta/n_cases/{kind}": np.array(len(records))}
    for field in sorted(set().union(*records)):
        present = [r[field] for r in records if field in r]
        if len({a.dtype.kind for a in present}) != 1:
            raise TypeError(f"{kind}/{field}: mixed dtypes {sorted({a.dtype for a in present})}")
        values = np.concatenate(present)
        small = values.dtype == np.int64 and np.all((values >= 0) & (values < 2**16))
        if values.dtype == bool:
            out[f"{kind}/{field}.bits"] = np.packbits(values)
        elif small:
            out[f"{kind}/{field}.u16"] = values.astype(np.uint16)  # indices and counts
        else:
            out[f"{kind}/{field}"] = values
        out[f"{kind}/{field}.len"] = np.array(
            [r[field].size if field in r else -1 for r in records], dtype=np.int64)
    return out


def write_fixture(path, records_by_kind):
    """Write ``{kind: [record, ...]}`` as a compressed ``.npz`` with format metadata."""
    arrays = {"meta/format_version": np.array(FORMAT_VERSION),
              "meta/cleanlab_version": np.array(CLEANLAB_VERSION)}
    for kind, records in records_by_kind.items():
        arrays.update(pack_records(kind, records))
    np.savez_compressed(path, **arrays)


class RecordedOutputs:
    """Records read back from the fixture: ``recorded.record(kind, seed)``."""

    def __init__(self, path=FIXTURE_PATH):
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
        if int(arrays["meta/format_version"]) != FORMAT_VERSION:
            raise ValueError(f"{path}: format {arrays['meta/format_version']}, "
                             f"expected {FORMAT_VERSION}; regenerate it")
        self.cleanlab_version = str(arrays["meta/cleanlab_version"])
        self.n_cases = {name.rsplit("/", 1)[1]: int(value) for name, value in arrays.items()
                        if name.startswith("meta/n_cases/")}
        self._fields = {}
        for name, lengths in arrays.items():
            if not name.endswith(".len"):
                continue
            kind, field = name[:-4].split("/", 1)
            ends = np.cumsum(np.maximum(lengths, 0))
            name = f"{kind}/{field}"
            if f"{name}.bits" in arrays:
                values = np.unpackbits(arrays[f"{name}.bits"], count=int(ends[-1])).astype(bool)
            elif f"{name}.u16" in arrays:
                values = arrays[f"{name}.u16"].astype(np.int64)
            else:
                values = arrays[name]
            self._fields.setdefault(kind, {})[field] = (values, lengths, ends)

    def record(self, kind, seed):
        if not 0 <= seed < self.n_cases[kind]:
            raise IndexError(f"the fixture holds {self.n_cases[kind]} {kind} cases, not {seed}")
        out = {}
        for field, (values, lengths, ends) in self._fields[kind].items():
            if lengths[seed] >= 0:
                out[field] = values[ends[seed] - lengths[seed]:ends[seed]]
        return out


def assert_records_equal(got, expected):
    """Same fields, same dtypes, same values (exact; NaN equal to NaN)."""
    assert sorted(got) == sorted(expected), (sorted(got), sorted(expected))
    for field, value in got.items():
        other = expected[field]
        if value.dtype.kind == "U":  # the stored width is the longest text of the kind
            assert other.dtype.kind == "U" and value.tolist() == other.tolist(), field
        else:
            np.testing.assert_array_equal(value, other, err_msg=field, strict=True)
