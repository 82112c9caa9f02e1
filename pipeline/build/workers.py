"""Run document tasks here or in forked worker processes, relaying their progress events."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pipeline.build.progress import BUILT, FAILED, STARTED, Event, Progress
from pipeline.errors import K2BriefError, describe_os_error
from pipeline.outputs import Artifact

if TYPE_CHECKING:
    from concurrent.futures import Future
    from multiprocessing.queues import SimpleQueue

# multiprocessing and concurrent.futures are imported where the pool starts: a build with
# nothing to do imports this module and must not pay for them.

# A task builds one named document of a job, sending its events to emit, and returns its
# files and the seconds it took.
Task = Callable[[Any, str, Progress], tuple[list[Artifact], float]]

KILLED = (
    "a worker process stopped abruptly (killed, or out of memory?); "
    "--jobs 1 renders in this process, one document at a time"
)
NOT_STARTED = "not rendered: a worker process stopped abruptly before it started"

# In a worker process only: the job it was started with and where its events go. Set by
# the pool's initializer, from arguments a forked child inherits without pickling.
_WORKER: list[tuple[Any, Progress]] = []


@dataclass(frozen=True)
class Outcome:
    """How one document ended: its files, or why it failed."""

    artifacts: tuple[Artifact, ...] | None = None
    seconds: float = 0.0
    error: str | None = None  # what went wrong, fit to show a user
    details: str = ""  # the traceback of an unexpected error, for --verbose


def run(
    task: Task, job: Any, names: Sequence[str], jobs: int, progress: Progress
) -> dict[str, Outcome]:
    """Run the task on the job for each name (in workers when jobs > 1), whatever fails."""
    if jobs <= 1 or len(names) <= 1:
        return _run_here(task, job, names, progress)
    return _run_in_workers(task, job, names, jobs, progress)


def _run_here(task: Task, job: Any, names: Sequence[str], progress: Progress) -> dict[str, Outcome]:
    """Run the tasks one after another in this process."""
    outcomes: dict[str, Outcome] = {}
    for name in names:
        # Go on after a failure: one run reports every document that fails.
        outcomes[name] = _attempt(task, job, name, progress)
        progress(finished(name, outcomes[name]))
    return outcomes


def _attempt(task: Task, job: Any, name: str, emit: Progress) -> Outcome:
    """Run one task, catching its failure as an outcome."""
    start = time.perf_counter()
    try:
        artifacts, seconds = task(job, name, emit)
    except Exception as error:
        return _failure(error, time.perf_counter() - start)
    return Outcome(tuple(artifacts), seconds)


def _in_worker(job: Any, events: SimpleQueue) -> None:
    """Keep the job in this worker and send its events to the parent through the queue.

    SimpleQueue.put writes to the pipe before returning, so a task's events are always in
    the pipe before its result, and the parent reads them first.
    """
    _WORKER[:] = [(job, events.put)]


def _call(task: Task, name: str) -> tuple[list[Artifact], float]:
    """Run a task in a worker on the job the worker was started with."""
    job, emit = _WORKER[0]
    return task(job, name, emit)


class _Relay:
    """Pass the workers' events on in this process, noting when each document started."""

    def __init__(self, events: SimpleQueue, progress: Progress) -> None:
        self.events = events
        self.progress = progress
        self.started: dict[str, float] = {}

    def __call__(self) -> None:
        while not self.events.empty():
            event = self.events.get()
            if event.kind == STARTED:
                self.started[event.document] = time.perf_counter()
            self.progress(event)


def _run_in_workers(
    task: Task, job: Any, names: Sequence[str], jobs: int, progress: Progress
) -> dict[str, Outcome]:
    """Run the tasks in forked workers, passing their events to progress in this process."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Fork, so the workers inherit the job (tables and all) instead of unpickling it.
    context = multiprocessing.get_context("fork")
    events = context.SimpleQueue()
    with ProcessPoolExecutor(
        min(jobs, len(names)), mp_context=context, initializer=_in_worker, initargs=(job, events)
    ) as pool:
        futures = {pool.submit(_call, task, name): name for name in names}
        try:
            outcomes = _collect(futures, _Relay(events, progress), progress)
        except BaseException:
            # Ctrl-C: start nothing more; the running workers had the signal too.
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    events.close()
    return {name: outcomes[name] for name in names}


def _collect(futures: dict[Future, str], relay: _Relay, progress: Progress) -> dict[str, Outcome]:
    """Wait for every task, relaying events meanwhile, and report how each ended."""
    from concurrent.futures import FIRST_COMPLETED, wait

    order = list(futures.values())
    outcomes: dict[str, Outcome] = {}
    pending = set(futures)
    while pending:
        done, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
        relay()  # first, so a document's steps come before how it ended
        for future in sorted(done, key=lambda f: order.index(futures[f])):
            name = futures[future]
            outcomes[name] = _outcome(future, relay.started.get(name))
            progress(finished(name, outcomes[name]))
    return outcomes


def _outcome(future: Future, started: float | None) -> Outcome:
    """Turn a finished worker task into an outcome."""
    from concurrent.futures.process import BrokenProcessPool

    error = future.exception()
    if error is None:
        artifacts, seconds = future.result()
        return Outcome(tuple(artifacts), seconds)
    seconds = 0.0 if started is None else time.perf_counter() - started
    if isinstance(error, BrokenProcessPool):
        # A dead worker takes the whole pool down with every unfinished document.
        return Outcome(None, seconds, KILLED if started else NOT_STARTED)
    return _failure(error, seconds)


def _failure(error: BaseException, seconds: float) -> Outcome:
    """Describe a failure: our own errors as they are, any other with its type and traceback."""
    if isinstance(error, K2BriefError):
        return Outcome(None, seconds, str(error))
    import traceback

    if isinstance(error, OSError):
        # A file the document reads (a template, a font) vanished or cannot be read.
        details = "".join(traceback.format_exception(error))
        return Outcome(None, seconds, describe_os_error(error, "read"), details)

    # format_exception includes the cause, which for a worker's error is its own traceback.
    details = "".join(traceback.format_exception(error))
    return Outcome(None, seconds, f"{type(error).__name__}: {error}", details)


def finished(name: str, outcome: Outcome) -> Event:
    """Return the event that reports how a document ended."""
    if outcome.error is not None or outcome.artifacts is None:
        return Event(name, FAILED, outcome.error or "", seconds=outcome.seconds)
    pages = next((a.pages for a in outcome.artifacts if a.pages), None)
    size = sum(len(a.data) for a in outcome.artifacts)
    return Event(name, BUILT, pages=pages, size=size, seconds=outcome.seconds)
