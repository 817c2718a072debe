"""Parsing a stream of documents, in one process or in several, always in input order.

Each process builds its own :class:`geo.Geoparser` once (the gazetteer opened by path, the model loaded)
from a picklable :class:`ParserSpec`.  On a Dask cluster (:func:`parse_dask`) each worker does the same,
once per spec, and partitions of the corpus go to the workers as dask.distributed futures; the workers
of ``--dask local`` are forked from a server that has imported Dask, geomap and spaCy once, and build
their parser as they start.
Documents are sent to the workers in small chunks, at most a few chunks ahead of the one being
written, so memory stays flat however long the input is, and results come back in input order, so
``-j 4`` writes exactly what ``-j 1`` writes.

A document that the parser fails on costs that document only: it comes back as a :class:`Failure`
naming its id and the error, and the run goes on.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import gc
import logging
import os
import pickle
import signal
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

import gazetteer
import geo
from geo import Document, ParseResult

__all__ = ["ClusterError", "Failure", "Parsed", "ParserSpec", "parse_dask", "parse_stream"]

log = logging.getLogger("geomap")

#: Documents parsed together, at most (one task of a ``-j`` worker; one batch with ``-j 1``): the model
#: reads a chunk's statements in one batch and the role parser each distinct statement once, so larger
#: chunks cost less per document.  With the model, 2,000 short wire reports in chunks of 8, 32 and 128
#: spent 7.2, 6.2 and 5.3 s of CPU, 2,048 in chunks of 256 and 512 5.4 and 4.4 s (benchmarks/SCALE.md),
#: with the same output; 128 keeps most of that and a short tail, when one worker parses the last chunk
#: alone.
CHUNK = 128
#: Characters of text per chunk, at most: a chunk of long reports is cut sooner, so that the workers'
#: chunks stay comparable in time and memory (about 30 news articles, several hundred statements).
CHUNK_CHARS = 100_000
#: Documents in the first chunks: they double each round (one chunk per process) up to :data:`CHUNK`, so
#: the first results come out soon (a stream read from a pipe) and a short input still reaches every
#: worker.
FIRST_CHUNK = 8
#: Chunks in flight per worker.
AHEAD = 3
#: Documents per Dask task, at most: a task costs a few milliseconds of the scheduler's, the client's
#: and the worker's time, and each ships the parser's spec.  On 10,000 short reports and 2 workers,
#: partitions of 32, 128 and 512 documents spent 29.4, 24.3 and 23.2 s of CPU (benchmarks/SCALE.md);
#: 256 keeps most of that gain with a shorter tail, when one worker finishes the last partition alone.
PARTITION = 256
#: Characters of text per Dask task, at most: a partition of long reports is cut sooner.
PARTITION_CHARS = 1_000_000
#: Documents per Dask task at the end of the input, at most: the last partitions (as many as there are
#: workers) are cut this small, so that the workers finish within a small partition of each other instead
#: of one parsing the last full partition alone (on 2 cores with the model, 256 short reports take about
#: 0.9 s).
TAIL_PARTITION = 64
#: Times a Dask task is run again after an exception (a lost worker is the scheduler's
#: ``distributed.scheduler.allowed-failures``, 3 by default).
RETRIES = 2
#: Seconds to wait for a Dask scheduler to answer.
CONNECT_TIMEOUT = 20
#: Dask settings for ``--dask local``: no statistical profiler sampling each worker every 10 ms, and
#: the event loops' housekeeping (the blocked-loop check, the system and memory monitors) a few times
#: a second rather than 50 times: on a machine whose every core parses, that ticking is CPU taken from
#: the parser.  Nothing here changes what is computed.
QUIET_CLUSTER = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.admin.system-monitor.gil.enabled": False,
    "distributed.worker.memory.monitor-interval": "1s",
}
#: Where the scheduler of ``--dask local`` serves HTTP (its dashboard and metrics): any free port, on this
#: machine only.
LOCAL_HTTP = "127.0.0.1:0"
#: Modules that the fork server of ``--dask local`` imports once, before it forks each worker: Dask's,
#: geomap's, spaCy's, and the pipeline factories that loading the model imports.  Each worker then
#: starts with them imported, where a spawned worker imports them itself (about 1.3 s of CPU each).
#: A module missing here is skipped by the fork server, and imported by the worker when it needs it.
FORK_SERVER_PRELOAD = ("distributed", __name__, "spacy", "spacy.pipeline.factories")
#: What Dask's nannies set in the environment of a worker they start (``distributed.nanny.pre-spawn-environ``,
#: its defaults) besides the numerical libraries' threads (:func:`_one_thread_each`): a forked worker
#: inherits the fork server's environment, which is set once, when the server starts.
_FORK_SERVER_ENVIRONMENT = {"MALLOC_TRIM_THRESHOLD_": "65536"}


@dataclass(frozen=True, slots=True)
class ParserSpec:
    """What a process needs to build its own parser: all plain, picklable values."""

    gazetteer: str | None = None
    model: bool = True
    activities: str | None = None
    year: int | None = None
    #: Show a progress bar if the gazetteer has to be built.
    progress: bool = False

    def build(self, *, online: Any = None) -> geo.Geoparser:
        """The parser, once per process (a worker, or the command's own for ``-j 1``).

        The model, the gazetteer's tables and the modules loaded so far live as long as the process:
        they leave the collector's generations (``gc.freeze``), so the full collections of a long run
        do not traverse them again (0.10-0.15 s of a 200 KB report), and a Dask worker exits sooner
        when its cluster closes.
        """
        gaz = gazetteer.open_gazetteer(self.gazetteer, progress=self.progress)
        try:
            # The entity recogniser, and the parse that reads the names whose role is in doubt (a
            # capital, a country) from their sentence: one load of spaCy's pipeline for both.
            nlp, roles = geo.load_model_and_roles() if self.model else (None, None)
            vocabulary = geo.load_vocabulary(self.activities) if self.activities else None
        except BaseException:
            gaz.close()
            raise
        parser = geo.Geoparser(gaz, nlp=nlp, vocabulary=vocabulary, online=online, roles=roles)
        gc.freeze()
        return parser


@dataclass(frozen=True, slots=True)
class Parsed:
    """One document parsed: its result, turned by the caller's ``transform`` (run where it was parsed)."""

    doc_id: str
    value: Any
    statements: int
    mentions: int
    unresolved: int
    place_ids: frozenset[str]


@dataclass(frozen=True, slots=True)
class Failure:
    """A document the parser failed on (a bug in geomap): named, counted, and skipped."""

    doc_id: str
    reason: str
    detail: str

    def __str__(self) -> str:
        return f"{self.doc_id}: cannot parse ({self.reason})"


Outcome = Parsed | Failure


def _parsed(result: ParseResult, transform: Callable[[ParseResult], Any]) -> Parsed:
    places = frozenset(r.place.place_id for r in result.resolutions if r.place is not None)
    return Parsed(
        doc_id=result.document.id,
        value=transform(result),
        statements=len(result.statements),
        mentions=len(result.resolutions),
        unresolved=sum(1 for r in result.resolutions if r.place is None),
        place_ids=places,
    )


def _failure(doc: Document, exc: Exception) -> Failure:
    return Failure(doc.id, f"{type(exc).__name__}: {exc}", traceback.format_exc())


def _parse_chunk(
    parser: geo.Geoparser, docs: list[Document], year: int | None, transform: Callable[[ParseResult], Any]
) -> list[Outcome]:
    try:
        return [_parsed(r, transform) for r in parser.parse_documents(docs, year=year, batch=len(docs))]
    except (gazetteer.OnlineGeocoderError, gazetteer.GazetteerError):
        raise  # the whole run's problem, not one document's
    except Exception:
        if len(docs) == 1:
            raise
    # One document broke the chunk: parse each alone, so that only it is lost.
    out: list[Outcome] = []
    for doc in docs:
        try:
            out.extend(_parsed(r, transform) for r in parser.parse_documents([doc], year=year))
        except (gazetteer.OnlineGeocoderError, gazetteer.GazetteerError):
            raise
        except Exception as exc:
            out.append(_failure(doc, exc))
    return out


def _chunks(
    docs: Iterable[Document],
    size: int,
    chars: int | None = None,
    *,
    first: int | None = None,
    rounds: int = 1,
) -> Iterator[list[Document]]:
    """``docs`` in lists of ``size`` documents, or fewer once they hold ``chars`` characters of text.

    With ``first``, the first lists hold ``first`` documents and the size doubles every ``rounds`` lists
    until it reaches ``size``.
    """
    limit = size if first is None else min(first, size)
    cut = 0
    chunk: list[Document] = []
    held = 0
    for doc in docs:
        chunk.append(doc)
        held += len(doc.text)
        if len(chunk) >= limit or (chars is not None and held >= chars):
            yield chunk
            chunk = []
            held = 0
            cut += 1
            if limit < size and cut % rounds == 0:
                limit = min(size, 2 * limit)
    if chunk:
        yield chunk


# --- worker processes ----------------------------------------------------------------------------

_worker: tuple[geo.Geoparser, ParserSpec, Callable[[ParseResult], Any]] | None = None


def _init_worker(spec: ParserSpec, transform: Callable[[ParseResult], Any]) -> None:
    global _worker
    _worker = (spec.build(), spec, transform)
    # The main process shows progress and handles Ctrl-C; workers stop when it closes the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _work(docs: list[Document]) -> list[Outcome]:
    """Parse one chunk, in a worker process.

    Its outcomes go back pickled together: an object in several of them (a country's outline, in
    every report about that country) is written once.
    """
    assert _worker is not None, "worker not initialised"
    parser, spec, transform = _worker
    try:
        return _parse_chunk(parser, docs, spec.year, transform)
    except gazetteer.GazetteerError:
        raise
    except Exception as exc:  # the chunk alone failed: report each of its documents
        return [_failure(doc, exc) for doc in docs]


#: The numerical libraries' thread counts (OpenBLAS under numpy, which spaCy's model calls; OpenMP,
#: MKL), set to 1 in worker processes as Dask's nannies do (``distributed.nanny.pre-spawn-environ``).
_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@contextlib.contextmanager
def _one_thread_each(variables: dict[str, str] | None = None) -> Iterator[None]:
    """Worker processes started in this block run their numerical libraries on one thread each.

    The processes share the cores: N workers each running a BLAS thread per core spin against each
    other (with the model, ``map -j 2`` spent a quarter more CPU than with one thread each).  A value
    the user set is kept.  The variables are read when a process starts, so they are set for the life
    of the pool and restored after.  ``variables`` sets others as well, the same way.
    """
    wanted = {name: "1" for name in _THREAD_VARIABLES} | (variables or {})
    saved = {name: os.environ.get(name) for name in wanted}
    for name, value in wanted.items():
        os.environ.setdefault(name, value)
    try:
        yield
    finally:
        for name, old in saved.items():
            if old is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old


def parse_stream(
    docs: Iterable[Document],
    spec: ParserSpec,
    *,
    jobs: int = 1,
    transform: Callable[[ParseResult], Any] = lambda r: r,
    parser: geo.Geoparser | None = None,
) -> Iterator[Outcome]:
    """Parse ``docs`` in input order, in ``jobs`` processes (1: in this one, with ``parser`` if given).

    ``transform`` turns each :class:`ParseResult` into what the caller keeps (for ``geomap parse``, its
    JSON lines) where it was parsed, so that only that crosses between processes; with ``jobs > 1`` it
    must be a module-level function.
    """
    if jobs <= 1:
        own = parser if parser is not None else spec.build()
        try:
            for chunk in _chunks(docs, CHUNK, CHUNK_CHARS, first=FIRST_CHUNK):
                yield from _parse_chunk(own, chunk, spec.year, transform)
        finally:
            if parser is None:
                own.gazetteer.close()
        return
    # Not at the top: a run in one process need not import the process pool (start-up).
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: a forked SQLite connection or spaCy state is not safe to share.
    context = multiprocessing.get_context("spawn")
    with (
        _one_thread_each(),
        ProcessPoolExecutor(
            max_workers=jobs, mp_context=context, initializer=_init_worker, initargs=(spec, transform)
        ) as pool,
    ):
        pending: collections.deque[Future[list[Outcome]]] = collections.deque()
        try:
            for chunk in _chunks(docs, CHUNK, CHUNK_CHARS, first=FIRST_CHUNK, rounds=jobs):
                pending.append(pool.submit(_work, chunk))
                while len(pending) > jobs * AHEAD:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


# --- Dask ----------------------------------------------------------------------------------------


class ClusterError(RuntimeError):
    """The Dask scheduler cannot be reached, or a partition failed on every worker it was given to."""


_cached = threading.local()


def _parser_of(spec: ParserSpec) -> geo.Geoparser:
    """This worker thread's parser for ``spec``, built on first use (the model and gazetteer load once).

    One per thread: a SQLite connection is not shared between threads.
    """
    parsers: dict[ParserSpec, geo.Geoparser] = _cached.__dict__.setdefault("parsers", {})
    parser = parsers.get(spec)
    if parser is None:
        parser = parsers[spec] = spec.build()
    return parser


#: The Dask configuration key by which ``--dask local`` tells its workers, as they start, the spec of
#: the parser to build (:func:`dask_setup`).
SPEC_KEY = "geomap.parser-spec"


def dask_setup(worker: Any) -> None:
    """Dask's preload hook, run in each worker of ``--dask local`` as it starts (not on remote workers).

    The worker's parser is built in the thread that runs its tasks, queued there now, so that loading
    the model overlaps the worker's registration, the client's start and the first task's journey
    instead of following them; the first task waits for it in the queue.  Should the build fail, the
    first task builds again and fails with the error.
    """
    import dask

    fields = dask.config.get(SPEC_KEY, None)
    if fields is not None:
        worker.executor.submit(_parser_of, ParserSpec(**fields))


def _dask_task(spec: ParserSpec, transform: Callable[[ParseResult], Any], docs: bytes) -> bytes:
    """One partition, on a Dask worker: its documents and its outcomes each cross as one pickle.

    Dask would send a list item by item (a frame and a pickle each: 6 ms of the worker's CPU for 256
    outcomes, 1 ms as one pickle) and its scheduler unpickles a task's arguments and pickles them again
    for the worker; bytes cross as they are, and an object in several outcomes (a country's outline) is
    written once, as with ``-j``.
    """
    chunk: list[Document] = pickle.loads(docs)
    parser = _parser_of(spec)
    try:
        outcomes = _parse_chunk(parser, chunk, spec.year, transform)
    except gazetteer.GazetteerError:
        raise
    except Exception as exc:
        outcomes = [_failure(doc, exc) for doc in chunk]
    return pickle.dumps(outcomes, protocol=pickle.HIGHEST_PROTOCOL)


def _partitions(
    docs: Iterable[Document], size: int, workers: int, tail: int = TAIL_PARTITION
) -> Iterator[list[Document]]:
    """``docs`` in partitions of ``size`` documents (:func:`_chunks`), the last ones cut to ``tail``.

    The last ``workers`` partitions are held back until the input ends, then their documents go in
    partitions of ``tail`` documents, so that no worker is left parsing a full partition alone at the
    end while the others wait.
    """
    held: collections.deque[list[Document]] = collections.deque()
    for chunk in _chunks(docs, size, PARTITION_CHARS):
        held.append(chunk)
        if len(held) > workers:
            yield held.popleft()
    for chunk in held:
        yield from _chunks(chunk, min(tail, size))


def _start_fork_server() -> bool:
    """Start the fork server of this process's multiprocessing, with :data:`FORK_SERVER_PRELOAD`.

    Called before this process imports Dask, so that the server imports Dask, geomap and spaCy on the
    other core meanwhile, once for every worker it will fork.  False where there is no fork server
    (Windows): Dask then spawns its workers.  A server already running is kept as it is.
    """
    import multiprocessing
    import multiprocessing.forkserver

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return False
    multiprocessing.get_context("forkserver").set_forkserver_preload(list(FORK_SERVER_PRELOAD))
    with _one_thread_each(_FORK_SERVER_ENVIRONMENT):
        multiprocessing.forkserver.ensure_running()
    return True


def parse_dask(
    docs: Iterable[Document],
    spec: ParserSpec,
    *,
    scheduler: str,
    transform: Callable[[ParseResult], Any] = lambda r: r,
    partition: int = PARTITION,
) -> Iterator[Outcome]:
    """Parse ``docs`` on a Dask cluster, in input order: what :func:`parse_stream` yields, the same.

    ``scheduler`` is a scheduler's address (``tcp://host:8786``) or ``local`` for a
    :class:`~dask.distributed.LocalCluster` of one single-threaded worker process per core, forked from
    a fork server started first (:func:`_start_fork_server`), each building its parser as it starts
    (:func:`dask_setup`).
    ``spec.gazetteer`` must be a path every worker can open.  Partitions of ``partition`` documents are
    submitted a few per worker ahead of the one being yielded, so memory stays flat, and the last ones
    are cut smaller (:func:`_partitions`); their results are fetched as they complete and yielded in
    input order.  A partition whose worker is lost is run again
    elsewhere by the scheduler.  ``transform`` runs on the workers.
    """
    forked = scheduler == "local" and _start_fork_server()
    import dask
    import dask.distributed as dd  # not at the top: dask is only for this

    logging.getLogger("distributed").setLevel(max(logging.WARNING, logging.getLogger().level))
    with contextlib.ExitStack() as stack:
        if scheduler == "local":
            # The nannies hand this configuration on to the workers they start.
            stack.enter_context(dask.config.set(QUIET_CLUSTER))
            if forked:
                stack.enter_context(
                    dask.config.set({"distributed.worker.multiprocessing-method": "forkserver"})
                )
            stack.enter_context(dask.config.set({SPEC_KEY: dataclasses.asdict(spec)}))
            cluster = stack.enter_context(
                dd.LocalCluster(
                    n_workers=os.cpu_count() or 1,
                    threads_per_worker=1,
                    processes=True,
                    # Dask's scheduler serves its dashboard and metrics over HTTP even without a dashboard
                    # address, on port 8787 when it is free (else a warning and another port): a port this
                    # machine picks, on this machine only, so that a Dask dashboard the user already runs
                    # neither collides nor warns.
                    dashboard_address=LOCAL_HTTP,
                    preload=[__name__],
                )
            )
            client = stack.enter_context(dd.Client(cluster))
        else:
            try:
                client = stack.enter_context(dd.Client(scheduler, timeout=CONNECT_TIMEOUT))
            except (OSError, ValueError) as exc:
                raise ClusterError(f"cannot reach the Dask scheduler {scheduler!r}: {exc}") from exc
        workers = max(1, sum(client.nthreads().values()))
        window = workers * AHEAD
        # Results are fetched as they complete and yielded in input order; at most ``window``
        # partitions are submitted and not yet yielded, so memory stays flat.
        index_of: dict[dd.Future, int] = {}
        done: dict[int, list[Outcome]] = {}
        completed = dd.as_completed()
        chunks = enumerate(_partitions(docs, partition, workers))
        submitted = yielded = 0
        try:
            while True:
                while submitted - yielded < window:
                    item = next(chunks, None)
                    if item is None:
                        break
                    i, chunk = item
                    payload = pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL)
                    future = client.submit(_dask_task, spec, transform, payload, retries=RETRIES, pure=False)
                    index_of[future] = i
                    completed.add(future)
                    submitted += 1
                if yielded == submitted:
                    return
                while yielded not in done:
                    future = next(completed)
                    done[index_of.pop(future)] = _result(future)
                    future.release()
                outcomes = done.pop(yielded)
                yielded += 1
                yield from outcomes
        finally:
            for future in index_of:
                future.cancel()


def _result(future: Any) -> list[Outcome]:
    import dask.distributed as dd

    try:
        outcomes: list[Outcome] = pickle.loads(future.result())
    except dd.KilledWorker as exc:
        raise ClusterError(f"a partition killed every worker it was sent to ({exc})") from exc
    return outcomes
