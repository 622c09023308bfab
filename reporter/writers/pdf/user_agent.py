"""WeasyPrint's HTML user-agent stylesheet without the rules for footnotes and notes a document does not use.

The default sheet styles five pseudo-elements (``::footnote-call``, ``::footnote-marker``, ``::note-call``,
``::note-marker``, ``::note-callback``) with selectors that match every element, so the cascade works out five
pseudo-element styles for each of a letter's ~900 elements.  WeasyPrint reads them only for an element that
is a footnote (``float: footnote``) or a note (``position: note(…)``).  A document whose HTML and stylesheets
never say ``footnote`` (or ``note(``) is therefore typeset with a sheet that lacks those rules: the same PDF,
byte for byte, for about a tenth less CPU (the lever in bench/levers.py).  A company template that uses
footnotes or notes keeps the rules: the test is on the words, so at worst it keeps them needlessly.
The sheet goes in through ``HTML._ua_stylesheets``, WeasyPrint's own undocumented hook:
tests/test_user_agent.py fails if a release stops typesetting with what it returns.
"""

from __future__ import annotations

from functools import cache

FOOTNOTE_PSEUDO_ELEMENTS = ("footnote-call", "footnote-marker")
NOTE_PSEUDO_ELEMENTS = ("note-call", "note-marker", "note-callback")


def uses(text: str) -> tuple[bool, bool]:
    """Whether HTML or CSS ``text`` may make a footnote, and a note."""
    return "footnote" in text, "note(" in text


@cache
def user_agent_sheet(footnotes: bool, notes: bool):
    """WeasyPrint's user-agent sheet (a CSS) less the footnote or note rules not needed; made once per pair."""
    import tinycss2
    from cssselect2 import parser
    from weasyprint import CSS
    from weasyprint.css.counters import CounterStyle
    from weasyprint.html import UA, UA_STYLESHEET

    dropped = (() if footnotes else FOOTNOTE_PSEUDO_ELEMENTS) + (() if notes else NOTE_PSEUDO_ELEMENTS)
    if not dropped:
        return UA_STYLESHEET
    kept_rules = []
    for rule in tinycss2.parse_stylesheet(UA, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule":  # @page, @counter-style …: as they are
            kept_rules.append(rule.serialize())
            continue
        # Selectors one by one: each keeps its own specificity and the rule its place in the order.
        selectors = [text for text in _selector_texts(rule.prelude)
                     if not any(s.pseudo_element in dropped for s in parser.parse(text))]
        if selectors:
            kept_rules.append(f"{', '.join(selectors)} {{{tinycss2.serialize(rule.content)}}}")
    # Its own counter styles: the default sheet's are already in WeasyPrint's, which every document copies.
    return CSS(string="\n".join(kept_rules), counter_style=CounterStyle())


def _selector_texts(prelude) -> list[str]:
    """A rule's selector list split at its top-level commas (those inside :is(…) are in a function token)."""
    import tinycss2

    parts: list[list] = [[]]
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            parts.append([])
        else:
            parts[-1].append(token)
    return [tinycss2.serialize(part).strip() for part in parts]


def html_document(string: str, author_css: str = "", **options):
    """A WeasyPrint HTML for ``string`` whose user-agent sheet keeps only the rules that ``string`` and the
    author stylesheets' text ``author_css`` may need (``options`` as for ``weasyprint.HTML``)."""
    document = _document_class()(string=string, **options)
    document.user_agent = user_agent_sheet(*uses(author_css + "\n" + string))
    return document


@cache
def _document_class():
    from weasyprint import HTML
    from weasyprint.html import UA_STYLESHEET

    class HTMLWithOwnUserAgent(HTML):
        """WeasyPrint's HTML with ``user_agent`` in the place of its default user-agent sheet."""

        user_agent = UA_STYLESHEET

        def _ua_stylesheets(self, forms=False):
            return [self.user_agent if sheet is UA_STYLESHEET else sheet for sheet in super()._ua_stylesheets(forms)]

    return HTMLWithOwnUserAgent
