"""HTML templates to PDF with WeasyPrint, safely and reproducibly.

One :class:`PdfRenderer` per process holds everything that is costly to set
up and the same for every document: the Jinja2 environment, one
FontConfiguration, the parsed print stylesheet, the reduced CJK faces
(reporter.writers.pdf.fonts) and the agreement bodies it laid out
(reporter.writers.pdf.shared_body).  The renderer fetches nothing but files under
the template folder, its reduced faces and ``data:`` URIs; a template that
asks for anything else fails the build.
"""

from __future__ import annotations

import io
import mimetypes
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import escape

from reporter.errors import ReporterError
from reporter.writers.pdf import flate, serialised_once, shared_body
from reporter.writers.pdf.fonts import font_face_css, reduced_faces
from reporter.writers.pdf.user_agent import html_document
from reporter.writers.templates import default_templates

FONTS = ("Noto Serif CJK SC",)  # one family, regular and bold: each PDF subsets two faces, not four


def w3c(created: datetime) -> str:
    """A document's creation time as its metadata says it: a W3C date (WeasyPrint ignores one without a zone)."""
    return created.strftime("%Y-%m-%dT%H:%M:%SZ")


class RenderError(ReporterError):
    """A document could not be typeset (missing fonts, a template error, a refused resource)."""


def check_fonts(families=FONTS) -> None:
    """Fail with a clear message rather than print boxes where Chinese should be."""
    if shutil.which("fc-match") is None:
        raise RenderError("找不到 fontconfig（fc-match）：请运行 make demo 或 apt-get install fontconfig fonts-noto-cjk")
    missing = []
    for family in families:
        found = subprocess.run(["fc-match", "-f", "%{family}", family], capture_output=True, text=True).stdout
        if family not in found:
            missing.append(family)
    if missing:
        raise RenderError(f"缺少中文字体 {'、'.join(missing)}：请运行 make demo 或 apt-get install fonts-noto-cjk")


def check_subsetting() -> None:
    """Without libharfbuzz-subset WeasyPrint subsets CJK fonts with fontTools: ~13 s a page instead of ~0.2 s."""
    from weasyprint.text import ffi

    if ffi.harfbuzz_subset is None:
        raise RenderError("缺少 libharfbuzz-subset0（字体子集化库），生成 PDF 会极慢：请运行 make demo 或 "
                          "apt-get install libharfbuzz-subset0")


def _make_fetcher(root: Path, faces: frozenset[Path] = frozenset()):
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class TemplateFolderFetcher(URLFetcher):
        """Serves files under the template folder, the reduced faces and data: URIs; refuses everything else."""

        def __init__(self):
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
            self.root = root.resolve()
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            if parts.scheme == "file" and not parts.netloc:
                path = Path(unquote(parts.path)).resolve()
                if (path.is_relative_to(self.root) or path in faces) and path.is_file():
                    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
            self.refused.append(url)
            raise ValueError(f"refused: {url}")

    return TemplateFolderFetcher()


class PdfRenderer:
    """``characters``: the period's input's characters; those the core faces lack (GB 2312's common
    ideographs and the package's and templates' wording) go into the spare faces, so every document sets
    in the reduced faces; ``reduce_fonts=False`` sets every document in the full face, ``split_faces=False``
    in one reduced face per weight (both slower: the benchmark measures the differences)."""

    def __init__(self, templates: Path | None = None, characters: str = "", reduce_fonts: bool = True,
                 split_faces: bool = True):
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        check_fonts()
        check_subsetting()
        flate.set_level()  # every PDF of this process deflated at flate.LEVEL, not pydyf's slower 9
        serialised_once.install()  # and each of its objects serialised once, not again for the /ID
        self.templates = Path(templates or default_templates()).resolve()
        # autoescape=True for every template: select_autoescape() would skip the .html.j2 files.
        # Sandboxed: a company's own template folder may be passed in, and a template must not reach
        # Python internals ({{ x.__class__ }}) whoever wrote it.
        # A template a company's folder lacks (one added by a later version, like the unit documents) is the
        # bundled one: a folder copied once keeps working.
        loaders = [jinja2.FileSystemLoader(self.templates)]
        if self.templates != Path(default_templates()).resolve():
            loaders.append(jinja2.FileSystemLoader(Path(default_templates()).resolve()))
        self.env = SandboxedEnvironment(loader=jinja2.ChoiceLoader(loaders), autoescape=True,
                                        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        try:
            faces = reduced_faces(characters, templates=self.templates, split=split_faces) if reduce_fonts else ()
        except OSError:
            faces = ()  # the stylesheet's next family, the full face, sets every character (only slower)
        self._stamps: dict[tuple[str, str], bytes] = {}
        self.bodies = shared_body.SharedBodies()  # the agreement bodies this process laid out
        self.fetcher = _make_fetcher(self.templates, frozenset(face.path.resolve() for face in faces))
        self.font_config = FontConfiguration()
        faces_css, print_css = font_face_css(faces), self.templates / "print.css"
        print_bytes = print_css.read_bytes()  # read once: parsed as bytes (its @charset honoured), searched as text
        self.css = [CSS(string=faces_css, font_config=self.font_config, url_fetcher=self.fetcher),
                    CSS(file_obj=io.BytesIO(print_bytes), base_url=print_css.as_uri(), font_config=self.font_config,
                        url_fetcher=self.fetcher)]
        # The stylesheets' text: what the user-agent sheet is chosen by (reporter.writers.pdf.user_agent).
        self.author_css = faces_css + print_bytes.decode("utf-8", errors="replace")

    def html(self, template: str, context: dict) -> str:
        try:
            return self.env.get_template(template).render(**context)
        except jinja2.TemplateError as err:
            raise RenderError(f"模板 {template} 出错：{err}") from err

    def render_originals(self, template: str, context: dict, marks: list[str], *, identifier: str,
                         created: datetime) -> bytes:
        """A document made in several originals (一式两份: 甲方执, 乙方执), typeset once: the body is laid out
        with room for the mark in every page's header, and each original is those pages with its mark
        stamped there (:func:`stamp_originals`), so the originals cannot differ in anything but the mark.
        Where the template marks the person's text (``data-slot``), the body is the one this process laid out
        for everyone of the same plan, with the person's particulars drawn over it (shared_body)."""
        from reporter.writers.pdf.print_batch import stamp_originals

        stamps = [self.original_stamp(mark, context["lang"].html_lang) for mark in marks]
        html = self.html(template, {**context, "original": marks[0], "created": w3c(created)})
        shared = self._on_shared_body(template, html, context, identifier=identifier)
        if shared is not None:
            return stamp_originals(shared[0], stamps, shared[1])
        body = self._layout(template, html).write_pdf(pdf_identifier=identifier.encode("utf-8"))
        return stamp_originals(body, stamps)

    def _on_shared_body(self, template: str, html: str, context: dict, *,
                        identifier: str) -> tuple[bytes, bytes] | None:
        """The body this document (``html``) shares with others of the same plan (typeset once per worker)
        and the person's particulars to draw over it; None where the document must be typeset whole
        (reporter.writers.pdf.shared_body)."""
        body_html = shared_body.body_html(html, context)
        if body_html is None:
            return None
        key = shared_body.digest(body_html)
        body = self.bodies.get(key, lambda: self._typeset_body(template, body_html, key))
        particulars = shared_body.particulars_html(html, body, context["lang"].html_lang)
        if particulars is None:
            return None
        document = self._layout(template, particulars)
        if len(document.pages) != body.pages or shared_body.overflows(document) or shared_body.collide(body, document):
            return None
        return body.pdf, document.write_pdf(pdf_identifier=identifier.encode("utf-8"))

    def _typeset_body(self, template: str, html: str, key: str) -> shared_body.Body:
        document = self._layout(template, html)
        return shared_body.Body(document.write_pdf(pdf_identifier=f"body/{key}".encode()), len(document.pages),
                                shared_body.find_slots(document), shared_body.margin_text(document))

    def _layout(self, template: str, html: str):
        self.fetcher.refused.clear()
        document = html_document(html, self.author_css, base_url=self.templates.as_uri() + "/",
                                 url_fetcher=self.fetcher).render(stylesheets=self.css, font_config=self.font_config)
        if self.fetcher.refused:
            raise RenderError(f"模板 {template} 试图读取模板目录以外的资源：{self.fetcher.refused[0]}")
        return document

    def original_stamp(self, mark: str, html_lang: str) -> bytes:
        """A page with nothing but the mark in the header, where the body left room for it (made once)."""
        key = (mark, html_lang)
        if key not in self._stamps:
            html = (f'<!DOCTYPE html><html lang="{escape(html_lang)}"><head><meta charset="utf-8"><style>'
                    "@page { @top-left { content: none !important } @top-right { content: none !important }"
                    " @bottom-left { content: none !important } @bottom-center { content: none !important }"
                    " @bottom-right { content: none !important } }"
                    f'</style></head><body><div class="original-stamp">{escape(mark)}</div></body></html>')
            document = html_document(html, self.author_css, base_url=self.templates.as_uri() + "/",
                                     url_fetcher=self.fetcher).render(stylesheets=self.css, font_config=self.font_config)
            self._stamps[key] = document.write_pdf(pdf_identifier=b"original-stamp")
        return self._stamps[key]

    def render(self, template: str, context: dict, *, identifier: str, created: datetime) -> bytes:
        """One PDF; ``identifier`` (period and employee) becomes the PDF's /ID, so bytes are reproducible."""
        return self.render_counted(template, context, identifier=identifier, created=created)[0]

    def render_counted(self, template: str, context: dict, *, identifier: str, created: datetime) -> tuple[bytes, int]:
        """:meth:`render`, and the PDF's number of pages (known from the layout: no need to parse the PDF)."""
        document = self._layout(template, self.html(template, {**context, "created": w3c(created)}))
        return document.write_pdf(pdf_identifier=identifier.encode("utf-8")), len(document.pages)
