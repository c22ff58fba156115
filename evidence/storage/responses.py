"""Serving stored files: streamed through the web process from either store, with their length."""

from django.http import FileResponse


class StoredFileResponse(FileResponse):
    """A FileResponse that also says the length of a stream from the object store (which Django
    cannot measure by seeking), so that browsers show a download's progress."""

    def set_headers(self, filelike):
        super().set_headers(filelike)
        size = getattr(filelike, "size", None)
        if "Content-Length" not in self.headers and isinstance(size, int):
            self.headers["Content-Length"] = str(size)
