"""The Streamlit page, run headlessly with AppTest."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[1] / "app.py"
WEEK = dt.date(2026, 2, 2)


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.session_state["week_start"] = WEEK
    return at.run()


def test_page_renders_the_sample_centre_without_exceptions(app: AppTest) -> None:
    assert not app.exception
    assert app.title[0].value == "vuoro: staffing requirements"
    labels = [metric.label for metric in app.metric]
    assert labels == [
        "chat: agent-hours (chat_concurrency)",
        "email: agent-hours (backlog_fifo)",
        "face_to_face: agent-hours (erlang_a)",
        "phone: agent-hours (erlang_a)",
    ]
    hours = [float(metric.value.replace(",", "")) for metric in app.metric]
    assert all(h > 0 for h in hours)
    assert hours[3] == max(hours)  # phone is the biggest channel


def test_choosing_an_interval_explains_its_requirement(app: AppTest) -> None:
    app.selectbox(key="channel").select("phone").run()
    app.selectbox(key="explain_day").select(WEEK).run()
    app.selectbox(key="explain_time").select("10:00").run()
    assert not app.exception
    inputs = app.dataframe[0].value
    values = dict(zip(inputs["input"], inputs["value"], strict=True))
    assert values["answer_within_seconds"] == "20"
    assert int(values["net_required"]) > 0
    assert "Erlang A" in app.markdown[0].value


def test_email_explanation_has_no_queue_curve(app: AppTest) -> None:
    app.selectbox(key="channel").select("email").run()
    assert not app.exception
    assert "first in, first out" in app.markdown[0].value
