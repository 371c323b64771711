"""Uploaded files read with the loaders, errors naming the file as uploaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from forecasts.schema import load_history
from scheduler.agents import load_agents
from scheduler.config import load_centre
from scheduler.exceptions import InvalidInputError
from scheduler.uploads import read_upload

HEADER = "agent_id,name,contract,skills,site\n"


def test_an_uploaded_file_is_read_by_the_loader() -> None:
    centre = load_centre()
    data = (HEADER + "Z1,Ada,full_time,phone;chat,contact_centre\n").encode()
    agents = read_upload("my agents.csv", data, lambda p: load_agents(p, centre))
    assert agents.to_dict("records") == [
        {
            "agent_id": "Z1",
            "name": "Ada",
            "contract": "full_time",
            "skills": ("phone", "chat"),
            "site": "contact_centre",
        }
    ]


def test_an_error_names_the_uploaded_file_and_line_not_a_temporary_path() -> None:
    centre = load_centre()
    data = (
        HEADER
        + "Z1,Ada,full_time,phone,contact_centre\n"
        + "Z2,Bo,zero_hours,phone,contact_centre\n"
    ).encode()
    with pytest.raises(InvalidInputError) as caught:
        read_upload("agents.csv", data, lambda p: load_agents(p, centre))
    message = str(caught.value)
    assert message.startswith("agents.csv: line 3: contract 'zero_hours' of agent Z2")
    assert "vuoro-upload" not in message
    assert "/tmp" not in message


def test_forecasting_errors_come_back_as_input_errors() -> None:
    data = b"channel,interval_start,contacts\nphone,2026-01-05T08:00,-4\n"
    with pytest.raises(InvalidInputError, match=r"^history\.csv, line 2, column"):
        read_upload("history.csv", data, lambda p: load_history(p))


def test_only_the_last_part_of_an_uploaded_name_is_used() -> None:
    seen: list[str] = []

    def loader(path: Path) -> int:
        seen.append(path.name)
        return len(path.read_bytes())

    assert read_upload("../../etc/centre.toml", b"abc", loader) == 3
    assert seen == ["centre.toml"]
