"""Search finds pages of the reader's language only.

The browser tests type into Material's search box and read the result
links; the index tests check the per-language index files behind them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.quality.conftest import page_language

# The i18n plugin puts every language but the default one in a folder.
LANGUAGE_FOLDER = {"en": "", "zh": "zh/"}
RESULT_TIMEOUT_MS = 15_000


def load_index(site: Path, lang: str) -> dict:
    path = site / LANGUAGE_FOLDER[lang] / "search" / "search_index.json"
    assert path.is_file(), f"{path} is missing"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", LANGUAGE_FOLDER)
def test_index_holds_only_its_language(built_site, lang):
    index = load_index(built_site, lang)
    assert index["docs"], "the index is empty"
    for doc in index["docs"]:
        page = LANGUAGE_FOLDER[lang] + doc["location"].split("#")[0]
        assert (built_site / page / "index.html").is_file(), doc["location"]
        assert page_language(built_site, page) == lang, doc["location"]


def test_index_separator_splits_jieba_words(built_site):
    for lang in LANGUAGE_FOLDER:
        separator = re.compile(load_index(built_site, lang)["config"]["separator"])
        assert separator.split("注意力\u200b机制") == ["注意力", "机制"]
        assert separator.split("query-key value") == ["query", "key", "value"]
        assert "toy_queries_keys" in separator.split("ac.toy_queries_keys(tokens)")


def test_chinese_text_is_segmented(built_site):
    docs = load_index(built_site, "zh")["docs"]
    segmented = [doc for doc in docs if "\u200b" in doc["text"]]
    # Without jieba, Material indexes Chinese text without word breaks.
    assert len(segmented) >= len(docs) // 2, "jieba did not segment the index"


def test_language_pages_load_their_own_index(built_site):
    config = re.compile(r'<script id="__config" type="application/json">(.*?)</script>')
    for page in built_site.rglob("index.html"):
        relative = page.relative_to(built_site)
        if relative.parts[0] == "assets":
            continue
        base = json.loads(config.search(page.read_text(encoding="utf-8"))[1])["base"]
        index = (page.parent / base / "search" / "search_index.json").resolve()
        lang = page_language(built_site, relative.parent.as_posix().replace(".", ""))
        expected = built_site / LANGUAGE_FOLDER[lang] / "search" / "search_index.json"
        assert index == expected.resolve(), f"{relative}: base {base!r}"


@pytest.mark.parametrize("lang", LANGUAGE_FOLDER)
def test_index_contains_block_captions(built_site, lang):
    # The blocks are indexed through light stand-ins (hooks/search_text.py),
    # so this checks that their captions still reach the index.
    page = built_site / LANGUAGE_FOLDER[lang] / "attention" / "index.html"
    captions = re.findall(r"<caption>(.*?)</caption>", page.read_text("utf-8"))
    assert captions, f"{page} has no table caption"
    text = " ".join(doc["text"] for doc in load_index(built_site, lang)["docs"])
    words = " ".join(text.replace("\u200b", "").split())
    for caption in captions:
        assert " ".join(caption.split()) in words, caption


def test_pages_keep_no_search_stand_in(built_site):
    for page in built_site.rglob("*.html"):
        assert "attention-block" not in page.read_text("utf-8"), page


def search_results(page, url: str, query: str) -> list[str]:
    """Type ``query`` into the search box at ``url``; return result links."""
    page.goto(url)
    page.locator("input.md-search__input").click()
    page.keyboard.type(query)
    # Playwright enters Chinese text like an input method, without key
    # events, and Material reads the query on keyup. A reader's input method
    # commits the text with a key press; End stands in for it.
    page.keyboard.press("End")
    page.locator("li.md-search-result__item").first.wait_for(timeout=RESULT_TIMEOUT_MS)
    return page.eval_on_selector_all(
        "li.md-search-result__item > a.md-search-result__link",
        "links => links.map(link => link.href)",
    )


@pytest.fixture
def search_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("start", ["zh/", "zh/attention/"])
@pytest.mark.parametrize("query", ["上下文", "注意力机制"])
def test_chinese_query_finds_chinese_pages(search_page, serve, start, query):
    links = search_results(search_page, serve + start, query)
    assert links, f"no result for {query!r}"
    assert all(link.startswith(serve + "zh/") for link in links), links
    assert len(links) == len(set(links)), f"duplicate results: {links}"


@pytest.mark.browser
@pytest.mark.parametrize("start", ["", "attention/"])
@pytest.mark.parametrize("query", ["attention", "softmax", "toy_queries_keys"])
def test_english_query_finds_english_pages(search_page, serve, start, query):
    links = search_results(search_page, serve + start, query)
    assert links, f"no result for {query!r}"
    assert not [link for link in links if link.startswith(serve + "zh/")], links
    assert len(links) == len(set(links)), f"duplicate results: {links}"


@pytest.mark.browser
def test_chinese_result_opens_chinese_page(search_page, serve):
    links = search_results(search_page, serve + "zh/", "上下文")
    search_page.locator("li.md-search-result__item > a").first.click()
    search_page.wait_for_load_state("load")
    assert search_page.url.split("#")[0] == links[0].split("#")[0]
    assert search_page.evaluate("document.documentElement.lang") == "zh"
