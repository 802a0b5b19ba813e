"""`python -m sync_server <command> --db FILE ...`: serving and administration."""
from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import ValidationError

from . import __version__, auth, server_key, signing
from .db import Database, open_database
from .logs import FORMATS, setup_logging
from .sample import load_sample
from .services import backups, benches, people, privacy, releases
from .services.errors import ServiceError
from .settings import Settings, describe_error

DEFAULT_DB = "var/server.db"
# Commands that must neither create nor migrate the database they are given.
_OWN_DATABASE_HANDLING = {"backup", "restore"}


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .app import create_app
    from .http_protocol import guarded_protocol

    try:  # validated again: the mail flags must make a working pair, like their variables
        settings = Settings.model_validate({**args.settings.model_dump(), **{
            "rate_per_minute": args.rate_per_minute, "rate_burst": args.rate_burst,
            "public_rate_per_minute": args.public_rate_per_minute, "public_rate_burst": args.public_rate_burst,
            "contact_retention_days": args.retention_days, "smtp_url": args.smtp_url, "mail_from": args.mail_from,
            "public_url": args.public_url or f"http://{args.host}:{args.port}",
            "max_connections": args.max_connections, "keep_alive_timeout_s": args.keep_alive_timeout,
            "header_timeout_s": args.header_timeout, "max_header_bytes": args.max_header_bytes}})
    except ValidationError as error:
        print(f"error: {describe_error(error)}", file=sys.stderr)
        return 2
    app = create_app(args.db, settings)
    json_logs = args.log_format == "json"
    if json_logs:  # uvicorn's loggers then propagate to this handler instead of their own
        setup_logging("json", args.log_level.upper())
    logging.getLogger(__name__).info("serving %s", Path(args.db).resolve())
    # No access log: it would pair client addresses with request paths (receipt codes).
    # Limits for the open internet: connections, idle keep-alive, and request headers (size, time).
    uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_level=args.log_level,
                log_config=None if json_logs else uvicorn.config.LOGGING_CONFIG,
                http=guarded_protocol(settings.max_header_bytes, settings.header_timeout_s),
                limit_concurrency=settings.max_connections, timeout_keep_alive=settings.keep_alive_timeout_s)
    return 0


def _server_key(args: argparse.Namespace) -> bytes:
    """The key file `serve` uses with this database (made if missing)."""
    return server_key.load_or_create(server_key.key_path(args.db, args.settings.server_key_file))


def _add_bench(args: argparse.Namespace, db: Database) -> int:
    print(benches.add_bench(db, args.bench_id, args.municipality, server_key=_server_key(args)))
    return 0


def _revoke_bench(args: argparse.Namespace, db: Database) -> int:
    benches.revoke_bench(db, args.bench_id)
    print(f"revoked {args.bench_id}", file=sys.stderr)
    return 0


def _rotate_token(args: argparse.Namespace, db: Database) -> int:
    print(benches.rotate_token(db, args.bench_id, server_key=_server_key(args)))
    return 0


def _list_benches(args: argparse.Namespace, db: Database) -> int:
    rows = benches.overview(db)
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return 0
    print(f"{'bench':<20} {'municipality':<12} {'state':<8} {'last contact':<28} {'last telemetry':<28} backlog")
    for r in rows:
        state = "revoked" if r["revoked"] else "active"
        print(f"{r['id']:<20} {r['municipality']:<12} {state:<8} {r['last_contact_at'] or '-':<28} "
              f"{r['last_telemetry_at'] or '-':<28} {'-' if r['backlog'] is None else r['backlog']}")
    return 0


def _read_password(args: argparse.Namespace) -> tuple[str, bool]:
    """The password from --password-file or stdin (never echoed); a generated one if both are empty."""
    if args.password_file:
        with open(args.password_file, encoding="utf-8") as file:
            password = file.readline().rstrip("\r\n")
    elif sys.stdin is not None and sys.stdin.isatty():
        password = getpass.getpass("password (empty to generate one): ")
    else:
        password = (sys.stdin.readline() if sys.stdin is not None else "").rstrip("\r\n")
    if password:
        return password, False
    return auth.new_password(), True


def _add_user(args: argparse.Namespace, db: Database) -> int:
    password, generated = _read_password(args)
    people.add_user(db, args.username, args.role, password, args.municipality or [])
    if generated:
        print(password)
    return 0


def _list_users(args: argparse.Namespace, db: Database) -> int:
    for person in people.list_users(db):
        state = "disabled" if person.disabled_at else "one-time password" if person.must_change_password else "active"
        print(f"{person.username:<24} {person.role:<11} {state:<18} {', '.join(person.municipalities) or '-'}")
    return 0


def _disable_user(args: argparse.Namespace, db: Database) -> int:
    changed = people.disable_user(db, args.username)
    print(f"disabled {people.canonical(args.username)}" + ("" if changed else " (it was already)"), file=sys.stderr)
    return 0


def _enable_user(args: argparse.Namespace, db: Database) -> int:
    changed = people.enable_user(db, args.username)
    print(f"enabled {people.canonical(args.username)}" + ("" if changed else " (it was not disabled)"), file=sys.stderr)
    return 0


def _remove_user(args: argparse.Namespace, db: Database) -> int:
    people.remove_user(db, args.username)
    print(f"removed {people.canonical(args.username)}", file=sys.stderr)
    return 0


def _reset_password(args: argparse.Namespace, db: Database) -> int:
    print(people.reset_password(db, args.username))
    return 0


def _backup(args: argparse.Namespace) -> int:
    snapshot = backups.backup(args.db, args.to)
    print(f"backed up {args.db} to {snapshot.path}: schema {snapshot.schema_version}, {snapshot.benches} benches, "
          f"{snapshot.suggestions} suggestions, {snapshot.size_bytes} bytes", file=sys.stderr)
    return 0


def _restore(args: argparse.Namespace) -> int:
    snapshot, kept = backups.restore(args.source, args.db)
    if kept is not None:
        print(f"kept the database it replaces as {kept}", file=sys.stderr)
    print(f"restored {args.source} into {snapshot.path}: schema {snapshot.schema_version}, {snapshot.benches} "
          f"benches, {snapshot.suggestions} suggestions", file=sys.stderr)
    return 0


def _load_sample(args: argparse.Namespace, db: Database) -> int:
    print(f"loaded {load_sample(db)} sample initiatives", file=sys.stderr)
    return 0


def _export_receipt(args: argparse.Namespace, db: Database) -> int:
    print(json.dumps(privacy.export_receipt(db, args.code), ensure_ascii=False, indent=2))
    return 0


def _erase_receipt(args: argparse.Namespace, db: Database) -> int:
    privacy.erase_receipt(db, args.code)
    print(f"erased {args.code}", file=sys.stderr)
    return 0


def _purge_contacts(args: argparse.Namespace, db: Database) -> int:
    erased = privacy.purge_expired_contacts(db, args.retention_days)
    print(f"erased contact details of {erased} closed suggestions", file=sys.stderr)
    return 0


def _release_key(args: argparse.Namespace, db: Database) -> int:
    print(signing.new_key_pair(Path(args.private_key)))
    print(f"private key written to {args.private_key}: keep it offline; the line above is the public key",
          file=sys.stderr)
    return 0


def _sign_release(args: argparse.Namespace, db: Database) -> int:
    release = Path(args.file)
    signature = signing.sign(signing.load_private_key(Path(args.key)), release.read_bytes())
    out = Path(args.out or f"{release}.sig")
    out.write_text(signature + "\n", encoding="ascii")
    print(f"signature written to {out}", file=sys.stderr)
    return 0


def _publish_release(args: argparse.Namespace, db: Database) -> int:
    release = Path(args.file)
    signature = Path(args.signature or f"{release}.sig").read_text(encoding="ascii")
    published = releases.publish(db, release.name, release.read_bytes(), signature, args.channel, args.public_key)
    print(json.dumps(published))
    return 0


def _roll_out(args: argparse.Namespace, db: Database) -> int:
    scope, target = ("bench", args.bench) if args.bench else (
        ("municipality", args.municipality) if args.municipality else ("network", ""))
    releases.roll_out(db, args.version, scope, target, people.SYSTEM)
    print(f"release {args.version} offered to {scope} {target}".rstrip(), file=sys.stderr)
    return 0


def build_parser(defaults: Settings) -> argparse.ArgumentParser:
    """The command line; `defaults` (from the environment) give the flags their defaults."""
    parser = argparse.ArgumentParser(prog="python -m sync_server", description=__doc__)
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, handler: Callable[..., int], help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.add_argument("--db", default=DEFAULT_DB, help=f"SQLite file (default {DEFAULT_DB})")
        sub.set_defaults(handler=handler)
        return sub

    serve = command("serve", _serve, "run the server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--rate-per-minute", type=float, default=defaults.rate_per_minute,
                       help="requests a bench may make per minute, sustained")
    serve.add_argument("--rate-burst", type=int, default=defaults.rate_burst)
    serve.add_argument("--public-rate-per-minute", type=float, default=defaults.public_rate_per_minute,
                       help="receipt status lookups per client address per minute (without a bench token)")
    serve.add_argument("--public-rate-burst", type=int, default=defaults.public_rate_burst)
    serve.add_argument("--retention-days", type=float, default=defaults.contact_retention_days,
                       help="keep contact details this long after a suggestion is closed")
    serve.add_argument("--max-connections", type=int, default=defaults.max_connections,
                       help="connections and requests at once; beyond, requests are answered 503")
    serve.add_argument("--keep-alive-timeout", type=int, default=defaults.keep_alive_timeout_s,
                       help="seconds an idle keep-alive connection is kept open")
    serve.add_argument("--header-timeout", type=float, default=defaults.header_timeout_s,
                       help="seconds a client has to send a request's line and headers")
    serve.add_argument("--max-header-bytes", type=int, default=defaults.max_header_bytes,
                       help="largest request line and headers; beyond, 431")
    serve.add_argument("--smtp-url", default=defaults.smtp_url,
                       help="mail to citizens: smtp://[user:pass@]host[:port] (STARTTLS when offered) or smtps://")
    serve.add_argument("--mail-from", default=defaults.mail_from, help="the sender address of those e-mails")
    serve.add_argument("--public-url", default=defaults.public_url,
                       help="where people reach this server, for links in e-mails (default: http://HOST:PORT)")
    serve.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    serve.add_argument("--log-format", default="text", choices=FORMATS, help="json: one JSON object per line")

    sub = command("add-bench", _add_bench, "register a bench; prints its token once")
    sub.add_argument("bench_id")
    sub.add_argument("--municipality", required=True, help="slug or name, e.g. zepce or Žepče")
    command("revoke-bench", _revoke_bench, "stop accepting a bench's token").add_argument("bench_id")
    command("rotate-token", _rotate_token, "give a bench a new token; prints it").add_argument("bench_id")
    command("list-benches", _list_benches, "benches with last contact, telemetry and backlog").add_argument(
        "--json", action="store_true", help="one JSON object per line")

    sub = command("add-user", _add_user,
                  "add a person; the password comes from --password-file or stdin, or is generated and printed")
    sub.add_argument("username")
    sub.add_argument("--role", required=True, choices=people.ROLES)
    sub.add_argument("--municipality", action="append", help="a moderator's municipality (repeatable)")
    sub.add_argument("--password-file")

    command("list-users", _list_users, "people with their role, state and municipalities")
    command("disable-user", _disable_user, "stop a person logging in and end their sessions at once").add_argument(
        "username")
    command("enable-user", _enable_user, "let a disabled person log in again").add_argument("username")
    command("remove-user", _remove_user, "remove a person for good (the audit trail keeps their name)").add_argument(
        "username")
    command("reset-password", _reset_password,
            "give a person a one-time password (printed once) and end their sessions").add_argument("username")

    sub = command("backup", _backup, "copy the database while the server runs (SQLite's online backup)")
    sub.add_argument("--to", required=True, metavar="FILE", help="the backup file to make (must not exist)")
    sub = command("restore", _restore, "replace the database with a backup (stop the server first)")
    sub.add_argument("--from", dest="source", required=True, metavar="FILE", help="the backup file")

    command("load-sample", _load_sample, "load and publish the sample initiatives")
    command("export-receipt", _export_receipt, "print all that is held about a receipt code").add_argument("code")
    command("erase-receipt", _erase_receipt, "erase the suggestion of a receipt code").add_argument("code")
    command("purge-contacts", _purge_contacts, "erase expired contact details now").add_argument(
        "--retention-days", type=float, default=defaults.contact_retention_days)

    sub = command("release-key", _release_key,
                  "make an Ed25519 release key pair (offline); prints the public key")
    sub.add_argument("--private-key", required=True, help="where to write the private key (PEM, mode 0600)")
    sub = command("sign-release", _sign_release, "sign a release file with the offline private key")
    sub.add_argument("file")
    sub.add_argument("--key", required=True, help="the private key file made by release-key")
    sub.add_argument("--out", help="signature file (default FILE.sig)")
    sub = command("publish-release", _publish_release, "store a signed release (a wheel) on the server")
    sub.add_argument("file")
    sub.add_argument("--channel", required=True, help="e.g. stable; benches follow their update_channel")
    sub.add_argument("--signature", help="signature file (default FILE.sig)")
    sub.add_argument("--public-key", default=defaults.release_public_key,
                     help="check against this public key (default: SMART_BENCH_RELEASE_PUBLIC_KEY)")
    sub = command("roll-out", _roll_out, "offer a published release to one bench, a municipality or all")
    sub.add_argument("version")
    where = sub.add_mutually_exclusive_group(required=True)
    where.add_argument("--bench")
    where.add_argument("--municipality", help="slug, e.g. zepce")
    where.add_argument("--network", action="store_true", help="every bench")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings()
    except ValidationError as error:  # refuse to start rather than fail on the first request
        print(f"error: {describe_error(error)}", file=sys.stderr)
        return 2
    args = build_parser(settings).parse_args(argv)
    args.settings = settings
    if args.command == "serve":
        return args.handler(args)
    try:
        if args.command in _OWN_DATABASE_HANDLING:
            return args.handler(args)
        db = open_database(args.db)
        try:
            return args.handler(args, db)
        finally:
            db.close()
    except (ServiceError, signing.SignatureError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
