from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Shared pieces: errors, security headers, health, the site's templates and styles."""

    name = "evidence.common"
    label = "common"
