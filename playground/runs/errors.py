"""What can go wrong with a run store, as exceptions with one plain sentence.

The app catches `StoreUnavailable`, keeps working without saving and says
so once; `RunNotFound` is a link or an id that leads nowhere. Their messages
are translated when read (`playground.i18n.tr_lazy`): a store opened once
serves every browser session, and the command line writes `--json` in English.
"""

from playground.i18n import tr


class StoreUnavailable(Exception):
    """The run store cannot be used: missing and not creatable, read-only,
    locked beyond the timeout, damaged, or written by a newer version."""


class RunNotFound(LookupError):
    """No run has this id, the id is not a run id, or its data is unreadable."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else tr("No such run.")
