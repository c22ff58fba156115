"""Originals and derived files on an S3-compatible object store (AWS S3, MinIO, Ceph, Swift's s3api).

Keys: originals/<sha256> and derived/<kind>/<name>. An upload arrives in the web process's
scratch folder, hashed as it streams (intake/uploads.py); only then, with its hash known, it goes
up under originals/<sha256> — as one PUT when small, else as a multipart upload that is completed
only after every part is in and the bytes read back from the spool file hashed to that same value,
each part carrying its Content-MD5, so that the store refuses a part damaged on the way. Until
completion nothing is visible under the key; a failed upload is aborted.

Write-once is the app's own rule here: nothing is written where an original already is (the same
bytes need no second copy) and the app has no code that deletes or overwrites an original. A
store with Object Lock (S3 in compliance mode) can enforce the same against anyone holding the
keys; Swift's s3api has none, so the tests check the app's rule.

Downloads are streamed through the web process, not redirected to presigned URLs: every access
is checked and logged as it is served, the store can stay on a private network the phones never
see, and no URL that works without a session is ever handed out.
"""

import base64
import hashlib
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from .base import CHUNK, StorageError, check_derived, check_sha256, scratch_temp_file

ORIGINALS, DERIVED = "originals/", "derived/"
PARALLEL_PARTS = 3  # parts of one original in flight at once (each S3_PART_MB in memory)


class S3Storage:
    """The store behind S3_BUCKET; scratch work on local disk."""

    def __init__(self, *, bucket: str, endpoint_url: str, access_key: str, secret_key: str, region: str,
                 addressing_style: str, scratch: Path, part_bytes: int):
        self.bucket, self.scratch, self.part_bytes = bucket, Path(scratch), max(part_bytes, 5 << 20)
        self.scratch.mkdir(parents=True, exist_ok=True)
        self.client = boto3.session.Session().client(
            "s3", endpoint_url=endpoint_url or None, aws_access_key_id=access_key or None,
            aws_secret_access_key=secret_key or None, region_name=region,
            config=Config(signature_version="s3v4", s3={"addressing_style": addressing_style},
                          retries={"max_attempts": 5, "mode": "standard"}, connect_timeout=5, read_timeout=60,
                          # No checksum trailers: stores that do not check them (Swift) may reject them;
                          # integrity is the SHA-256 the app takes itself, and each part's Content-MD5.
                          request_checksum_calculation="when_required",
                          response_checksum_validation="when_required"))
        self.transfer = TransferConfig(multipart_threshold=self.part_bytes, multipart_chunksize=self.part_bytes,
                                       max_concurrency=4)

    def __repr__(self) -> str:
        return f"S3Storage(bucket={self.bucket!r}, endpoint={self.client.meta.endpoint_url!r})"

    # --- originals --------------------------------------------------------------------
    def new_temp_file(self):
        return scratch_temp_file(self.scratch)

    def promote(self, temp_path: str, sha256: str) -> bool:
        key = ORIGINALS + check_sha256(sha256)
        if self._exists(key):
            return False
        size = os.path.getsize(temp_path)
        with open(temp_path, "rb") as source, _errors(f"storing original {sha256}"):
            if size <= self.part_bytes:
                data = source.read()
                if hashlib.sha256(data).hexdigest() != sha256:
                    raise StorageError(f"the spooled upload no longer hashes to {sha256}")
                self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentMD5=_md5(data),
                                       ContentType="application/octet-stream", Metadata={"sha256": sha256})
                return True
            self._multipart(source, key, sha256)
        return True

    def _multipart(self, source: BinaryIO, key: str, sha256: str) -> None:
        """Parts read in order (the SHA-256 taken as they are read) and sent PARALLEL_PARTS at a
        time, so that at most that many parts are ever held in memory."""
        upload = self.client.create_multipart_upload(Bucket=self.bucket, Key=key, Metadata={"sha256": sha256},
                                                     ContentType="application/octet-stream")["UploadId"]
        try:
            digest, sent = hashlib.sha256(), []
            with ThreadPoolExecutor(PARALLEL_PARTS, thread_name_prefix="s3-part") as pool:
                while data := source.read(self.part_bytes):
                    digest.update(data)
                    if len(sent) >= PARALLEL_PARTS:
                        sent[-PARALLEL_PARTS].result()  # wait for room before reading on
                    sent.append(pool.submit(self._part, key, upload, len(sent) + 1, data))
                parts = [future.result() for future in sent]
            if digest.hexdigest() != sha256:
                raise StorageError(f"the spooled upload no longer hashes to {sha256}")
            self.client.complete_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload,
                                                  MultipartUpload={"Parts": parts})
        except BaseException:
            try:
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload)
            except (BotoCoreError, ClientError):
                pass  # the store drops abandoned parts itself (or a lifecycle rule does)
            raise

    def _part(self, key: str, upload: str, number: int, data: bytes) -> dict:
        answer = self.client.upload_part(Bucket=self.bucket, Key=key, UploadId=upload, PartNumber=number,
                                         Body=data, ContentMD5=_md5(data))
        return {"ETag": answer["ETag"], "PartNumber": number}

    def exists(self, sha256: str) -> bool:
        return self._exists(ORIGINALS + check_sha256(sha256))

    def open(self, sha256: str) -> BinaryIO:
        return self._open(ORIGINALS + check_sha256(sha256), sha256)

    def size(self, sha256: str) -> int:
        with _errors(f"reading original {sha256}"):
            try:
                return self.client.head_object(Bucket=self.bucket, Key=ORIGINALS + check_sha256(sha256))["ContentLength"]
            except ClientError as error:
                if _status(error) == 404:
                    raise FileNotFoundError(sha256) from None
                raise

    def local_copy(self, sha256: str, folder: Path) -> Path:
        """The original downloaded into `folder` (the caller's scratch folder, removed with it),
        once: a second call finds it there."""
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"original-{check_sha256(sha256)}"
        if path.is_file():
            return path
        partial = folder / f".partial-{sha256}"
        with self.open(sha256) as stream, open(partial, "wb") as out:
            while chunk := stream.read(CHUNK):
                out.write(chunk)
        os.chmod(partial, 0o440)
        os.replace(partial, path)
        return path

    def remove_unreferenced(self, sha256: str) -> None:
        """Nothing: the app never deletes from the object store. An original whose row rolled back
        stays, verify_storage lists it as unreferenced, and the same bytes sent again find it there."""

    def iter_originals(self) -> Iterator[str]:
        with _errors("listing originals"):
            for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=ORIGINALS):
                for entry in page.get("Contents", []):
                    name = entry["Key"].removeprefix(ORIGINALS)
                    if len(name) == 64:
                        yield name

    # --- derived files ----------------------------------------------------------------
    def put_derived(self, name: str, data: bytes) -> None:
        with _errors(f"storing {name}"):
            self.client.put_object(Bucket=self.bucket, Key=DERIVED + check_derived(name), Body=data,
                                   ContentMD5=_md5(data))

    def put_derived_file(self, name: str, path: Path) -> None:
        """Upload a finished file (in parts when large), then remove the local one, as a move would."""
        with _errors(f"storing {name}"):
            self.client.upload_file(str(path), self.bucket, DERIVED + check_derived(name), Config=self.transfer)
        Path(path).unlink()

    def open_derived(self, name: str) -> BinaryIO:
        return self._open(DERIVED + check_derived(name), name)

    def derived_exists(self, name: str) -> bool:
        return self._exists(DERIVED + check_derived(name))

    def delete_derived(self, name: str) -> None:
        with _errors(f"deleting {name}"):
            self.client.delete_object(Bucket=self.bucket, Key=DERIVED + check_derived(name))

    # --- health and set-up --------------------------------------------------------------
    def check_writable(self) -> None:
        with _errors("writing a probe"):
            self.client.put_object(Bucket=self.bucket, Key="health/probe", Body=b"ok", ContentMD5=_md5(b"ok"))

    def free_bytes(self) -> None:
        return None

    def create_bucket(self) -> bool:
        """Create the bucket if it is missing; True if this call created it."""
        with _errors(f"creating bucket {self.bucket}"):
            try:
                self.client.head_bucket(Bucket=self.bucket)
                return False
            except ClientError as error:
                if _status(error) != 404:
                    raise
            self.client.create_bucket(Bucket=self.bucket)
            return True

    # --- helpers ------------------------------------------------------------------------
    def _exists(self, key: str) -> bool:
        with _errors(f"looking for {key}"):
            try:
                self.client.head_object(Bucket=self.bucket, Key=key)
                return True
            except ClientError as error:
                if _status(error) == 404:
                    return False
                raise

    def _open(self, key: str, what: str) -> BinaryIO:
        with _errors(f"reading {what}"):
            try:
                answer = self.client.get_object(Bucket=self.bucket, Key=key)
            except ClientError as error:
                if _status(error) == 404:
                    raise FileNotFoundError(what) from None
                raise
        return ObjectReader(answer["Body"], answer["ContentLength"])


class ObjectReader:
    """An object's bytes as a read-only stream, read as they come from the store."""

    def __init__(self, body, size: int):
        self.body, self.size = body, size

    def read(self, amount: int = -1) -> bytes:
        with _errors("reading from the store"):
            return self.body.read(None if amount is None or amount < 0 else amount)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        self.body.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _errors:
    """Turns the store's failures into StorageError (transient: jobs retry them); a missing object
    stays FileNotFoundError."""

    def __init__(self, what: str):
        self.what = what

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if isinstance(error, (BotoCoreError, ClientError)):
            raise StorageError(f"object store: {self.what}: {error}") from error
        return False


def _md5(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def _status(error: ClientError) -> int:
    return int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
