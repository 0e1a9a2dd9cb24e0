"""The one exception family of eventdesk.

The CLI turns an :class:`EventDeskError` into one line on stderr: exit code 2 for bad input or
usage (:class:`InputError`, :class:`UsageError`), 1 for everything else.
"""


class EventDeskError(Exception):
    """Base class of every error eventdesk raises on purpose."""

    exit_code = 1


class InputError(EventDeskError):
    """A file, record or value that cannot be read. ``location`` names the file (and line)."""

    exit_code = 2

    def __init__(self, message: str, location: str | None = None):
        self.location = location
        super().__init__(f"{printable(location)}: {message}" if location else message)


def printable(name: object) -> str:
    """A file name as one line of a message: a newline, tab or other control character is
    escaped as ``repr`` does (``a\\nb``), and a byte that was not UTF-8 in the name (held as
    a surrogate by Python) as ``\\udcXX``, so that no name can split or forge a line."""
    text = str(name)
    return text if text.isprintable() else repr(text)[1:-1]


class UsageError(EventDeskError):
    exit_code = 2


class DataError(EventDeskError):
    """A packaged data file (lexicon, actor list, code table) is malformed or inconsistent."""


class ModelNotInstalled(EventDeskError):
    """The spaCy pipeline is missing."""


class StoreError(EventDeskError):
    """The event store cannot be opened or written."""

    exit_code = 2


class InputWarning(InputError):
    """A problem that did not stop a record from being read (e.g. a non-UTF-8 encoding)."""
