"""`manage.py collectstatic` for `make run`: compresses only the files that changed.

WhiteNoise's CompressedStaticFilesStorage compresses every collected file again on every run
(about 20 s for this project, mostly the API docs' bundles). Here a file whose compressed
copy (.gz or .br) is at least as new as the file itself is left alone; collectstatic copies a
changed file anew, so the copy is newer than its old compressed versions and is compressed
again. With another storage backend in STORAGES this is plain collectstatic.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from whitenoise.storage import CompressedStaticFilesStorage  # noqa: E402

WHITENOISE = "whitenoise.storage.CompressedStaticFilesStorage"


class ChangedOnlyStorage(CompressedStaticFilesStorage):
    def post_process(self, paths, dry_run=False, **options):
        changed = {name: value for name, value in paths.items() if not self._compressed_is_current(name)}
        print(f"{len(changed)} of {len(paths)} files to compress")
        yield from super().post_process(changed, dry_run=dry_run, **options)

    def _compressed_is_current(self, name: str) -> bool:
        path = Path(self.path(name))
        mtime = path.stat().st_mtime_ns
        for suffix in (".gz", ".br"):
            copy = path.with_name(path.name + suffix)
            # WhiteNoise gives a compressed copy its original's modification time (as a float).
            if copy.exists() and copy.stat().st_mtime_ns >= mtime - 1_000_000:
                return True
        return False


if __name__ == "__main__":
    if settings.STORAGES["staticfiles"]["BACKEND"] == WHITENOISE:
        settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "__main__.ChangedOnlyStorage"}}
    call_command("collectstatic", interactive=False, verbosity=1)
