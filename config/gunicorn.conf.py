"""gunicorn settings for `make run` and the container image."""

from gunicorn.http import unreader

# gunicorn reads request bodies 8 KiB per recv() call; evidence uploads are hundreds of MB,
# and 1 MiB reads cut the per-call overhead on the upload path (see bench/upload.py).
unreader.SocketUnreader.__init__.__defaults__ = (1 << 20,)

worker_class = "gthread"  # a slow phone upload holds a thread, not a process
threads = 8
timeout = 120
accesslog = "-"
