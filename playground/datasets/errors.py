"""Why data cannot be used, as errors whose message is for the user.

Both are shown as they are, and the previous dataset stays: the messages
say what was received or is missing, what was expected and how to fix it.
"""


class DataUnavailable(Exception):
    """The experiment's data is not here: not downloaded, or not uploaded in
    this browser session. The message says what is missing and how to get it;
    the rest of the app keeps working."""


class CsvError(ValueError):
    """A CSV file, or a choice made about it, cannot be used.

    The message is a few plain sentences: what was received, what was
    expected and how to fix it. It is meant to be shown to the user as it is.
    """
