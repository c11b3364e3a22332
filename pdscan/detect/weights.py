"""The weights of the evidence model (:mod:`pdscan.detect.evidence`), in log-odds points.

Every piece of evidence adds or removes a stated number of points; their sum is the finding's log-odds, and fixed
thresholds turn it into low / medium / high. A rule may override any weight in its YAML (``evidence.weights``), so
an entity's special case is data in its rule file, not code. Tuned on the ``tune`` half of the real-data benchmark
(``bench/realdata``), reported on both halves.
"""

from __future__ import annotations

# name -> (default points, what it stands for: the reason line's wording)
WEIGHTS: dict[str, tuple[float, str]] = {
    "more_values": (0.5, "several distinct values (per e-fold, up to 20)"),
    "proof": (2.5, "a validator proves the values"),
    "header": (1.5, "the column name backs the values"),
    "header_against": (-3.0, "the column name says it holds something else"),
    "share": (1.0, "under half of the values match: points x ln(share / 0.5)"),
    "few_distinct": (-1.5, "fewer than three distinct values"),
    "repeated": (-1.5, "one value repeated throughout"),
    "embedded": (-1.0, "only inside longer text"),
    "label": (1.5, "next to a label (Puh., Nimi:, Date of birth)"),
    "whole_passage": (1.0, "a line of its own in the document"),
    "card": (0.75, "beside other contact data in the same document (per kind, up to two)"),
    "header_decides": (1.0, "a column named for it, of a few categories (codes, yes/no)"),
    "coincidence_named": (-2.0, "most look-alikes fail validation"),
}
WEIGHT_NAMES = tuple(WEIGHTS)

# Thresholds on the log-odds: p >= 0.85 high, >= 0.6 medium, >= 0.3 low (the score reported is the probability).
HIGH = 1.7346  # logit(0.85)
MEDIUM = 0.4055  # logit(0.6)
LOW = -0.8473  # logit(0.3)
