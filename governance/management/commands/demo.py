"""`manage.py demo`: migrate, load the demo board, print the logins, serve.

Every app that has demo data lists its loader in DEMO_LOADERS; each takes the board and is
idempotent, so running the command again changes nothing.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django.utils.module_loading import import_string

from governance.demo import DEMO_LOGINS, DEMO_PASSWORD, load_board

# minutes last: it writes the minutes of the meetings the others load.
DEMO_LOADERS: list[str] = [
    "budget.demo.load",
    "meetings.demo.load",
    "actions.demo.load",
    "motions.demo.load",
    "budget.demo.link_motions",
    "minutes.demo.load",
]


class Command(BaseCommand):
    help = "Migrate, load the demo board (Xen Project AB, May 2014), print the logins and serve."

    def add_arguments(self, parser):
        parser.add_argument(
            "addrport", nargs="?", default="127.0.0.1:8000", help="Where to serve, as runserver."
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="Load the demo and exit (for scripts)."
        )

    def handle(self, *args, addrport: str, no_serve: bool, **options):
        call_command("migrate", interactive=False, verbosity=0)
        board = load_board()
        for dotted_path in DEMO_LOADERS:
            import_string(dotted_path)(board)
        self.stdout.write(self.style.SUCCESS(f"Loaded the demo board: {board.name}"))
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        width = max(len(login.email) for login in DEMO_LOGINS)
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.email:<{width}}  {login.name}, {login.what}")
        self.stdout.write(
            "Two-factor sign-in is not required on the demo board (a real board requires it of "
            "its chair, secretary and staff); anyone may turn it on from their profile."
        )
        if no_serve:
            return
        self.stdout.write(f"\nServing on http://{addrport}/ (Ctrl+C to stop)\n")
        # The demo is what a board sees, not a developer: a mistyped URL shows Boardroom's 404,
        # not Django's debug page with the URL map. Static files are still served (WhiteNoise
        # reads them from their directories under manage.py; see settings).
        with override_settings(DEBUG=False):
            call_command("runserver", addrport, use_reloader=False)
