from django.core.management.base import BaseCommand

from evidence.custody.services import custody_verify_chain


class Command(BaseCommand):
    help = "Check the custody log's hash chain. Exit 0 if intact, 1 if any link is broken."

    def handle(self, *args, **options):
        count, problems = custody_verify_chain()
        for problem in problems:
            self.stdout.write(f"BROKEN event #{problem.seq}: {problem.problem}")
        if problems:
            self.stdout.write(f"FAIL: {len(problems)} problem(s) in {count} events")
            raise SystemExit(1)
        self.stdout.write(f"OK: {count} events, chain intact")
