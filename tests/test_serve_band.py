"""The dyad page's baseline band and period ends, computed for all periods at once, against
their definition period by period."""
from datetime import date

import numpy as np

from eventdesk.serve.data import baseline_band, period_end, period_ends


def _band_one_by_one(mean, baseline):
    lo, hi = np.full(len(mean), np.nan), np.full(len(mean), np.nan)
    for t in range(len(mean)):
        past = mean[max(0, t - baseline):t]
        past = past[~np.isnan(past)]
        if len(past) >= 3:
            med = float(np.median(past))
            mad = 1.4826 * float(np.median(np.abs(past - med)))
            lo[t], hi[t] = med - 2 * mad, med + 2 * mad
    return lo, hi


def test_the_band_is_the_median_and_mad_of_the_known_periods_before_each():
    rng = np.random.default_rng(7)
    for n, gaps, baseline in ((0, 0, 12), (2, 0, 12), (40, 0.0, 12), (600, 0.3, 12),
                              (200, 0.8, 12), (90, 0.2, 5)):
        mean = rng.normal(0, 3, n).round(2)
        mean[rng.random(n) < gaps] = np.nan
        lo, hi = baseline_band(mean, baseline)
        want_lo, want_hi = _band_one_by_one(mean, baseline)
        np.testing.assert_array_equal(lo, want_lo)
        np.testing.assert_array_equal(hi, want_hi)


def test_period_ends_are_each_periods_last_day():
    starts = [date(2024, 1, 1), date(2024, 2, 1), date(2023, 12, 25), date(2024, 10, 1)]
    for by in ("day", "week", "month", "quarter", "year"):
        assert period_ends(starts, by) == [period_end(s, by) for s in starts]
    assert period_ends([date(2024, 2, 1)], "month") == [date(2024, 2, 29)]
    assert period_ends([], "week") == []


def _z_one_by_one(x, baseline):
    x = np.asarray(x, dtype=float)
    z = np.full(x.shape, np.nan)
    with np.errstate(all="ignore"):
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            for t in range(3, x.shape[-1]):
                past = x[..., max(0, t - baseline):t]
                med = np.nanmedian(past, axis=-1)
                mad = 1.4826 * np.nanmedian(np.abs(past - med[..., None]), axis=-1)
                enough = np.sum(~np.isnan(past), axis=-1) >= 3
                z[..., t] = np.where(enough & (mad > 1e-9), (x[..., t] - med) / mad, np.nan)
    return z


def test_trailing_robust_z_of_every_period_at_once_is_the_period_by_period_one():
    from eventdesk.analysis.common import trailing_robust_z

    rng = np.random.default_rng(11)
    for shape, gaps, baseline in (((3,), 0, 12), ((4,), 0, 12), ((50,), 0.2, 12),
                                  ((520,), 0.4, 12), ((30, 80), 0.5, 12), ((7, 40), 0.1, 4),
                                  ((5, 10), 0.0, 12)):
        x = rng.normal(0, 2, shape).round(1)
        x[rng.random(shape) < gaps] = np.nan
        x[..., 5:9] = 1.0 if shape[-1] > 9 else x[..., 5:9]    # a flat stretch: no spread
        np.testing.assert_array_equal(trailing_robust_z(x, baseline), _z_one_by_one(x, baseline))
