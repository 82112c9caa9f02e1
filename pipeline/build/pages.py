"""The pages `k2brief serve` adds: the index, the problems overlay and the reload script."""

from __future__ import annotations

from html import escape

from pipeline.build.preview import INDEX, REBUILDING, DocView, Snapshot

#: Waits for the page to change (long polling), then reloads it where the reader was.
RELOAD_SCRIPT = """<script id="k2brief-reload">
(function () {
  var key = "k2brief-scroll:" + location.pathname;
  window.addEventListener("load", function () {
    var y = sessionStorage.getItem(key);
    if (y !== null) { sessionStorage.removeItem(key); window.scrollTo(0, +y); }
  });
  function poll() {
    fetch("/_k2brief/poll?page=%(page)s&v=%(token)d", {cache: "no-store"})
      .then(function (r) { return r.text(); })
      .then(function (v) {
        if (v.trim() !== "%(token)d") {
          sessionStorage.setItem(key, String(window.scrollY));
          location.reload();
        } else { poll(); }
      }, function () { setTimeout(poll, 1000); });
  }
  poll();
})();
</script>
"""

OVERLAY_STYLE = (
    "position:fixed;top:0;left:0;right:0;max-height:60vh;overflow:auto;z-index:2147483647;"
    "margin:0;padding:1em 1.5em;background:#fff4f2;color:#5c0d00;border-bottom:3px solid "
    "#b3261e;font:14px/1.45 system-ui,sans-serif;box-shadow:0 2px 12px rgba(0,0,0,.25)"
)

INDEX_STYLE = """body{font:16px/1.5 system-ui,sans-serif;margin:2em auto;max-width:56em;
padding:0 1em}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4em .8em;
border-bottom:1px solid #ddd}.failed{color:#b3261e;font-weight:600}.rebuilding{color:#8a5a00}
.waiting{color:#555}.up-to-date{color:#1b6e20}.over{color:#b3261e;font-weight:600}"""

#: The strip of PDF page thumbnails; a changed page gets a thick orange frame and a label.
PAGES_STYLE = """<style id="k2brief-pages-style">
.k2brief-pages{display:flex;flex-wrap:wrap;gap:12px;padding:12px;
margin:0;background:#eef0f3;font:13px/1.4 system-ui,sans-serif;color:#222}
.k2brief-pages figure{margin:0;text-align:center}
.k2brief-pages img{display:block;width:160px;border:1px solid #999;background:#fff}
.k2brief-pages .changed img{outline:4px solid #e07000}
.k2brief-pages .changed figcaption{color:#a04e00;font-weight:600}
</style>"""


def served_document(html: str, name: str, snapshot: Snapshot) -> str:
    """Return a document's HTML as served: its problems over it and the reload script."""
    doc = snapshot.document(name)
    problems = (*snapshot.findings, *(doc.problems if doc else ()))
    strip = page_strip(doc) if doc else ""
    extra = overlay(problems) + (PAGES_STYLE + strip if strip else "")
    extra += RELOAD_SCRIPT % {"page": name, "token": snapshot.token(name)}
    at = html.rfind("</body>")
    return html + extra if at < 0 else html[:at] + extra + html[at:]


def overlay(problems: tuple[str, ...]) -> str:
    """Return the problems as a banner over the page, or nothing when there are none."""
    if not problems:
        return ""
    lines = "\n".join(escape(line) for line in problems)
    return (
        f'<div id="k2brief-problems" role="alert" style="{OVERLAY_STYLE}">'
        "<strong>Not updated: fix these and save again.</strong> Below is the last good "
        'version; output/ keeps its files.<pre style="white-space:pre-wrap;margin:.5em 0 0">'
        f"{lines}</pre></div>"
    )


def page_strip(doc: DocView) -> str:
    """Return the PDF's pages as thumbnails in order, the changed ones marked, or nothing."""
    if not doc.images:
        return ""
    name = escape(doc.name)
    figures = []
    for number in range(1, len(doc.images) + 1):
        changed = number in doc.changed
        label = f"page {number}" + (" · changed" if changed else "")
        figures.append(
            f'<figure class="page{" changed" if changed else ""}" data-page="{number}">'
            f'<img src="/pages/{name}/{number}.png" alt="{name}.pdf, {label}">'
            f"<figcaption>{label}</figcaption></figure>"
        )
    return (
        f'<section class="k2brief-pages" aria-label="{name}.pdf, page by page">'
        f"{''.join(figures)}</section>"
    )


def missing_document(name: str, snapshot: Snapshot) -> str:
    """Return the page shown for a document that has no good HTML yet."""
    body = f"<p>{escape(name)} has not been rendered yet.</p>"
    page = f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{escape(name)}"
    return served_document(f"{page}</title></head><body>{body}</body></html>", name, snapshot)


def index_page(snapshot: Snapshot) -> str:
    """Return the index: every document with its status, pages against its limit and links."""
    rows = "\n".join(_row(doc) for doc in snapshot.documents)
    problems = ""
    if snapshot.findings:
        lines = "\n".join(escape(line) for line in snapshot.findings)
        problems = f'<h2 class="failed">The data has problems</h2><pre>{lines}</pre>'
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>k2brief serve</title><style>{INDEX_STYLE}</style>{PAGES_STYLE}</head><body>"
        "<h1>k2brief</h1><p>Save a table or template: the HTML updates within a second, "
        "the PDFs follow.</p>"
        f"{problems}<table><thead><tr><th>document</th><th>status</th><th>pages</th>"
        f"<th>files</th></tr></thead><tbody>{rows}</tbody></table>"
        + "".join(_pages_of(doc) for doc in snapshot.documents)
        + RELOAD_SCRIPT % {"page": INDEX, "token": snapshot.version}
        + "</body></html>"
    )


def _pages_of(doc: DocView) -> str:
    """Return a document's heading and page thumbnails for the index, once it has them."""
    if not doc.images:
        return ""
    return f'<h2 id="pages-{escape(doc.name)}">{escape(doc.name)}.pdf</h2>{page_strip(doc)}'


def _row(doc: DocView) -> str:
    """Return one document's row of the index."""
    status = doc.status + (f": {doc.step}" if doc.status == REBUILDING and doc.step else "")
    css = doc.status.replace(" ", "-")
    problems = "".join(f"<br><small>{escape(p)}</small>" for p in doc.problems)
    pages = "" if doc.pages is None else str(doc.pages)
    if doc.max_pages is not None:
        over = doc.pages is not None and doc.pages > doc.max_pages
        css_pages = "over" if over else ""
        pages = f'<span class="{css_pages}">{pages or "?"} of at most {doc.max_pages}</span>'
    name = escape(doc.name)
    links = [f'<a href="/output/{name}.pdf">PDF</a>']
    if doc.has_html:
        links.insert(0, f'<a href="/{name}.html">HTML</a>')
        title = f'<a href="/{name}.html">{name}</a>'
    else:
        links.append(f'<a href="/output/{name}.png">PNG</a>')
        title = name
    return (
        f'<tr><td>{title}</td><td class="{css}">{escape(status)}{problems}</td>'
        f"<td>{pages}</td><td>{' · '.join(links)}</td></tr>"
    )
