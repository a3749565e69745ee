"""Many tests at once: the batch functions equal the single-test ones column by column, and scipy."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats

from assay.metrics import (
    MetricsInputError,
    paired_bootstrap_ci,
    paired_permutation_test,
    paired_tests,
    statistics,
    unpaired_tests,
)


@pytest.mark.parametrize("n", [5, 40, 300])
def test_each_paired_column_equals_the_single_test_with_the_same_seed(n):
    rng = np.random.default_rng(n)
    a = rng.normal(0.3, 1, (n, 4))
    b = rng.normal(0.0, 1, (n, 4))
    batch = paired_tests(a - b, n_resamples=500, seed=11)
    for column in range(4):
        ci = paired_bootstrap_ci(a[:, column], b[:, column], n_resamples=500, seed=11)
        test = paired_permutation_test(a[:, column], b[:, column], n_resamples=500, seed=11)
        assert batch.estimate[column] == pytest.approx(ci.estimate, abs=1e-12)
        assert batch.low[column] == pytest.approx(ci.low, abs=1e-12)
        assert batch.high[column] == pytest.approx(ci.high, abs=1e-12)
        assert batch.p_value[column] == test.p_value
        assert batch.exact == test.exact


def test_paired_ties_of_zero_one_values_count_like_the_exact_test():
    rng = np.random.default_rng(3)
    a = rng.integers(0, 2, (9, 3)).astype(float)
    b = rng.integers(0, 2, (9, 3)).astype(float)
    batch = paired_tests(a - b, n_resamples=1000)
    assert batch.exact
    for column in range(3):
        expected = scipy.stats.permutation_test(
            (a[:, column], b[:, column]),
            lambda x, y, axis: np.mean(x, axis=axis) - np.mean(y, axis=axis),
            permutation_type="samples",
            vectorized=True,
            n_resamples=10**6,
        )
        assert batch.p_value[column] == pytest.approx(expected.pvalue, abs=1e-12)


def test_paired_random_sign_flips_agree_with_scipy_within_monte_carlo_error():
    rng = np.random.default_rng(5)
    a = rng.normal(0.15, 1, (200, 2))
    b = rng.normal(0.0, 1, (200, 2))
    batch = paired_tests(a - b, n_resamples=4000, seed=1)
    for column in range(2):
        expected = scipy.stats.permutation_test(
            (a[:, column], b[:, column]),
            lambda x, y, axis: np.mean(x, axis=axis) - np.mean(y, axis=axis),
            permutation_type="samples",
            vectorized=True,
            n_resamples=20000,
            random_state=2,
        )
        assert batch.p_value[column] == pytest.approx(expected.pvalue, abs=0.03)


def test_unpaired_agrees_with_scipy_bootstrap_and_permutation_within_monte_carlo_error():
    rng = np.random.default_rng(8)
    a = rng.normal(0.4, 1, (60, 2))
    b = rng.normal(0.0, 1.5, (45, 2))
    batch = unpaired_tests(a, b, n_resamples=4000, seed=3)
    assert not batch.exact
    for column in range(2):
        x, y = a[:, column], b[:, column]
        assert batch.estimate[column] == pytest.approx(x.mean() - y.mean())
        permutation = scipy.stats.permutation_test(
            (x, y),
            lambda u, v, axis: np.mean(u, axis=axis) - np.mean(v, axis=axis),
            vectorized=True,
            n_resamples=20000,
            random_state=4,
        )
        assert batch.p_value[column] == pytest.approx(permutation.pvalue, abs=0.03)
        bootstrap = scipy.stats.bootstrap(
            (x, y),
            lambda u, v, axis: np.mean(u, axis=axis) - np.mean(v, axis=axis),
            vectorized=True,
            method="percentile",
            n_resamples=20000,
            random_state=5,
        )
        width = bootstrap.confidence_interval.high - bootstrap.confidence_interval.low
        assert batch.low[column] == pytest.approx(bootstrap.confidence_interval.low, abs=0.08 * width)
        assert batch.high[column] == pytest.approx(bootstrap.confidence_interval.high, abs=0.08 * width)


def test_unpaired_small_groups_enumerate_every_split_like_scipy():
    a = np.array([[3.0, 1.0], [4.0, 0.0], [6.0, 1.0]])
    b = np.array([[1.0, 1.0], [2.0, 0.0], [2.5, 0.0], [0.0, 1.0]])
    batch = unpaired_tests(a, b, n_resamples=1000)
    assert batch.exact
    for column in range(2):
        expected = scipy.stats.permutation_test(
            (a[:, column], b[:, column]),
            lambda u, v, axis: np.mean(u, axis=axis) - np.mean(v, axis=axis),
            vectorized=True,
            n_resamples=10**6,
        )
        assert batch.p_value[column] == pytest.approx(expected.pvalue, abs=1e-12)


def test_same_seed_same_numbers_and_block_size_does_not_matter(monkeypatch):
    rng = np.random.default_rng(9)
    d = rng.normal(0.1, 1, (70, 3))
    a, b = rng.normal(size=(30, 3)), rng.normal(size=(25, 3))
    whole = (paired_tests(d, seed=4), unpaired_tests(a, b, seed=4))
    monkeypatch.setattr(statistics, "_BLOCK_ELEMENTS", 500)
    blocked = (paired_tests(d, seed=4), unpaired_tests(a, b, seed=4))
    for first, second in zip(whole, blocked, strict=True):
        np.testing.assert_allclose(first.low, second.low, atol=1e-12)
        np.testing.assert_allclose(first.high, second.high, atol=1e-12)
        np.testing.assert_array_equal(first.p_value, second.p_value)
    assert not np.array_equal(paired_tests(d, seed=5).low, whole[0].low)


def test_a_clear_difference_is_detected_and_no_difference_is_not():
    rng = np.random.default_rng(2)
    shared = rng.normal(0, 3, 400)
    better = np.column_stack([shared + 0.5 + rng.normal(0, 0.2, 400), shared + rng.normal(0, 0.2, 400)])
    result = paired_tests(better - shared[:, None], seed=0)
    assert result.p_value[0] < 0.01 and result.low[0] > 0.4
    assert result.p_value[1] > 0.05 and result.low[1] < 0 < result.high[1]


def test_columns_with_non_finite_values_are_not_tested_and_the_others_are():
    d = np.array([[1.0, np.nan], [2.0, 1.0], [3.0, 1.0]])
    result = paired_tests(d, n_resamples=100)
    assert result.estimate[0] == 2.0 and np.isnan(result.estimate[1]) and np.isnan(result.p_value[1])
    assert np.isnan(unpaired_tests([[np.inf]], [[1.0]]).p_value[0])


def test_constant_differences_have_a_point_interval_and_zero_differences_p_one():
    result = paired_tests(np.zeros((20, 1)), n_resamples=200)
    assert result.low[0] == result.high[0] == 0.0 and result.p_value[0] == 1.0
    one = paired_tests([[0.5]], n_resamples=200)
    assert one.exact and one.p_value[0] == 1.0 and one.low[0] == one.high[0] == 0.5


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: paired_tests(np.zeros((0, 2))), "at least one"),
        (lambda: paired_tests(np.zeros((2, 2, 2))), "samples, tests"),
        (lambda: paired_tests([[1.0]], confidence=1.0), "confidence"),
        (lambda: unpaired_tests([[1.0, 2.0]], [[1.0]]), "columns"),
        (lambda: unpaired_tests([[1.0]], [[1.0]], n_resamples=0), "n_resamples"),
    ],
)
def test_bad_input_is_refused(call, message):
    with pytest.raises(MetricsInputError, match=message):
        call()


@pytest.mark.parametrize("n", [6, 40])
def test_draws_made_once_test_any_differences_exactly_as_paired_tests(n):
    rng = np.random.default_rng(n)
    draws = statistics.PairedDraws.draw(n, n_resamples=400, seed=5)
    assert draws.exact == (2**n <= 400) and draws.nbytes < 400 * n * 2 + 2**n * n
    for shift in (0.0, 0.5):
        d = rng.normal(shift, 1, (n, 3))
        reused = draws.test(d, confidence=0.9)
        once = paired_tests(d, confidence=0.9, n_resamples=400, seed=5)
        for field in ("estimate", "low", "high", "p_value"):
            np.testing.assert_array_equal(getattr(reused, field), getattr(once, field))
    # Without intervals the p-values are the same and the bounds are not computed.
    quick = draws.test(d, intervals=False)
    np.testing.assert_array_equal(quick.p_value, paired_tests(d, n_resamples=400, seed=5).p_value)
    assert np.isnan(quick.low).all() and np.isnan(quick.high).all()
    with pytest.raises(MetricsInputError, match="samples"):
        draws.test(np.zeros((n + 1, 2)))


@pytest.mark.parametrize("n", [7, 60])
def test_resampled_means_compare_any_two_columns_like_paired_tests_of_their_differences(n):
    rng = np.random.default_rng(n)
    values = rng.normal(0, 1, (n, 4)) + np.array([0.0, 0.8, 0.1, 0.0])
    values[:, 3] = values[:, 0]  # a model equal to the first on every sample
    values[0, 2] = np.nan  # one non-finite value: that column is not tested, the others are
    draws = statistics.PairedDraws.draw(n, n_resamples=300, seed=9)
    means = statistics.ResampledMeans.of(draws, values)
    first, second = [1, 2, 3, 0], [0, 0, 0, 1]
    compared = means.compare(first, second, confidence=0.9)
    direct = paired_tests(values[:, first] - values[:, second], confidence=0.9, n_resamples=300, seed=9)
    tested = [0, 2, 3]
    for field in ("estimate", "low", "high"):
        np.testing.assert_allclose(getattr(compared, field)[tested], getattr(direct, field)[tested], atol=1e-12)
    np.testing.assert_array_equal(compared.p_value[tested], direct.p_value[tested])
    assert np.isnan(compared.p_value[1]) and np.isnan(direct.p_value[1])
    # Identical columns: no difference, p = 1, a point interval at 0.
    assert compared.p_value[2] == 1.0 and abs(compared.low[2]) < 1e-12 and abs(compared.high[2]) < 1e-12
    assert np.isnan(means.compare(first, second, intervals=False).low).all()
