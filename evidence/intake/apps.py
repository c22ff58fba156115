from django.apps import AppConfig
from django.conf import settings


class IntakeConfig(AppConfig):
    name = "evidence.intake"
    label = "intake"
    verbose_name = "Evidence intake"

    def ready(self):
        import pillow_heif
        from PIL import Image

        pillow_heif.register_heif_opener()
        # Pillow's own bomb guard, as a second line behind the explicit check in sniffing.
        Image.MAX_IMAGE_PIXELS = settings.IMAGE_MAX_PIXELS
