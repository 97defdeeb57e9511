"""``skmlq apply`` changes the accepted labels and nothing else, and twice is once.

Label files are written the ways people write them (zero-padded indices, names in
any order, duplicated or spaced tokens, CRLF line endings, blank lines, a
byte-order mark, quoted cells, JSON strings for indices); a review is written by
``skmlq score --review``, a random part of it accepted, and applied. Every row whose
labels no accepted change touches comes back byte for byte, and applying the same
review to the result changes nothing (also once a class lost its last annotation).
"""

import json

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from ._contract import count_input, fuzz_settings, run_cli


@st.composite
def label_files(draw):
    n = draw(st.integers(6, 14))
    k = draw(st.integers(2, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    Y = rng.random((n, k)) < 0.45
    Y[0], Y[1] = True, False
    kind = draw(st.sampled_from(["csv", "jsonl"]))
    style = draw(st.sampled_from(["indices", "padded", "names"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    bom = draw(st.booleans())
    blank = draw(st.booleans())
    shuffled = draw(st.booleans())
    duplicate = draw(st.booleans())
    names = [f"c{j}" for j in range(k)]
    records = []
    for i, row in enumerate(Y):
        cols = np.flatnonzero(row).tolist()
        if shuffled:
            cols = cols[::-1]
        if duplicate and cols:
            cols = cols + cols[:1]
        if style == "names":
            tokens = [names[c] for c in cols]
        elif style == "padded":
            tokens = [f"{c:03d}" for c in cols]
        else:
            tokens = [str(c) for c in cols]
        if kind == "csv":
            cell = " ; ".join(tokens) if i % 3 == 0 else ";".join(tokens)
            quoted = f'"{cell}"' if i % 2 else cell
            records.append(f"{i},{quoted}")
        else:
            values = tokens if style != "indices" else [int(t) for t in tokens]
            records.append(json.dumps(values) if i % 2 else json.dumps(values, indent=None,
                                                                       separators=(",", ":")))
    lines = (["id,labels"] if kind == "csv" else []) + records
    text = newline.join(lines) + newline
    if blank:
        text = text.replace(newline + records[2], newline + newline + records[2])
    if bom:
        text = "\ufeff" + text
    P = np.clip(np.where(Y, 0.7, 0.3) + rng.normal(0, 0.35, Y.shape), 0.01, 0.99)
    accept = draw(st.lists(st.booleans(), min_size=n * k, max_size=n * k))
    return kind, style, text, P, names, accept


def _rows_of(text, kind):
    """The data records of a label file's text, without blank lines."""
    lines = text.lstrip("\ufeff").splitlines(keepends=True)
    lines = [line for line in lines if line.strip()]
    return lines[1:] if kind == "csv" else lines


@fuzz_settings(0.3)
@given(label_files())
def test_apply_changes_only_accepted_rows_and_twice_is_once(tmp_path_factory, case):
    count_input("apply-files")
    kind, style, text, P, names, accept = case
    directory = tmp_path_factory.mktemp("apply")
    labels = f"labels.{kind}"
    (directory / labels).write_bytes(text.encode("utf-8"))
    np.save(directory / "p.npy", P)
    classes = ["--classes", ",".join(names)] if style == "names" else []
    code, _, err = run_cli(["score", "--labels", labels, "--pred-probs", "p.npy",
                            "--review", "review.csv", *classes], directory)
    assert code == 0, err
    review = (directory / "review.csv").read_text(encoding="utf-8").splitlines()
    decided = [review[0]] + [line + ("accept" if a else "") for line, a in
                             zip(review[1:], accept)]
    (directory / "review.csv").write_text("\n".join(decided) + "\n", encoding="utf-8")
    touched = {int(line.split(",")[0]) for line in decided[1:] if line.endswith("accept")}

    code, _, err = run_cli(["apply", "--labels", labels, "--review", "review.csv",
                            "-o", f"once.{kind}"], directory)
    assert code == 0, err
    once = (directory / f"once.{kind}").read_bytes()
    before, after = _rows_of(text, kind), _rows_of(once.decode("utf-8"), kind)
    assert len(before) == len(after)
    for i, (old, new) in enumerate(zip(before, after)):
        if i not in touched:
            assert new == old, f"row {i} changed without an accepted change"
    if not touched:
        assert once == text.encode("utf-8")

    code, _, err = run_cli(["apply", "--labels", f"once.{kind}", "--review", "review.csv",
                            "-o", f"twice.{kind}"], directory)
    assert code == 0, err
    assert (directory / f"twice.{kind}").read_bytes() == once


def test_apply_twice_after_a_class_lost_its_last_annotation(tmp_path):
    (tmp_path / "labels.csv").write_text("id,labels\n0,a;b\n1,b\n2,b\n3,\n")
    (tmp_path / "review.csv").write_text(
        "example,class,change,given,annotation_score,label_quality,decision\n"
        "0,a,remove,a;b,0.1,0.1,accept\n")
    code, _, err = run_cli(["apply", "--labels", "labels.csv", "--review", "review.csv",
                            "-o", "once.csv"], tmp_path)
    assert code == 0, err
    assert (tmp_path / "once.csv").read_text() == "id,labels\n0,b\n1,b\n2,b\n3,\n"
    code, _, err = run_cli(["apply", "--labels", "once.csv", "--review", "review.csv",
                            "-o", "twice.csv"], tmp_path)
    assert code == 0, err
    assert (tmp_path / "twice.csv").read_text() == "id,labels\n0,b\n1,b\n2,b\n3,\n"


def test_untouched_rows_keep_their_spelling(tmp_path):
    (tmp_path / "labels.jsonl").write_text('["007", "2"]\n[1]\n["2"]\n[]\n')
    (tmp_path / "labels.csv").write_text("id,labels\n0,001;002\n1,2;1;1\n2,\n")
    header = "example,class,change,given,annotation_score,label_quality,decision\n"
    for name, example in (("labels.jsonl", 3), ("labels.csv", 2)):
        (tmp_path / "none.csv").write_text(header + f"{example},1,add,,0.2,0.2,\n")
        out = "out" + name[6:]
        code, _, err = run_cli(["apply", "--labels", name, "--review", "none.csv", "-o", out,
                                "--force"], tmp_path)
        assert code == 0, err
        assert (tmp_path / out).read_bytes() == (tmp_path / name).read_bytes()
        (tmp_path / "one.csv").write_text(header + f"{example},1,add,,0.2,0.2,yes\n")
        code, _, err = run_cli(["apply", "--labels", name, "--review", "one.csv", "-o", out,
                                "--force"], tmp_path)
        assert code == 0, err
        before = (tmp_path / name).read_text().splitlines()
        after = (tmp_path / out).read_text().splitlines()
        changed = [i for i, (a, b) in enumerate(zip(before, after)) if a != b]
        assert len(before) == len(after) and len(changed) == 1, (before, after)
