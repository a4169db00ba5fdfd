"""The error raised when an experiment's data cannot be had right now."""


class DataUnavailable(Exception):
    """The experiment's data is not here: not downloaded, or not uploaded in
    this browser session. The message says what is missing and how to get it;
    the rest of the app keeps working."""
