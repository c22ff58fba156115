"""Make the store ready: on S3, create the bucket when it is missing; on the local folder, its folders."""

from django.core.management.base import BaseCommand, CommandError

from evidence.storage.backends import S3Storage, StorageError, get_storage


class Command(BaseCommand):
    help = "Create the S3 bucket (S3_BUCKET) if it is missing, or the local folders; then check it can be written."

    def handle(self, *args, **options):
        storage = get_storage()
        try:
            if isinstance(storage, S3Storage):
                made = storage.create_bucket()
                self.stdout.write(f"{'Created' if made else 'Found'} bucket {storage.bucket} at "
                                  f"{storage.client.meta.endpoint_url}")
            else:
                self.stdout.write(f"Files in {storage.root}")
            storage.check_writable()
        except StorageError as error:
            raise CommandError(f"The store is not ready: {error}") from None
        self.stdout.write("The store can be written.")
