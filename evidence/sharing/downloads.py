"""The stored files a share serves, one way for the lawyer's pages and for /api/shared/.

shared_file() is what both call for the report, the packet and an exhibit's original: the share's
scope checked (the packet only when the borrower allowed downloading it), the access logged for
the borrower (access log and custody log), then the file with the same headers on either surface.
A picture's preview (shared_thumbnail) is part of the page that shows it and is not logged.
No HTTP status is decided here: a refusal is a coded error (NotFound, DownloadNotAllowed) that
each surface answers in its own form.
"""

from evidence.common.errors import NotFound
from evidence.reports.services import bundle_files, download_name
from evidence.sharing import selectors, services
from evidence.sharing.models import Access, Share
from evidence.storage.backends import get_storage
from evidence.storage.responses import StoredFileResponse

# What opens in the browser rather than being saved: pictures and PDFs.
INLINE = ("image/png", "image/jpeg", "image/webp", "application/pdf")

# The report and the packet: the bundle's file, its type, whether it opens in the browser, its policy.
_BUNDLE_FILES = {
    Access.What.REPORT: ("report.pdf", "application/pdf", True,
                         "default-src 'none'; object-src 'self'; frame-ancestors 'self'"),
    Access.What.PACKET: ("packet.zip", "application/zip", False, "default-src 'none'; sandbox"),
}
_ORIGINAL_POLICY = "default-src 'none'; img-src 'self'; sandbox"
# The one scope each file needs; anything not named here is viewing.
_NEEDS = {Access.What.PACKET: selectors.Scope.DOWNLOAD}


def shared_file(share: Share, what: str, *, request, item=None) -> StoredFileResponse:
    """The report (Access.What.REPORT), the packet (PACKET) or an exhibit's original (ORIGINAL, with item).

    DownloadNotAllowed when the share does not allow it (nothing logged then); otherwise the access
    is logged and the stored file is answered, never cached.
    """
    selectors.share_require(share, _NEEDS.get(what, selectors.Scope.VIEW))
    if what == Access.What.ORIGINAL:
        if item is None:
            raise NotFound()
        services.access_record(share=share, what=what, request=request, item=item)
        response = StoredFileResponse(get_storage().open(item.sha256), as_attachment=item.mime not in INLINE,
                                filename=item.original_name or item.sha256[:12], content_type=item.mime)
        response["ETag"] = f'"{item.sha256}"'
        policy = _ORIGINAL_POLICY
    else:
        name, content_type, inline, policy = _BUNDLE_FILES[what]
        services.access_record(share=share, what=what, request=request)
        response = StoredFileResponse(get_storage().open_derived(bundle_files(share.bundle)[name]),
                                as_attachment=not inline, filename=download_name(share.bundle, name),
                                content_type=content_type)
    response["Content-Security-Policy"] = policy
    response["Cache-Control"] = "private, no-store"
    return response


def shared_thumbnail(item) -> StoredFileResponse:
    """A picture's small preview (rebuildable, derived), or NotFound when it has none (yet)."""
    storage = get_storage()
    if not item.thumbnail or not storage.derived_exists(item.thumbnail):
        raise NotFound()
    response = StoredFileResponse(storage.open_derived(item.thumbnail), content_type="image/webp")
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
