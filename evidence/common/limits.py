"""What one account may ask of the server at once, so that nobody's work waits behind another's.

- Jobs in flight: at most JOBS_IN_FLIGHT_PER_USER imports and as many bundles queued or running
  per account; one more is 429 `too_many_jobs` with Retry-After, before the body is read.
- Uploads: at most UPLOADS_PER_MINUTE files per account and minute; one more is 429
  `too_many_uploads` with Retry-After. The phone app's queue keeps such a file and sends it later.
"""

from http import HTTPStatus

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from evidence.common.errors import EvidenceError
from evidence.common.throttle import attempt_allowed


class TooManyJobs(EvidenceError):
    status_code = HTTPStatus.TOO_MANY_REQUESTS
    code = "too_many_jobs"
    message = _("You already have %(count)s %(what)s in progress. Wait until one is finished, then try again.")
    retry_after = 30


class TooManyUploads(EvidenceError):
    status_code = HTTPStatus.TOO_MANY_REQUESTS
    code = "too_many_uploads"
    message = _("More than %(limit)s files in one minute. The rest will be sent in a minute.")
    retry_after = 60


def jobs_in_flight_check(user, model, what) -> None:
    """TooManyJobs if the user has JOBS_IN_FLIGHT_PER_USER of model (Import, Bundle) queued or running."""
    limit = settings.JOBS_IN_FLIGHT_PER_USER
    count = model.objects.filter(created_by=user, status__in=("queued", "running")).count()
    if count >= limit:
        raise TooManyJobs(count=count, what=what)


def upload_rate_check(user) -> None:
    limit = settings.UPLOADS_PER_MINUTE
    if not attempt_allowed("uploads", str(user.pk), limit=limit, window_s=60):
        raise TooManyUploads(limit=limit)
