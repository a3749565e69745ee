"""Bootstrap intervals, the paired permutation test and Benjamini–Hochberg, against scipy."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

from assay.metrics import (
    MetricsInputError,
    benjamini_hochberg,
    bootstrap_ci,
    paired_bootstrap_ci,
    paired_permutation_test,
    statistics,
)


@settings(max_examples=50, deadline=None)
@given(p=st.lists(st.floats(0, 1), min_size=1, max_size=40), alpha=st.floats(0.01, 0.5))
def test_adjusted_p_values_equal_scipy_and_decide_rejection(p, alpha):
    rejected, adjusted = benjamini_hochberg(p, alpha=alpha)
    np.testing.assert_allclose(adjusted, scipy.stats.false_discovery_control(p, method="bh"), atol=1e-12)
    # The step-up rule, written out.
    order = np.sort(p)
    passing = np.flatnonzero(order <= np.arange(1, len(p) + 1) * alpha / len(p))
    cutoff = order[passing[-1]] if passing.size else -1.0
    np.testing.assert_array_equal(rejected, np.asarray(p) <= cutoff)


def test_nan_p_values_are_never_rejected_and_do_not_count():
    rejected, adjusted = benjamini_hochberg([0.01, np.nan, 0.02])
    assert rejected.tolist() == [True, False, True]
    assert np.isnan(adjusted[1]) and adjusted[2] == pytest.approx(0.02)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(2, 9),
    alternative=st.sampled_from(["two-sided", "less", "greater"]),
)
def test_exact_permutation_p_value_equals_scipy(seed, n, alternative):
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 4, n).astype(float)
    b = rng.integers(0, 4, n).astype(float)
    ours = paired_permutation_test(a, b, alternative=alternative)
    expected = scipy.stats.permutation_test(
        (a, b),
        lambda x, y, axis: np.mean(x, axis=axis) - np.mean(y, axis=axis),
        permutation_type="samples",
        vectorized=True,
        alternative=alternative,
        n_resamples=10**6,
    )
    assert ours.exact
    assert ours.statistic == pytest.approx(expected.statistic)
    assert ours.p_value == pytest.approx(expected.pvalue, abs=1e-12)


def test_random_permutations_are_seeded_and_never_zero():
    rng = np.random.default_rng(0)
    a = rng.normal(1.0, 1, 200)
    b = rng.normal(0.0, 1, 200)
    first = paired_permutation_test(a, b, n_resamples=999, seed=4)
    again = paired_permutation_test(a, b, n_resamples=999, seed=4)
    assert first == again and not first.exact
    # No random swap reaches the observed difference: the p-value is the floor, not zero.
    assert paired_permutation_test(a, b, alternative="greater", n_resamples=999, seed=4).p_value == 1 / 1000
    assert first.p_value == 2 / 1000


def test_custom_statistic_on_rows_matches_the_mean_path():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=12), rng.normal(size=12)
    vectorised = paired_permutation_test(a, b, n_resamples=500, seed=2)
    generic = paired_permutation_test(a, b, lambda x: float(np.mean(x)), n_resamples=500, seed=2)
    assert vectorised.p_value == pytest.approx(generic.p_value)


def test_bootstrap_is_repeatable_and_covers_the_mean():
    values = np.random.default_rng(3).normal(10, 2, 300)
    ci = bootstrap_ci(values, seed=7)
    assert ci == bootstrap_ci(values, seed=7)
    assert ci.estimate == pytest.approx(values.mean())
    assert ci.low < values.mean() < ci.high
    half_width = 1.96 * values.std(ddof=1) / np.sqrt(values.size)
    assert (ci.high - ci.low) / 2 == pytest.approx(half_width, rel=0.15)


def test_bootstrap_of_a_ratio_metric_from_count_rows():
    rng = np.random.default_rng(4)
    rows = np.column_stack([rng.integers(0, 5, 100), rng.integers(0, 5, 100)])  # per-sample [tp, fp]
    ci = bootstrap_ci(rows, lambda r: float(r[:, 0].sum() / r.sum()), n_resamples=300)
    assert ci.estimate == pytest.approx(rows[:, 0].sum() / rows.sum())
    assert ci.contains(ci.estimate)


def test_paired_interval_is_narrower_than_the_unpaired_spread():
    rng = np.random.default_rng(5)
    difficulty = rng.normal(0, 5, 200)
    a = difficulty + 1.0 + rng.normal(0, 0.5, 200)
    b = difficulty + rng.normal(0, 0.5, 200)
    ci = paired_bootstrap_ci(a, b, seed=1)
    assert ci.low > 0.5 and ci.high < 1.5
    assert ci.estimate == pytest.approx(a.mean() - b.mean())


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: bootstrap_ci([]), "at least one"),
        (lambda: bootstrap_ci([1.0], confidence=1.5), "confidence"),
        (lambda: paired_bootstrap_ci([1, 2], [1]), "shape"),
        (lambda: paired_permutation_test([1], [2], alternative="both"), "alternative"),
        (lambda: benjamini_hochberg([1.2]), r"\[0, 1\]"),
        (lambda: benjamini_hochberg([0.1], alpha=0), "alpha"),
    ],
)
def test_bad_input_is_refused(call, message):
    with pytest.raises(MetricsInputError, match=message):
        call()


def test_results_do_not_depend_on_the_memory_block_size(monkeypatch):
    rng = np.random.default_rng(6)
    a, b = rng.normal(0.2, 1, 40), rng.normal(0, 1, 40)
    whole = (
        bootstrap_ci(a, n_resamples=300, seed=2),
        paired_bootstrap_ci(a, b, n_resamples=300, seed=2),
        paired_permutation_test(a, b, n_resamples=300, seed=2),
        paired_permutation_test(a[:9], b[:9], n_resamples=600),
    )
    monkeypatch.setattr(statistics, "_BLOCK_ELEMENTS", 100)
    blocked = (
        bootstrap_ci(a, n_resamples=300, seed=2),
        paired_bootstrap_ci(a, b, n_resamples=300, seed=2),
        paired_permutation_test(a, b, n_resamples=300, seed=2),
        paired_permutation_test(a[:9], b[:9], n_resamples=600),
    )
    assert blocked == whole
    assert whole[3].exact
