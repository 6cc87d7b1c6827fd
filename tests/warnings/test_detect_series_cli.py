"""``zhijian warnings detect-series``: the file contract, every week of every series, exit codes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from django.core.management import call_command

from zhijian.warnings.detection.runner import METHODS


def _series_file(path, lengths):
    rng = np.random.default_rng(5)
    rows = [(f"系列{i}", w + 1, int(rng.poisson(6))) for i, n in enumerate(lengths) for w in range(n)]
    frame = pd.DataFrame(rows, columns=["series", "week", "count"]).sample(frac=1.0, random_state=1)
    frame.to_csv(path, index=False)
    return frame


@pytest.mark.parametrize("method", METHODS)
def test_every_week_from_the_first_judged_to_each_series_end(tmp_path, method):
    lengths = [300, 270, 20]
    _series_file(tmp_path / "series.csv", lengths)
    out = tmp_path / "alarms.csv"
    call_command(
        "warnings",
        "detect-series",
        "--method",
        method,
        "--input",
        str(tmp_path / "series.csv"),
        "--output",
        str(out),
    )
    alarms = pd.read_csv(out, keep_default_na=False, na_values=[])
    assert list(alarms.columns) == ["series", "week", "alarm", "upperbound"]
    first = alarms.groupby("series")["week"].min()
    last = alarms.groupby("series")["week"].max()
    for i, n in enumerate(lengths):
        name = f"系列{i}"
        if name in last.index:
            assert last[name] == n
            weeks = alarms.loc[alarms["series"] == name, "week"]
            assert weeks.tolist() == list(range(first[name], n + 1))
    assert set(alarms["alarm"].astype(str)) <= {"0", "1", "NA"}


def test_first_week_option_outputs_na_where_history_is_too_short(tmp_path):
    _series_file(tmp_path / "series.csv", [30])
    out = tmp_path / "alarms.csv"
    call_command(
        "warnings",
        "detect-series",
        "--method",
        "ears-c1",
        "--input",
        str(tmp_path / "series.csv"),
        "--output",
        str(out),
        "--first-week",
        "1",
        "--workers",
        "1",
    )
    alarms = pd.read_csv(out, keep_default_na=False, na_values=[])
    assert alarms["week"].tolist() == list(range(1, 31))
    assert (alarms.loc[alarms["week"] <= 7, "alarm"].astype(str) == "NA").all()
    assert (alarms.loc[alarms["week"] > 7, "alarm"].astype(str) != "NA").all()


def test_each_week_is_judged_only_on_data_up_to_it(tmp_path):
    frame = _series_file(tmp_path / "series.csv", [320])
    call_command(
        "warnings",
        "detect-series",
        "--method",
        "farrington-improved",
        "--input",
        str(tmp_path / "series.csv"),
        "--output",
        str(tmp_path / "full.csv"),
    )
    frame[frame["week"] <= 290].to_csv(tmp_path / "cut.csv", index=False)
    call_command(
        "warnings",
        "detect-series",
        "--method",
        "farrington-improved",
        "--input",
        str(tmp_path / "cut.csv"),
        "--output",
        str(tmp_path / "cut-alarms.csv"),
    )
    full = pd.read_csv(tmp_path / "full.csv").set_index("week")
    cut = pd.read_csv(tmp_path / "cut-alarms.csv").set_index("week")
    pd.testing.assert_frame_equal(full.loc[cut.index], cut)


@pytest.mark.parametrize(
    "content",
    [
        "series,week\na,1\n",  # a column missing
        "series,week,count\na,1,3\na,3,4\n",  # a gap
        "series,week,count\na,1,3\na,1,4\n",  # the same week twice
        "series,week,count\na,1,-3\n",  # a negative count
    ],
)
def test_a_broken_file_exits_2_with_a_chinese_message(tmp_path, content, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "warnings",
            "detect-series",
            "--method",
            "ears-c1",
            "--input",
            str(path),
            "--output",
            str(tmp_path / "o.csv"),
        )
    assert exit_info.value.code == 2
    assert "无法读取序列文件" in capsys.readouterr().err
