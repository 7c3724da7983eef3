"""The gateway's commands: serve, migrate, seed (``./run <command> --help``)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from settings import ROOT, Settings

SCHEMA_FILE = ROOT / "schema.graphql"


def load_settings() -> Settings:
    """Settings from the environment; a bad configuration exits with one line."""
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        reason = str(first.get("ctx", {}).get("error") or first["msg"])
        where = ".".join(str(p) for p in first["loc"])
        raise SystemExit(f"gateway: {where + ': ' if where else ''}{reason}") from None


def serve(args: argparse.Namespace) -> None:
    settings = load_settings()

    import uvicorn

    from app import create_app

    uvicorn.run(
        create_app(settings),
        host=args.host or settings.host,
        port=args.port or settings.port,
        log_level="info",
        proxy_headers=True,
        # the C event loop and HTTP parser: the pure-Python ones cost a
        # noticeable share of each request's CPU
        loop="uvloop",
        http="httptools",
    )


def _database_url(settings: Settings) -> str:
    if not settings.database_url:
        raise SystemExit(
            "gateway: DATABASE_URL is not set (the embedded database migrates "
            "and seeds itself on `./run serve`)"
        )
    return settings.database_url


def migrate(args: argparse.Namespace) -> None:
    from db import migrate as migrations
    from db.engine import create_engine

    async def run() -> None:
        engine = create_engine(_database_url(load_settings()), pool_size=1)
        try:
            if args.revision.startswith("-") or args.down:
                await migrations.downgrade(engine, args.revision)
            else:
                await migrations.upgrade(engine, args.revision)
            print(f"database at revision {await migrations.current_revision(engine)}")
        finally:
            await engine.dispose()

    asyncio.run(run())


def seed(args: argparse.Namespace) -> None:
    from db.engine import create_engine
    from demo.seed import loader

    async def run() -> None:
        settings = load_settings()
        engine = create_engine(_database_url(settings), pool_size=1)
        try:
            if await loader.is_seeded(engine) and not args.force:
                raise SystemExit("gateway: the database already holds demo data")
            report = await loader.load(
                engine,
                scale=args.scale or settings.demo_scale,
                seed=args.seed or settings.demo_seed,
                as_of=args.as_of or date.today(),
            )
            print(report.format())
        finally:
            await engine.dispose()

    asyncio.run(run())


def export_schema(args: argparse.Namespace) -> None:
    from schema.build import build_schema

    text = build_schema().as_str() + "\n"
    if args.check:
        current = SCHEMA_FILE.read_text() if SCHEMA_FILE.exists() else ""
        if current != text:
            raise SystemExit(
                f"gateway: {SCHEMA_FILE.name} is stale: run ./run export-schema"
            )
        print(f"{SCHEMA_FILE.name} is up to date")
        return
    SCHEMA_FILE.write_text(text)
    print(f"wrote {SCHEMA_FILE}")


def build_manifest(args: argparse.Namespace) -> None:
    import json

    from documents.trusted import ManifestError, build
    from schema.build import build_schema

    files = sorted(
        path
        for given in args.paths
        for path in (
            Path(given).rglob("*.graphql") if Path(given).is_dir() else [Path(given)]
        )
    )
    if not files:
        raise SystemExit("gateway: no .graphql files in " + " ".join(args.paths))
    try:
        manifest = build(
            build_schema()._schema, ((str(f), f.read_text()) for f in files)
        )
    except ManifestError as error:
        raise SystemExit(f"gateway: {error}") from None
    text = json.dumps(manifest, indent=2) + "\n"
    if args.out == "-":
        sys.stdout.write(text)
        return
    Path(args.out).write_text(text)
    operations = manifest["operations"]
    assert isinstance(operations, list)
    print(f"wrote {args.out}: {len(operations)} operations from {len(files)} files")


def bench(args: argparse.Namespace) -> None:
    from bench.run import main as run_bench

    # the suite prints its own progress; not every request of the load
    logging.getLogger("httpx").setLevel(logging.WARNING)
    sys.exit(run_bench(args.rest))


def worker(args: argparse.Namespace) -> None:
    from delivery.service import run_worker

    asyncio.run(run_worker(load_settings(), once=args.once))


def reconcile_payments(args: argparse.Namespace) -> None:
    from payments.reconcile import command

    report = asyncio.run(
        command(load_settings(), abandon_after_minutes=args.abandon_after)
    )
    print(report.format())


def mint_token(args: argparse.Namespace) -> None:
    from demo.dev_issuer import DevIssuer

    settings = load_settings()
    if not settings.is_demo or settings.oidc_issuer:
        raise SystemExit("gateway: the development issuer exists in demo mode only")
    try:
        issuer = DevIssuer(
            settings.dev_issuer_url, settings.oidc_audience, settings.data_dir
        )
        print(issuer.mint_for_persona(args.persona))
    except KeyError:
        raise SystemExit(f"gateway: no persona {args.persona!r}") from None


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(levelname)s %(name)s: %(message)s"
    )
    parser = argparse.ArgumentParser(prog="./run", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("serve", help="start the gateway")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.set_defaults(func=serve)

    p = commands.add_parser("migrate", help="migrate DATABASE_URL (default: to head)")
    p.add_argument("revision", nargs="?", default="head")
    p.add_argument("--down", action="store_true", help="downgrade to REVISION")
    p.set_defaults(func=migrate)

    p = commands.add_parser("seed", help="load demo data into DATABASE_URL")
    p.add_argument("--scale", type=int, help="about 1,000 cases per unit")
    p.add_argument("--seed", type=int, help="random seed (same seed, same rows)")
    p.add_argument("--as-of", type=date.fromisoformat, help="history ends here")
    p.add_argument("--force", action="store_true", help="load even if seeded")
    p.set_defaults(func=seed)

    p = commands.add_parser("export-schema", help="write schema.graphql")
    p.add_argument("--check", action="store_true", help="fail if it is stale")
    p.set_defaults(func=export_schema)

    p = commands.add_parser(
        "build-manifest",
        help="the trusted-documents manifest of the clients' .graphql files",
    )
    p.add_argument("paths", nargs="+", help=".graphql files or folders of them")
    p.add_argument("--out", default="-", help="manifest file (default: stdout)")
    p.set_defaults(func=build_manifest)

    p = commands.add_parser(
        "bench",
        help="the benchmark suite: gateway, PostGraphile 5 and a raw ceiling "
        "(./run bench --help)",
        add_help=False,
    )
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=bench)

    p = commands.add_parser("worker", help="deliver queued notifications")
    p.add_argument("--once", action="store_true", help="deliver what is due, exit")
    p.set_defaults(func=worker)

    p = commands.add_parser(
        "mint-token", help="print a development-issuer token for a demo persona"
    )
    p.add_argument("persona", help="obligor, obligee, protected, caseworker, partner")
    p.set_defaults(func=mint_token)

    p = commands.add_parser(
        "reconcile-payments",
        help="settle card payments left pending with the processor's answer",
    )
    p.add_argument(
        "--abandon-after",
        type=int,
        default=60,
        metavar="MINUTES",
        help="fail a pending payment the processor never got once this old",
    )
    p.set_defaults(func=reconcile_payments)

    given = list(sys.argv[1:] if argv is None else argv)
    if given[:1] == ["bench"]:
        # the suite parses its own options, in order (./run bench --help)
        bench(argparse.Namespace(rest=given[1:]))
        return
    args, extra = parser.parse_known_args(given)
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.func(args)


if __name__ == "__main__":
    main(sys.argv[1:])
