from django.conf import settings


class ForwardedForMiddleware:
    """The client's address behind the buffering front (nginx): REMOTE_ADDR is then the proxy's (or
    empty, on a Unix socket), and X-Forwarded-For, which nginx sets itself, names the client. It is
    believed only from a peer in TRUSTED_PROXIES, so a client talking to gunicorn directly cannot
    choose the address its sign-in attempts are counted under."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        trusted = settings.TRUSTED_PROXIES
        if forwarded and ((request.META.get("REMOTE_ADDR") or "") in trusted or "*" in trusted):
            request.META["REMOTE_ADDR"] = forwarded.split(",")[-1].strip()[:64]
        return self.get_response(request)


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


# Pages and answers that carry evidence or an account's data: never kept by a browser or a proxy
# (a borrower's phone may be shared, or seized). What is public says so ("public") and is left alone.
PRIVATE_PREFIXES = ("/api/", "/shared/", "/invite/", "/account/", "/login/", "/signed-in/")


class NoStoreMiddleware:
    """Cache-Control: no-store on every private answer that is not marked public."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(PRIVATE_PREFIXES) and "public" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store"
        return response


# Files of the phone app never revalidated by a cache in between: the service worker decides.
ALWAYS_FRESH = ("/", "/index.html", "/sw.js", "/manifest.webmanifest")


def app_shell_headers(headers, path: str, url: str) -> None:
    """Security headers for the phone app's files, which WhiteNoise serves before any middleware."""
    headers["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY + "; worker-src 'self'; manifest-src 'self'"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(self), microphone=(), geolocation=()"
    if url in ALWAYS_FRESH or url.endswith(".html"):
        headers["Cache-Control"] = "no-cache"
    if url == "/sw.js":
        headers["Service-Worker-Allowed"] = "/"
