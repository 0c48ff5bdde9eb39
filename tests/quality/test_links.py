"""No broken internal link, anchor or asset on any page, generated ones too.

The checker in ``links.py`` first runs against a small site with one broken
reference of each kind, so a checker that finds nothing cannot pass.
"""

from __future__ import annotations

import html
import json

import pytest

from tests.quality.links import SiteLinks

BROKEN_PAGE = """<!doctype html><html lang="en"><head>
<link rel="stylesheet" href="../assets/missing.css">
<link rel="stylesheet" href="../assets/site.css">
</head><body>
<h2 id="present">Present</h2>
<a href="#present">ok</a>
<a href="#absent">bad anchor</a>
<a href="../other/#gone">bad anchor on another page</a>
<a href="../other/">ok</a>
<a href="https://example.org/">external, not checked</a>
<img srcset="../assets/a.png 1x, ../assets/b.png 2x" alt="">
<svg><path marker-end="url(#arrow)"/></svg>
<script type="application/json" class="attn-demo-spec">SPEC</script>
<div class="attn-demo" data-spec="ATTRIBUTE"></div>
</body></html>
"""


@pytest.fixture
def broken_site(tmp_path):
    (tmp_path / "page").mkdir()
    (tmp_path / "other").mkdir()
    (tmp_path / "assets" / "js").mkdir(parents=True)
    (tmp_path / "assets" / "pyodide").mkdir()
    (tmp_path / "assets" / "pyodide" / "pyodide.js").write_text("")
    (tmp_path / "assets" / "a.png").write_bytes(b"")
    (tmp_path / "assets" / "site.css").write_text(
        ".a { background: url(fonts/missing.woff2); }\n"
        '.b { background: url("data:image/svg+xml;x"); }\n'
    )
    (tmp_path / "assets" / "js" / "main.js").write_text(
        'import { run } from "./runtime.js";\n'
    )
    spec = {
        "code": "print(1)\n",
        "wheel": "../assets/wheels/missing.whl",
        "pyodide": "../assets/pyodide/",
    }
    in_attribute = {"wheel": "../assets/wheels/gone.whl", "controls": []}
    page = BROKEN_PAGE.replace("SPEC", json.dumps(spec)).replace(
        "ATTRIBUTE", html.escape(json.dumps(in_attribute))
    )
    (tmp_path / "page" / "index.html").write_text(page)
    (tmp_path / "other" / "index.html").write_text('<p id="here">x</p>')
    return SiteLinks(tmp_path)


def test_checker_reports_broken_page_links(broken_site):
    broken = "\n".join(broken_site.broken_page_links())
    assert "page/index.html:2: link href='../assets/missing.css'" in broken
    assert "no id 'absent' in page/index.html" in broken
    assert "no id 'gone' in other/index.html" in broken
    assert "'../assets/b.png': assets/b.png not found" in broken
    assert "path marker-end='#arrow'" in broken
    assert "example.org" not in broken
    assert "a.png'" not in broken
    assert len(broken_site.broken_page_links()) == 5


def test_checker_reports_broken_css_url(broken_site):
    assert broken_site.broken_css_urls() == [
        "assets/site.css:1: url(fonts/missing.woff2) not found"
    ]


def test_checker_reports_broken_json_urls(broken_site):
    broken = "\n".join(broken_site.broken_json_urls())
    assert "JSON wheel='../assets/wheels/missing.whl'" in broken
    assert "page/index.html:14: JSON wheel='../assets/wheels/gone.whl'" in broken
    assert "pyodide.asm.wasm missing" in broken
    assert "pyodide.js missing" not in broken
    assert "print" not in broken


def test_checker_reports_broken_js_import(broken_site):
    assert broken_site.broken_js_imports() == [
        "assets/js/main.js:1: import './runtime.js' not found"
    ]


@pytest.fixture(scope="module")
def site_links(built_site):
    return SiteLinks(built_site)


def test_site_checks_every_page(site_links, pages):
    names = {path.relative_to(site_links.site).as_posix() for path in site_links.pages}
    for page in pages:
        assert f"{page}index.html" in names
    assert "404.html" in names
    assert "zh/404.html" in names


def test_no_broken_page_link(site_links):
    broken = site_links.broken_page_links()
    assert not broken, "\n".join(broken)


def test_no_broken_css_url(site_links):
    broken = site_links.broken_css_urls()
    assert not broken, "\n".join(broken)


def test_no_broken_url_in_demo_specs(site_links):
    broken = site_links.broken_json_urls()
    assert not broken, "\n".join(broken)
    specs = [
        text
        for parser in site_links.pages.values()
        for _, text in parser.json_blocks
        if '"wheel"' in text
    ]
    assert specs, "no demo spec found on any page"


def test_no_broken_js_import(site_links):
    broken = site_links.broken_js_imports()
    assert not broken, "\n".join(broken)
