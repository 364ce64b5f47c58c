"""`manage.py healthcheck [--url URL] [--host HOST]`: exit 0 when /healthz says ok, else 1.

For container health checks under production settings (R-SEC-10). A plain request to
/healthz fails there: SECURE_SSL_REDIRECT answers 301 to plain http, and a Host that is
not in ALLOWED_HOSTS gets 400. So this asks the way the TLS proxy does: with a Host from
ALLOWED_HOSTS and `X-Forwarded-Proto: https`.

Without --url it calls the application in this process (the web, worker and beat
containers alike: same settings, same database and broker); with --url it asks a running
server over HTTP (the web container: gunicorn itself answers). Prints one line, never a
response body (an Administrator's detail could name hosts).
"""

import http.client
import io
import sys
from urllib.parse import urlsplit
from wsgiref.util import setup_testing_defaults

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.management.base import BaseCommand, CommandError, CommandParser

PATH = "/healthz"


def default_host() -> str:
    """The first concrete name in ALLOWED_HOSTS ('.example.org' → 'example.org')."""
    for host in settings.ALLOWED_HOSTS:
        name = host.lstrip(".")
        if name and name != "*":
            return name
    return "localhost"


def status_in_process(*, host: str) -> int:
    """The status /healthz answers, through every middleware, without a socket."""
    environ: dict[str, object] = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": PATH,
        "HTTP_HOST": host,
        "HTTP_X_FORWARDED_PROTO": "https",
        "wsgi.url_scheme": "https",
        "wsgi.errors": io.StringIO(),
    }
    setup_testing_defaults(environ)
    statuses: list[str] = []

    def start_response(status: str, headers: list, exc_info: object = None) -> None:
        statuses.append(status)

    response = WSGIHandler()(environ, start_response)
    if hasattr(response, "close"):
        response.close()
    return int(statuses[0].split()[0])


def status_over_http(*, url: str, host: str, timeout: float) -> int:
    """The status a server at `url` answers for /healthz; a redirect is not followed."""
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise CommandError(f"--url must be http://host[:port][/path], got {url!r}")
    # Plain http on purpose: the server behind the proxy; the proxy terminates TLS.
    connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    try:
        connection.request(
            "GET",
            parts.path if parts.path not in ("", "/") else PATH,
            headers={"Host": host, "X-Forwarded-Proto": "https"},
        )
        return connection.getresponse().status
    finally:
        connection.close()


class Command(BaseCommand):
    help = "Exit 0 when /healthz answers 200 under these settings, 1 otherwise."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", help="ask a running server, e.g. http://127.0.0.1:8000")
        parser.add_argument("--host", help="Host header (default: first of ALLOWED_HOSTS)")
        parser.add_argument("--timeout", type=float, default=5.0, help="seconds, with --url")

    def handle(self, *args: object, **options: object) -> None:
        host = str(options["host"] or default_host())
        url = options["url"]
        try:
            if url:
                status = status_over_http(
                    url=str(url), host=host, timeout=float(options["timeout"])
                )
            else:
                status = status_in_process(host=host)
        except CommandError:
            raise
        except Exception as exc:  # unreachable server, timeout: unhealthy, not a traceback
            self.stderr.write(f"unhealthy: {type(exc).__name__}")
            sys.exit(1)
        if status != 200:
            self.stderr.write(f"unhealthy: /healthz answered {status}")
            sys.exit(1)
        self.stdout.write("healthy")
