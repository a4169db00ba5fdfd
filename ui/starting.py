"""Starting a run from a page: the checks, the submission, the messages.

Train, Train again and Train more all start a run this way: a lesson's
limits are applied first, then the model is checked against its data and
the host's limits (`services.submit`), and whatever stops it is said at
the top of the page, with the fix.
"""

from __future__ import annotations

from playground.i18n import tr
from playground.jobs.executor import HostSettingError
from playground.model.shapes import StackError
from ui import lesson, live_polling, services, state, tutorial


def start(exp) -> bool:
    """Queues `exp` as this session's run; whether it was queued (else the
    reason is queued as a notice)."""
    refusal = lesson.training_refusal(exp)
    if refusal is not None:
        state.notify(refusal, "warning")
        return False
    try:
        state.set_job(services.submit(exp))  # checks the model against the data
        tutorial.note_run(state.job())  # the current tutorial step's run
        live_polling.await_first_epoch(state.job())  # drawn with the page's next run
        return True
    except StackError as error:
        state.notify(tr("Cannot train this model: {error}", error=error), "error")
    except HostSettingError as error:
        state.notify(tr("This server cannot train right now: one of its settings is "
                        "wrong, which its host must fix. {error}", error=error), "error")
    except services.AlreadyTraining as busy:
        state.notify(tr("This browser already has a run training or waiting: {run}. "
                        "Each browser trains one run at a time on this server; stop "
                        "that run first (on the Train page of the tab that started "
                        "it), or wait until it ends.", run=busy.job.id), "warning")
    return False
