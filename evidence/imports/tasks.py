"""The import job: takes an import id, and can run again after a crash without harm.

The task is made by the import's job kind (evidence.imports.services.IMPORT_JOB, run by
evidence.common.jobs.job_run) under this module's name; it is named here for the worker to find.
"""

from evidence.imports.services import IMPORT_JOB

run_import = IMPORT_JOB.task
