"""Statistics for comparing models test case by test case: bootstrap intervals, paired tests, FDR control.

A difference between two models on a test case is only worth reporting when it is unlikely to be noise.
The tools here work on per-sample values (a 0/1 correctness flag, a per-sample loss, or rows of
per-sample counts for ratio metrics), resample samples (not test cases), and are seeded so that the same
call gives the same answer.

* :func:`bootstrap_ci`: percentile bootstrap interval of one metric;
* :func:`paired_bootstrap_ci`: interval of the difference of a metric between two models on the same
  samples, resampling pairs;
* :func:`paired_permutation_test`: p-value of that difference under the null hypothesis that the two
  models are exchangeable on each sample (random swaps within pairs; exact when all swaps fit);
* :func:`benjamini_hochberg`: which of many such tests (one per test case) to call significant while
  keeping the expected share of false discoveries at most ``alpha``;
* :func:`paired_tests` and :func:`unpaired_tests`: many tests at once (every metric of every model against a
  baseline on one test case), sharing one draw of resamples and computed as matrix products.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from assay.metrics._errors import MetricsInputError

__all__ = [
    "PairedDraws",
    "ResampledMeans",
    "BatchTestResult",
    "ConfidenceInterval",
    "PermutationTestResult",
    "benjamini_hochberg",
    "bootstrap_ci",
    "paired_bootstrap_ci",
    "paired_permutation_test",
    "paired_tests",
    "unpaired_tests",
]

Statistic = Callable[[npt.NDArray[Any]], float]

_BLOCK_ELEMENTS = 4_000_000
"""Largest number of resampled values held at once (32 MB of float64)."""


@dataclass(frozen=True)
class ConfidenceInterval:
    """A point estimate with a two-sided confidence interval.

    Attributes:
        estimate: The statistic on the original samples.
        low: Lower bound.
        high: Upper bound.
        confidence: Confidence level, e.g. 0.95.
    """

    estimate: float
    low: float
    high: float
    confidence: float

    def contains(self, value: float) -> bool:
        """Return whether ``value`` lies inside the interval (bounds included)."""
        return self.low <= value <= self.high


@dataclass(frozen=True)
class PermutationTestResult:
    """Result of :func:`paired_permutation_test`.

    Attributes:
        statistic: Observed difference ``statistic(a) - statistic(b)``.
        p_value: Probability, under exchangeability, of a difference at least as extreme.
        exact: Whether every swap pattern was enumerated (otherwise random swaps were drawn).
    """

    statistic: float
    p_value: float
    exact: bool


def _rows(values: npt.ArrayLike, name: str) -> npt.NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 0 or array.shape[0] == 0:
        raise MetricsInputError(f"{name} must hold at least one sample (one row per sample)")
    if not np.all(np.isfinite(array)):
        raise MetricsInputError(f"{name} must be finite")
    return array


def _check(confidence: float, n_resamples: int) -> None:
    if not 0 < confidence < 1:
        raise MetricsInputError(f"confidence must be in (0, 1), got {confidence}")
    if n_resamples < 1:
        raise MetricsInputError(f"n_resamples must be positive, got {n_resamples}")


def _mean(rows: npt.NDArray[Any]) -> float:
    return float(np.mean(rows))


def _resampled_statistics(
    arrays: tuple[npt.NDArray[np.float64], ...],
    statistic: Statistic | None,
    n_resamples: int,
    seed: int,
) -> npt.NDArray[np.float64]:
    """Statistic of the first array minus that of the second (if any) on each bootstrap resample."""
    n = arrays[0].shape[0]
    rng = np.random.default_rng(seed)
    vectorised = statistic is None and all(a.ndim == 1 for a in arrays)
    stat = statistic or _mean
    values = np.empty((len(arrays), n_resamples))
    # Resamples are drawn in blocks so that memory stays bounded for large test cases.
    block = max(1, _BLOCK_ELEMENTS // n)
    for start in range(0, n_resamples, block):
        indices = rng.integers(0, n, size=(min(block, n_resamples - start), n))
        for j, a in enumerate(arrays):
            if vectorised:
                values[j, start : start + indices.shape[0]] = a[indices].mean(axis=1)
            else:
                values[j, start : start + indices.shape[0]] = [stat(a[idx]) for idx in indices]
    return np.asarray(values[0] - values[1] if len(arrays) == 2 else values[0], dtype=np.float64)


def bootstrap_ci(
    values: npt.ArrayLike,
    statistic: Statistic | None = None,
    *,
    confidence: float = 0.95,
    n_resamples: int = 2000,
    seed: int = 0,
) -> ConfidenceInterval:
    """Percentile bootstrap confidence interval of a metric computed from per-sample rows.

    Samples are drawn with replacement ``n_resamples`` times; the interval is the ``(1 - confidence) / 2``
    and ``(1 + confidence) / 2`` quantiles of the metric over the resamples. For a ratio metric pass
    per-sample counts as rows and a ``statistic`` that sums them, e.g. precision from ``[tp, fp]`` rows.

    Args:
        values: ``(N,)`` per-sample values or ``(N, ...)`` per-sample rows.
        statistic: Function of the resampled rows returning a float; default the mean.
        confidence: Confidence level in (0, 1).
        n_resamples: Number of bootstrap resamples.
        seed: Seed of the random generator (same seed, same interval).

    Returns:
        The :class:`ConfidenceInterval`.

    Raises:
        MetricsInputError: On empty or non-finite values or invalid options.

    Example:
        >>> ci = bootstrap_ci([0, 1, 1, 1, 0, 1, 1, 1], seed=1)
        >>> ci.estimate, ci.low <= ci.estimate <= ci.high
        (0.75, True)
    """
    _check(confidence, n_resamples)
    rows = _rows(values, "values")
    stat = statistic or _mean
    samples = _resampled_statistics((rows,), statistic, n_resamples, seed)
    low, high = np.quantile(samples, [(1 - confidence) / 2, (1 + confidence) / 2])
    return ConfidenceInterval(float(stat(rows)), float(low), float(high), confidence)


def paired_bootstrap_ci(
    values_a: npt.ArrayLike,
    values_b: npt.ArrayLike,
    statistic: Statistic | None = None,
    *,
    confidence: float = 0.95,
    n_resamples: int = 2000,
    seed: int = 0,
) -> ConfidenceInterval:
    """Bootstrap interval of ``statistic(a) - statistic(b)`` for two models on the same samples.

    Each resample draws sample indices once and applies them to both models, which keeps the pairing
    and so removes the variance the two models share (sample difficulty).

    Args:
        values_a: ``(N, ...)`` per-sample rows of model A.
        values_b: ``(N, ...)`` per-sample rows of model B, same samples in the same order.
        statistic: Function of rows returning a float; default the mean.
        confidence: Confidence level in (0, 1).
        n_resamples: Number of bootstrap resamples.
        seed: Seed of the random generator.

    Returns:
        The :class:`ConfidenceInterval` of the difference (A minus B).

    Raises:
        MetricsInputError: If the two inputs differ in shape, are empty or non-finite.

    Example:
        >>> ci = paired_bootstrap_ci([1, 1, 1, 0, 1, 1], [0, 1, 0, 0, 1, 0], seed=3)
        >>> round(ci.estimate, 4), ci.low > -1
        (0.5, True)
    """
    _check(confidence, n_resamples)
    a, b = _rows(values_a, "values_a"), _rows(values_b, "values_b")
    if a.shape != b.shape:
        raise MetricsInputError(f"values_a has shape {a.shape} but values_b has shape {b.shape}")
    stat = statistic or _mean
    samples = _resampled_statistics((a, b), statistic, n_resamples, seed)
    low, high = np.quantile(samples, [(1 - confidence) / 2, (1 + confidence) / 2])
    return ConfidenceInterval(float(stat(a) - stat(b)), float(low), float(high), confidence)


def paired_permutation_test(
    values_a: npt.ArrayLike,
    values_b: npt.ArrayLike,
    statistic: Statistic | None = None,
    *,
    alternative: Literal["two-sided", "less", "greater"] = "two-sided",
    n_resamples: int = 9999,
    seed: int = 0,
) -> PermutationTestResult:
    """Paired permutation test of ``statistic(a) - statistic(b)``.

    Under the null hypothesis the two models' values are exchangeable on each sample, so each swap
    pattern of the N pairs is equally likely. When ``2**N <= n_resamples`` every pattern is enumerated
    and ``p = count / 2**N``; otherwise ``n_resamples`` random patterns are drawn and
    ``p = (count + 1) / (n_resamples + 1)``, which never understates the p-value. ``count`` counts null
    differences at least as extreme as the observed one (``<=`` for ``"less"``, ``>=`` for
    ``"greater"``, within a relative tolerance of 100 ulp); two-sided is twice the smaller one-sided
    p-value, capped at 1 (the convention of scipy's ``permutation_test``).

    Args:
        values_a: ``(N, ...)`` per-sample rows of model A.
        values_b: ``(N, ...)`` per-sample rows of model B.
        statistic: Function of rows returning a float; default the mean.
        alternative: ``"two-sided"``, ``"less"`` (A below B) or ``"greater"``.
        n_resamples: Number of random swap patterns when enumeration is too large.
        seed: Seed of the random generator.

    Returns:
        The :class:`PermutationTestResult`.

    Raises:
        MetricsInputError: If the inputs differ in shape, are empty, or an option is invalid.

    Example:
        >>> r = paired_permutation_test([3, 4, 5, 6], [1, 2, 3, 4])
        >>> r.statistic, r.p_value, r.exact
        (2.0, 0.125, True)
    """
    if alternative not in ("two-sided", "less", "greater"):
        raise MetricsInputError(f"alternative must be 'two-sided', 'less' or 'greater', got {alternative!r}")
    if n_resamples < 1:
        raise MetricsInputError(f"n_resamples must be positive, got {n_resamples}")
    a, b = _rows(values_a, "values_a"), _rows(values_b, "values_b")
    if a.shape != b.shape:
        raise MetricsInputError(f"values_a has shape {a.shape} but values_b has shape {b.shape}")
    n = a.shape[0]
    stat = statistic or _mean
    observed = float(stat(a) - stat(b))
    exact = n < 63 and 2**n <= n_resamples
    total_patterns = 2**n if exact else n_resamples
    rng = np.random.default_rng(seed)
    extra = (slice(None),) + (None,) * (a.ndim - 1)
    diff = a - b
    null = np.empty(total_patterns)
    block = max(1, _BLOCK_ELEMENTS // n)
    for start in range(0, total_patterns, block):
        count = min(block, total_patterns - start)
        if exact:
            # Row i of the enumeration swaps pair j when bit (n - 1 - j) of i is set.
            codes = np.arange(start, start + count, dtype=np.int64)[:, None]
            swaps = ((codes >> np.arange(n - 1, -1, -1, dtype=np.int64)) & 1).astype(bool)
        else:
            swaps = rng.random((count, n)) < 0.5
        if statistic is None and a.ndim == 1:
            null[start : start + count] = np.where(swaps, -diff, diff).mean(axis=1)
        else:
            for i, swap in enumerate(swaps):
                mask = swap[extra]
                null[start + i] = stat(np.where(mask, b, a)) - stat(np.where(mask, a, b))
    adjustment = 0 if exact else 1
    gamma = abs(np.finfo(np.float64).eps * 100 * observed)
    total = total_patterns + adjustment
    p_less = (np.count_nonzero(null <= observed + gamma) + adjustment) / total
    p_greater = (np.count_nonzero(null >= observed - gamma) + adjustment) / total
    if alternative == "less":
        p = float(p_less)
    elif alternative == "greater":
        p = float(p_greater)
    else:
        p = min(2.0 * float(min(p_less, p_greater)), 1.0)
    return PermutationTestResult(statistic=observed, p_value=p, exact=exact)


def benjamini_hochberg(
    p_values: npt.ArrayLike, *, alpha: float = 0.05
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64]]:
    """Benjamini–Hochberg control of the false discovery rate over many tests.

    With the m p-values sorted, ``p_(1) <= ... <= p_(m)``, reject the k smallest where k is the largest
    i with ``p_(i) <= i * alpha / m``. Adjusted p-values are ``min_{j >= i} min(1, m p_(j) / j)``, so a test
    is rejected when its adjusted p-value is at most ``alpha`` (decided by the step-up rule, so rounding
    cannot flip it). Valid for independent or
    positively dependent tests (one per test case of a suite). NaN p-values (tests that could not run)
    are never rejected and do not count in m.

    Args:
        p_values: ``(m,)`` p-values in [0, 1].
        alpha: Target false discovery rate in (0, 1).

    Returns:
        ``(rejected, adjusted)``, in the input order.

    Raises:
        MetricsInputError: On p-values outside [0, 1] or ``alpha`` outside (0, 1).

    Example:
        >>> rejected, adjusted = benjamini_hochberg([0.01, 0.04, 0.03, 0.5])
        >>> rejected.tolist(), adjusted.round(3).tolist()
        ([True, False, False, False], [0.04, 0.053, 0.053, 0.5])
    """
    if not 0 < alpha < 1:
        raise MetricsInputError(f"alpha must be in (0, 1), got {alpha}")
    p = np.asarray(p_values, dtype=np.float64)
    if p.ndim != 1:
        raise MetricsInputError(f"p_values must be one-dimensional, got shape {p.shape}")
    valid = ~np.isnan(p)
    if np.any((p[valid] < 0) | (p[valid] > 1)):
        raise MetricsInputError("p_values must lie in [0, 1]")
    adjusted = np.full(p.shape, np.nan)
    rejected = np.zeros(p.shape, dtype=bool)
    values = p[valid]
    m = values.size
    if m == 0:
        return rejected, adjusted
    order = np.argsort(values, kind="stable")
    scaled = values[order] * m / np.arange(1, m + 1)
    monotone = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    result = np.empty(m)
    result[order] = monotone
    adjusted[valid] = result
    # Decide with the step-up rule itself, so rounding in the adjusted values cannot flip a decision.
    passing = np.flatnonzero(values[order] <= np.arange(1, m + 1) * alpha / m)
    if passing.size:
        chosen = np.zeros(m, dtype=bool)
        chosen[order[: passing[-1] + 1]] = True
        rejected[valid] = chosen
    return rejected, adjusted


# -- many tests at once ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BatchTestResult:
    """Results of :func:`paired_tests` or :func:`unpaired_tests`, one entry per tested column.

    Columns that could not be tested (a non-finite value) hold NaN everywhere.

    Attributes:
        estimate: ``(T,)`` observed differences of means.
        low: ``(T,)`` lower bounds of the percentile bootstrap intervals.
        high: ``(T,)`` upper bounds.
        p_value: ``(T,)`` two-sided permutation p-values.
        confidence: Confidence level of the intervals.
        exact: Whether the permutation p-values enumerate every pattern (otherwise random ones were drawn).
    """

    estimate: npt.NDArray[np.float64]
    low: npt.NDArray[np.float64]
    high: npt.NDArray[np.float64]
    p_value: npt.NDArray[np.float64]
    confidence: float
    exact: bool


def _columns(values: npt.ArrayLike, name: str) -> npt.NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2:
        raise MetricsInputError(f"{name} must be (samples, tests), got shape {array.shape}")
    if array.shape[0] == 0:
        raise MetricsInputError(f"{name} must hold at least one sample (one row per sample)")
    return array


def _two_sided(
    null: npt.NDArray[np.float64], observed: npt.NDArray[np.float64], scale: npt.NDArray[np.float64], adjustment: int
) -> npt.NDArray[np.float64]:
    """Two-sided p-values from null statistics ``(R, T)`` and observed ``(T,)`` (twice the smaller tail)."""
    # Ties (frequent with 0/1 values) are decided up to rounding: the null statistics and the observed one are
    # sums of the same numbers in another order, which differ by a few ulp of the values summed.
    gamma = 100 * np.finfo(np.float64).eps * (np.abs(observed) + scale)
    total = null.shape[0] + adjustment
    p_less = (np.count_nonzero(null <= observed + gamma, axis=0) + adjustment) / total
    p_greater = (np.count_nonzero(null >= observed - gamma, axis=0) + adjustment) / total
    return np.asarray(np.minimum(2.0 * np.minimum(p_less, p_greater), 1.0), dtype=np.float64)


def _bootstrap_means(
    values: npt.NDArray[np.float64], n_resamples: int, rng: np.random.Generator
) -> npt.NDArray[np.float64]:
    """``(n_resamples, T)`` column means over bootstrap resamples of the rows, as count-matrix products.

    Indices are drawn exactly as :func:`bootstrap_ci` draws them, so one seed gives the same resamples.
    """
    n = values.shape[0]
    means = np.empty((n_resamples, values.shape[1]))
    block = max(1, _BLOCK_ELEMENTS // n)
    for start in range(0, n_resamples, block):
        size = min(block, n_resamples - start)
        indices = rng.integers(0, n, size=(size, n))
        # How often each row is drawn in each resample: the resampled mean is counts @ values / n.
        flat = (indices + (np.arange(size) * n)[:, None]).ravel()
        counts = np.bincount(flat, minlength=size * n).reshape(size, n).astype(np.float64)
        means[start : start + size] = counts @ values / n
    return means


def _interval(
    estimates: npt.NDArray[np.float64], confidence: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    # Each test's resamples made contiguous first: the same quantiles, in half the time of a strided partition.
    rows = np.ascontiguousarray(estimates.T)
    low, high = np.quantile(rows, [(1 - confidence) / 2, (1 + confidence) / 2], axis=1)
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)


def _finite_columns(*arrays: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
    keep = np.ones(arrays[0].shape[1], dtype=bool)
    for array in arrays:
        keep &= np.all(np.isfinite(array), axis=0)
    return keep


def _scatter(keep: npt.NDArray[np.bool_], values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    out = np.full(keep.shape, np.nan)
    out[keep] = values
    return out


def paired_tests(
    diffs: npt.ArrayLike,
    *,
    confidence: float = 0.95,
    n_resamples: int = 1000,
    seed: int | np.random.SeedSequence = 0,
) -> BatchTestResult:
    """Paired bootstrap intervals and sign-flip permutation tests of many mean differences on shared samples.

    Column ``t`` holds the per-sample differences ``d_it = a_it - b_it`` of one comparison (a metric of model A
    minus that of model B on sample ``i``); every column has the same samples. The estimate is
    ``mean_i d_it``. One draw serves all columns:

    * bootstrap: resample rows with replacement ``n_resamples`` times; with ``C`` the ``(R, N)`` matrix of
      how often each row is drawn, the resampled means are ``C @ D / N``, and the interval is their
      ``(1 - confidence) / 2`` and ``(1 + confidence) / 2`` quantiles;
    * permutation: under the null hypothesis the two models are exchangeable on each sample, so each
      difference keeps or flips its sign with probability 1/2; with ``S`` the ``(R, N)`` matrix of signs,
      the null means are ``S @ D / N``. When ``2**N <= n_resamples`` all patterns are enumerated and
      ``p = count / 2**N``, else ``p = (count + 1) / (n_resamples + 1)``; two-sided is twice the smaller
      tail, capped at 1.

    Resamples are drawn exactly as :func:`paired_bootstrap_ci` and :func:`paired_permutation_test` draw
    them, so with the same seed each column gives their numbers (up to rounding). A column holding a
    non-finite value is not tested (NaN results); so are all columns when there is none finite.

    Args:
        diffs: ``(N, T)`` per-sample differences (``(N,)`` for one test).
        confidence: Confidence level of the intervals, in (0, 1).
        n_resamples: Bootstrap resamples, and random sign patterns when enumeration is too large.
        seed: Seed of the random generators (same seed, same numbers).

    Returns:
        The :class:`BatchTestResult`.

    Raises:
        MetricsInputError: no samples, more than two dimensions, or an invalid option.

    Example:
        >>> r = paired_tests([[1.0, 0.0], [1.0, 0.0], [1.0, 1.0], [1.0, -1.0]], n_resamples=100)
        >>> r.estimate.tolist(), r.p_value.tolist(), r.exact
        ([1.0, 0.0], [0.125, 1.0], True)
    """
    _check(confidence, n_resamples)
    d = _columns(diffs, "diffs")
    return PairedDraws.draw(d.shape[0], n_resamples=n_resamples, seed=seed).test(d, confidence=confidence)


@dataclass(frozen=True, eq=False)
class PairedDraws:
    """The resamples of :func:`paired_tests` for ``n`` samples and a seed, drawn once and reusable.

    The draws depend only on the number of samples, ``n_resamples`` and the seed, never on the values tested,
    so a caller testing many sets of differences on the same samples with the same seed (another baseline
    model, say) can draw once and test each set with :meth:`test`, which gives exactly what
    :func:`paired_tests` gives. Counts and signs are kept as small integers and booleans (a fraction of the
    float matrices they stand for) and widened at use.

    Attributes:
        n: Samples per column of the differences tested.
        counts: ``(n_resamples, n)`` how often each sample is drawn in each bootstrap resample.
        flips: ``(P, n)`` whether each sample's difference changes sign in each null pattern.
        exact: Whether ``flips`` enumerates all ``2**n`` patterns (then ``P = 2**n``).
    """

    n: int
    counts: npt.NDArray[np.integer[Any]]
    flips: npt.NDArray[np.bool_]
    exact: bool

    @classmethod
    def draw(cls, n: int, *, n_resamples: int = 1000, seed: int | np.random.SeedSequence = 0) -> PairedDraws:
        """Draw the resamples :func:`paired_tests` draws for ``n`` samples.

        Raises:
            MetricsInputError: ``n`` below 1 or ``n_resamples`` below 1.
        """
        if n < 1:
            raise MetricsInputError("diffs must hold at least one sample (one row per sample)")
        _check(0.5, n_resamples)
        exact = n < 63 and 2**n <= n_resamples
        # Counts never exceed n: the narrowest unsigned type that holds n.
        counts = np.empty((n_resamples, n), dtype=np.min_scalar_type(n))
        rng = np.random.default_rng(seed)
        block = max(1, _BLOCK_ELEMENTS // n)
        for start in range(0, n_resamples, block):
            size = min(block, n_resamples - start)
            # Indices drawn exactly as bootstrap_ci draws them, so one seed gives the same resamples.
            indices = rng.integers(0, n, size=(size, n))
            flat = (indices + (np.arange(size) * n)[:, None]).ravel()
            counts[start : start + size] = np.bincount(flat, minlength=size * n).reshape(size, n)
        total = 2**n if exact else n_resamples
        flips = np.empty((total, n), dtype=bool)
        rng = np.random.default_rng(seed)
        for start in range(0, total, block):
            count = min(block, total - start)
            if exact:
                codes = np.arange(start, start + count, dtype=np.int64)[:, None]
                flips[start : start + count] = ((codes >> np.arange(n - 1, -1, -1, dtype=np.int64)) & 1).astype(bool)
            else:
                flips[start : start + count] = rng.random((count, n)) < 0.5
        return cls(n, counts, flips, exact)

    @property
    def nbytes(self) -> int:
        """Memory held by the draws."""
        return int(self.counts.nbytes + self.flips.nbytes)

    def test(self, diffs: npt.ArrayLike, *, confidence: float = 0.95, intervals: bool = True) -> BatchTestResult:
        """:func:`paired_tests` of ``diffs`` (``(n, T)``) with these draws.

        Args:
            diffs: ``(n, T)`` per-sample differences (``(n,)`` for one test).
            confidence: Confidence level of the intervals, in (0, 1).
            intervals: Whether to compute the bootstrap intervals (``False``: NaN bounds, for a caller that
                needs the p-values of many tests but the intervals of few).

        Raises:
            MetricsInputError: ``diffs`` does not have ``n`` rows, or an invalid confidence.
        """
        _check(confidence, self.counts.shape[0])
        d = _columns(diffs, "diffs")
        n, t = d.shape
        if n != self.n:
            raise MetricsInputError(f"diffs has {n} samples but the draws were made for {self.n}")
        keep = _finite_columns(d)
        nan = np.full(t, np.nan)
        if not keep.any():
            return BatchTestResult(nan, nan.copy(), nan.copy(), nan.copy(), confidence, self.exact)
        d = d[:, keep]
        estimate = d.mean(axis=0)
        low = high = np.full(d.shape[1], np.nan)
        if intervals:
            low, high = _interval(self.product(d, counts=True), confidence)
        null = self.product(d, counts=False)
        p = _two_sided(null, estimate, np.abs(d).mean(axis=0), 0 if self.exact else 1)
        return BatchTestResult(
            _scatter(keep, estimate),
            _scatter(keep, low),
            _scatter(keep, high),
            _scatter(keep, p),
            confidence,
            self.exact,
        )

    def intervals(
        self, diffs: npt.ArrayLike, *, confidence: float = 0.95
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """The bootstrap intervals of :meth:`test` alone, for differences known to be finite.

        Raises:
            MetricsInputError: ``diffs`` does not have ``n`` rows, or an invalid confidence.
        """
        _check(confidence, self.counts.shape[0])
        d = _columns(diffs, "diffs")
        if d.shape[0] != self.n:
            raise MetricsInputError(f"diffs has {d.shape[0]} samples but the draws were made for {self.n}")
        return _interval(self.product(d, counts=True), confidence)

    def product(self, d: npt.NDArray[np.float64], *, counts: bool) -> npt.NDArray[np.float64]:
        """Resampled means ``W @ d / n`` of ``(n, T)`` columns, ``W`` the counts or the signs (``-1``: flipped)."""
        n = self.n
        draws = self.counts if counts else self.flips
        out = np.empty((draws.shape[0], d.shape[1]))
        block = max(1, _BLOCK_ELEMENTS // n)
        for start in range(0, draws.shape[0], block):
            part = draws[start : start + block]
            weights = part.astype(np.float64) if counts else np.where(part, -1.0, 1.0)
            out[start : start + part.shape[0]] = weights @ d / n
        return out


@dataclass(frozen=True, eq=False)
class ResampledMeans:
    """Bootstrap and sign-flip means of many per-sample columns under one :class:`PairedDraws`.

    Both resampled statistics of :func:`paired_tests` are linear in the differences: with ``C`` the counts and
    ``S`` the signs, ``C @ (a - b) / n = C @ a / n - C @ b / n``, and likewise for ``S``. So the resampled means
    of every column (each model's metric, say) are computed once, and any pair of columns is then compared
    by subtracting two of them: ``O(resamples)`` per test instead of ``O(resamples x samples)``, which makes
    comparing against another baseline cheap.

    The results are those of :func:`paired_tests` on ``values[:, first] - values[:, second]`` up to rounding:
    the null statistics are differences of sums of ``a`` and of ``b`` rather than sums of ``a - b``, so ties
    with the observed difference are decided up to ``100`` ulp of ``mean|a| + mean|b|`` (instead of
    ``mean|a - b|``).

    Attributes:
        draws: The resamples.
        values: ``(n, K)`` the per-sample columns.
        boot: ``(K, n_resamples)`` their bootstrap means, a column's resamples contiguous.
        null: ``(K, P)`` their sign-flipped means.
    """

    draws: PairedDraws
    values: npt.NDArray[np.float64]
    boot: npt.NDArray[np.float64]
    null: npt.NDArray[np.float64]

    @classmethod
    def of(cls, draws: PairedDraws, values: npt.ArrayLike) -> ResampledMeans:
        """The resampled means of ``values`` (``(n, K)``) under ``draws``.

        Raises:
            MetricsInputError: ``values`` does not have ``draws.n`` rows.
        """
        v = _columns(values, "values")
        if v.shape[0] != draws.n:
            raise MetricsInputError(f"values has {v.shape[0]} samples but the draws were made for {draws.n}")
        # A non-finite value spreads NaN over its own column's resamples only; such columns are not tested.
        # Stored a column per row: a comparison gathers whole columns, contiguous this way.
        boot = np.ascontiguousarray(draws.product(v, counts=True).T)
        null = np.ascontiguousarray(draws.product(v, counts=False).T)
        return cls(draws, v, boot, null)

    @property
    def nbytes(self) -> int:
        """Memory held by the means and values."""
        return int(self.values.nbytes + self.boot.nbytes + self.null.nbytes)

    def intervals(
        self, first: npt.ArrayLike, second: npt.ArrayLike, *, confidence: float = 0.95
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """The bootstrap intervals of :meth:`compare` alone, for columns known to be finite.

        Raises:
            MetricsInputError: an invalid confidence.
        """
        _check(confidence, self.boot.shape[1])
        i = np.asarray(first, dtype=np.int64)
        j = np.asarray(second, dtype=np.int64)
        return _interval((self.boot[i] - self.boot[j]).T, confidence)

    def compare(
        self,
        first: npt.ArrayLike,
        second: npt.ArrayLike,
        *,
        confidence: float = 0.95,
        intervals: bool = True,
    ) -> BatchTestResult:
        """Paired tests of column ``first[t]`` minus column ``second[t]``, for every ``t``.

        Args:
            first: ``(T,)`` column indices.
            second: ``(T,)`` column indices.
            confidence: Confidence level of the intervals, in (0, 1).
            intervals: Whether to compute the intervals (``False``: NaN bounds).

        Raises:
            MetricsInputError: an invalid confidence.
        """
        _check(confidence, self.boot.shape[1])
        i = np.asarray(first, dtype=np.int64)
        j = np.asarray(second, dtype=np.int64)
        d = self.values[:, i] - self.values[:, j]
        keep = _finite_columns(d)
        nan = np.full(i.shape[0], np.nan)
        exact = self.draws.exact
        if not keep.any():
            return BatchTestResult(nan, nan.copy(), nan.copy(), nan.copy(), confidence, exact)
        i, j, d = i[keep], j[keep], d[:, keep]
        estimate = d.mean(axis=0)
        low = high = np.full(d.shape[1], np.nan)
        if intervals:
            low, high = _interval((self.boot[i] - self.boot[j]).T, confidence)
        scale = np.abs(self.values[:, i]).mean(axis=0) + np.abs(self.values[:, j]).mean(axis=0)
        p = _two_sided((self.null[i] - self.null[j]).T, estimate, scale, 0 if exact else 1)
        return BatchTestResult(
            _scatter(keep, estimate), _scatter(keep, low), _scatter(keep, high), _scatter(keep, p), confidence, exact
        )


def unpaired_tests(
    values_a: npt.ArrayLike,
    values_b: npt.ArrayLike,
    *,
    confidence: float = 0.95,
    n_resamples: int = 1000,
    seed: int | np.random.SeedSequence = 0,
) -> BatchTestResult:
    """Bootstrap intervals and label-permutation tests of many differences of means on two sample groups.

    For models that ran on different samples: column ``t`` of ``values_a`` (``N_a`` samples) and of
    ``values_b`` (``N_b`` samples) hold one metric of the two models; the estimate is
    ``mean(a_t) - mean(b_t)``. One draw serves all columns:

    * bootstrap: each group is resampled with replacement on its own (``C_a @ A / N_a - C_b @ B / N_b`` with
      the count matrices ``C``), the interval is the percentile one;
    * permutation: under the null hypothesis the group labels are exchangeable; each resample picks which
      ``N_a`` of the pooled ``N_a + N_b`` rows form group A, and ``W @ [A; B]`` with weights ``1/N_a`` and
      ``-1/N_b`` gives the null differences. When ``C(N_a + N_b, N_a) <= n_resamples`` every split is
      enumerated and ``p = count / C``, else ``p = (count + 1) / (n_resamples + 1)``; two-sided is twice the
      smaller tail, capped at 1 (as scipy's ``permutation_test``).

    A column holding a non-finite value in either group is not tested (NaN results).

    Args:
        values_a: ``(N_a, T)`` per-sample values of model A (``(N_a,)`` for one test).
        values_b: ``(N_b, T)`` per-sample values of model B, same columns.
        confidence: Confidence level of the intervals, in (0, 1).
        n_resamples: Bootstrap resamples, and random splits when enumeration is too large.
        seed: Seed of the random generator.

    Returns:
        The :class:`BatchTestResult` (A minus B).

    Raises:
        MetricsInputError: an empty group, different column counts, or an invalid option.

    Example:
        >>> r = unpaired_tests([3.0, 4.0, 5.0], [0.0, 1.0, 2.0], n_resamples=100)
        >>> r.estimate.tolist(), r.p_value.tolist(), r.exact
        ([3.0], [0.1], True)
    """
    _check(confidence, n_resamples)
    a, b = _columns(values_a, "values_a"), _columns(values_b, "values_b")
    if a.shape[1] != b.shape[1]:
        raise MetricsInputError(f"values_a has {a.shape[1]} columns but values_b has {b.shape[1]}")
    n_a, n_b = a.shape[0], b.shape[0]
    n = n_a + n_b
    splits = math.comb(n, n_a)
    exact = splits <= n_resamples
    keep = _finite_columns(a, b)
    nan = np.full(a.shape[1], np.nan)
    if not keep.any():
        return BatchTestResult(nan, nan.copy(), nan.copy(), nan.copy(), confidence, exact)
    a, b = a[:, keep], b[:, keep]
    estimate = a.mean(axis=0) - b.mean(axis=0)
    rng = np.random.default_rng(seed)
    boot = _bootstrap_means(a, n_resamples, rng) - _bootstrap_means(b, n_resamples, rng)
    low, high = _interval(boot, confidence)
    pooled = np.vstack([a, b])
    total = splits if exact else n_resamples
    combos = itertools.combinations(range(n), n_a) if exact else None
    null = np.empty((total, a.shape[1]))
    block = max(1, _BLOCK_ELEMENTS // n)
    for start in range(0, total, block):
        count = min(block, total - start)
        if combos is not None:
            chosen = np.array(list(itertools.islice(combos, count)), dtype=np.int64).reshape(count, n_a)
        else:
            # The first N_a positions of a uniformly random permutation are a uniformly random split.
            chosen = np.argsort(rng.random((count, n)), axis=1)[:, :n_a]
        weights = np.full((count, n), -1.0 / n_b)
        np.put_along_axis(weights, chosen, 1.0 / n_a, axis=1)
        null[start : start + count] = weights @ pooled
    p = _two_sided(null, estimate, np.abs(pooled).mean(axis=0), 0 if exact else 1)
    return BatchTestResult(
        _scatter(keep, estimate), _scatter(keep, low), _scatter(keep, high), _scatter(keep, p), confidence, exact
    )
