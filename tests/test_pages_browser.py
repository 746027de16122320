"""The pages in headless Chromium: they render without console errors, the Arabic column is laid
out right to left (read from the DOM), and screenshots are kept in tests/artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from .conftest import LiveServer

ARTIFACTS = Path(__file__).parent / "artifacts"
BOX = "const r = arguments[0].getBoundingClientRect(); return [r.left, r.right, r.width];"
DIRECTION = "return window.getComputedStyle(arguments[0]).direction;"


def visit(driver: webdriver.Chrome, url: str, screenshot: str | None = None) -> None:
    """Load ``url``; keep a screenshot of the whole page; no SEVERE entry in the console."""
    driver.set_window_size(1400, 1000)
    driver.get(url)
    assert driver.execute_script("return document.readyState") == "complete"
    if screenshot:
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1400, min(max(height, 1000), 6000))
        ARTIFACTS.mkdir(exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / screenshot))
    severe = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert severe == [], severe


def label_columns(driver: webdriver.Chrome) -> tuple[object, object]:
    english = driver.find_element(By.CSS_SELECTOR, ".labels > .col[lang=en]")
    arabic = driver.find_element(By.CSS_SELECTOR, ".labels > .col[lang=ar]")
    return english, arabic


def test_homs_page_lays_the_arabic_column_out_right_to_left(
    live_server: LiveServer, browser: webdriver.Chrome
) -> None:
    visit(browser, live_server.url + "/page/resource/homs", "page-homs.png")
    english, arabic = label_columns(browser)
    assert browser.execute_script(DIRECTION, arabic) == "rtl"
    assert browser.execute_script(DIRECTION, english) == "ltr"
    assert arabic.find_element(By.TAG_NAME, "h1").text == "حمص"
    assert english.find_element(By.TAG_NAME, "h1").text == "Homs"
    _, en_right, en_width = browser.execute_script(BOX, english)
    ar_left, _, ar_width = browser.execute_script(BOX, arabic)
    assert en_width > 200 and ar_width > 200  # side by side, each a real column
    assert ar_left >= en_right  # the Arabic column is right of the English one
    for quote in browser.find_elements(By.CSS_SELECTOR, "figure.evidence blockquote"):
        assert browser.execute_script(DIRECTION, quote) == "rtl"


def test_arabic_interface_keeps_the_arabic_column_on_the_right(
    live_server: LiveServer, browser: webdriver.Chrome
) -> None:
    visit(browser, live_server.url + "/page/resource/homs?lang=ar", "page-homs-ar.png")
    assert browser.execute_script(DIRECTION, browser.find_element(By.TAG_NAME, "body")) == "rtl"
    english, arabic = label_columns(browser)
    first = browser.find_element(By.CSS_SELECTOR, ".labels > .col")
    assert first.get_attribute("lang") == "ar"  # first in the document, and so on the right
    _, en_right, _ = browser.execute_script(BOX, english)
    ar_left, _, _ = browser.execute_script(BOX, arabic)
    assert ar_left >= en_right
    headings = [h.text for h in browser.find_elements(By.TAG_NAME, "h2")]
    assert "الشاهد من النص" in headings


def test_event_page_highlights_the_quote(
    live_server: LiveServer, browser: webdriver.Chrome
) -> None:
    visit(browser, live_server.url + "/page/resource/khalidiya-massacre-2012", "page-event.png")
    mark = browser.find_element(By.CSS_SELECTOR, "figure.evidence mark")
    assert mark.is_displayed()
    assert mark.text.startswith("في 3 فبراير/شباط 2012")
    assert browser.execute_script(DIRECTION, mark) == "rtl"
    background = browser.execute_script(
        "return window.getComputedStyle(arguments[0]).backgroundColor;", mark
    )
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    numbers = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "td.number")]
    assert numbers == ["340", "1,800"]


def test_timeline_renders(live_server: LiveServer, browser: webdriver.Chrome) -> None:
    visit(browser, live_server.url + "/-/timeline", "timeline.png")
    rows = browser.find_elements(By.CSS_SELECTOR, ".timeline-table tbody tr")
    assert len(rows) > 30
    phrase = browser.find_element(By.CSS_SELECTOR, ".timeline-table .phrase")
    assert browser.execute_script(DIRECTION, phrase) == "rtl"


@pytest.mark.parametrize("path", ["/", "/-/browse/Person", "/page/source/homs-2017-05-21"])
def test_other_pages_render_without_console_errors(
    live_server: LiveServer, browser: webdriver.Chrome, path: str
) -> None:
    visit(browser, live_server.url + path)
    assert browser.find_element(By.TAG_NAME, "h1").text


def test_the_arabic_interface_stays_through_the_303_and_the_navigation(
    live_server: LiveServer, browser: webdriver.Chrome
) -> None:
    """From an IRI opened with ?lang=ar to its Arabic page (the 303 keeps the language), then a
    nav link and the search form of that page: each lands on an Arabic page."""
    visit(browser, live_server.url + "/resource/khalidiya?lang=ar", "page-khalidiya-ar.png")
    assert browser.current_url.endswith("/page/resource/khalidiya?lang=ar")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ar"
    nav = browser.find_element(By.CSS_SELECTOR, "header.site nav")
    nav.find_element(By.LINK_TEXT, "الخط الزمني").click()
    assert browser.current_url.endswith("/-/timeline?lang=ar")
    root = browser.find_element(By.TAG_NAME, "html")
    assert (root.get_attribute("lang"), root.get_attribute("dir")) == ("ar", "rtl")
    assert browser.execute_script(DIRECTION, browser.find_element(By.TAG_NAME, "body")) == "rtl"
    dates = browser.find_elements(By.CSS_SELECTOR, ".timeline-table td.when .date")
    assert {date.get_attribute("lang") for date in dates} == {"ar"}
    assert any("نيسان" in date.text for date in dates[:3])  # 18 April 2011, in Arabic
    nav = browser.find_element(By.CSS_SELECTOR, "header.site nav")
    nav.find_element(By.LINK_TEXT, "الرئيسية").click()
    assert browser.current_url.endswith("/?lang=ar")
    box = browser.find_element(By.CSS_SELECTOR, "header.site form.search input[name=q]")
    box.send_keys("باب عمرو")
    box.submit()
    assert "lang=ar" in browser.current_url
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ar"
    result = browser.find_element(By.CSS_SELECTOR, "ol.results li a")
    assert result.get_attribute("href").endswith("/page/resource/baba-amr?lang=ar")
    result.click()
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("dir") == "rtl"
