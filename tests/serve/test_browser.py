"""The web page in a real browser: Debian's Chromium driven by Selenium.

``make browser`` (a dependency of ``make test``) installs ``chromium`` and
``chromium-driver``. Screenshots go to ``tests/serve/artefacts/``.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from mutagen.mp3 import MP3

from tests.helpers import SEED_ARTICLE
from tests.serve.conftest import Server

ARTEFACTS = Path(__file__).parent / "artefacts"


@pytest.fixture
def browser() -> Iterator[Any]:
    """Headless Chromium with autoplay allowed and the sound muted."""
    from selenium import webdriver

    if shutil.which("chromedriver") is None:
        pytest.fail(
            "chromedriver is not on PATH: run 'make browser' (apt-get install chromium-driver)"
        )
    options = webdriver.ChromeOptions()
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--mute-audio",
        "--autoplay-policy=no-user-gesture-required",
        "--window-size=1400,1300",
        "--lang=kk",
    ):
        options.add_argument(flag)
    chromium = shutil.which("chromium")
    if chromium:
        options.binary_location = chromium
    service = webdriver.ChromeService(executable_path=shutil.which("chromedriver"))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_script_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def wait_until(condition: Callable[[], Any], timeout: float = 60, what: str = "") -> Any:
    """Poll ``condition`` until it returns something true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
        except Exception:  # the page is still changing under us
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def shot(driver: Any, name: str) -> Path:
    """Save a screenshot as a test artefact."""
    ARTEFACTS.mkdir(exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def paste(driver: Any, text: str) -> None:
    """Put text in the article box as a paste would, firing the input event."""
    driver.execute_script(
        "const box = document.getElementById('article'); box.value = arguments[0];"
        "box.dispatchEvent(new Event('input'));",
        text,
    )


def preview_spans(driver: Any) -> list[dict[str, str]]:
    """The highlighted spans of the preview: written form, spoken form, class, colour."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#preview .span')).map(el => ({"
        "written: el.dataset.written, spoken: el.textContent, cls: el.dataset.class,"
        "title: el.title, background: getComputedStyle(el).backgroundColor}));"
    )


def test_editor_produces_plays_and_corrects(
    serve: Callable[..., Server], browser: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    server = serve()
    browser.get(server.url + "/")
    article = SEED_ARTICLE.read_text("utf-8")
    paste(browser, article)

    # The reading: the money span "200 миллион еуроға" is converted and highlighted.
    spans = wait_until(lambda: preview_spans(browser), what="the preview")
    preview_text = browser.find_element(By.ID, "preview").text
    assert "екі жүз миллион еуроға" in preview_text
    money = [s for s in spans if s["written"] == "200 миллион еуроға"]
    assert money, spans
    assert money[0]["cls"] == "money"
    assert money[0]["spoken"] == "екі жүз миллион еуроға"
    assert money[0]["background"] not in ("rgba(0, 0, 0, 0)", "transparent")
    assert money[0]["title"].startswith("200 миллион еуроға")  # the written form on hover
    shot(browser, "editor-preview")

    # Produce with the embedded voice and follow the progress bar to the player.
    browser.find_element(By.ID, "produce").click()
    wait_until(
        lambda: browser.find_element(By.ID, "player").is_displayed(), 180, "the finished job"
    )
    wait_until(
        lambda: browser.execute_script("return document.getElementById('audio').duration > 0"),
        30,
        "the audio metadata",
    )
    duration = browser.execute_script("return document.getElementById('audio').duration")
    job_id = browser.execute_script("return document.getElementById('audio').dataset.jobId")
    audio_file = next((server.data / "jobs" / job_id).glob("audio.mp3"))
    assert duration == pytest.approx(MP3(audio_file).info.length, abs=0.1)

    # The waveform is drawn, the downloads are named, the job is listed as done.
    inked = browser.execute_script(
        "const c = document.getElementById('waveform');"
        "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        "let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n;"
    )
    assert inked > 1000
    assert browser.find_element(By.ID, "dl-audio").get_attribute("download").endswith(".mp3")
    assert browser.find_element(By.ID, "dl-vtt").get_attribute("href").startswith("blob:")
    wait_until(lambda: "дайын" in browser.find_element(By.ID, "recent").text, 10, "recent jobs")

    # Playback advances currentTime and the transcript highlights the playing cue.
    browser.execute_script("document.getElementById('audio').play()")
    wait_until(
        lambda: browser.execute_script("return document.getElementById('audio').currentTime > 1.5"),
        30,
        "playback",
    )
    state = browser.execute_script(
        "const a = document.getElementById('audio'); const c = document.querySelector('.cue.current');"
        "return {time: a.currentTime, paused: a.paused, start: c && +c.dataset.start,"
        "end: c && +c.dataset.end, count: document.querySelectorAll('.cue.current').length};"
    )
    assert not state["paused"]
    assert state["count"] == 1
    assert state["start"] - 0.5 <= state["time"] <= state["end"] + 0.5
    shot(browser, "player")

    # A click on a later cue seeks there.
    cues = browser.find_elements(By.CSS_SELECTOR, "#transcript .cue")
    assert len(cues) > 5
    cues[5].click()
    target = float(cues[5].get_attribute("data-start"))
    wait_until(
        lambda: (
            browser.execute_script("return document.getElementById('audio').currentTime") >= target
        ),
        10,
        "the seek",
    )
    browser.execute_script("document.getElementById('audio').pause()")

    # Correct a span's reading: the preview shows it at once, and undo restores it.
    airbus = next(
        el
        for el in browser.find_elements(By.CSS_SELECTOR, "#preview .span")
        if el.get_attribute("data-written") == "Airbus"
    )
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", airbus)
    airbus.click()
    field = browser.find_element(By.ID, "fix-spoken")
    field.clear()
    field.send_keys("Эрбус")
    browser.find_element(By.ID, "fix-save").click()
    wait_until(
        lambda: any(
            s["written"] == "Airbus" and s["spoken"] == "Эрбус" for s in preview_spans(browser)
        ),
        20,
        "the corrected reading",
    )
    assert "Эрбус компаниясы" in browser.find_element(By.ID, "preview").text
    lexicon = (server.data / "lexicon.tsv").read_text("utf-8")
    assert "Airbus\tЭрбус" in lexicon
    shot(browser, "correction")
    # The lexicon page lists it (same page, so the undo below is still at hand).
    browser.execute_script("location.hash = '#/lexicon'")
    wait_until(
        lambda: "Эрбус" in browser.find_element(By.ID, "lexicon-table").text, 10, "the lexicon page"
    )
    shot(browser, "lexicon")
    browser.execute_script("location.hash = '#/'")
    browser.find_element(By.ID, "undo").click()
    wait_until(
        lambda: any(
            s["written"] == "Airbus" and s["spoken"] == "Эйрбас" for s in preview_spans(browser)
        ),
        20,
        "the undone correction",
    )
    assert "Airbus" not in (server.data / "lexicon.tsv").read_text("utf-8")

    # Without a feed in the station file, the feed page says what is missing.
    browser.execute_script("location.hash = '#/feed'")
    wait_until(lambda: "feed" in browser.find_element(By.ID, "feed-state").text, 10, "feed")
    assert not browser.find_element(By.ID, "feed-build").is_enabled()


def test_article_markup_shows_as_text(
    serve: Callable[..., Server], browser: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "mektep.txt").write_text("Жаңа мектеп\n\nҚалада 5 мектеп ашылды.\n")
    station = tmp_path / "station.toml"
    station.write_text(
        '[feed]\nsources = "articles"\nout = "public"\nbase_url = "https://radio.example.kz/p"\n'
        "[audio]\njingles = false\n"
    )
    server = serve("--station", str(station))
    browser.get(server.url + "/")
    hostile = (
        'Жаңалық <script>window.pwned = 1</script> <img src=x onerror="window.pwned = 2"> '
        "бағасы 5 $ болды."
    )
    # A Markdown file is uploaded into the article box and read as Markdown.
    upload = tmp_path / "bulletin.md"
    upload.write_text("# Бюллетень\n\n## Спорт\n\nКомандамыз 3:1 есебімен жеңді.\n")
    browser.find_element(By.ID, "upload").send_keys(str(upload))
    wait_until(
        lambda: "3:1" in browser.find_element(By.ID, "article").get_attribute("value"), 10, "upload"
    )
    assert browser.find_element(By.ID, "input-kind").get_attribute("value") == "markdown"

    paste(browser, hostile)
    wait_until(lambda: "Жаңалық" in browser.find_element(By.ID, "preview").text, 20, "preview")
    preview = browser.find_element(By.ID, "preview")
    # The tags come out as characters (their Latin words read in Cyrillic), not elements.
    assert preview.text.count("<") == 3 and preview.text.count(">") == 3
    written = {span["written"] for span in preview_spans(browser)}
    assert {"script", "img", "onerror"} <= written
    assert preview.find_elements(By.TAG_NAME, "script") == []
    assert preview.find_elements(By.TAG_NAME, "img") == []
    assert browser.execute_script("return window.pwned === undefined")
    shot(browser, "markup-as-text")

    # The feed page builds the station's feed and lists its episode.
    browser.execute_script("location.hash = '#/feed'")
    build = wait_until(
        lambda: (b := browser.find_element(By.ID, "feed-build")).is_enabled() and b, 10, "feed"
    )
    build.click()
    wait_until(
        lambda: "1 жаңа шығарылым" in browser.find_element(By.ID, "feed-state").text,
        120,
        "the built feed",
    )
    rows = browser.find_elements(By.CSS_SELECTOR, "#feed-table tbody tr")
    assert len(rows) == 1 and "жаңалықтары" in rows[0].text
    assert (tmp_path / "public" / "feed.xml").is_file()
    shot(browser, "feed")

    # The interface switches to English and back.
    browser.find_element(By.ID, "lang-toggle").click()
    assert browser.find_element(By.ID, "nav-feed").text == "Podcast feed"
    assert browser.find_element(By.ID, "feed-build").text == "Build the feed"
    browser.find_element(By.ID, "lang-toggle").click()
    assert browser.find_element(By.ID, "nav-feed").text == "Подкаст арнасы"


def test_page_asks_for_a_token_and_sends_it_as_a_bearer_header(
    serve: Callable[..., Server], browser: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    token = "editor-token-0123456789abcdef"
    tokens = tmp_path / "tokens"
    tokens.write_text(token + "\n")
    server = serve("--token-file", str(tokens))
    browser.get(server.url + "/")
    box = wait_until(
        lambda: (b := browser.find_element(By.ID, "token-box")).is_displayed() and b, 10, "box"
    )
    assert box.is_displayed()
    assert browser.find_elements(By.CSS_SELECTOR, "#voice option") == []
    browser.find_element(By.ID, "token").send_keys(token)
    browser.find_element(By.ID, "token-save").click()
    wait_until(lambda: browser.find_elements(By.CSS_SELECTOR, "#voice option"), 10, "voices")
    paste(browser, "Бағасы 5 $ болды.")
    wait_until(lambda: preview_spans(browser), 10, "the preview")
    assert token not in browser.current_url
    assert browser.get_cookies() == []
