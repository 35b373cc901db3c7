"""narrator: Kazakh news text to podcast-ready audio and a podcast feed.

The Python API (see the README): :func:`speak` reads a file, standard input, a folder
or a feed aloud into an audio file and returns the
:class:`~narrator.pipeline.Production`; :func:`normalize` turns written Kazakh into
the words a newsreader says. Errors are :class:`narrator.errors.NarratorError`
subclasses with one-line messages.
"""

from narrator.api import normalize, speak

__all__ = ["__version__", "normalize", "speak"]


def __getattr__(name: str) -> str:
    # The version is looked up when asked for: importlib.metadata costs every
    # command's start-up 30 ms.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("narrator")
        except PackageNotFoundError:  # running from a source tree without installation
            return "0.0.0"
    raise AttributeError(f"module 'narrator' has no attribute {name!r}")
