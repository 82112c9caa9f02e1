"""Serve the documents on 127.0.0.1, re-rendering their HTML on every save, PDFs behind."""

from __future__ import annotations

import contextlib
import mimetypes
import threading
from collections.abc import Callable, Sequence
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from pipeline.build.pages import index_page, missing_document, served_document
from pipeline.build.preview import Preview
from pipeline.build.watch import changes, watched_paths
from pipeline.documents import Document
from pipeline.errors import K2BriefError
from pipeline.settings import Settings

#: Only this machine: the server shows unpublished data and is never reachable from outside.
HOST = "127.0.0.1"
#: Seconds a page's reload request waits for a change before it asks again.
POLL_SECONDS = 20.0


class ServeError(K2BriefError):
    """The server could not start (the port is taken, for example)."""


class _Server(ThreadingHTTPServer):
    """The HTTP server, holding the preview its requests read."""

    daemon_threads = True

    def __init__(self, port: int, preview: Preview) -> None:
        self.preview = preview
        super().__init__((HOST, port), _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        """Ignore a connection the browser dropped; report anything else as usual."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    """Answer GET requests for the index, the documents, their outputs and reload polls."""

    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        """Route a GET request."""
        url = urlsplit(self.path)
        path, query = url.path, parse_qs(url.query)
        preview = self.server.preview
        if path == "/":
            self._send(index_page(preview.snapshot()).encode(), "text/html; charset=utf-8")
        elif path == "/_k2brief/poll":
            self._poll(query)
        elif path.startswith("/output/"):
            self._output(path.removeprefix("/output/"))
        elif path.startswith("/pages/"):
            self._page_image(path.removeprefix("/pages/"))
        elif path.endswith(".html"):
            self._document(path[1:].removesuffix(".html"))
        else:
            self._send(b"not found", "text/plain", HTTPStatus.NOT_FOUND)

    def _poll(self, query: dict[str, list[str]]) -> None:
        """Answer when the page's token differs from the one it has, or after a while."""
        page = query.get("page", ["index"])[0]
        try:
            token = int(query.get("v", ["-1"])[0])
            timeout = min(float(query.get("timeout", [POLL_SECONDS])[0]), POLL_SECONDS)
        except ValueError:
            token, timeout = -1, POLL_SECONDS
        current = self.server.preview.wait(page, token, timeout)
        self._send(str(current).encode(), "text/plain")

    def _document(self, name: str) -> None:
        """Send a document's last good HTML with the problems over it and the reload script."""
        snapshot = self.server.preview.snapshot()
        doc = snapshot.document(name)
        if doc is None or not doc.has_html:
            self._send(b"not found", "text/plain", HTTPStatus.NOT_FOUND)
            return
        page = missing_document(name, snapshot)
        if doc.html is not None:
            page = served_document(doc.html, name, snapshot)
        self._send(page.encode("utf-8"), "text/html; charset=utf-8")

    def _output(self, name: str) -> None:
        """Send a file the build wrote (renamed into place whole, so never half-written)."""
        preview = self.server.preview
        known = {output for doc in preview.documents for output in doc.outputs}
        path = preview.settings.out_dir / name
        if name not in known or not path.is_file():
            self._send(b"not built yet", "text/plain", HTTPStatus.NOT_FOUND)
            return
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        self._send(path.read_bytes(), kind)

    def _page_image(self, rest: str) -> None:
        """Send a PDF page's thumbnail, /pages/<name>/<n>.png, from memory."""
        name, _, file = rest.partition("/")
        number = file.removesuffix(".png")
        doc = self.server.preview.snapshot().document(name)
        images = doc.images if doc is not None else ()
        if not (file.endswith(".png") and number.isdigit() and 1 <= int(number) <= len(images)):
            self._send(b"no such page image yet", "text/plain", HTTPStatus.NOT_FOUND)
            return
        self._send(images[int(number) - 1], "image/png")

    def _send(self, body: bytes, kind: str, status: HTTPStatus = HTTPStatus.OK) -> None:
        """Send a complete response that no browser caches."""
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        # A reader who closed the tab before the answer came is no error.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Keep the terminal for what matters: the server logs no requests."""


def start_server(preview: Preview, port: int) -> _Server:
    """Start serving the preview on 127.0.0.1 in a thread, or say why it cannot."""
    try:
        server = _Server(port, preview)
    except OSError as error:
        raise ServeError(
            f"cannot serve on {HOST}:{port}: {error.strerror}; choose another port with --port"
        ) from None
    threading.Thread(target=server.serve_forever, name="k2brief-http", daemon=True).start()
    return server


def serve(
    settings: Settings,
    say: Callable[[str], None],
    *,
    port: int = 8000,
    open_browser: bool = False,
    jobs: int = 1,
    pdfs: bool = True,
    stop: threading.Event | None = None,
    documents: Sequence[Document] | None = None,
) -> None:
    """Serve the documents until Ctrl-C (or stop): HTML at once on each save, PDFs behind."""
    from pipeline.build.background import Builder

    preview = Preview(settings, documents)
    builder = Builder(preview, jobs) if pdfs else None
    server = None
    try:
        _report(preview.refresh(), preview, say)
        server = start_server(preview, port)
        url = f"http://{HOST}:{server.server_port}/"
        if builder is not None:
            builder.start()
            builder.request()
        say(f"serving on {url} (Ctrl-C to stop)")
        if open_browser:
            import webbrowser

            webbrowser.open(url)
        for names in changes(watched_paths(settings), stop, raise_interrupt=True):
            say(f"changed: {', '.join(names)}")
            _report(preview.refresh(), preview, say)
            if builder is not None:
                builder.request()
    except KeyboardInterrupt:
        pass
    finally:
        preview.close()
        if builder is not None and builder.is_alive():
            builder.stop()
        if server is not None:
            server.shutdown()
            server.server_close()
    say("stopped")


def _report(rendered: list[str], preview: Preview, say: Callable[[str], None]) -> None:
    """Say in the terminal what a refresh did."""
    snapshot = preview.snapshot()
    if snapshot.findings:
        say("the data is invalid; the pages show why, over the last good version")
    for doc in snapshot.documents:
        for problem in doc.problems:
            say(problem)
    if rendered:
        say(f"updated {', '.join(name + '.html' for name in rendered)}")
