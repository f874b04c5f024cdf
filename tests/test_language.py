"""Language helpers: seeded langdetect on a bounded sample, scripts, romanisation."""

from __future__ import annotations

import pytest

from copydesk import language
from copydesk.language import detect_language, romanize, script_of

EN = "The government announced new measures on Tuesday to support small businesses. " * 3
RU = "Правительство объявило во вторник о новых мерах поддержки малого бизнеса в регионах. " * 3


def test_detect_language_basic():
    assert detect_language(EN) == "en"
    assert detect_language(RU) == "ru"
    assert detect_language("El gobierno anunció el martes nuevas medidas para apoyar a las "
                           "pequeñas empresas del país.") == "es"


def test_detect_language_too_little_text():
    assert detect_language("") is None
    assert detect_language("Hi there") is None
    assert detect_language("12345 67890 !!!") is None


def test_detect_language_deterministic():
    mixed = "Der Präsident sagte the talks were constructive und fügte hinzu, es gebe Fortschritte."
    assert len({detect_language(mixed) for _ in range(10)}) == 1


def test_detect_language_reads_a_bounded_sample():
    # only the first sample_chars characters are read: a long Russian tail changes nothing
    text = EN * 20 + RU * 500
    assert len(text) > 50_000
    assert detect_language(text) == "en"
    assert detect_language(text, sample_chars=len(EN)) == "en"


def test_detect_language_ignores_links_and_handles():
    text = "https://example.com/a/very/long/path @someone #tag " + EN
    assert detect_language(text) == "en"


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Sarah Johnson", "Latin"),
        ("José García", "Latin"),
        ("Дзвенислава Карплюк", "Cyrillic"),
        ("Γιώργος Παπαδόπουλος", "Greek"),
        ("张伟", "Han"),
        ("山田 たろう", "Japanese"),
        ("김민수", "Hangul"),
        ("محمد علي", "Arabic"),
        ("יוסי כהן", "Hebrew"),
        ("राहुल शर्मा", "Devanagari"),
        ("สมชาย ใจดี", "Thai"),
        ("Олена Petrenko Петренко", "Cyrillic"),
        ("12 345 !", None),
        ("", None),
    ],
)
def test_script_of(text, script):
    assert script_of(text) == script


@pytest.mark.parametrize(
    ("name", "lang", "script", "latin"),
    [
        # Ukrainian national system (2010)
        ("Дзвенислава Карплюк", "uk", "Cyrillic", "Dzvenyslava Karpliuk"),
        ("Олена Петренко", "uk", "Cyrillic", "Olena Petrenko"),
        ("Юрій Згурський", "uk", "Cyrillic", "Yurii Zghurskyi"),
        ("Євгенія Їжакевич", "uk", "Cyrillic", "Yevheniia Yizhakevych"),
        # Russian: ICAO Doc 9303 (passport system)
        ("Дмитрий Соколов", "ru", "Cyrillic", "Dmitrii Sokolov"),
        ("Ольга Иванова", "ru", "Cyrillic", "Olga Ivanova"),
        ("Фёдор Щукин", "ru", "Cyrillic", "Fedor Shchukin"),
        # Bulgarian streamlined system
        ("Христо Стоичков", "bg", "Cyrillic", "Hristo Stoichkov"),
        # Greek ELOT 743
        ("Γιώργος Παπαδόπουλος", "el", "Greek", "Giorgos Papadopoulos"),
        ("Ευάγγελος Βενιζέλος", "el", "Greek", "Evangelos Venizelos"),
        # Chinese: Pinyin surname + given name
        ("张伟", "zh", "Han", "Zhang Wei"),
        ("王小明", "zh", "Han", "Wang Xiaoming"),
    ],
)
def test_romanize_national_systems(name, lang, script, latin):
    assert romanize(name, lang, script) == latin


def test_romanize_latin_is_none_and_fallback_is_latin():
    assert romanize("José García", "es", "Latin") is None
    out = romanize("김민수", "ko", "Hangul")
    assert out and script_of(out) == "Latin"
    assert romanize("Дмитрий Соколов", None, None) == "Dmitrii Sokolov"


def test_factory_loaded_once():
    language._factory_ready.cache_clear()
    detect_language(EN)
    detect_language(RU)
    assert language._factory_ready.cache_info().misses == 1
