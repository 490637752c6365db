"""HTML to PDF with WeasyPrint, loading nothing from outside.

The PDF's stylesheet is handed over as a file and its fonts come from the system (fontconfig,
e.g. Debian's fonts-dejavu-core), so rendering works air-gapped. Every URL in the HTML is
refused: a plan's text cannot make the server fetch anything.

WeasyPrint is imported on first use, not with this module: the import takes over a second and
needs the pango library, and only the PDF download needs either.
"""

from __future__ import annotations

import importlib.util
import logging
from functools import cache
from types import ModuleType

from django.contrib.staticfiles import finders

STYLESHEET = "comms/print.css"

# WeasyPrint reports every rendering step at INFO.
logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


@cache
def _weasyprint() -> ModuleType | None:
    try:
        import weasyprint  # noqa: PLC0415 (see the module docstring)
    except (ImportError, OSError):  # OSError: the pango library is missing
        return None
    return weasyprint


def available() -> bool:
    """Whether the PDF download can be offered (without paying for the import)."""
    return importlib.util.find_spec("weasyprint") is not None


def render_pdf(html: str) -> bytes:
    weasyprint = _weasyprint()
    if weasyprint is None:
        raise RuntimeError("WeasyPrint (and the pango library) is not installed.")
    stylesheet = finders.find(STYLESHEET)
    if not stylesheet:
        raise RuntimeError(f"The static file {STYLESHEET} is missing.")

    class FetchNothing(weasyprint.urls.URLFetcher):  # type: ignore[misc,name-defined]
        def fetch(self, url: str, headers: object = None) -> object:
            raise ValueError(f"PDFs load nothing from outside ({url}).")

    document = weasyprint.HTML(string=html, url_fetcher=FetchNothing())
    return document.write_pdf(stylesheets=[weasyprint.CSS(filename=str(stylesheet))])  # type: ignore[no-any-return]
