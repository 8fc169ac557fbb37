"""The process stage's analysis on a Ray cluster (``veille process --engine ray``).

A pool of Ray actors, each an ``Analyser`` that loads its models once, takes
batches of pages; each batch's results come back to this process, which is the
warehouse's only writer: it writes them as a Parquet shard named by the batch
id (``ray-shards/`` beside the database), loads the shard in one transaction
and deletes it. Actors are restarted by Ray when they die and their batch is
retried by Ray. Loading replaces whatever the warehouse held for those pages
at that nlp version, so a shard loaded twice (a run killed between commit and
delete) adds nothing twice; a run that finds shards left by a killed run loads
them first and does not analyse those pages again.

Without an address a local cluster is started for the run, sized to the
usable cores; with one, the run joins that cluster (``ray start --head`` on
one machine, ``ray start --address`` on the others) and makes one actor per
CPU it offers.
"""

from __future__ import annotations

import hashlib
import logging
import socket
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from core.errors import VeilleError
from pipeline.analyse import AnalyserSettings
from warehouse import shards
from warehouse.records import ProcessedPage
from warehouse.store import Store

log = logging.getLogger("veille.process")

SHARD_FOLDER = "ray-shards"
OBJECT_STORE_BYTES = 200 * 1024 * 1024
"""The local cluster's shared memory: a few batches of pages and results in flight."""
CONNECT_TIMEOUT_S = 5.0


class RayEngineError(VeilleError):
    """The Ray cluster cannot be reached or used."""


@dataclass(frozen=True)
class RayOptions:
    address: str | None  # host:port of a running cluster's head; None starts a local one
    shard_dir: Path
    workers: int  # actors on a local cluster (one per CPU on a joined one)
    cores: int  # CPUs a local cluster may use


class _AnalyserActor:
    """One Analyser with its models loaded; a failure to load is raised with its first batch."""

    def __init__(self, settings: AnalyserSettings, known_hashes: frozenset[str]) -> None:
        from pipeline.process import _init_worker

        _init_worker(settings, known_hashes)

    def analyse(self, batch_id: str, pages, nlp_version: str):
        from pipeline.process import _analyse_in_worker

        return batch_id, shards.to_table([_analyse_in_worker(page) for page in pages], nlp_version)


def run_version(versions: Mapping[str, str], knowledge: str) -> str:
    """One string for the versions of every process step and the knowledge base's fingerprint:
    a shard made under any other is dropped."""
    return " ".join(f"{step}={version}" for step, version in sorted({**versions, "knowledge": knowledge}.items()))


def batch_id(page_ids: Sequence[str], nlp_version: str) -> str:
    """The same pages at the same version make the same id, whichever run cuts the batch."""
    digest = hashlib.sha1(nlp_version.encode())
    for page_id in page_ids:
        digest.update(page_id.encode())
    return digest.hexdigest()[:20]


def check_address(address: str) -> None:
    """Fail at once, in one line, where Ray itself would retry for minutes."""
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise RayEngineError(f"--address {address!r}: expected HOST:PORT of a Ray head node (e.g. 10.0.0.5:6379)")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise RayEngineError(f"cannot reach the Ray cluster at {address}: {reason}; "
                             "start it with `ray start --head` or leave --address out for a local one") from None


def process_on_ray(store: Store, page_ids: Sequence[str], batch_size: int, settings: AnalyserSettings,
                   known_hashes: frozenset[str], nlp_version: str, options: RayOptions,
                   write: Callable[[list[ProcessedPage]], None]) -> None:
    """Analyse these pages on Ray; ``write`` stores each batch's results (the one writer)."""
    if options.address is not None:
        check_address(options.address)
    options.shard_dir.mkdir(parents=True, exist_ok=True)
    done = _load_left_shards(options.shard_dir, nlp_version, write)
    remaining = [page_id for page_id in page_ids if page_id not in done]
    batches = [remaining[start: start + batch_size] for start in range(0, len(remaining), batch_size)]
    if not batches:
        return
    ray = _start(options)
    try:
        actors = _actors(ray, options, settings, known_hashes)
        _run(ray, store, actors, batches, nlp_version, options.shard_dir, write)
    finally:
        ray.shutdown()


def _load_left_shards(shard_dir: Path, nlp_version: str, write) -> set[str]:
    """Load the shards a killed run wrote but did not load; drop those of another version."""
    done: set[str] = set()
    for path in sorted(shard_dir.glob("*.parquet")):
        table = shards.read(path)
        if shards.version_of(table) == nlp_version:
            results = shards.from_table(table)
            write(results)
            done.update(result.page_id for result in results)
        path.unlink()
    return done


def _start(options: RayOptions):
    try:
        import ray
    except ImportError:
        raise RayEngineError("the Ray engine needs ray: pip install 'ray==2.60.0'") from None
    try:
        if options.address is not None:
            ray.init(address=options.address, log_to_driver=False, configure_logging=False,
                     logging_level=logging.WARNING)
        else:
            ray.init(num_cpus=options.cores, object_store_memory=OBJECT_STORE_BYTES, include_dashboard=False,
                     log_to_driver=False, configure_logging=False, logging_level=logging.WARNING)
    except (ConnectionError, RuntimeError, ValueError) as error:
        raise RayEngineError(f"cannot start Ray: {str(error).splitlines()[0]}") from None
    return ray


def _actors(ray, options: RayOptions, settings: AnalyserSettings, known_hashes: frozenset[str]) -> list:
    cpus = int(ray.cluster_resources().get("CPU", 1))
    count = max(1, min(options.workers, cpus) if options.address is None else cpus)
    # Each actor computes on its share of the cores: more threads would spin against each other.
    settings = replace(settings, threads=max(1, cpus // count))
    remote = ray.remote(num_cpus=1, max_restarts=-1, max_task_retries=-1)(_AnalyserActor)
    # Named within this run's own namespace: two runs on one cluster do not meet.
    return [remote.options(name=f"analyser-{i}").remote(settings, known_hashes) for i in range(count)]


def _run(ray, store: Store, actors: list, batches: Sequence[Sequence[str]], nlp_version: str, shard_dir: Path,
         write) -> None:
    """Keep every actor busy with one batch queued behind it; load each batch as it comes back."""
    from ray.exceptions import RayTaskError
    from ray.util import ActorPool

    pool = ActorPool(actors)
    in_flight = 0

    def load_next() -> None:
        nonlocal in_flight
        try:
            name, table = pool.get_next_unordered()
        except RayTaskError as error:  # the worker's own exception (a missing model, say), without Ray's wrapping
            raise error.cause from None
        in_flight -= 1
        path = shard_dir / f"{name}.parquet"
        shards.write(path, table)
        size = path.stat().st_size
        started = time.perf_counter()
        write(shards.from_table(table))
        path.unlink()
        log.debug("shard %s loaded: %d pages, %d bytes, %.3f s", name, table.num_rows, size,
                  time.perf_counter() - started)

    for ids in batches:
        if in_flight == 2 * len(actors):
            load_next()
        pages = store.pages(ids)
        pool.submit(lambda actor, job: actor.analyse.remote(*job), (batch_id(ids, nlp_version), pages, nlp_version))
        in_flight += 1
    while in_flight:
        load_next()
