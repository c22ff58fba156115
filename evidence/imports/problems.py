"""What can go wrong reading an export, as stable codes with translated messages.

Parsers raise ImportFailed or call context.warn() with a code and parameters; the text is
rendered in the reader's language when the import is shown, so the stored record stays
language-neutral. The texts are the import kind's in the jobs' one message registry
(evidence.common.jobs); the four codes the runner ends any job with are worded here for an import.
"""

from django.utils.translation import gettext_lazy as _

from evidence.common.jobs import JobFailed, messages_register
from evidence.common.jobs import problem_text as job_problem_text

MESSAGES = {
    # Errors: the import fails and nothing from it is kept.
    "bad_encoding": _("Line %(line)s is not valid %(encoding)s text: the file is damaged or not an export."),
    "not_utf8": _("Line %(line)s is not valid text (UTF-8 or GBK): the file is damaged or not an export."),
    "nul_byte": _("Line %(line)s contains a NUL byte: the file is damaged or not a text export."),
    "line_too_long": _("Line %(line)s is longer than %(limit)s characters: this is not a phone export."),
    "xml_malformed": _("The XML is malformed at line %(line)s: %(reason)s."),
    "xml_dtd": _("The file declares a DTD or entities (line %(line)s); exports never do, so it is refused."),
    "xml_too_deep": _("The XML nests deeper than %(limit)s levels at line %(line)s; exports never do."),
    "xml_wrong_root": _("The XML's root element is <%(root)s>, not <%(expected)s>."),
    "record_too_large": _("The record at line %(line)s has a field of %(size)s characters; the limit is %(limit)s."),
    "csv_header": _("The first line must name the columns; missing: %(missing)s."),
    "mapping_column_missing": _("The mapping names a column the file does not have: %(column)s."),
    "csv_malformed": _("The CSV is malformed at line %(line)s: %(reason)s."),
    "no_records": _("No calls or messages were found in the file."),
    "too_many_records": _("The file has more than %(limit)s records; split it into smaller exports."),
    "attachment_refused": _("The attachment in the message at %(position)s was refused: %(reason)s."),
    "attachment_corrupt": _("The picture in the message at %(position)s is damaged or incomplete."),
    "attachment_too_large": _("The picture in the message at %(position)s has more than %(limit)s million pixels (a decompression bomb?)."),
    # The runner's own codes (evidence.common.jobs), worded for an import; the limit is IMPORT_TIME_LIMIT.
    "timed_out": _("The import took longer than %(limit)s seconds and was stopped. Split the export and try again."),
    "internal_error": _("The import failed because of a fault on the server; it has been logged. Try again later."),
    "storage_full": _("The server ran out of disk space during the import. Nothing was kept; send the export again "
                      "once the person who runs the server has freed space."),
    "gave_up": _("The import could not finish after %(tries)s tries (%(reason)s). Send the export again later."),
    # Warnings: the import completes, and says what it could not read.
    "truncated": _("The file ends in the middle of a record: %(count)s incomplete record(s) after line %(line)s were dropped. Export again to keep them."),
    "encoding_read_as": _("The file is encoded in %(encoding)s, not UTF-8; it was read as %(encoding)s."),
    "count_mismatch": _("The export says it holds %(declared)s records, but %(found)s were found in it. Check that the backup finished on the phone."),
    # Older imports stored this code before encoding_read_as named the encoding.
    "gbk_encoding": _("The file is encoded in GBK (GB18030), not UTF-8; it was read as GBK."),
    "surrogates_repaired": _("%(count)s emoji written as surrogate pairs were repaired."),
    "lone_surrogates": _("%(count)s broken emoji halves were replaced with �."),
    "unreadable_lines": _("%(count)s line(s) could not be read as messages and were skipped (first at line %(line)s)."),
    "skipped_records": _("%(count)s record(s) were skipped: %(reason)s (first at %(position)s)."),
    "attachment_skipped": _("%(count)s attachment(s) that are not pictures were kept only inside the export."),
}


messages_register("import", MESSAGES)


def problem_text(problem: dict) -> str:
    """The message for a stored {code, params} problem, in the active language."""
    return job_problem_text("import", problem)


class NeedsMapping(Exception):
    """A CSV whose columns we do not know: the import waits for the borrower to map them."""

    def __init__(self, request: dict):
        super().__init__("needs_mapping")
        self.request = request


class ImportFailed(JobFailed):
    """The export cannot be imported; nothing from it is kept."""
