"""Property tests of the normaliser: number words round-trip, arbitrary text never
breaks it and is idempotent, news-like sentences come out without digits or symbols."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from narrator.text.normalize import check, explain, normalize
from narrator.text.normalize.numbers import cardinal, ordinal

UNIT_WORDS = {
    "нөл": 0, "бір": 1, "екі": 2, "үш": 3, "төрт": 4, "бес": 5, "алты": 6, "жеті": 7,
    "сегіз": 8, "тоғыз": 9,
}  # fmt: skip
TEN_WORDS = {
    "он": 10, "жиырма": 20, "отыз": 30, "қырық": 40, "елу": 50, "алпыс": 60,
    "жетпіс": 70, "сексен": 80, "тоқсан": 90,
}  # fmt: skip
SCALE_WORDS = {
    "мың": 10**3, "миллион": 10**6, "миллиард": 10**9, "триллион": 10**12,
    "квадриллион": 10**15, "квинтиллион": 10**18, "секстиллион": 10**21,
    "септиллион": 10**24, "октиллион": 10**27, "нониллион": 10**30, "дециллион": 10**33,
}  # fmt: skip
KNOWN_WORDS = {*UNIT_WORDS, *TEN_WORDS, *SCALE_WORDS, "жүз"}
IRREGULAR_ORDINALS = {"жиырмасыншы": "жиырма", "қырқыншы": "қырық"}


def words_to_number(words: str) -> int:
    """Parse Kazakh cardinal words back into an integer."""
    total = 0
    group = 0
    for word in words.split():
        if word in UNIT_WORDS:
            group += UNIT_WORDS[word]
        elif word in TEN_WORDS:
            group += TEN_WORDS[word]
        elif word == "жүз":
            group = (group or 1) * 100
        elif word in SCALE_WORDS:
            total += (group or 1) * SCALE_WORDS[word]
            group = 0
        else:
            raise ValueError(f"not a number word: {word!r}")
    return total + group


def ordinal_words_to_number(words: str) -> int:
    """Parse Kazakh ordinal words (the suffix is on the last word only)."""
    *head, last = words.split()
    if last in IRREGULAR_ORDINALS:
        stem = IRREGULAR_ORDINALS[last]
    else:
        stems = [last[:-4], last[:-3]]  # бес|інші, екі|нші
        stem = next(s for s in stems if s in KNOWN_WORDS)
    return words_to_number(" ".join([*head, stem]))


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**36 - 1))
def test_cardinal_round_trip(number: int) -> None:
    assert words_to_number(cardinal(number)) == number
    assert words_to_number(cardinal(number, formal=True)) == number


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**36 - 1))
def test_ordinal_round_trip(number: int) -> None:
    assert ordinal_words_to_number(ordinal(number)) == number


def test_house_style_and_formal_register() -> None:
    assert cardinal(100) == "жүз"
    assert cardinal(1000) == "мың"
    assert cardinal(1_000_000) == "бір миллион"
    assert cardinal(100, formal=True) == "бір жүз"
    assert cardinal(1000, formal=True) == "бір мың"
    assert normalize("Оған 1100 адам келді.", register="formal") == (
        "Оған бір мың бір жүз адам келді."
    )


def test_round_trip_edges() -> None:
    edges = (0, 10, 20, 40, 50, 100, 1000, 10**6, 10**9, 10**12, 10**15, 10**18, 10**33)
    for number in (*edges, 10**36 - 1, 999_999_999):
        assert words_to_number(cardinal(number)) == number
        assert ordinal_words_to_number(ordinal(number)) == number


MIXED_ALPHABET = (
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі"
    "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯӘҒҚҢӨҰҮҺІ"
    + string.ascii_letters
    + string.digits * 3
    + " \u00a0\u202f\n.,;:!?-–—−+%№$€₸₽£°²³½/'’«»\"()IVXХІ"
)


def assert_sound(text: str) -> None:
    """Issue 14's three properties: no exception, no digit left, idempotent."""
    once = normalize(text)
    assert not any(ch.isdigit() for ch in once), once
    assert normalize(once) == once


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises_and_is_idempotent(text: str) -> None:
    assert_sound(text)
    explain(text)
    check(normalize(text))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=()), max_size=60))
def test_any_code_point_even_lone_surrogates(text: str) -> None:
    assert_sound(text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=MIXED_ALPHABET, max_size=80))
def test_mixed_scripts_never_raise_and_are_idempotent(text: str) -> None:
    assert_sound(text)


# Pieces that mix scripts the way the fuzzed inputs of issue 14 did: Latin capitals
# that look Cyrillic next to another script, digits of other scripts, addresses.
LOOKALIKES = "aceiopxyABCEHIKMOPTXаеорсухіАВЕКМНОРСТХІ"
OTHER_SCRIPTS = "בגדאשعربΑΒΓαβγ中文日本한국ไทยहि"
OTHER_DIGITS = "٠١٢٣٤٥٦٧٨٩۰۱۲०१२３４²³¹⁴₁①"
PIECES = (
    "2025 жылы", "1-қаңтар", "5%-ке", "ҚР", "АҚШ", "т.б.", "млн", "км-ге", "19:45-те",
    "XXI ғасыр", "ж.", "ғ.", "№ 7", "$15", "9х9 м", "ОПЕК+", "info@halyk.kz", "#Қазақстан",
    "@user", "https://gov.kz/a", "Код 050013", "iOS 17.2", "Протон-М", "5G", "4-бөлмелі",
    "04 сағат", "Zürich", "НАТО-ға", "+77011234567",
)  # fmt: skip


@st.composite
def mixed_pieces(draw: st.DrawFn) -> str:
    pools = st.sampled_from((LOOKALIKES, OTHER_SCRIPTS, OTHER_DIGITS, MIXED_ALPHABET))
    piece = st.one_of(
        st.sampled_from(PIECES),
        pools.flatmap(lambda pool: st.text(alphabet=pool, min_size=1, max_size=6)),
    )
    joiner = st.sampled_from(("", "", " ", "-", "\n"))
    parts = draw(st.lists(st.tuples(piece, joiner), min_size=1, max_size=8))
    return "".join(p + j for p, j in parts)


@settings(max_examples=400, deadline=None)
@given(mixed_pieces())
def test_lookalikes_other_scripts_and_digits_are_sound(text: str) -> None:
    assert_sound(text)


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet="0123456789 .,-", min_size=20, max_size=3000))
def test_long_digit_strings(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert not any(ch.isdigit() for ch in normalize("0" + text.replace(" ", "")[:5000]))


# Inputs benchmarks/fuzz_normalize.py found not idempotent (seeds 11, 23, 101, 202 at
# 100,000 inputs each): a heading rule that guessed at rewritten neighbours, Latin letters
# glued to an abbreviation or a number's noun, letters no reader can say, lone capitals.
FUZZ_FOUND = (
    "⩺һП4239 ²92३०٤٩ şPİnxa¼|«[#[",  # "[#[" became "[[", which a second pass broke up
    "\u0ec5>[#[/’)% YAvğGöRM",
    "ЕАЭО |,(?&1 сыныпқа MВKBxH ШИОҒічҢЮ5%-кеBBCƉҚР ",  # a letter with no name, spelled
    "\U0007ce93Петр I◮ғ.https://gov.kz/aXCІ 9०ב Код 050013𤗺2025 жылы і ",  # тоқсанב is 90
    "ЕАЭО αΑ٩+7 727 250 10 20РАХ ЩТ ۳3۲2۱ ",
    "#Қазақстан\U0001aa8e 1٧659٤#ҚазақстанŦ ПТхЗФЙёЕ ыүАйMégRHa°х",
    "בيनยγ本ทα4 500 ₸Ȣ АҚШ",
    "оMMаСpПротон-МЖСН 850101300123u 5%-кеAРВС ГТ ₸¼/\nнНмлрд δ語Βرשيةת ķ",
    "т.б. ҚР10–12%ƢPң 5%-кечсУОГдүЛДъспЬШ9х9 м ",
    "$1510–12%Ƌ",
    "δΔع中δבПетр I\u202f»}LOhjHmh %–₽%*€?-YééRDQxy ２١05١+₽[\xa0,\n ",
    "ЕАЭОⶇ 10–12%Ƹ\U00014727 ОеMγβी語דΒ 국ทท &¥–\n₽х,^",
    "4 500 ₸Ǯ ’\n)}}‰× Samsung Ꮋ",
    "ᶢdОуE№ 7ІBT БС ीย ",
    "ИПчВуж. 2975②4¹54 500 ₸Ƣ٥१МУйіТЖ 4 500 ₸2025 жылы ၒ iLpp",
    "}×XşCmcz 1₂4٧68３#Қазақстанʍ4 500 ₸ ₽№[’{@user 5%-ке",
    "%;uwQnR 2025 жылыSamsungоiBМpхТ KрTХcCСК1-қаңтарӨсуHТ ІAХТ➡",
    "Код 050013 info@halyk.kz т.б.897¹69\u0a4fфф⎹ TХxККر info@halyk.kzЙЮҢР ӨҮ",
    "어 한ीזΔب +7 727 250 10 20 ȢОПЕК+תαعγीαגท\U000d8d2b ᆓ𬽔",
    "rvJy ᣁ\U0001ae70info@halyk.kz KXСВBВуЬхЕөмлн어α中ر文GhАҚШ",
    'UuОПЕК+ 2025 жылыДфТжн&"»х ОПЕК+ ',
    "本דไन्OaAdf CЕІЕTʤααAEх*:¥ Петр I ",
    "슡ǷЕРМСH ع ",
    "5%-ке\U0007652c 文ةΔिी文 \U000c9f61 4²5125⁴۱ƩНАТО-ғаКoBВAРеаย文YGT#Қазақстан \n '",
    "𧷑中²וिוז 語ยةन字어G ɁЦ┍ *°³ЖСН 850101300123",
    'ЕАЭО①٨٦4۱٦ƜОПЕК+млн10–12%РcCеіНО 4-бөлмеліSamsungβתद1 сыныпқа»¥=№²>" ',
    "jOoçaiD?−~{ 637387٨⁴ 3²1653уcOaғ. АҚШ ОПЕК+руIOХрPH ƮРОПЕК+",
    '—":’\u202f عी्γทת1-қаңтарCКiao ДчЙӘұвІНЁВГγीוד국δ中Α ƝЕАЭО',
    '0①٦¹³₁⁴०7"&YhОПЕК+pОАТEKуХa оΔ ',
    "59３٢5\U00086206ƆЖСН 850101300123\U000387e6pуyEхCHР₠ wéd юЧҰао ШдйӨрУ\U00104dc1 ",
    "⦫ƬЖСН 850101300123https://gov.kz/abmaaPak",
    "ЭЧйдᰵ 10–12%Протон-МGب日ยδहא한ƎЖСН 850101300123",
    "\u0c70 ОТBРІЕCТ ЕАЭОΣPВɾݐкм-ге ⢖ дІуıKZöY -.",
    "٠-млнA",
)


@pytest.mark.parametrize("text", FUZZ_FOUND)
def test_fuzz_found_inputs_are_idempotent(text: str) -> None:
    assert_sound(text)


TEMPLATES = (
    "{year} жылы {n} адам жұмысқа орналасты.",
    "{n} адам {day} {month} күні жиналды.",
    "Бағасы {n}%-ға өсті.",
    "Инфляция {d},{d2}%-ды құрады.",
    "Оған ${n} млн бөлінді.",
    "Бюджет {n} {big} теңгеден асты.",
    "Жол {n} км-ге созылды.",
    "Жиын сағат {h}:{m}-де басталады.",
    "Жиын {h}:{m}–{h2}:{m} аралығында өтеді.",
    "{year} жылғы {day} {month}дағы шешім.",
    "Ол {day}.{mm}.{year} ж. күшіне енеді.",
    "Температура -{n}°C-қа дейін төмендейді.",
    "Ол {n}-{n2} рет келді.",
    "Халықтың {n}/{n2}-і қала тұрғыны.",
    "Ол {n}-сыныпта оқиды.",
    "№ {n} мектепте {n2} оқушы бар.",
    "Матч {d}:{d2} есебімен аяқталды.",
    "Байланыс: +7 {n3} {n3} {m} {m}.",
    "{n} {unit} жүк тасылды.",
    "{n} 000 000 теңге бөлінді.",
    "Ол {year}-{year2} жылдары жұмыс істеді.",
    "Ол {n}-ден астам елде болды.",
    "Оның {n}%-ы жастар.",
    "Ол {n},{d} млрд теңге тұрады.",
    "Бағасы {n} ₸ болды.",
)
MONTHS = ("қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз")


@st.composite
def news_sentences(draw: st.DrawFn) -> str:
    template = draw(st.sampled_from(TEMPLATES))
    return template.format(
        n=draw(st.integers(0, 10**9)),
        n2=draw(st.integers(1, 10**4)),
        n3=draw(st.integers(100, 999)),
        d=draw(st.integers(0, 9)),
        d2=draw(st.integers(0, 99)),
        year=draw(st.integers(1900, 2099)),
        year2=draw(st.integers(1900, 2099)),
        day=draw(st.integers(1, 28)),
        mm=f"{draw(st.integers(1, 12)):02d}",
        month=draw(st.sampled_from(MONTHS)),
        h=f"{draw(st.integers(0, 23)):02d}",
        h2=f"{draw(st.integers(0, 23)):02d}",
        m=f"{draw(st.integers(0, 59)):02d}",
        big=draw(st.sampled_from(("млн", "млрд", "трлн", "мың"))),
        unit=draw(st.sampled_from(("т", "кг", "га", "л", "м²", "км²", "МВт"))),
    )


@settings(max_examples=300, deadline=None)
@given(news_sentences())
def test_no_digit_or_symbol_left_in_news_sentences(sentence: str) -> None:
    spoken = normalize(sentence)
    assert check(spoken) == [], spoken
    assert normalize(spoken) == spoken
