"""Where one page's time goes, by pyinstrument, on a database `python -m bench --keep` left.

    uv run --with pyinstrument python -m bench.profile br_bench_large /b/large-board/members/ \\
        --as voter0001@large.example [--repeat 20]

Runs the request through the whole middleware stack in this process with the production
settings (DEBUG off), as the logged-in person, once to warm up and then `--repeat` times under the
profiler, and prints the call tree and the 30-odd functions that take the most time themselves.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("database")
    parser.add_argument("path")
    parser.add_argument("--as", dest="email", required=True)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="governance.settings",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{args.database}",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        DEBUG="false",
        BENCH="true",
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="false",
    )
    import django

    django.setup()
    from django.test import Client
    from pyinstrument import Profiler

    from bench.generate import session_for
    from governance.models import User

    client = Client(headers={"accept-encoding": "gzip"})
    client.cookies["sessionid"] = session_for(User.objects.get(email=args.email))
    first = client.get(args.path)
    print(f"{args.path}: {first.status_code}, {first['X-Bench-Queries']} queries", file=sys.stderr)
    profiler = Profiler(interval=0.0005)
    with profiler:
        for _ in range(args.repeat):
            client.get(args.path)
    print(profiler.output_text(unicode=True, color=False, time="percent_of_total"))
    # The same samples by function (self time): the cost without the template's nesting.
    flat = profiler.output_text(color=False, flat=True, time="percent_of_total")
    print("\n".join(flat.splitlines()[:40]))


if __name__ == "__main__":
    main(sys.argv[1:])
