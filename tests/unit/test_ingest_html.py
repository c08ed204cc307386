"""Job ad descriptions: sanitised HTML, active content detection, unescaping and plain text."""

from __future__ import annotations

import pytest

from lmis.ingest.html import has_active_content, plain_text, sanitise, unescape_if_escaped


def test_sanitising_keeps_the_structure_of_an_ad() -> None:
    markup = (
        "<h2>The role</h2><p>Join our <strong>ward</strong> <em>team</em>.</p>"
        "<ul><li>Care</li></ul><ol><li>Rotas</li></ol>"
        "<table><thead><tr><th>Band</th></tr></thead><tbody><tr><td>5</td></tr></tbody></table>"
    )
    assert sanitise(markup) == markup


def test_sanitising_drops_script_and_style_with_their_content() -> None:
    cleaned = sanitise("<p>Hi</p><script>alert(1)</script><style>p { color: red }</style>")
    assert cleaned == "<p>Hi</p>"


def test_sanitising_drops_attributes_but_keeps_safe_links() -> None:
    cleaned = sanitise(
        '<p class="lead" style="color:red" onclick="steal()">Apply</p>'
        '<a href="https://jobs.example.org/1" title="Apply" target="_blank" onclick="x()">here</a>'
    )
    assert cleaned == (
        '<p>Apply</p><a href="https://jobs.example.org/1" title="Apply" rel="nofollow noopener">here</a>'
    )


def test_sanitising_drops_javascript_links_and_unknown_tags_but_keeps_their_text() -> None:
    cleaned = sanitise('<a href="javascript:alert(1)">click</a><img src="x.png"><font>Old</font><iframe></iframe>')
    assert "javascript" not in cleaned
    for tag in ("<img", "<font", "<iframe"):
        assert tag not in cleaned
    assert "click" in cleaned
    assert "Old" in cleaned


@pytest.mark.parametrize(
    "markup",
    [
        "<script>alert(1)</script>",
        "< SCRIPT src='x.js'></script>",
        "<iframe src='https://x.example'></iframe>",
        "<object data='x'></object>",
        "<embed src='x'>",
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JavaScript :void(0)">x</a>',
        '<p onclick="steal()">x</p>',
        '<div ONMOUSEOVER = "x()">x</div>',
        '<img src=x onerror="x()">',
    ],
)
def test_active_content_is_detected(markup: str) -> None:
    assert has_active_content(markup)


@pytest.mark.parametrize(
    "markup",
    [
        "<p>Plain ad text.</p>",
        "<p>Work on weekends; ongoing training.</p>",
        "<p>Describe scripts you wrote</p>",
        "<p>Subscription = monthly</p>",
        "",
    ],
)
def test_ordinary_ads_are_not_active_content(markup: str) -> None:
    assert not has_active_content(markup)


def test_an_ad_that_names_javascript_as_a_skill_is_not_active_content() -> None:
    assert not has_active_content("<ul><li>JavaScript: 3 years</li><li>Python: 2 years</li></ul>")


def test_an_escaped_description_is_unescaped_once() -> None:
    assert unescape_if_escaped("&lt;p&gt;Fish &amp;amp; chips&lt;/p&gt;") == "<p>Fish &amp; chips</p>"


def test_markup_that_is_already_html_is_not_unescaped() -> None:
    text = "<p>Use &lt;b&gt; for bold</p>"
    assert unescape_if_escaped(text) == text


@pytest.mark.parametrize("text", ["Salary &lt; 30k &amp; benefits", "No markup at all", "5 &lt; 6"])
def test_text_with_entities_but_no_escaped_tags_is_left_alone(text: str) -> None:
    assert unescape_if_escaped(text) == text


def test_plain_text_puts_paragraphs_headings_breaks_and_list_items_on_their_own_lines() -> None:
    markup = "<h2>Role</h2><p>One</p><p>Two<br>Three<br/>Four</p><ul><li>A</li><li>B</li></ul><div>End</div>"
    assert plain_text(markup) == "Role\nOne\nTwo\nThree\nFour\nA\nB\nEnd"


def test_plain_text_collapses_spaces_drops_empty_lines_and_unescapes_entities() -> None:
    assert plain_text("<p>  Fish   &amp; <b>chips</b>  daily </p><p></p><p> </p>") == "Fish & chips daily"


def test_line_breaks_of_a_plain_text_description_are_kept() -> None:
    assert plain_text("Month-end close,\nreconciliations and VAT returns.") == (
        "Month-end close,\nreconciliations and VAT returns."
    )


def test_plain_text_of_plain_text_is_the_text() -> None:
    assert plain_text("Warehouse shifts.") == "Warehouse shifts."
