"""The demo data set: multi-label tags of real handwritten digit images.

The images are the 1797 8x8 digits that ship with scikit-learn
(:func:`sklearn.datasets.load_digits`: a copy of the test set of the UCI
"Optical Recognition of Handwritten Digits" data set, E. Alpaydin and C. Kaynak,
1998, https://doi.org/10.24432/C50P49, licence CC BY 4.0), so no network is needed.
Each image gets the tags that hold for its digit; the tags are exact, so every
disagreement between given and true tags is an injected annotation error.
"""

from dataclasses import dataclass

import numpy as np

__all__ = ["DATA_SOURCE", "REPORT_TITLE", "TAGS", "DigitTags", "image_texts", "make_digit_tags",
           "tag_lists"]

DATA_SOURCE = (
    "scikit-learn's copy of the UCI Optical Recognition of Handwritten Digits test "
    "set (Alpaydin & Kaynak 1998, CC BY 4.0)"
)

REPORT_TITLE = "Label audit: digit tags (skmlq demo data)"

# tag name -> (description, digits it applies to)
TAGS = {
    "even": ("even digit", (0, 2, 4, 6, 8)),
    "prime": ("prime digit", (2, 3, 5, 7)),
    "gt4": ("greater than 4", (5, 6, 7, 8, 9)),
    "mult3": ("multiple of 3", (0, 3, 6, 9)),
    "loop": ("has a closed loop", (0, 6, 8, 9)),
}


@dataclass
class DigitTags:
    """The demo task: images ``X``, tags ``Y`` as given (with errors) and as true."""

    X: np.ndarray  # (n, 64) pixel intensities 0..16
    digits: np.ndarray  # (n,) the digit shown, 0..9
    Y_true: np.ndarray  # (n, K) bool, the exact tags of each digit
    Y_given: np.ndarray  # (n, K) bool, with one tag flipped on the corrupted images
    corrupted: np.ndarray  # (n,) bool, which images had a tag flipped
    tag_names: list  # K short tag names, the columns of Y
    image_index: np.ndarray  # (n,) position of each image in load_digits()


def make_digit_tags(n_samples=None, noise_rate=0.1, random_state=0):
    """Build the digit-tags task and flip one random tag on ``noise_rate`` of the images.

    Parameters
    ----------
    n_samples : int or None, default=None
        Use a random subset of this many images (all 1797 if None).
    noise_rate : float in [0, 1], default=0.1
        Fraction of images (rounded) that get exactly one tag flipped.
    random_state : int, default=0
        Seed of the subset and of the injected errors.

    Returns
    -------
    DigitTags

    Examples
    --------
    >>> from skmlq.cli._demo_data import make_digit_tags
    >>> data = make_digit_tags(n_samples=100, noise_rate=0.1, random_state=0)
    >>> data.X.shape, data.Y_given.shape, int(data.corrupted.sum())
    ((100, 64), (100, 5), 10)
    >>> int((data.Y_given != data.Y_true).sum())
    10
    """
    from sklearn.datasets import load_digits

    X, digits = load_digits(return_X_y=True)
    rng = np.random.default_rng(random_state)
    index = np.arange(len(digits))
    if n_samples is not None and n_samples < len(digits):
        index = np.sort(rng.choice(len(digits), size=n_samples, replace=False))
    X, digits = X[index], digits[index]
    member = np.zeros((10, len(TAGS)), dtype=bool)
    for k, (_, applies_to) in enumerate(TAGS.values()):
        member[list(applies_to), k] = True
    Y_true = member[digits]
    n_corrupt = int(round(noise_rate * len(digits)))
    corrupted = np.zeros(len(digits), dtype=bool)
    corrupted[rng.choice(len(digits), size=n_corrupt, replace=False)] = True
    Y_given = Y_true.copy()
    rows = np.flatnonzero(corrupted)
    Y_given[rows, rng.integers(0, len(TAGS), size=rows.size)] ^= True
    return DigitTags(X, digits, Y_true, Y_given, corrupted, list(TAGS), index)


def tag_lists(data):
    """The given tags of each image as a list of tag names (how a user would hold them)."""
    names = np.asarray(data.tag_names, dtype=object)
    return [names[row].tolist() for row in data.Y_given]


def image_texts(data):
    """One line per image for the report: where it comes from and the digit it shows."""
    return [f"image {i} of load_digits(): a handwritten {d}"
            for i, d in zip(data.image_index, data.digits)]
