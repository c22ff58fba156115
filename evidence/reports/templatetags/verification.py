"""{% signing_ca as ca %}: the server's root certificate fingerprint and where to get it, for any page."""

from django import template
from django.urls import reverse

from evidence.reports.public import published_ca

register = template.Library()


@register.simple_tag
def signing_ca() -> dict:
    pem, fingerprint = published_ca()
    return {"fingerprint": fingerprint, "url": reverse("ca-pem") if pem else "", "verify_url": reverse("verify-page")}
