"""Row blocking shared by every pass over (N, K) arrays.

Working on row blocks bounds each temporary to about ``BLOCK_ELEMENTS`` values, so
peak extra memory does not grow with N, and memory-mapped inputs larger than RAM are
streamed through once per pass.
"""

# About 2**20 elements keeps each float64 temporary near 8 MB: small against any
# realistic pred_probs, large enough that per-block Python overhead vanishes.
BLOCK_ELEMENTS = 2**20


def row_blocks(n_samples, n_classes, block_elements=None):
    """Return ``[(start, stop), ...]`` covering ``range(n_samples)`` in row blocks.

    Each block holds at most ``block_elements`` values (at least one row).
    """
    step = max(1, (block_elements or BLOCK_ELEMENTS) // max(n_classes, 1))
    return [(s, min(s + step, n_samples)) for s in range(0, n_samples, step)]
