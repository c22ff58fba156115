"""`manage.py storage_init` makes a deployment's store ready, and says clearly when it cannot."""

import pytest
from django.core.management import CommandError, call_command

from evidence.storage.backends import get_storage


def test_it_creates_a_missing_bucket_once(s3, settings, capsys):
    first = settings.S3_BUCKET
    settings.S3_BUCKET = first + "-new"
    call_command("storage_init")
    assert f"Created bucket {settings.S3_BUCKET}" in capsys.readouterr().out
    call_command("storage_init")
    assert f"Found bucket {settings.S3_BUCKET}" in capsys.readouterr().out
    store = get_storage()
    store.client.delete_object(Bucket=settings.S3_BUCKET, Key="health/probe")
    store.client.delete_bucket(Bucket=settings.S3_BUCKET)
    settings.S3_BUCKET = first  # the fixture empties and removes its own


def test_a_wrong_secret_is_a_clear_error(s3, settings):
    settings.S3_SECRET_ACCESS_KEY = "not the secret"
    with pytest.raises(CommandError, match="The store is not ready: .*(SignatureDoesNotMatch|403|Forbidden)"):
        call_command("storage_init")


def test_on_the_local_folder_it_names_it(media_root, capsys):
    call_command("storage_init")
    out = capsys.readouterr().out
    assert str(media_root) in out and "can be written" in out
