"""How long a queued run waits, told from the running runs' pace."""

import pytest

from playground.jobs.queue_wait import estimated_wait


def test_the_first_in_line_waits_for_the_running_run_to_finish():
    # 40 epochs left at 0.5 s each: free in 20 s.
    assert estimated_wait([(40, 0.5)], [], workers=1) == pytest.approx(20)


def test_runs_ahead_go_at_the_running_runs_pace():
    # 20 s left, then a 100-epoch run at 0.5 s: 70 s.
    assert estimated_wait([(40, 0.5)], [100], workers=1) == pytest.approx(70)


def test_two_workers_take_the_runs_ahead_as_each_comes_free():
    # Free at 10 s and 30 s; the run ahead (20 s) goes to the first: 30 s.
    assert estimated_wait([(10, 1.0), (30, 1.0)], [20], workers=2) == pytest.approx(30)
    # An idle worker takes the run ahead at once, and ours next at 0 s.
    assert estimated_wait([(10, 1.0)], [], workers=2) == 0


def test_nothing_is_told_before_a_running_run_has_finished_an_epoch():
    assert estimated_wait([(40, None)], [5], workers=1) is None
