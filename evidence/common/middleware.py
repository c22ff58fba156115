from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Sets the Content-Security-Policy on every response that has none of its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            policy = settings.CONTENT_SECURITY_POLICY
            if request.path.startswith("/api/docs/") or request.path.startswith("/api/redoc/"):
                policy = settings.CONTENT_SECURITY_POLICY_DOCS
            response["Content-Security-Policy"] = policy
        response.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
        return response
