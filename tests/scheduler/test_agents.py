"""agents.csv and availability.csv: the sample loads; bad rows are named."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scheduler.agents import load_agents, load_availability
from scheduler.config import Centre
from scheduler.exceptions import InvalidInputError

HEADER = "agent_id,name,contract,skills,site\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_sample_agents_have_the_realistic_skill_mix(sample_centre: Centre) -> None:
    agents = load_agents(None, sample_centre)
    assert len(agents) == 120
    assert agents["agent_id"].is_unique
    mixes = agents["skills"].map(lambda skills: ";".join(skills)).value_counts()
    for mix in ("phone", "phone;chat", "chat;email", "email", "face_to_face"):
        assert mixes[mix] >= 5, mix
    branch = agents[agents["skills"].map(lambda s: "face_to_face" in s)]
    assert set(branch["site"]) == {"helsinki_branch"}
    contracts = agents["contract"].value_counts()
    assert contracts["full_time"] > contracts["part_time_30"] > 0
    assert contracts["part_time_20"] > 0


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        # The contract must exist in centre.toml.
        (
            "A2,Eeva,zero_hours,phone,contact_centre",
            "contract 'zero_hours' of agent A2",
        ),
        # A skill must be a configured channel.
        ("A2,Eeva,full_time,phone;fax,contact_centre", "skill 'fax' of agent A2"),
        # Face-to-face is served only at the branch.
        (
            "A2,Eeva,full_time,face_to_face,contact_centre",
            "served only at site 'helsinki_branch'",
        ),
        # Ids are unique.
        ("A1,Eeva,full_time,phone,contact_centre", "already used on line 2"),
        # Everyone has at least one skill.
        ("A2,Eeva,full_time,,contact_centre", "has no skills"),
        # Sites are the centre's.
        ("A2,Eeva,full_time,phone,tampere", "site 'tampere' of agent A2"),
    ],
)
def test_bad_agent_row_is_named_by_file_and_line(
    tmp_path: Path, sample_centre: Centre, row: str, fragment: str
) -> None:
    path = write(
        tmp_path,
        "agents.csv",
        HEADER + "A1,Aino,full_time,phone,contact_centre\n" + row,
    )
    with pytest.raises(InvalidInputError) as caught:
        load_agents(path, sample_centre)
    assert str(caught.value).startswith(f"{path}: line 3: ")
    assert fragment in str(caught.value)


def test_missing_column_lists_the_expected_header(
    tmp_path: Path, sample_centre: Centre
) -> None:
    path = write(tmp_path, "agents.csv", "agent_id,name\nA1,Aino\n")
    with pytest.raises(InvalidInputError, match="missing column"):
        load_agents(path, sample_centre)


def test_availability_rows_become_dates_and_minutes(
    tmp_path: Path, sample_centre: Centre
) -> None:
    agents = load_agents(None, sample_centre)
    path = write(
        tmp_path,
        "availability.csv",
        "agent_id,date,from,to,kind\n"
        "A001,2026-01-05,,,leave\n"
        "A002,2026-01-06,16:00,24:00,prefer_off\n",
    )
    rows = load_availability(path, agents)
    assert rows["date"].tolist() == [dt.date(2026, 1, 5), dt.date(2026, 1, 6)]
    assert rows["from"].tolist() == [0, 960]
    assert rows["to"].tolist() == [1440, 1440]
    assert rows["kind"].tolist() == ["leave", "prefer_off"]


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ("A999,2026-01-05,,,leave", "agent_id 'A999' is not in agents.csv"),
        ("A001,2026-01-05,,,holiday", "kind 'holiday' is not one of"),
        ("A001,05.01.2026,,,leave", "is not an ISO date"),
        ("A001,2026-01-05,18:00,08:00,unavailable", "is not after 'from'"),
        ("A001,2026-01-05,8am,12:00,unavailable", "from '8am' is not a time of day"),
    ],
)
def test_bad_availability_row_is_named(
    tmp_path: Path, sample_centre: Centre, row: str, fragment: str
) -> None:
    agents = load_agents(None, sample_centre)
    path = write(tmp_path, "availability.csv", "agent_id,date,from,to,kind\n" + row)
    with pytest.raises(InvalidInputError, match=f"{path}: line 2: ") as caught:
        load_availability(path, agents)
    assert fragment in str(caught.value)
