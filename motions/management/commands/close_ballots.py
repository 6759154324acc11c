"""Close every ballot past its deadline. Run it from a scheduler (cron, a systemd timer) every
few minutes; pages also close a due ballot when someone looks at it."""

from django.core.management.base import BaseCommand

from motions.services import ballots_close_due


class Command(BaseCommand):
    help = "Close open ballots and motions whose deadline has passed, and freeze their tallies."

    def handle(self, *args, **options) -> None:
        closed = ballots_close_due()
        for motion in closed:
            self.stdout.write(
                f"Closed “{motion.title}” ({motion.board}): {motion.get_outcome_display()}"
            )
        self.stdout.write(f"{len(closed)} closed.")
