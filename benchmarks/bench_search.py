"""Ranked search by number of words: ``/procedures?q=…&limit=5`` (issue 14, point 1).

The cost of a ranked search must not grow with its text: 5 and 40 words each take at most 3×
the time of one word, on SQLite and on PostgreSQL. The baseline is the one-word search timed
in the same rounds; ``sort=code`` (no ranking) is printed beside it as a control.

Builds the database once (``opengov init`` + ``opengov load --only procedures``, the full
profile: 1,600 procedures) under ``benchmarks/.work/search-<backend>/``, starts ``opengov
serve`` (one gthread worker, 4 threads) and times every shape with ``--requests`` GETs over one
keep-alive connection per round, the order of the shapes rotating from round to round.

    python benchmarks/bench_search.py                        # SQLite, 5 rounds × 20 requests
    python benchmarks/bench_search.py --backend postgresql   # PostgreSQL at 127.0.0.1:5432
    python benchmarks/bench_search.py --quick                # smoke run: 2 rounds × 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote_plus

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness
from benchmarks.bench_cameras import (
    Dataset,
    backend_info,
    ensure_pg_database,
    opengov_command,
    opengov_server,
    record_count,
)

PROCEDURES_FULL = 1600
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/opengov_bench_search"
DATASET_FILE = harness.REPO_ROOT / "datasets" / "procedures" / "procedures.ndjson"


def common_words(count: int) -> list[str]:
    """The ``count`` most frequent folded words of the procedures' Vietnamese names."""
    from opengov.text import tokens

    words: Counter[str] = Counter()
    for line in DATASET_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip():
            words.update(set(tokens(json.loads(line)["name_vi"])))
    return [word for word, _ in words.most_common(count)]


def shapes() -> dict[str, str]:
    """Shape name → search text; the first is the baseline."""
    distinct = common_words(40)
    return {
        "1 word": "c",
        "5 words (repeated)": " ".join(["c"] * 5),
        "40 words (repeated)": " ".join(["c"] * 40),
        "5 words (distinct)": " ".join(distinct[:5]),
        "40 words (distinct)": " ".join(distinct),
        "40 words (10 distinct)": " ".join(["c", "d", "th", "ng", "x", "h", "gi", "ch", "kh",
                                            "tr"] * 4),
    }


def path_for(words: str, sort: str | None = None) -> str:
    path = f"/procedures?limit=5&q={quote_plus(words)}"
    return path + (f"&sort={sort}" if sort else "")


def prepare(backend: str, pg_url: str) -> Dataset:
    """The procedures database, loaded once and reused while it holds the full profile."""
    if backend == "sqlite":
        work = harness.scratch_dir("search-sqlite")
        url = f"sqlite:///{work / 'opengov.sqlite3'}"
    else:
        work = harness.scratch_dir("search-postgresql")
        url = pg_url
        ensure_pg_database(url)
    dataset = Dataset(backend, url, PROCEDURES_FULL, work, "procedures")
    if record_count(url, "procedures") == PROCEDURES_FULL:
        print(f"reusing {PROCEDURES_FULL} procedures in {url}")
        return dataset
    print(f"loading the procedures into {url} (log: {work / 'build.log'}) …")
    opengov_command(dataset, "init")
    opengov_command(dataset, "load", "--only", "procedures", "--profile", "full")
    if record_count(url, "procedures") != PROCEDURES_FULL:
        raise RuntimeError(f"expected {PROCEDURES_FULL} procedures in {url} after load")
    return dataset


def time_round(port: int, paths: dict[str, str], requests: int,
               first: int) -> dict[str, float]:
    """Median milliseconds of ``requests`` GETs per shape, shapes rotated by ``first``."""
    names = list(paths)
    order = names[first % len(names):] + names[:first % len(names)]
    medians = {}
    for name in order:
        timings = harness.timed_gets(port, [paths[name]] * requests)
        bad = [status for status, _ in timings if status != 200]
        if bad:
            raise RuntimeError(f"{name}: HTTP {bad[0]} for {paths[name]}")
        medians[name] = statistics.median(ms for _, ms in timings)
    return medians


def report(rounds: list[dict[str, float]], baseline: str, matched: dict[str, int]) -> str:
    lines = ["| search | numberMatched | median ms | × 1 word (range) | target ≤ 3× |",
             "|---|---:|---:|---|---|"]
    for name in rounds[0]:
        ms = statistics.median(r[name] for r in rounds)
        ratios = [r[name] / r[baseline] for r in rounds]
        ratio = statistics.median(ratios)
        met = "" if name == baseline or name.startswith("control") else (
            "met" if ratio <= 3 else "**missed**")
        lines.append(f"| `{name}` | {matched[name]} | {ms:.1f} | {ratio:.2f} "
                     f"({min(ratios):.2f}–{max(ratios):.2f}) | {met} |")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--database-url", default=DEFAULT_PG_URL,
                        help="PostgreSQL database (created if absent)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=20, help="GETs per shape and round")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--quick", action="store_true", help="2 rounds × 5 requests")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.requests = 2, 5
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    dataset = prepare(args.backend, args.database_url)
    texts = shapes()
    paths = {name: path_for(words) for name, words in texts.items()}
    paths["control: 1 word, sort=code"] = path_for("c", "code")
    paths["control: 40 words (repeated), sort=code"] = path_for(texts["40 words (repeated)"],
                                                                "code")
    baseline = next(iter(texts))
    with opengov_server(dataset, args.threads, "/procedures?limit=1") as server:
        matched = {name: harness.get_json(server.port, path)["numberMatched"]
                   for name, path in paths.items()}
        time_round(server.port, paths, 2, 0)  # warm-up
        rounds = []
        for i in range(args.rounds):
            started = time.monotonic()
            rounds.append(time_round(server.port, paths, args.requests, i))
            print(f"round {i + 1}/{args.rounds}: {time.monotonic() - started:.1f} s")
    print()
    print(f"{args.backend}, {PROCEDURES_FULL} procedures, `limit=5`, one gthread worker × "
          f"{args.threads} threads, {args.rounds} rounds × {args.requests} requests")
    print(json.dumps({**harness.machine_info(), **backend_info(dataset)}, indent=1))
    print(report(rounds, baseline, matched))
    raw = dataset.work / f"results-{time.strftime('%Y%m%dT%H%M%S')}.json"
    raw.write_text(json.dumps({"args": vars(args), "paths": paths, "rounds": rounds}, indent=1))
    print(f"raw samples: {raw}")


if __name__ == "__main__":
    main()
