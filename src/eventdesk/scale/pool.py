"""Coding in N worker processes.

:class:`ParallelCoder` has the call shape of :meth:`Coder.coded`: it takes documents and
yields ``(document, events)`` in input order, so :meth:`Store.ingest` and the ``code`` command
use it unchanged. Documents go to the workers in chunks; at most ``2 × workers`` chunks are in
flight, so memory does not grow with the corpus (each worker holds one spaCy pipeline, one
knowledge base and one lexicon, about 0.6 GB, loaded once when it starts).

Small inputs are coded in this process: the pool starts only once more than ``chunk ×
workers`` documents have been asked for (over all calls, as :meth:`Store.ingest` asks batch by
batch), since starting a worker costs as much as coding dozens of
documents. Workers are started with ``spawn`` (no copy of this process's DuckDB connection or
threads), ignore Ctrl-C (the parent stops them), and a worker that dies makes the batch being
coded fail with :class:`WorkerDied`: the store has every batch committed before it and none
half-written, and a rerun codes the rest.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from typing import Any

from ..errors import EventDeskError
from ..model import Document, Event

log = logging.getLogger(__name__)

__all__ = ["ParallelCoder", "WorkerDied", "default_workers"]


class WorkerDied(EventDeskError):
    """A worker process ended while coding (killed, out of memory)."""

    exit_code = 1


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:          # not on Linux
        return max(1, os.cpu_count() or 1)


# -- in the worker ------------------------------------------------------------------------------
_worker_coder: Any = None


def _start_worker(actor_files: tuple[str, ...], second_opinion: Any = None) -> None:
    global _worker_coder
    signal.signal(signal.SIGINT, signal.SIG_IGN)        # the parent decides when to stop
    from ..actors import knowledge_base
    from ..coding.coder import Coder

    _worker_coder = Coder(kb=knowledge_base(actor_files), second_opinion=second_opinion)


def _code_chunk(docs: list[Document]) -> list[list[Event]]:
    return [events for _, events in _worker_coder.coded(docs)]


# -- in the parent ------------------------------------------------------------------------------
class ParallelCoder:
    """Codes documents in ``workers`` processes, each loading the coder once.

    ``actor_files`` are the user's actor files every worker loads on top of the packaged
    knowledge base; ``kb`` (optional) is that knowledge base already loaded here, for the
    coder of small inputs (built on first use)."""

    def __init__(self, workers: int, actor_files: Iterable[str] = (), *, chunk: int = 8,
                 kb: Any = None, second_opinion: Any = None):
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.workers = workers
        self.actor_files = tuple(actor_files)
        self.second_opinion = second_opinion    # as Coder's: None default, False off, a path
        self.chunk = chunk
        self._kb = kb
        self._local: Any = None
        self._pool: ProcessPoolExecutor | None = None
        self._seen = 0              # documents asked for so far, over every call

    def __enter__(self) -> "ParallelCoder":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers (waiting for none of the queued work)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def local(self) -> Any:
        if self._local is None:
            from ..actors import knowledge_base
            from ..coding.coder import Coder

            self._local = Coder(kb=self._kb or knowledge_base(self.actor_files),
                                second_opinion=self.second_opinion)
        return self._local

    def code(self, text: str, **kw: Any) -> list[Event]:
        return self.local().code(text, **kw)

    def coded(self, docs: Iterable[Document]) -> Iterator[tuple[Document, list[Event]]]:
        """Yields ``(document, events)`` in input order."""
        it = iter(docs)
        small = self.chunk * self.workers
        head = list(islice(it, small + 1))
        self._seen += len(head)
        if self.workers == 1 or (self._pool is None and self._seen <= small):
            yield from self.local().coded([*head, *it])
            return
        yield from self._pooled(head, it)

    def _pooled(self, head: list[Document], rest: Iterator[Document]
                ) -> Iterator[tuple[Document, list[Event]]]:
        pool = self._start()
        chunks = _chunks(head, rest, self.chunk)
        window: deque[tuple[list[Document], Future[list[list[Event]]]]] = deque()
        try:
            for chunk in chunks:
                window.append((chunk, pool.submit(_code_chunk, chunk)))
                if len(window) >= 2 * self.workers:
                    yield from self._take(window.popleft())
            while window:
                yield from self._take(window.popleft())
        except BrokenProcessPool:
            self._pool = None
            raise WorkerDied("a coding worker process died (killed or out of memory); the "
                             "batches stored before it are kept, none is half-written: run "
                             "the command again to finish") from None
        finally:
            for _, f in window:
                f.cancel()

    @staticmethod
    def _take(item: tuple[list[Document], Future[list[list[Event]]]]
              ) -> Iterator[tuple[Document, list[Event]]]:
        chunk, future = item
        yield from zip(chunk, future.result())

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            log.info("starting %d coding workers", self.workers)
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker, initargs=(self.actor_files, self.second_opinion))
        return self._pool


def _chunks(head: list[Document], rest: Iterator[Document], size: int
            ) -> Iterator[list[Document]]:
    for i in range(0, len(head), size):
        yield head[i:i + size]
    while chunk := list(islice(rest, size)):
        yield chunk
