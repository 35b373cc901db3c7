"""narrator: Kazakh news text to podcast-ready audio and a podcast feed.

The Python API (see the README): :func:`speak` reads a file, standard input, a folder
or a feed aloud into an audio file and returns the
:class:`~narrator.pipeline.Production`; :func:`normalize` turns written Kazakh into
the words a newsreader says. Errors are :class:`narrator.errors.NarratorError`
subclasses with one-line messages.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("narrator")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

from narrator.api import normalize, speak

__all__ = ["__version__", "normalize", "speak"]
