"""The bundle job: takes a bundle id; a rerun after a crash starts over and finishes once.

The task is made by the bundle's job kind (evidence.reports.services.BUNDLE_JOB, run by
evidence.common.jobs.job_run) under this module's name; it is named here for the worker to find.
"""

from evidence.reports.services import BUNDLE_JOB

build_bundle = BUNDLE_JOB.task
