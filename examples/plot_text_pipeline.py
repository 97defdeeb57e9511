"""
Audit text tags with a Pipeline
===============================

:class:`~skmlq.MultilabelLabelQuality` passes ``X`` untouched to its classifier,
so a :class:`~sklearn.pipeline.Pipeline` that starts with a vectoriser takes raw
text, and the tags may be lists of strings.

The texts are BibTeX entries of the BibSonomy bookmarking system (Mulan's bibtex
data set, read with :func:`skmlq.datasets.load_arff`), rebuilt from its word
features (so each text lists its words in alphabetical order); when that file is
not next to the repository, a small synthetic corpus
stands in.
"""

# %%
# Texts and tags
# --------------
import os
from pathlib import Path

import numpy as np

from skmlq.datasets import load_arff

candidates = [os.environ.get("SKMLQ_BIBTEX", ""), "../../shared/data/bibtex.arff"]
path = next((Path(c) for c in candidates if c and Path(c).is_file()), None)
if path is not None:
    bibtex = load_arff(path, label_prefix="TAG_")
    words = np.array(bibtex.feature_names, dtype=object)
    X_words = bibtex.data.tocsr()
    texts = [" ".join(words[X_words.indices[a:b]])
             for a, b in zip(X_words.indptr[:-1], X_words.indptr[1:])]
    # Keep the 15 most frequent tags (a short example; all 159 work too).
    top = np.argsort(-bibtex.target.sum(axis=0), kind="stable")[:15]
    names = [bibtex.target_names[k][len("TAG_"):] for k in top]
    tags = [[names[j] for j in np.flatnonzero(row)] for row in bibtex.target[:, top]]
    keep = [i for i, t in enumerate(tags) if t]  # entries with at least one of them
    texts, tags = [texts[i] for i in keep], [tags[i] for i in keep]
else:
    rng = np.random.default_rng(0)
    topics = {"travel": "flight hotel rome beach trip", "tech": "phone laptop battery chip",
              "food": "pasta recipe bake cheese", "sport": "match goal team coach"}
    names = sorted(topics)
    tags, texts = [], []
    for _ in range(1500):
        chosen = sorted(rng.choice(names, size=rng.integers(1, 3), replace=False))
        vocab = " ".join(topics[t] for t in chosen).split()
        texts.append(" ".join(rng.choice(vocab, size=12)))
        tags.append(list(chosen))
print(f"{len(texts)} texts, {len(names)} tags; first: {texts[0][:70]!r} -> {tags[0]}")

# %%
# Inject known errors
# -------------------
# On 10% of the texts, remove one given tag or add one that was absent.
rng = np.random.default_rng(0)
corrupted = rng.random(len(tags)) < 0.10
noisy_tags = [list(t) for t in tags]
for i in np.flatnonzero(corrupted):
    tag = names[rng.integers(len(names))]
    if tag in noisy_tags[i]:
        noisy_tags[i].remove(tag)
    else:
        noisy_tags[i].append(tag)

# %%
# A Pipeline on raw text
# ----------------------
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline

from skmlq import MultilabelLabelQuality

model = make_pipeline(
    TfidfVectorizer(sublinear_tf=True),
    OneVsRestClassifier(LogisticRegression(solver="liblinear", C=4.0)),
)
mlq = MultilabelLabelQuality(model, cv=5, random_state=0, refit=False)
mlq.fit(texts, noisy_tags)
print("classes_:", mlq.classes_[:6], "...")

# %%
# Results
# -------
from sklearn.metrics import average_precision_score

scores = mlq.label_quality_scores_
print(f"average precision of finding the corrupted texts: "
      f"{average_precision_score(corrupted, -scores):.3f} (random: {corrupted.mean():.3f})")

per_annotation = mlq.label_quality_scores_per_class_
for i in np.argsort(scores, kind="stable")[:6]:
    k = per_annotation[i].argmin()
    tag = mlq.classes_[k]
    fix = f"remove {tag!r}" if tag in noisy_tags[i] else f"add {tag!r}"
    print(f"{scores[i]:.3f}  {fix:22s} given {noisy_tags[i]}  "
          f"{'(injected)' if corrupted[i] else ''}\n       {texts[i][:80]}")
