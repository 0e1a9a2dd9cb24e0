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
