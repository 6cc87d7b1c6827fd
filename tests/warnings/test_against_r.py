"""Our detectors against the reference implementation, R's ``surveillance`` package (1.20.3).

Series come from the Noufaily design (``detection.simulation``) with outbreaks injected; each file
is judged by ``zhijian warnings detect-series`` and by ``tests/warnings/oracle.R`` (Rscript), and
the two alarm files are compared week by week. Stated tolerances:

* EARS C1/C2/C3: alarms identical (including NA), upper bounds equal to 1e-9 relative.
* Farrington (original, delta threshold): alarms identical; upper bounds within 1e-3 relative
  (measured: ≤ 1e-4). Our fit is the exact quasi-Poisson optimum; R's IRLS stops when the
  deviance changes by < 1e-8 relatively and reports the working weights of the step before, which
  is good to about 1e-4 in the coefficients.
* Farrington improved (NB plug-in): the bound is an integer quantile, so R's 1e-4 imprecision can
  move it by one where μ0 sits on a quantile's edge: bounds identical in ≥ 99 % of weeks and never
  more than 1 apart; alarms identical in ≥ 99.5 % of weeks.

Skipped, with a notice, when Rscript or the surveillance package is missing (CI installs both:
``apt-get install r-base-core r-cran-surveillance`` in .ci/run).
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.core.management import call_command

from zhijian.warnings.detection import simulation

ORACLE = Path(__file__).with_name("oracle.R")
RSCRIPT = shutil.which("Rscript")


@functools.cache
def _r_missing() -> str | None:
    if RSCRIPT is None:
        return "Rscript is not installed"
    probe = subprocess.run(
        [RSCRIPT, "-e", "suppressMessages(library(surveillance))"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return None if probe.returncode == 0 else "R package surveillance is not installed"


pytestmark = pytest.mark.skipif(
    _r_missing() is not None,
    reason=f"NOTICE: {_r_missing()}: the R oracle tests are SKIPPED "
    "(apt-get install r-base-core r-cran-surveillance; .ci/run does)",
)


def _write_series(path: Path, lengths: list[int], seed: int) -> None:
    rows = []
    rng = np.random.default_rng(seed)
    for i, length in enumerate(lengths):
        scenario = simulation.SCENARIOS[(seed * 7 + i * 5) % len(simulation.SCENARIOS)]
        counts, _ = simulation.simulate(scenario, 1, k=float(rng.integers(1, 8)), seed=seed * 100 + i)
        rows += [(f"s{i:02d}", week + 1, int(c)) for week, c in enumerate(counts[0][-length:])]
    frame = pd.DataFrame(rows, columns=["series", "week", "count"])
    frame.sample(frac=1.0, random_state=seed).to_csv(path, index=False)  # rows in any order


def _ours(tmp_path: Path, method: str, series: Path, *extra: str) -> pd.DataFrame:
    out = tmp_path / f"ours-{method}.csv"
    call_command(
        "warnings", "detect-series", "--method", method, "--input", str(series), "--output", str(out), *extra
    )
    return pd.read_csv(out)


def _r(tmp_path: Path, method: str, series: Path, b: int = 5) -> pd.DataFrame:
    out = tmp_path / f"r-{method}.csv"
    subprocess.run(
        [RSCRIPT, str(ORACLE), method, str(series), str(out), "", str(b)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return pd.read_csv(out)


def _joined(ours: pd.DataFrame, theirs: pd.DataFrame) -> pd.DataFrame:
    joined = theirs.merge(ours, on=["series", "week"], how="outer", suffixes=("_r", "_ours"), indicator=True)
    assert (joined["_merge"] == "both").all(), "both must judge exactly the same weeks"
    return joined


@pytest.mark.parametrize("method", ["ears-c1", "ears-c2", "ears-c3"])
def test_ears_alarms_equal_r(tmp_path, method):
    series = tmp_path / "series.csv"
    _write_series(series, [60, 90, 104, 130, 150] * 4, seed=1)
    joined = _joined(_ours(tmp_path, method, series), _r(tmp_path, method, series))
    assert len(joined) > 1500
    assert joined["alarm_r"].isna().equals(joined["alarm_ours"].isna())
    assert (joined["alarm_r"].fillna(-1) == joined["alarm_ours"].fillna(-1)).all()
    both = joined["upperbound_r"].notna()
    assert both.equals(joined["upperbound_ours"].notna())
    np.testing.assert_allclose(
        joined.loc[both, "upperbound_ours"], joined.loc[both, "upperbound_r"], rtol=1e-9
    )
    assert joined["alarm_r"].sum() > 0


def test_farrington_original_bounds_within_tolerance_of_r(tmp_path):
    series = tmp_path / "series.csv"
    _write_series(series, [260, 300, 300, 330, 360, 380], seed=2)
    joined = _joined(
        _ours(tmp_path, "farrington", series, "--years-back", "3"), _r(tmp_path, "farrington", series, b=3)
    )
    assert len(joined) > 700
    assert (joined["alarm_r"].fillna(-1) == joined["alarm_ours"].fillna(-1)).all()
    both = joined["upperbound_r"].notna()
    assert both.equals(joined["upperbound_ours"].notna())
    np.testing.assert_allclose(
        joined.loc[both, "upperbound_ours"], joined.loc[both, "upperbound_r"], rtol=1e-3
    )
    assert joined["alarm_r"].sum() > 0


@pytest.mark.parametrize("years_back", [3, 5])
def test_farrington_improved_bounds_within_tolerance_of_r(tmp_path, years_back):
    series = tmp_path / "series.csv"
    lengths = [260, 300, 330, 360, 380] if years_back == 3 else [300, 340, 400]
    _write_series(series, lengths, seed=3 + years_back)
    joined = _joined(
        _ours(tmp_path, "farrington-improved", series, "--years-back", str(years_back)),
        _r(tmp_path, "farrington-improved", series, b=years_back),
    )
    assert len(joined) > 200
    both = joined["upperbound_r"].notna()
    assert both.equals(joined["upperbound_ours"].notna())
    difference = (joined.loc[both, "upperbound_ours"] - joined.loc[both, "upperbound_r"]).abs()
    assert difference.max() <= 1
    assert (difference == 0).mean() >= 0.99
    assert (joined["alarm_r"].fillna(-1) == joined["alarm_ours"].fillna(-1)).mean() >= 0.995
    assert joined["alarm_r"].sum() > 0
