"""The Wilson score interval: how sure an error rate measured on n samples is."""

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
