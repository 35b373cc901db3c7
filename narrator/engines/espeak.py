"""The embedded Kazakh voice: libespeak-ng from the ``espeakng-loader`` wheel, via ctypes.

No system packages and no downloads: the wheel ships the library and its data
(including ``kk_dict``). Text is read with espeak-ng's phoneme input on
(``espeakPHONEMES``): ``[[...]]`` holds phoneme mnemonics (SSML ``<phoneme
alphabet="x-espeak">``); the normaliser never lets written text open one. libespeak-ng keeps global state, so there is one
initialisation per process and every call is serialised by a lock; parallelism comes
from worker processes, each of which initialises its own copy on first use.
"""

from __future__ import annotations

import ctypes
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from narrator.engines.base import AudioChunk, SynthesisParams, Voice
from narrator.errors import VoiceError

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_ESPEAK_CHARS_UTF8 = 1
_ESPEAK_PHONEMES = 0x100  # [[mnemonics]] in the text are phonemes
_ESPEAK_ENDPAUSE = 0x1000
_SYNTH_FLAGS = _ESPEAK_CHARS_UTF8 | _ESPEAK_PHONEMES | _ESPEAK_ENDPAUSE
_PHONEMES_IPA = 0x02  # espeak_TextToPhonemes: IPA (UTF-8) instead of ASCII mnemonics
# espeak_PARAMETER values
_RATE, _VOLUME, _PITCH = 1, 2, 3

_SYNTH_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class _EspeakLibrary:
    """The process-wide libespeak-ng handle; initialised once per process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._pid: int | None = None
        self._lib: ctypes.CDLL | None = None
        self.sample_rate = 0
        self._buffers: list[np.ndarray] = []
        # Kept as an attribute so the C library never calls a garbage-collected thunk.
        self._callback = _SYNTH_CALLBACK(self._on_samples)

    def _on_samples(self, wav: ctypes._Pointer, count: int, _events: int) -> int:
        if count > 0 and wav:
            self._buffers.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        return 0

    def ensure_initialised(self) -> ctypes.CDLL:
        """Load and initialise the library in this process (again after a fork)."""
        if self._lib is not None and self._pid == os.getpid():
            return self._lib
        try:
            import espeakng_loader
        except ImportError as exc:  # pragma: no cover - a core dependency
            raise VoiceError("the embedded voice needs the 'espeakng-loader' package") from exc
        try:
            lib = ctypes.CDLL(espeakng_loader.get_library_path())
        except OSError as exc:
            raise VoiceError(f"cannot load libespeak-ng: {exc}") from exc
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetSynthCallback.argtypes = [_SYNTH_CALLBACK]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        lib.espeak_Info.restype = ctypes.c_char_p
        lib.espeak_Info.argtypes = [ctypes.c_void_p]
        lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        lib.espeak_TextToPhonemes.argtypes = [
            ctypes.POINTER(ctypes.c_char_p),
            ctypes.c_int,
            ctypes.c_int,
        ]
        data_path = espeakng_loader.get_data_path().encode()
        rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path, 0)
        if rate <= 0:
            raise VoiceError(f"libespeak-ng failed to initialise with data at {data_path.decode()}")
        lib.espeak_SetSynthCallback(self._callback)
        self._lib, self._pid, self.sample_rate = lib, os.getpid(), rate
        return lib

    def version(self) -> str:
        lib = self.ensure_initialised()
        return (lib.espeak_Info(None) or b"").decode(errors="replace")

    def synthesize(self, text: str, voice_name: str, params: SynthesisParams) -> np.ndarray:
        """Synthesise ``text`` and return int16 samples. Callers hold :attr:`lock`."""
        lib = self.ensure_initialised()
        if lib.espeak_SetVoiceByName(voice_name.encode()) != 0:
            raise VoiceError(f"espeak-ng has no voice named {voice_name!r}")
        lib.espeak_SetParameter(_RATE, int(params.rate_wpm), 0)
        lib.espeak_SetParameter(_PITCH, int(params.pitch), 0)
        lib.espeak_SetParameter(_VOLUME, int(params.volume), 0)
        data = text.encode("utf-8") + b"\0"
        buf = ctypes.create_string_buffer(data, len(data))
        self._buffers = []
        status = lib.espeak_Synth(buf, len(data), 0, 0, 0, _SYNTH_FLAGS, None, None)
        if status != 0:
            raise VoiceError(f"espeak-ng failed to synthesise (status {status})")
        parts, self._buffers = self._buffers, []
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)

    def phonemes(self, text: str, voice_name: str) -> str:
        """The IPA phonemes of ``text`` in a voice's language. Callers hold :attr:`lock`;
        every synthesis sets its own voice, so switching here disturbs none."""
        lib = self.ensure_initialised()
        if lib.espeak_SetVoiceByName(voice_name.encode()) != 0:
            raise VoiceError(f"espeak-ng has no voice named {voice_name!r}")
        if "[[" in text:
            # Phoneme input is a setting of the last espeak_Synth call: an empty one sets it.
            empty = ctypes.create_string_buffer(b"\0", 1)
            lib.espeak_Synth(empty, 1, 0, 0, 0, _SYNTH_FLAGS, None, None)
            self._buffers = []
        buf = ctypes.c_char_p(text.encode("utf-8"))
        cursor = ctypes.pointer(buf)
        parts: list[str] = []
        # each call returns one clause and moves the cursor on; NULL at the end
        while cursor.contents.value:
            clause = lib.espeak_TextToPhonemes(cursor, _ESPEAK_CHARS_UTF8, _PHONEMES_IPA)
            if clause is None:
                break
            parts.append(clause.decode("utf-8", errors="replace"))
        return " ".join(parts)


_LIBRARY = _EspeakLibrary()

_PHONEME_INPUT = re.compile(r"\[\[(.*?)\]\]", re.S)
_LANGUAGE_SWITCH = re.compile(r"\([a-z-]+\)")


def mnemonics_to_ipa(text: str, voice_name: str) -> str:
    """``text`` with each ``[[mnemonics]]`` (espeak-ng phoneme input) given as
    ``[[IPA]]``, as espeak-ng's voice ``voice_name`` says them (for voices that take
    IPA phonemes, such as Piper's)."""

    def ipa(match: re.Match[str]) -> str:
        phonemes = phonemize(f"[[{match.group(1)}]]", voice_name)
        return f"[[{' '.join(_LANGUAGE_SWITCH.sub('', phonemes).split())}]]"

    return _PHONEME_INPUT.sub(ipa, text)


def phonemize(text: str, voice_name: str) -> str:
    """IPA phonemes of ``text`` as espeak-ng's voice ``voice_name`` says it (``en-us``
    gives English phonemes for the Latin-word reader of the normaliser)."""
    with _LIBRARY.lock:
        return _LIBRARY.phonemes(text, voice_name)


@dataclass
class EspeakVoice(Voice):
    """A voice of the embedded libespeak-ng (default: its Kazakh voice ``kk``)."""

    id: str = "kk-espeak"
    espeak_voice: str = "kk"
    """espeak-ng's own voice name."""
    engine: str = "espeak"

    @classmethod
    def load(cls, voice_id: str = "kk-espeak", espeak_voice: str = "kk") -> EspeakVoice:
        """Initialise the library in this process and check the voice exists."""
        voice = cls(id=voice_id, espeak_voice=espeak_voice)
        with _LIBRARY.lock:
            _LIBRARY.ensure_initialised()
        return voice

    @property
    def sample_rate(self) -> int:  # type: ignore[override]
        with _LIBRARY.lock:
            _LIBRARY.ensure_initialised()
        return _LIBRARY.sample_rate

    @property
    def model_version(self) -> str:
        with _LIBRARY.lock:
            return f"espeak-ng {_LIBRARY.version()} {self.espeak_voice}"

    def synthesize(self, text: str, params: SynthesisParams | None = None) -> Iterator[AudioChunk]:
        params = params or SynthesisParams()
        with _LIBRARY.lock:
            samples = _LIBRARY.synthesize(text, self.espeak_voice, params)
            rate = _LIBRARY.sample_rate
        yield AudioChunk((samples.astype(np.float32) / 32768.0), rate)
