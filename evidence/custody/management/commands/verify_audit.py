from django.core.management.base import BaseCommand

from evidence.custody.services import ChainProblem, custody_verify_chain


def _describe(problem: ChainProblem) -> str:
    return f"BROKEN event #{problem.seq} {problem.action} at {problem.at.isoformat(timespec='seconds')}: {problem.problem}"


class Command(BaseCommand):
    help = (
        "Check the custody log's hash chain. Exit 0 if intact, 1 if any link is broken, naming the "
        "first broken event. With -v 2, list every broken event."
    )

    def handle(self, *args, verbosity=1, **options):
        count, problems = custody_verify_chain()
        if not problems:
            self.stdout.write(f"OK: {count} events, chain intact")
            return
        # The first break is the one to investigate: every later problem may follow from it.
        for problem in problems if verbosity >= 2 else problems[:1]:
            self.stdout.write(_describe(problem))
        first, more = problems[0], len(problems) - 1
        self.stdout.write(f"FAIL: {len(problems)} problem(s) in {count} events; first at event #{first.seq}, {more} more after it")
        raise SystemExit(1)
