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


def test_detect_language_needs_twenty_letters(monkeypatch):
    from copydesk import language

    monkeypatch.setattr(language, "langdetect_detect", lambda sample: "xx")
    assert detect_language("Größe, 1 2 3 " + "é" * 14) is None  # 19 letters
    assert detect_language("Größe, 1 2 3 " + "é" * 15) == "xx"  # 20


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


# --- langdetect_detect: langdetect's Detector.detect(), computed faster ---------------------

MULTILINGUAL = [
    EN, RU,
    "Der Präsident sagte, die Gespräche seien konstruktiv gewesen, und es gebe Fortschritte.",
    "Le gouvernement a annoncé mardi de nouvelles mesures pour soutenir les petites entreprises.",
    "O governo anunciou na terça-feira novas medidas para apoiar as pequenas empresas do país.",
    "Il governo ha annunciato martedì nuove misure per sostenere le piccole imprese italiane.",
    "Pemerintah mengumumkan langkah-langkah baru pada hari Selasa untuk mendukung usaha kecil.",
    "Уряд оголосив у вівторок нові заходи для підтримки малого бізнесу в регіонах країни.",
    "Правителството обяви във вторник нови мерки в подкрепа на малкия бизнес в страната.",
    "政府は火曜日、中小企業を支援するための新たな措置を発表した。",
    "政府周二宣布了支持小企业的新措施，包括减税和贷款担保。",
    "정부는 화요일 중소기업을 지원하기 위한 새로운 조치를 발표했다.",
    "الحكومة أعلنت يوم الثلاثاء عن إجراءات جديدة لدعم الشركات الصغيرة في البلاد.",
    "Η κυβέρνηση ανακοίνωσε την Τρίτη νέα μέτρα για τη στήριξη των μικρών επιχειρήσεων.",
    "सरकार ने मंगलवार को छोटे व्यवसायों की सहायता के लिए नए उपायों की घोषणा की।",
    "Chính phủ đã công bố các biện pháp mới vào thứ Ba để hỗ trợ các doanh nghiệp nhỏ.",
    "Rząd ogłosił we wtorek nowe środki wsparcia dla małych firm w całym kraju.",
    "Der Präsident sagte the talks were constructive und fügte hinzu, es gebe Fortschritte.",
    "NASA AND THE ESA SAID ON TUESDAY",  # all-caps runs give no n-grams inside them
    "Visit https://example.com/a?b=c or mail news@example.com  —  #breaking @desk 12:30",
    "Kyivs membershipa point,   dont   stop…  café", "a", "!!!", "", "ǅungla Ǆ ǆ",
]


def _reference(text: str) -> str | None:
    from langdetect import detector_factory
    from langdetect.lang_detect_exception import LangDetectException

    language._factory_ready()
    detector = detector_factory._factory.create()
    detector.append(text)
    try:
        code = detector.detect()
    except LangDetectException:
        return None
    return None if code == "unknown" else code


@pytest.mark.parametrize("text", MULTILINGUAL)
def test_langdetect_detect_is_langdetect(text):
    assert language.langdetect_detect(text) == _reference(text)


def test_langdetect_detect_is_langdetect_on_fixtures():
    from pathlib import Path

    paths = sorted((Path(__file__).parent / "fixtures").rglob("*.txt"))[:40]
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        for sample in (text[:2000], text[200:260], text[-90:]):
            assert language.langdetect_detect(sample) == _reference(sample), (path, sample)


def test_sample_keeps_text_without_links_and_strips_them_otherwise():
    plain = "Nothing to strip in this line, only words and commas."
    assert language._sample(plain, 2000) == plain
    assert "http" not in language._sample("see https://example.com/x now", 2000)
    assert "@" not in language._sample("mail desk@example.com or @desk", 2000)


def test_first_detections_from_many_threads_see_fully_loaded_profiles():
    """``--runner thread``: the first detections of a process, started together from several
    threads, give the answers of one thread alone (langdetect's loader publishes its factory
    before the profiles are in; a second thread must wait, not detect with a partial set)."""
    import json
    import subprocess
    import sys

    script = """
import threading
from copydesk.language import langdetect_detect
import json, sys
texts = json.loads(sys.argv[1])
answers, errors = {}, []
def run(i):
    try:
        answers[i] = [langdetect_detect(t) for t in texts]
    except Exception as exc:
        errors.append(repr(exc))
threads = [threading.Thread(target=run, args=(i,)) for i in range(8)]
for t in threads: t.start()
for t in threads: t.join()
alone = [langdetect_detect(t) for t in texts]
print(errors or all(a == alone for a in answers.values()))
"""
    for _ in range(3):  # a fresh process each time: the race is in the first load
        out = subprocess.run([sys.executable, "-c", script, json.dumps(MULTILINGUAL[:6])],
                             capture_output=True, text=True, check=True).stdout.strip()
        assert out == "True", out


@pytest.mark.parametrize("text", [
    "Kyiv", "Київ — Kyiv", "Київ Kyiv Kyi", "東京 Tokyo", "東京とTokyo", "abc!!!!!!!", "ab 東京東京東京",
    "Παρίσι Paris", "", "123 — ...", "Ab" + "я" * 2,
])
def test_script_of_is_the_dominant_script_of_the_counts(text):
    """The ASCII-majority shortcut gives what counting every letter's script gives."""
    assert script_of(text) == language.dominant_script(language.script_counts(text))
