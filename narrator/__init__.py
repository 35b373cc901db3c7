"""narrator: Kazakh news text to podcast-ready audio and a podcast feed."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("narrator")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"


def normalize(text: str, *, register: str = "news") -> str:
    """Turn written Kazakh news text into the words a newsreader says."""
    from narrator.text.normalize import normalize as _normalize

    return _normalize(text, register=register)


__all__ = ["__version__", "normalize"]
