"""Piper voices (``piper-tts``): an ONNX VITS model plus its ``.onnx.json`` config.

Piper phonemises with its own espeak-ng (Kazakh voices use espeak voice ``kk``), maps
phonemes to ids with the voice's ``phoneme_id_map`` and runs the model once per
sentence. narrator changes three things about Piper's defaults:

* the speaking rate comes from ``rate_wpm`` through ``length_scale`` (160 wpm is the
  voice's own pace: 200 wpm gives ``length_scale`` 0.8 times the voice's);
* Piper's per-sentence peak normalisation is off (``normalize_audio=False``): it would
  make every sentence equally loud, and the programme is mastered once at the end;
* phonemes the voice has no id for are reported once per voice (one warning listing
  them) instead of Piper's warning at every occurrence;
* ``[[...]]`` in the text holds espeak-ng phoneme mnemonics (SSML ``<phoneme
  alphabet="x-espeak">``), as for the espeak-ng voice; Piper's own ``[[...]]`` takes
  IPA, so narrator's espeak-ng translates them first, in the voice's espeak language.

Pitch has no Piper equivalent and is ignored. ``piper-tts`` is imported only when a
Piper voice is loaded.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from narrator.config import show_value
from narrator.engines.base import AudioChunk, SynthesisParams, Voice
from narrator.engines.catalogue import file_sha256, first_line
from narrator.errors import VoiceError

log = logging.getLogger(__name__)

BASE_RATE_WPM = 160
"""The speaking rate at which a Piper voice runs at its own ``length_scale``."""

INSTALL_HINT = "pip install 'narrator[piper]'"
_RAW_PHONEMES = re.compile(r"\[\[.*?\]\]", re.S)


def _import_piper() -> tuple[Any, Any]:
    try:
        from piper import PiperVoice as Piper
        from piper import SynthesisConfig
    except ImportError as exc:
        raise VoiceError(
            f"Piper voices need the piper-tts package ({exc}); install it with: {INSTALL_HINT}"
        ) from exc
    import onnxruntime

    # narrator reports missing phonemes once per voice (see PiperVoice._report_missing);
    # Piper's own logger would repeat the warning for every occurrence.
    logging.getLogger("piper.phoneme_ids").setLevel(logging.ERROR)
    # Model failures reach narrator as exceptions (and may fall back to another voice);
    # onnxruntime would also print each one to stderr.
    onnxruntime.set_default_logger_severity(4)
    return Piper, SynthesisConfig


class _Part(BaseModel):
    # Piper's configs carry many more keys than narrator reads; those pass unchecked.
    model_config = ConfigDict(extra="allow", strict=True)


class PiperAudio(_Part):
    sample_rate: int = Field(ge=8000, le=96_000)
    quality: str | None = None


class PiperEspeak(_Part):
    voice: str = Field(min_length=1)


class PiperLanguage(_Part):
    code: str | None = None
    family: str | None = None


class PiperInference(_Part):
    noise_scale: float = Field(default=0.667, ge=0, le=10, allow_inf_nan=False)
    length_scale: float = Field(default=1.0, gt=0, le=10, allow_inf_nan=False)
    noise_w: float = Field(default=0.8, ge=0, le=10, allow_inf_nan=False)


class PiperConfig(_Part):
    """The parts of a Piper ``.onnx.json`` narrator and Piper rely on, typed."""

    audio: PiperAudio
    espeak: PiperEspeak | None = None
    language: PiperLanguage | None = None
    inference: PiperInference = PiperInference()
    phoneme_type: str = "espeak"
    phoneme_id_map: dict[str, list[Annotated[int, Field(ge=0)]]]
    num_symbols: int = Field(default=256, ge=1)
    num_speakers: int = Field(default=1, ge=1, le=100_000)
    speaker_id_map: dict[str, Annotated[int, Field(ge=0)]] = {}


MAX_CONFIG_BYTES = 16 << 20


def read_piper_config(path: Path) -> PiperConfig:
    """Read and check a Piper ``.onnx.json``; a one-line :class:`VoiceError` if it is bad."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
        if len(raw) > MAX_CONFIG_BYTES:
            raise VoiceError(f"{path}: too large for a Piper voice config")
        data = json.loads(raw)
    except OSError as exc:
        raise VoiceError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (ValueError, RecursionError) as exc:
        raise VoiceError(f"{path} is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise VoiceError(f"{path} is not a JSON object")
    try:
        return PiperConfig.model_validate(data)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in error["loc"]) or "the file"
        value = error.get("input")
        shown = f" = {show_value(value)}" if error["type"] != "missing" else ""
        raise VoiceError(f"{path}: {where}{shown}: {error['msg']}") from None


def length_scale_for(rate_wpm: int, voice_length_scale: float) -> float:
    """Piper's ``length_scale`` for a speaking rate (higher rate, shorter phonemes)."""
    if rate_wpm <= 0:
        raise VoiceError(f"speaking rate must be positive, not {rate_wpm} wpm")
    return voice_length_scale * BASE_RATE_WPM / rate_wpm


@dataclass
class PiperVoice(Voice):
    """A loaded Piper voice."""

    id: str
    """narrator's id for the voice."""
    model_path: Path
    """The ``.onnx`` model."""
    config_path: Path
    """The ``.onnx.json`` config (``model_path`` + ``.json`` by default)."""
    piper: Any = field(repr=False)
    """The ``piper.PiperVoice`` doing the work."""
    speaker: str | None = None
    """Default speaker (name from ``speaker_id_map`` or index) when params name none."""
    engine: str = "piper"
    _missing_reported: set[str] = field(default_factory=set, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def load(
        cls,
        voice_id: str,
        model_path: Path,
        config_path: Path | None = None,
        *,
        speaker: str | None = None,
        gpu: bool = False,
        threads: int | None = None,
    ) -> PiperVoice:
        """Load ``model_path`` (and its config) into an onnxruntime session.

        ``gpu`` uses onnxruntime's CUDA provider when it is present (the
        ``onnxruntime-gpu`` package); otherwise the voice runs on the CPU with a warning.
        ``threads`` caps onnxruntime's intra-op threads (None: one per core).
        """
        piper_cls, _ = _import_piper()
        model_path = Path(model_path)
        config_path = Path(config_path) if config_path else Path(f"{model_path}.json")
        for path in (model_path, config_path):
            if not path.is_file():
                raise VoiceError(f"Piper voice {voice_id!r}: {path} does not exist")
        read_piper_config(config_path)  # a bad value is one line here, not deep in Piper
        use_cuda = gpu and _cuda_available(voice_id)
        try:
            piper = _load_piper(piper_cls, model_path, config_path, use_cuda, threads)
        except Exception as exc:  # onnxruntime and JSON errors have no common base
            raise VoiceError(
                f"Piper voice {voice_id!r} does not load from {model_path}: {first_line(exc)}"
            ) from exc
        voice = cls(voice_id, model_path, config_path, piper, speaker)
        if speaker is not None:
            voice.speaker_id(speaker)  # an unknown default speaker fails at load time
        return voice

    @property
    def sample_rate(self) -> int:  # type: ignore[override]
        return int(self.piper.config.sample_rate)

    @cached_property
    def model_version(self) -> str:  # type: ignore[override]
        """``piper:`` and the first 16 hex digits of the model's SHA-256."""
        return f"piper:{file_sha256(self.model_path)[:16]}"

    @property
    def speakers(self) -> dict[str, int]:
        """Speaker names and ids of a multi-speaker voice (empty for a single speaker)."""
        config = self.piper.config
        if config.num_speakers <= 1:
            return {}
        return dict(config.speaker_id_map) or {str(i): i for i in range(config.num_speakers)}

    def speaker_id(self, speaker: str | int | None) -> int | None:
        """The model's speaker id for a speaker name or index (None: the default)."""
        if speaker is None or self.piper.config.num_speakers <= 1:
            return None
        names = self.piper.config.speaker_id_map
        if str(speaker) in names:
            return int(names[str(speaker)])
        if str(speaker).isdigit() and int(speaker) < self.piper.config.num_speakers:
            return int(speaker)
        known = ", ".join(self.speakers) or "none"
        raise VoiceError(f"voice {self.id!r} has no speaker {speaker!r} (speakers: {known})")

    def synthesis_config(self, params: SynthesisParams) -> Any:
        """Piper's ``SynthesisConfig`` for narrator's synthesis parameters."""
        _, synthesis_config = _import_piper()
        config = self.piper.config
        extra = params.extra
        return synthesis_config(
            speaker_id=self.speaker_id(params.speaker or self.speaker),
            length_scale=length_scale_for(params.rate_wpm, config.length_scale),
            noise_scale=float(extra.get("noise_scale", config.noise_scale)),
            noise_w_scale=float(extra.get("noise_w", config.noise_w_scale)),
            normalize_audio=False,
            volume=params.volume / 100,
        )

    def piper_text(self, text: str) -> str:
        """``text`` as Piper takes it: ``[[mnemonics]]`` become ``[[IPA]]`` (decomposed,
        as Piper decomposes the phonemes it makes itself)."""
        if "[[" not in text:
            return text
        from narrator.engines.espeak import mnemonics_to_ipa

        converted = mnemonics_to_ipa(text, self.piper.config.espeak_voice)
        return _RAW_PHONEMES.sub(lambda m: unicodedata.normalize("NFD", m.group()), converted)

    def synthesize(self, text: str, params: SynthesisParams | None = None) -> Iterator[AudioChunk]:
        """One chunk per sentence Piper finds in ``text``."""
        params = params or SynthesisParams()
        syn_config = self.synthesis_config(params)
        text = self.piper_text(text)
        self._report_missing(text)
        try:
            for chunk in self.piper.synthesize(text, syn_config):
                samples = chunk.audio_float_array.astype(np.float32, copy=False)
                yield AudioChunk(samples, self.sample_rate)
        except Exception as exc:  # onnxruntime errors have no common base class
            raise VoiceError(
                f"voice {self.id!r} failed on {text[:40]!r}: {first_line(exc)}"
            ) from exc

    def _report_missing(self, text: str) -> None:
        """Warn (once per phoneme and voice) about phonemes the voice has no id for."""
        id_map = self.piper.config.phoneme_id_map
        found = {p for sentence in self.piper.phonemize(text) for p in sentence}
        with self._lock:
            missing = sorted(p for p in found - self._missing_reported if p not in id_map)
            self._missing_reported.update(missing)
        if missing:
            shown = " ".join(f"/{p}/" for p in missing)
            log.warning(
                "voice %s cannot say the phonemes %s (skipped; first seen in %r)",
                self.id,
                shown,
                text[:60],
            )


def _load_piper(
    piper_cls: Any, model_path: Path, config_path: Path, use_cuda: bool, threads: int | None
) -> Any:
    """Piper's voice, as ``PiperVoice.load`` makes it, on a session of narrator's options.

    Its intra-op threads sleep when they run out of work instead of spinning: pass 2
    (the limiter, LAME) runs on the same cores while the voice speaks, and spinning
    threads would take that time from it for nothing. ``threads`` caps the intra-op
    threads (None: one per core).
    """
    import onnxruntime
    from piper.config import PiperConfig

    options = onnxruntime.SessionOptions()
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    if threads is not None:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
    providers: list[Any] = (
        [("CUDAExecutionProvider", {"cudnn_conv_algo_search": "HEURISTIC"})]
        if use_cuda
        else ["CPUExecutionProvider"]
    )
    config = json.loads(config_path.read_text("utf-8"))
    session = onnxruntime.InferenceSession(
        str(model_path), sess_options=options, providers=providers
    )
    return piper_cls(config=PiperConfig.from_dict(config), session=session)


def _cuda_available(voice_id: str) -> bool:
    import onnxruntime

    if "CUDAExecutionProvider" in onnxruntime.get_available_providers():
        return True
    log.warning("voice %s: no CUDA for onnxruntime here (onnxruntime-gpu); using the CPU", voice_id)
    return False
