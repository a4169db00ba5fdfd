"""The `keras_work` port: work runs here until a runner is plugged in, then
goes to that runner with the experiment it is about; unplugging brings it back."""

import os

import pytest

from playground import keras_work
from playground.presets import PRESETS


@pytest.fixture(autouse=True)
def unplugged():
    keras_work.plug_runner(None)
    yield
    keras_work.plug_runner(None)


def test_without_a_runner_work_runs_in_this_process():
    assert keras_work.runs_in_process()
    assert keras_work.keras_work(os.getpid) == os.getpid()
    assert keras_work.keras_work(divmod, 7, 2) == (3, 1)


def test_a_plugged_runner_gets_the_function_its_arguments_and_the_experiment():
    exp = PRESETS["xor"].experiment
    calls = []

    def runner(function, *args, experiment=None, **kwargs):
        calls.append((function, args, kwargs, experiment))
        return function(*args, **kwargs) * 10

    keras_work.plug_runner(runner)
    assert not keras_work.runs_in_process()
    assert keras_work.keras_work(pow, 2, exp=3, experiment=exp) == 80
    assert calls == [(pow, (2,), {"exp": 3}, exp)]

    keras_work.plug_runner(None)
    assert keras_work.keras_work(pow, 2, exp=3) == 8 and len(calls) == 1


@pytest.mark.workers
def test_the_web_server_sends_keras_work_to_the_pools_task_worker():
    from playground import jobs

    jobs.keep_tensorflow_out()
    worker_pid = keras_work.keras_work(os.getpid)
    assert worker_pid != os.getpid()
    assert keras_work.keras_work(os.getpid) == worker_pid  # one warm task worker
    jobs.keep_tensorflow_out(False)
    assert keras_work.keras_work(os.getpid) == os.getpid()
