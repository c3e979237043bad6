"""The command line: ``python -m server serve | seed | export-schema | check | backup | restore | users …``."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TypeVar

from server import db as dbmod
from server import docstore
from server.settings import Settings, SettingsError, load
from server.store import Store, ensure_indexes

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema" / "schema.graphql"
T = TypeVar("T")


def _settings() -> Settings:
    try:
        return load()
    except SettingsError as error:
        print(f"udkast: {error}", file=sys.stderr)
        raise SystemExit(2) from None


def _with_store(settings: Settings, work: Callable[[Store], Awaitable[T]]) -> T:
    """Run ``work`` against MONGODB_URI, or the embedded store in DATA_DIR when unset."""
    store_process = None
    uri = settings.mongodb_uri
    if uri is None:
        store_process = docstore.start(settings.data_dir / "docstore")
        uri = store_process.uri

    async def run() -> T:
        client = dbmod.connect(uri, timeout_ms=settings.store_timeout_ms)
        try:
            database = client[settings.database]
            await ensure_indexes(database)
            return await work(Store.open(database, settings.secret_key))
        finally:
            await client.close()

    try:
        return asyncio.run(run())
    finally:
        if store_process:
            store_process.stop()


def cmd_export_schema(args: argparse.Namespace) -> int:
    from server.api.schema import build_schema

    sdl = str(build_schema()) + "\n"
    if args.output == "-":
        sys.stdout.write(sdl)
    else:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(sdl)
    return 0


DEMO_IN_PRODUCTION = (
    "udkast: the demo seed creates accounts with a known password and is refused when ENVIRONMENT=production."
)


def cmd_seed(args: argparse.Namespace) -> int:
    from server.clock import SystemClock
    from server.seed import seed

    settings = _settings()
    if args.demo and settings.production:
        print(DEMO_IN_PRODUCTION, file=sys.stderr)
        return 2
    report = _with_store(
        settings, lambda store: seed(store, SystemClock().now(), demo=args.demo, demo_password=settings.demo_password)
    )
    print(
        f"Seed loaded: {report.organizations} organisations, {report.documents_created} new documents, "
        f"{report.accounts_created} new accounts."
    )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from bson import ObjectId

    from server.comments.service import CountRepair, check_open_counts
    from server.drafting.service import Repair, check_headings, check_heads

    settings = _settings()

    async def run(store: Store) -> tuple[Sequence[Repair], Sequence[ObjectId], Sequence[CountRepair]]:
        heads = await check_heads(store, repair=args.repair)  # first: a head rolled forward may change a title
        headings = await check_headings(store, repair=args.repair)
        return heads, headings, await check_open_counts(store, repair=args.repair)

    heads, headings, counts = _with_store(settings, run)
    for item in heads:
        verb = "repaired" if args.repair else "lags"
        print(f"section {item.section_id}: head {item.head} {verb}, newest version {item.latest}")
    for document_id in headings:
        verb = "derived again" if args.repair else "stale"
        print(f"document {document_id}: table of contents {verb}")
    for count in counts:
        stored = "never counted" if count.stored is None else f"{count.stored} stored"
        where = " (by organisation or draft state)" if count.stored == count.counted and not count.markers else ""
        marks = "; the reader's markers differ" if count.markers else ""
        verb = "recounted" if args.repair else "stale"
        print(
            f"section {count.section_id}: open-comment counts {verb}{where}: {stored}, {count.counted} counted{marks}"
        )
    if not heads and not headings and not counts:
        print("check: nothing to repair")
        return 0
    return 0 if args.repair else 1


def cmd_backup(args: argparse.Namespace) -> int:
    from server import backup
    from server.clock import SystemClock

    settings = _settings()
    path = Path(args.file)
    manifest = _with_store(settings, lambda store: backup.backup(store.db, path, now=SystemClock().now()))
    print(f"Backup written to {path}: {manifest.documents} documents in {len(manifest.collections)} collections.")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from server import backup
    from server.drafting.service import check_heads

    settings = _settings()
    path = Path(args.file)
    try:
        backup.verify(path)  # before touching the store: a damaged archive writes nothing

        async def run(store: Store) -> tuple[backup.Manifest, int]:
            manifest = await backup.restore(store.db, path)
            return manifest, len(await check_heads(store, repair=False))

        manifest, lagging = _with_store(settings, run)
    except backup.BackupError as error:
        print(f"udkast: restore refused: {error}", file=sys.stderr)
        return 2
    print(
        f"Restored {manifest.documents} documents in {len(manifest.collections)} collections "
        f"from {path} (made {manifest.created_at} from {manifest.database!r}); indexes recreated."
    )
    if lagging:
        print(f"{lagging} section heads lag their newest version, as in the archive: run `check --repair`.")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from server.app import create_app
    from server.clock import SystemClock
    from server.notifications.sender import describe as describe_mail
    from server.seed import seed

    settings = _settings()
    if args.seed_demo and settings.production:
        print(DEMO_IN_PRODUCTION, file=sys.stderr)
        return 2
    store_process = None
    uri = settings.mongodb_uri
    try:
        if uri is None:
            store_process = docstore.start(settings.data_dir / "docstore")
            uri = store_process.uri
        mongodb_uri = uri

        async def seed_if_empty() -> bool:
            client = dbmod.connect(mongodb_uri, timeout_ms=settings.store_timeout_ms)
            try:
                database = client[settings.database]
                await ensure_indexes(database)
                if await database["documents"].count_documents({}, limit=1):
                    return False
                await seed(
                    Store.open(database, settings.secret_key),
                    SystemClock().now(),
                    demo=True,
                    demo_password=settings.demo_password,
                )
                return True
            finally:
                await client.close()

        if args.seed_demo and asyncio.run(seed_if_empty()):
            print("Loaded the demo seed into the empty store.")
        app = create_app(settings, mongodb_uri=mongodb_uri)
        url = f"http://{settings.host}:{settings.port}"
        print(f"\nUdkast is running on {url}  (GraphQL: {url}/graphql)")
        if args.seed_demo:
            print(f"Demo sign-in: sekretariat@sundhedsdata.example / {settings.demo_password} (see README for more)")
        print(describe_mail(settings))
        print("Press Ctrl-C to stop.\n", flush=True)
        uvicorn.run(
            app, host=settings.host, port=settings.port, log_level="warning", access_log=False, proxy_headers=False
        )
    finally:
        if store_process:
            store_process.stop()
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    from server.accounts import service
    from server.accounts.model import Role, normalise_email
    from server.accounts.repository import Accounts
    from server.clock import SystemClock
    from server.outcomes import Invalid

    settings = _settings()
    now = SystemClock().now()

    async def run(store: Store) -> int:
        accounts: Accounts = store.accounts
        if args.action == "list":
            orgs = {o.id: o.slug for o in await accounts.organizations()}
            for user in await accounts.users():
                state = "active" if user.active else "inactive"
                roles = ",".join(sorted(user.roles))
                print(f"{user.email}\t{user.name}\t{orgs.get(user.organization_id, '?')}\t{roles}\t{state}")
            return 0
        if args.action == "create":
            org = await accounts.organization_by_slug(args.organization)
            if org is None:
                print(f"udkast: unknown organisation {args.organization!r} (run `python -m server seed` first?)")
                return 2
            try:
                role_set = frozenset(Role(r.strip().upper()) for r in args.roles.split(","))
            except ValueError:
                print(f"udkast: roles must be among {', '.join(r.value for r in Role)}")
                return 2
            password = args.password or getpass.getpass("Password (at least 12 characters): ")
            created = await service.create_user(
                accounts,
                email=args.email,
                name=args.name,
                organization_id=org.id,
                roles=role_set,
                password=password,
                now=now,
            )
            if isinstance(created, Invalid):
                from server.messages import text

                print(f"udkast: {created.field}: {text(created.key, 'en', **created.params)}")
                return 2
            print(f"Created {created.email} ({', '.join(sorted(created.roles))}) in {org.name}.")
            return 0
        found = await accounts.credentials(normalise_email(args.email))
        if found is None:
            print(f"udkast: no user {args.email!r}")
            return 2
        user = found[0]
        if args.action == "deactivate":
            await accounts.set_active(user.id, False)
            print(f"Deactivated {user.email}; their sessions are ended.")
            return 0
        password = args.password or getpass.getpass("New password: ")
        problem = await service.reset_password(accounts, user.id, password)
        if problem:
            from server.messages import text

            print(f"udkast: {text(problem.key, 'en', **problem.params)}")
            return 2
        print(f"Password reset for {user.email}; their sessions are ended.")
        return 0

    return _with_store(settings, run)


def cmd_import_docx(args: argparse.Namespace) -> int:
    from server.accounts.model import Actor, normalise_email
    from server.caller import Caller
    from server.clock import SystemClock
    from server.imports import service
    from server.messages import text
    from server.outcomes import Denied, Invalid, Missing

    settings = _settings()
    data = Path(args.file).read_bytes()

    async def run(store: Store) -> int:
        found = await store.accounts.credentials(normalise_email(args.as_user))
        if found is None or not found[0].active:
            print(f"udkast: no active user {args.as_user!r}")
            return 2
        caller = Caller(Actor.of(found[0]), None, SystemClock().now())
        if args.document:
            document = await store.drafting.document_by_slug(args.document)
            result = await service.import_into_document(
                store, caller, document.id if document else None, data, language="en"
            )
        else:
            result = await service.import_new_document(store, caller, data, title=args.title, language="en")
        if isinstance(result, Invalid):
            print(f"udkast: {result.field}: {text(result.key, 'en', **result.params)}")
            return 2
        if isinstance(result, Denied | Missing):
            print("udkast: not allowed, or no such document (imports need a SECRETARIAT user)")
            return 2
        print(
            f"Imported into {result.document.slug}: {len(result.created)} new sections, "
            f"{len(result.updated)} new versions, {len(result.unchanged)} unchanged, {len(result.conflicts)} conflicts."
        )
        for loss in result.losses:
            print(f"  not carried over: {loss}")
        return 0

    return _with_store(settings, run)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m server", description="Udkast")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the UI and API (starts the embedded store unless MONGODB_URI)")
    serve.add_argument("--seed-demo", action="store_true", help="load the demo seed when the store is empty")
    serve.set_defaults(run=cmd_serve)

    seed = commands.add_parser("seed", help="load reference data (idempotent)")
    seed.add_argument("--demo", action="store_true", help="also create the demo accounts")
    seed.set_defaults(run=cmd_seed)

    export = commands.add_parser("export-schema", help="write the GraphQL SDL")
    export.add_argument("--output", default=str(SCHEMA_FILE))
    export.set_defaults(run=cmd_export_schema)

    check = commands.add_parser(
        "check", help="find (and with --repair, fix) section heads that lag their versions and wrong comment counts"
    )
    check.add_argument("--repair", action="store_true")
    check.set_defaults(run=cmd_check)

    backup = commands.add_parser("backup", help="write every collection to a portable archive (.tar.gz)")
    backup.add_argument("file")
    backup.set_defaults(run=cmd_backup)

    restore = commands.add_parser("restore", help="restore an archive into an empty database, then recreate indexes")
    restore.add_argument("file")
    restore.set_defaults(run=cmd_restore)

    imports = commands.add_parser("import-docx", help="import a Word file as a new document or new versions")
    imports.add_argument("file")
    imports.add_argument("--as", dest="as_user", required=True, help="email of the SECRETARIAT user doing the import")
    imports.add_argument("--document", help="slug of an existing document to propose new versions to")
    imports.add_argument("--title", help="title of the new document (default: the file's title)")
    imports.set_defaults(run=cmd_import_docx)

    users = commands.add_parser("users", help="manage accounts")
    actions = users.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create")
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--organization", required=True, help="organisation slug, e.g. sundhedsdatastyrelsen")
    create.add_argument("--roles", required=True, help="comma-separated, e.g. SECRETARIAT,EDITOR")
    create.add_argument("--password", help="(prompted when omitted)")
    actions.add_parser("list")
    deactivate = actions.add_parser("deactivate")
    deactivate.add_argument("--email", required=True)
    reset = actions.add_parser("reset-password")
    reset.add_argument("--email", required=True)
    reset.add_argument("--password", help="(prompted when omitted)")
    users.set_defaults(run=cmd_users)

    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except docstore.DocstoreError as error:
        print(f"udkast: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
