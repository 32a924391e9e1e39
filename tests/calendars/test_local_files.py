"""Schedule files that add local days off to the national schedule (放假办法 第四条).

The festivals and dates below are made up for the tests (a local government sets its own).
"""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import pytest

from calendars import CalendarDataMissing, ChinaCalendar, ScheduleFileError, load_schedule_file
from calendars.official import official_schedules

from .conftest import WriteSchedule, schedule_toml

LOCAL_SOURCE = "某自治州人民政府关于少数民族节日放假的规定（测试用，假设的安排）"


def write_local(
    tmp_path: Path,
    year: int,
    holidays: dict[str, list[str]],
    workdays: dict[str, list[str]] | None = None,
    name: str = "local.toml",
) -> Path:
    text = 'extends = "national"\n' + schedule_toml(year, LOCAL_SOURCE, holidays, workdays or {})
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_local_days_are_added_to_the_packaged_year(tmp_path: Path) -> None:
    """2025: a local festival on Thu 3-20 and Fri 3-21, worked back on Sat 3-22; the national
    days (春节 1-28…2-4, make-up Sun 1-26) stay as the 2025 notice has them."""
    path = write_local(tmp_path, 2025, {"地方节日": ["2025-03-20", "2025-03-21"]},
                       {"地方节日调休": ["2025-03-22"]})
    cal = ChinaCalendar(schedule_files=[path], language="zh")
    assert not cal.is_working_day(dt.date(2025, 3, 20))
    assert not cal.is_working_day(dt.date(2025, 3, 21))
    assert cal.is_working_day(dt.date(2025, 3, 22))
    assert cal.get_holiday_label(dt.date(2025, 3, 20)) == "地方节日"
    assert not cal.is_working_day(dt.date(2025, 1, 28))
    assert cal.is_working_day(dt.date(2025, 1, 26))
    national = ChinaCalendar(schedule_files=[])
    # Mon 3-17 + 5 working days: nationally Mon 3-24; locally 3-18, 3-19, Sat 3-22, 3-24, 3-25.
    assert national.add_working_days(dt.date(2025, 3, 17), 5) == dt.date(2025, 3, 24)
    assert cal.add_working_days(dt.date(2025, 3, 17), 5) == dt.date(2025, 3, 25)
    schedule = cal.schedule(2025)
    assert official_schedules()[2025].source in schedule.source and LOCAL_SOURCE in schedule.source
    assert 2025 in cal.official_years() and not cal.is_provisional(dt.date(2025, 3, 20))
    assert pickle.loads(pickle.dumps(cal)).add_working_days(dt.date(2025, 3, 17), 5) == dt.date(
        2025, 3, 25
    )


def test_a_local_day_off_on_a_national_make_up_day(tmp_path: Path) -> None:
    """Sat 2025-02-08 is worked nationally (2025 notice: 2月8日（周六）上班); a local day off on it
    wins."""
    path = write_local(tmp_path, 2025, {"地方节日": ["2025-02-08"]})
    cal = ChinaCalendar(schedule_files=[path])
    assert ChinaCalendar(schedule_files=[]).is_working_day(dt.date(2025, 2, 8))
    assert not cal.is_working_day(dt.date(2025, 2, 8))


def test_a_local_working_day_on_a_national_day_off_is_refused(tmp_path: Path) -> None:
    """A statutory day off of all citizens (第二条) cannot be worked locally: Sat 2025-02-01 is
    春节 in the 2025 notice (1月28日至2月4日放假调休)."""
    path = write_local(
        tmp_path, 2025, {"地方节日": ["2025-03-20"]}, {"地方节日调休": ["2025-02-01"]}
    )
    with pytest.raises(ScheduleFileError) as info:
        ChinaCalendar(schedule_files=[path])
    assert "2025-02-01" in str(info.value) and "national day off" in str(info.value)
    load_schedule_file(path)  # alone, without the national schedule, the file is sound


def test_local_days_on_a_provisional_year(tmp_path: Path) -> None:
    path = write_local(tmp_path, 2027, {"地方节日": ["2027-03-18"]})
    provisional = ChinaCalendar(schedule_files=[path], provisional=True)
    assert not provisional.is_working_day(dt.date(2027, 3, 18))
    assert not provisional.is_working_day(dt.date(2027, 2, 9))  # national 补假 kept
    assert provisional.is_provisional(dt.date(2027, 3, 18))
    assert provisional.schedule(2027).provisional
    strict = ChinaCalendar(schedule_files=[path])
    with pytest.raises(CalendarDataMissing, match="2027"):
        strict.is_working_day(dt.date(2027, 3, 18))


def test_a_local_file_conflicting_with_the_provisional_year_is_refused_at_construction(
    tmp_path: Path,
) -> None:
    """Local make-up working days on 春节 (Sat 2027-02-06) and 劳动节 (Sat 2027-05-01), days
    off of the provisional 2027: ChinaCalendar(provisional=True) refuses the file at once."""
    path = write_local(tmp_path, 2027, {"地方节日": ["2027-03-18"]},
                       {"地方调休": ["2027-02-06", "2027-05-01"]})
    with pytest.raises(ScheduleFileError) as info:
        ChinaCalendar(schedule_files=[path], provisional=True)
    assert info.value.path == path
    assert [p.date for p in info.value.problems] == ["2027-02-06", "2027-05-01"]
    assert "provisional national day off" in str(info.value)
    strict = ChinaCalendar(schedule_files=[path])  # strict: no national 2027 to conflict with
    with pytest.raises(CalendarDataMissing, match="2027"):
        strict.is_working_day(dt.date(2027, 3, 18))


def test_local_days_on_a_national_file(tmp_path: Path, write_schedule: WriteSchedule) -> None:
    national = write_schedule(2027, holidays={"春节": ["2027-02-05", "2027-02-08"]},
                              workdays={"春节调休": ["2027-02-20"]})
    local = write_local(
        tmp_path, 2027, {"地方节日": ["2027-03-18"]}, {"地方节日调休": ["2027-03-20"]}
    )
    cal = ChinaCalendar(schedule_files=[local, national])
    assert not cal.is_working_day(dt.date(2027, 2, 8))
    assert not cal.is_working_day(dt.date(2027, 3, 18))
    assert cal.is_working_day(dt.date(2027, 3, 20))
    assert cal.is_working_day(dt.date(2027, 2, 20))
    assert not cal.is_provisional(dt.date(2027, 3, 18))


def test_two_local_files_for_one_year(tmp_path: Path) -> None:
    first = write_local(tmp_path, 2025, {"地方节日": ["2025-03-20"]}, name="a.toml")
    second = write_local(tmp_path, 2025, {"地方节日": ["2025-03-21"]}, name="b.toml")
    with pytest.raises(ScheduleFileError, match="second local file for 2025"):
        ChinaCalendar(schedule_files=[first, second])


def test_extends_must_be_national(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('extends = "provincial"\n' + schedule_toml(2025, "x", {"a": ["2025-13-01"]}),
                    encoding="utf-8")
    with pytest.raises(ScheduleFileError) as info:
        load_schedule_file(path)
    assert len(info.value.problems) == 2
    assert "`extends` must be 'national'" in str(info.value) and "2025-13-01" in str(info.value)
