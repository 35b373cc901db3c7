"""Tiny but real voice models, built by the tests (no model can be downloaded here).

Piper: an ONNX graph with Piper's inputs (``input``, ``input_lengths``, ``scales`` and,
for several speakers, ``sid``) that looks up a short tone for every phoneme id and
repeats it ``round(4 * length_scale)`` times, so the speaking rate really changes the
duration. A multi-speaker voice scales the audio by a per-speaker gain. It loads
through ``piper.PiperVoice.load`` like any voice from the internet.

Coqui: a VITS with random weights and the Kazakh Cyrillic alphabet as characters, and
an MMS-layout folder (``fairseq`` in its path, ``G_100000.pth`` with fairseq's
parameter names, ``config.json``, ``vocab.txt``). These need torch and ``TTS``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

SAMPLE_RATE = 22050
FRAME = 256
"""Samples of tone per phoneme id and repeat."""
REPEATS = 4
"""Repeats of each frame at length_scale 1."""
NUM_SYMBOLS = 256
AMPLITUDE = 0.25
"""Peak of the tones: well below 1, so that peak normalisation would show."""

KAZAKH_ALPHABET = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"


def default_phoneme_id_map() -> dict[str, list[int]]:
    """Piper's default phoneme id map (the one its espeak voices use)."""
    from piper.phoneme_ids import DEFAULT_PHONEME_ID_MAP

    return {k: list(v) for k, v in DEFAULT_PHONEME_ID_MAP.items()}


def build_piper_voice(
    folder: Path,
    name: str = "kk_KZ-tiny-low",
    *,
    speakers: list[str] | None = None,
    phoneme_id_map: dict[str, list[int]] | None = None,
    sample_rate: int = SAMPLE_RATE,
) -> Path:
    """Write ``folder/NAME.onnx`` and ``NAME.onnx.json``; return the ``.onnx`` path.

    ``speakers`` makes a multi-speaker voice (speaker k's gain is ``(k + 1) / n``).
    ``phoneme_id_map`` replaces Piper's default map: drop a phoneme to make a voice that
    cannot say it, or map one to an id >= 256 to make a voice whose model fails (an
    out-of-range Gather) on any sentence containing it.
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    folder.mkdir(parents=True, exist_ok=True)
    t = np.arange(FRAME) / sample_rate
    freqs = 110.0 + 7.0 * np.arange(NUM_SYMBOLS)
    table = (AMPLITUDE * np.sin(2 * np.pi * freqs[:, None] * t[None, :])).astype(np.float32)
    table[0] = 0.0  # the pad id between phonemes is silence

    def const(name: str, value: np.ndarray) -> onnx.TensorProto:
        return numpy_helper.from_array(value, name)

    initializers = [
        const("table", table),
        const("axis0", np.array([0], dtype=np.int64)),
        const("axis1", np.array([1], dtype=np.int64)),
        const("one_idx", np.array(1, dtype=np.int64)),
        const("per_scale", np.array(float(REPEATS), dtype=np.float32)),
        const("min_reps", np.array(1.0, dtype=np.float32)),
        const("frame_len", np.array([FRAME], dtype=np.int64)),
        const("out_shape", np.array([1, 1, -1], dtype=np.int64)),
    ]
    nodes = [
        helper.make_node("Squeeze", ["input", "axis0"], ["ids"]),
        helper.make_node("Gather", ["table", "ids"], ["frames"], axis=0),
        helper.make_node("Gather", ["scales", "one_idx"], ["length_scale"], axis=0),
        helper.make_node("Mul", ["length_scale", "per_scale"], ["reps_raw"]),
        helper.make_node("Round", ["reps_raw"], ["reps_round"]),
        helper.make_node("Max", ["reps_round", "min_reps"], ["reps_f"]),
        helper.make_node("Cast", ["reps_f"], ["reps"], to=TensorProto.INT64),
        helper.make_node("Unsqueeze", ["reps", "axis0"], ["reps_1d"]),
        helper.make_node("Shape", ["ids"], ["count_1d"]),
        helper.make_node("Concat", ["count_1d", "reps_1d", "frame_len"], ["shape3"], axis=0),
        helper.make_node("Unsqueeze", ["frames", "axis1"], ["frames3"]),
        helper.make_node("Expand", ["frames3", "shape3"], ["repeated"]),
    ]
    inputs = [
        helper.make_tensor_value_info("input", TensorProto.INT64, [1, "phonemes"]),
        helper.make_tensor_value_info("input_lengths", TensorProto.INT64, [1]),
        helper.make_tensor_value_info("scales", TensorProto.FLOAT, [3]),
    ]
    if speakers:
        gains = (np.arange(1, len(speakers) + 1) / len(speakers)).astype(np.float32)
        initializers.append(const("gains", gains))
        inputs.append(helper.make_tensor_value_info("sid", TensorProto.INT64, [1]))
        nodes += [
            helper.make_node("Reshape", ["repeated", "out_shape"], ["audio"]),
            helper.make_node("Gather", ["gains", "sid"], ["gain"], axis=0),
            helper.make_node("Mul", ["audio", "gain"], ["output"]),
        ]
    else:
        nodes.append(helper.make_node("Reshape", ["repeated", "out_shape"], ["output"]))
    # input_lengths is part of Piper's interface; the graph does not need it.
    nodes.append(helper.make_node("Identity", ["input_lengths"], ["lengths_unused"]))
    outputs = [
        helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1, "samples"]),
        helper.make_tensor_value_info("lengths_unused", TensorProto.INT64, [1]),
    ]
    graph = helper.make_graph(nodes, "tiny_piper", inputs, outputs, initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    model_path = folder / f"{name}.onnx"
    onnx.save(model, model_path)

    write_piper_config(model_path, speakers, phoneme_id_map, sample_rate)
    return model_path


def write_piper_config(
    model_path: Path,
    speakers: list[str] | None = None,
    phoneme_id_map: dict[str, list[int]] | None = None,
    sample_rate: int = SAMPLE_RATE,
) -> Path:
    """Write ``MODEL.onnx.json`` as Piper's Kazakh voices have it (espeak voice ``kk``)."""
    config = {
        "audio": {"sample_rate": sample_rate, "quality": "low"},
        "espeak": {"voice": "kk"},
        "language": {"code": "kk_KZ", "family": "kk", "region": "KZ"},
        "inference": {"noise_scale": 0.667, "length_scale": 1.0, "noise_w": 0.8},
        "phoneme_type": "espeak",
        "phoneme_id_map": phoneme_id_map or default_phoneme_id_map(),
        "num_symbols": NUM_SYMBOLS,
        "num_speakers": len(speakers) if speakers else 1,
        "speaker_id_map": {s: i for i, s in enumerate(speakers)} if speakers else {},
        "piper_version": "1.0.0",
        "dataset": "narrator-test",
    }
    path = Path(f"{model_path}.json")
    path.write_text(json.dumps(config, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def tiny_vits_config(output_path: str) -> object:
    """A very small VitsConfig: Kazakh Cyrillic characters, no phonemes."""
    from TTS.config.shared_configs import BaseAudioConfig
    from TTS.tts.configs.shared_configs import CharactersConfig
    from TTS.tts.configs.vits_config import VitsArgs, VitsConfig

    args = VitsArgs(
        hidden_channels=32,
        hidden_channels_ffn_text_encoder=64,
        num_heads_text_encoder=2,
        num_layers_text_encoder=2,
        out_channels=257,
        num_layers_posterior_encoder=2,
        num_layers_flow=2,
        resblock_type_decoder="2",
        resblock_kernel_sizes_decoder=[3],
        resblock_dilation_sizes_decoder=[[1, 3]],
        upsample_rates_decoder=[8, 8, 4],
        upsample_initial_channel_decoder=32,
        upsample_kernel_sizes_decoder=[16, 16, 8],
        init_discriminator=False,  # only needed for training
    )
    characters = CharactersConfig(
        characters_class="TTS.tts.models.vits.VitsCharacters",
        pad="_",
        eos="",
        bos="",
        blank=None,
        characters=KAZAKH_ALPHABET,
        punctuations=" !,.?-:;«»—",
    )
    return VitsConfig(
        model_args=args,
        audio=BaseAudioConfig(
            sample_rate=SAMPLE_RATE,
            fft_size=512,
            win_length=512,
            hop_length=256,
            do_trim_silence=False,
        ),
        characters=characters,
        use_phonemes=False,
        text_cleaner="basic_cleaners",  # lowercase and collapse spaces; no transliteration
        add_blank=True,
        output_path=output_path,
    )


def build_vits(folder: Path) -> tuple[Path, Path]:
    """Save a random-weight tiny VITS as ``model.pth`` + ``config.json``."""
    import torch
    from TTS.tts.models.vits import Vits

    folder.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    config = tiny_vits_config(str(folder))
    model = Vits(config)
    model_path, config_path = folder / "model.pth", folder / "config.json"
    torch.save({"model": model.state_dict(), "config": config.to_dict()}, model_path)
    config.save_json(str(config_path))
    return model_path, config_path


# Coqui's parameter names -> fairseq's (the inverse of TTS.tts.utils.fairseq's renaming).
_FAIRSEQ_NAMES = [
    ("text_encoder.", "enc_p."),
    ("waveform_decoder.", "dec."),
    ("posterior_encoder.", "enc_q."),
    ("flow.flows.1.", "flow.flows.2."),
    ("flow.flows.2.", "flow.flows.4."),
    ("flow.flows.3.", "flow.flows.6."),
    ("duration_predictor.flows.0.translation", "dp.flows.0.m"),
    ("duration_predictor.flows.0.log_scale", "dp.flows.0.logs"),
    ("duration_predictor.flows.1.", "dp.flows.1."),
    ("duration_predictor.flows.2.", "dp.flows.3."),
    ("duration_predictor.flows.3.", "dp.flows.5."),
    ("duration_predictor.flows.4.", "dp.flows.7."),
    ("duration_predictor.post_flows.0.translation", "dp.post_flows.0.m"),
    ("duration_predictor.post_flows.0.log_scale", "dp.post_flows.0.logs"),
    ("duration_predictor.post_flows.1.", "dp.post_flows.1."),
    ("duration_predictor.post_flows.2.", "dp.post_flows.3."),
    ("duration_predictor.post_flows.3.", "dp.post_flows.5."),
    ("duration_predictor.post_flows.4.", "dp.post_flows.7."),
    ("duration_predictor.", "dp."),
]


def _fairseq_name(name: str) -> str:
    for coqui, fairseq in _FAIRSEQ_NAMES:
        if name.startswith(coqui):
            return fairseq + name[len(coqui) :]
    return name


def build_mms_folder(folder: Path) -> Path:
    """An MMS (fairseq VITS) folder as Meta publishes it: random weights of MMS's size.

    ``folder`` must have ``fairseq`` in its path (that is how Coqui recognises MMS).
    Returns the ``G_100000.pth`` path.
    """
    import torch
    from TTS.tts.configs.vits_config import VitsConfig
    from TTS.tts.models.vits import Vits

    folder.mkdir(parents=True, exist_ok=True)
    vocab = ["_", " ", *KAZAKH_ALPHABET, "'", "-"]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    config = {
        "data": {
            "training_files": "train.ltr",
            "sampling_rate": 16000,
            "add_blank": True,
            "n_speakers": 0,
        },
        "model": {"hidden_channels": 192},
    }
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    torch.manual_seed(0)
    model = Vits(VitsConfig())
    model.text_encoder.emb = torch.nn.Embedding(len(vocab), model.args.hidden_channels)
    state = {
        _fairseq_name(k): v for k, v in model.state_dict().items() if not k.startswith("disc.")
    }
    checkpoint = folder / "G_100000.pth"
    torch.save({"model": state}, checkpoint)
    return checkpoint


# Piper's generator hyperparameters for its "medium" and "high" qualities (piper.train).
_PIPER_ARCHITECTURES = {
    "medium": {
        "resblock": "2",
        "resblock_kernel_sizes": (3, 5, 7),
        "resblock_dilation_sizes": ((1, 2), (2, 6), (3, 12)),
        "upsample_rates": (8, 8, 4),
        "upsample_initial_channel": 256,
        "upsample_kernel_sizes": (16, 16, 8),
    },
    "high": {
        "resblock": "1",
        "resblock_kernel_sizes": (3, 7, 11),
        "resblock_dilation_sizes": ((1, 3, 5), (1, 3, 5), (1, 3, 5)),
        "upsample_rates": (8, 8, 2, 2),
        "upsample_initial_channel": 512,
        "upsample_kernel_sizes": (16, 16, 4, 4),
    },
}


def build_piper_real_architecture(folder: Path, quality: str = "medium") -> Path:
    """A Piper voice of a real quality's architecture with random weights (needs torch).

    Exported to ONNX as ``piper.train.export_onnx`` does; the model is about the size of
    the published voices (63 MB medium, 114 MB high), so its speed is theirs.
    """
    import torch
    from piper.train.vits.models import SynthesizerTrn

    torch.manual_seed(0)
    model = SynthesizerTrn(
        n_vocab=NUM_SYMBOLS,
        spec_channels=513,
        segment_size=32,
        inter_channels=192,
        hidden_channels=192,
        filter_channels=768,
        n_heads=2,
        n_layers=6,
        kernel_size=3,
        p_dropout=0.1,
        **_PIPER_ARCHITECTURES[quality],
    )
    model.eval()
    with torch.no_grad():
        model.dec.remove_weight_norm()

    def infer(text, text_lengths, scales, sid=None):  # type: ignore[no-untyped-def]
        audio = model.infer(
            text,
            text_lengths,
            noise_scale=scales[0],
            length_scale=scales[1],
            noise_scale_w=scales[2],
            sid=sid,
        )[0]
        return audio.unsqueeze(1)

    model.forward = infer  # type: ignore[method-assign]
    folder.mkdir(parents=True, exist_ok=True)
    name = f"kk_KZ-random-{quality}"
    model_path = folder / f"{name}.onnx"
    dummy = (
        torch.randint(0, NUM_SYMBOLS, (1, 50)),
        torch.LongTensor([50]),
        torch.FloatTensor([0.667, 1.0, 0.8]),
        None,
    )
    torch.onnx.export(
        model,
        dummy,
        str(model_path),
        opset_version=15,
        dynamo=False,
        input_names=["input", "input_lengths", "scales", "sid"],
        output_names=["output"],
        dynamic_axes={"input": {0: "batch", 1: "phonemes"}, "output": {0: "batch", 2: "time"}},
    )
    write_piper_config(model_path)
    return model_path


def torch_zip(path: Path, structure: object) -> None:
    """A file laid out as ``torch.save`` writes it (zip: data.pkl, version, a tensor),
    made without torch: what narrator's checkpoint check accepts when Coqui is absent."""
    import pickle
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", pickle.dumps(structure, protocol=2))
        archive.writestr("archive/version", "3\n")
        archive.writestr("archive/data/0", b"\0" * 64)
