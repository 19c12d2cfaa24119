"""Intervals for error rates: Wilson for one rate, Newcombe for the paired difference of two; McNemar."""

from __future__ import annotations

import math
from dataclasses import dataclass

#: The two-sided 95% normal quantile, 1.959963984540054 (not 1.96: published tables use the exact value).
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Interval:
    """A proportion with its Wilson 95% interval."""

    successes: int
    trials: int
    low: float
    high: float

    @property
    def rate(self) -> float:
        return self.successes / self.trials if self.trials else 0.0


def wilson(successes: int, trials: int, z: float = Z95) -> Interval:
    """Wilson score interval (no continuity correction) of `successes` out of `trials`.

    Chosen over the normal (Wald) interval because it stays inside [0, 1] and is not degenerate
    at 0 errors, which is exactly the case a good candidate produces. With no trials: [0, 1].
    """
    if trials < 0 or not 0 <= successes <= trials:
        raise ValueError(f"need 0 <= successes <= trials, got {successes} of {trials}")
    if trials == 0:
        return Interval(0, 0, 0.0, 1.0)
    p = successes / trials
    z2 = z * z
    denominator = 1 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / denominator
    # At 0 (or n) successes the bound is exactly 0 (or 1); floating point would leave a 1e-17.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return Interval(successes, trials, low, high)


@dataclass(frozen=True)
class PairedDifference:
    """Candidate against reference on the same samples: the 2x2 table of errors and its difference.

    `estimate` is the candidate's error rate minus the reference's, (candidate_only - reference_only) / n;
    `low`/`high` its 95% interval (Newcombe 1998, method 10); `p_value` McNemar's exact test.
    """

    both: int
    candidate_only: int
    reference_only: int
    neither: int
    low: float
    high: float
    p_value: float

    @property
    def samples(self) -> int:
        return self.both + self.candidate_only + self.reference_only + self.neither

    @property
    def candidate_errors(self) -> int:
        return self.both + self.candidate_only

    @property
    def reference_errors(self) -> int:
        return self.both + self.reference_only

    @property
    def estimate(self) -> float:
        n = self.samples
        return (self.candidate_only - self.reference_only) / n if n else 0.0


def mcnemar_exact(candidate_only: int, reference_only: int) -> float:
    """McNemar's exact (conditional) test, two-sided: the binomial test of the discordant pairs.

    Under "the two tiers err equally often", each of the m discordant pairs is the candidate's error
    with probability 1/2; p = min(1, 2 P(X <= min(b, c))), X ~ Bin(m, 1/2). Computed in integers.
    No discordant pairs: p = 1.
    """
    if candidate_only < 0 or reference_only < 0:
        raise ValueError(f"need counts >= 0, got {candidate_only} and {reference_only}")
    m = candidate_only + reference_only
    if m == 0:
        return 1.0
    tail = sum(math.comb(m, i) for i in range(min(candidate_only, reference_only) + 1))
    return min(1.0, 2 * tail / (1 << m))  # int / int is correctly rounded, however large


def paired_difference(both: int, candidate_only: int, reference_only: int, neither: int,
                      z: float = Z95) -> PairedDifference:
    """The difference of paired error rates with Newcombe's hybrid score interval.

    Newcombe RG (1998), "Improved confidence intervals for the difference between binomial
    proportions based on paired data", Statistics in Medicine 17:2635-2650, method 10: the Wilson
    intervals of the two marginal rates combined by "square and add", with the estimated correlation
    phi of the two rates (phi with the correction of that paper: ad - bc reduced by n/2 when above it,
    0 between 0 and n/2). Recommended by Fagerland, Lydersen & Laake (2014), Statistics in Medicine
    33:2850-2875. It stays inside [-1, 1] and is not degenerate when no pair is discordant.
    """
    cells = (both, candidate_only, reference_only, neither)
    if min(cells) < 0:
        raise ValueError(f"need counts >= 0, got {cells}")
    n = sum(cells)
    p_value = mcnemar_exact(candidate_only, reference_only)
    if n == 0:
        return PairedDifference(*cells, -1.0, 1.0, p_value)
    cand, ref = wilson(both + candidate_only, n, z), wilson(both + reference_only, n, z)
    p1, p2 = cand.rate, ref.rate
    margins = ((both + candidate_only) * (reference_only + neither)
               * (both + reference_only) * (candidate_only + neither))
    phi = 0.0
    if margins:
        excess = both * neither - candidate_only * reference_only
        if excess > n / 2:
            phi = (excess - n / 2) / math.sqrt(margins)
        elif excess < 0:
            phi = excess / math.sqrt(margins)
    estimate = p1 - p2
    # square and add, less the covariance of the two rates (max(0, ...): rounding must not go negative)
    d1, d2 = p1 - cand.low, ref.high - p2
    down = math.sqrt(max(0.0, d1 * d1 + d2 * d2 - 2 * phi * d1 * d2))
    e1, e2 = p2 - ref.low, cand.high - p1
    up = math.sqrt(max(0.0, e1 * e1 + e2 * e2 - 2 * phi * e1 * e2))
    return PairedDifference(*cells, max(-1.0, estimate - down), min(1.0, estimate + up), p_value)
