"""Build the PDFs behind `k2brief serve`: the normal build, in a process that Ctrl-C can stop."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pipeline.settings import Settings

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from pipeline.build.preview import Preview
    from pipeline.documents import Document

#: Imported once by the process that starts each build, so a build starts in milliseconds.
PRELOAD = ["pipeline.build.run", "pipeline.validate.package", "pipeline.context.briefing"]
#: Seconds a stopped build gets to unwind (remove its temporary files) before it is killed;
#: WeasyPrint can take longer than that to notice Ctrl-C in the middle of a page.
STOP_GRACE = 3.0


def _child(settings: Settings, documents: Sequence[Document], jobs: int, conn: Connection) -> None:
    """Run one build and send its events and how it ended through conn."""
    from pipeline.build.run import DocumentsFailed, build
    from pipeline.errors import InvalidDataError, K2BriefError

    # A group of its own: stopping it signals it and its worker processes, nothing else.
    os.setpgid(0, 0)
    # The fork server ignores Ctrl-C (see start); a build must stop on it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    # Its workers print tracebacks when interrupted while idle; serve reports through conn,
    # and the terminal's output stays serve's own.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    try:
        result = build(
            settings,
            documents=documents,
            jobs=jobs,
            progress=lambda event: conn.send(("event", event)),
        )
        conn.send(("built", {doc.name: doc.pages for doc in result.documents}))
    except InvalidDataError:
        conn.send(("invalid", "the data is invalid"))
    except DocumentsFailed:
        conn.send(("failed", ""))  # each failed document was reported by its own event
    except K2BriefError as error:
        conn.send(("error", str(error)))
    except KeyboardInterrupt:
        conn.send(("stopped", ""))
    except Exception as error:  # sent, not printed: the parent shows it in the page
        conn.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        conn.close()


class Builder(threading.Thread):
    """Run a build whenever asked, one at a time, showing its progress in the preview."""

    def __init__(self, preview: Preview, jobs: int) -> None:
        super().__init__(name="k2brief-pdf-builds", daemon=True)
        self.preview = preview
        self.jobs = jobs
        self._wanted = threading.Event()
        self._stopping = threading.Event()

    def start(self) -> None:
        """Start the fork server, deaf to the terminal's Ctrl-C, then the thread."""
        import multiprocessing

        # Ignored signals survive exec: the server and its resource tracker start ignoring
        # SIGINT, instead of dying of it halfway through their imports with a traceback.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            from multiprocessing import forkserver

            forkserver.ensure_running()
        finally:
            signal.signal(signal.SIGINT, previous)
        super().start()

    def request(self) -> None:
        """Ask for a build; asks made while one runs make one more build after it."""
        self._wanted.set()

    def run(self) -> None:
        """Build each time one is asked for, until stopped."""
        while not self._stopping.is_set():
            if self._wanted.wait(0.2) and not self._stopping.is_set():
                self._wanted.clear()
                self._build_once()

    def stop(self) -> None:
        """Stop: the running build, if any, is interrupted (it writes nothing) and waited for."""
        self._stopping.set()
        self.join(3 * STOP_GRACE)

    def _build_once(self) -> None:
        """Start a build process and relay what it says until it ends."""
        import multiprocessing

        # A fresh single-threaded server forks each build: forking this process, whose
        # threads serve requests, could copy a lock held mid-request into the child.
        context = multiprocessing.get_context("forkserver")
        receive, send = context.Pipe(duplex=False)
        with self.preview.busy:
            preview = self.preview
            args = (preview.settings, preview.documents, self.jobs, send)
            process = context.Process(target=_child, args=args)
            process.start()
        send.close()
        try:
            self._relay(receive, process)
        finally:
            receive.close()
            _end(process, interrupt=self._stopping.is_set())

    def _relay(self, receive: Connection, process: Any) -> None:
        """Pass the build's messages to the preview until it ends, dies or serve stops."""
        while not self._stopping.is_set():
            if not receive.poll(0.1):
                continue
            try:
                kind, payload = receive.recv()
            except (EOFError, OSError):
                self.preview.on_build_error("the build process stopped unexpectedly")
                return
            if kind == "event":
                self.preview.on_event(payload)
            elif kind == "built":
                self.preview.on_built(payload)
                self.preview.on_pdfs()
            elif kind in ("invalid", "error"):
                self.preview.on_build_error(payload, invalid=kind == "invalid")
            if kind != "event":
                return


def _end(process: Any, *, interrupt: bool) -> None:
    """Wait for a build process to end, first interrupting it (and its workers) if asked."""
    if interrupt and process.is_alive():
        _signal_group(process.pid, signal.SIGINT)
    process.join(STOP_GRACE)
    if process.is_alive():
        # WeasyPrint can be deaf to SIGINT mid-page; before its renames it has written nothing.
        _signal_group(process.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGKILL)
        process.join(STOP_GRACE)


def _signal_group(pid: int, signum: int) -> None:
    """Send a signal to a build process and its workers, if any are left."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signum)
