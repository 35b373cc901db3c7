"""Errors a user can act on: the CLI prints them as one line, without a traceback."""


class NarratorError(Exception):
    """A problem with the user's input, configuration or environment.

    The message is complete on its own (it names the file or thing at fault), so the
    CLI prints it as ``error: <message>`` and exits with :attr:`exit_code`.
    """

    exit_code = 1


class InputError(NarratorError):
    """Bad, missing, empty or undecodable input text."""

    exit_code = 2


class VoiceError(NarratorError):
    """An unknown, missing or broken voice, or an engine that is not installed."""

    exit_code = 3


class OutputError(NarratorError):
    """An output that cannot be written."""

    exit_code = 4
