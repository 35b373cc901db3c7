"""Errors a user can act on: the CLI prints them as one line, without a traceback.

Every class carries the process exit code the CLI ends with (documented in the
README): 1 a check found problems, 2 bad input, 3 voice, 4 output, 64 usage,
70 an unexpected internal error, 75 another run holds the lock.
"""

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
"""``narrator check`` or ``normalize --check`` found something outside the targets."""
EXIT_USAGE = 64
"""A bad command line (EX_USAGE of sysexits.h)."""
EXIT_INTERNAL = 70
"""An unexpected error: a bug in narrator (EX_SOFTWARE of sysexits.h)."""
EXIT_INTERRUPTED = 130
"""Stopped by Ctrl-C (128 + SIGINT)."""


class NarratorError(Exception):
    """A problem with the user's input, configuration or environment.

    The message is complete on its own (it names the file or thing at fault), so the
    CLI prints it as ``error: <message>`` and exits with :attr:`exit_code`.
    """

    exit_code = 1


class InputError(NarratorError):
    """Bad, missing, empty, undecodable or oversized input text (or station file)."""

    exit_code = 2


class VoiceError(NarratorError):
    """An unknown, missing or broken voice, or an engine that is not installed."""

    exit_code = 3


class OutputError(NarratorError):
    """An output that cannot be written."""

    exit_code = 4


class StdoutError(OutputError):
    """Standard output cannot be written (a full disk, a closed pipe)."""


class UsageError(NarratorError):
    """Options that do not go together, or a value an option does not take."""

    exit_code = EXIT_USAGE
