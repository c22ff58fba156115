from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from evidence.accounts.models import ApiToken
from evidence.accounts.selectors import totp_is_enabled
from evidence.accounts.services import borrower_sign_up, login_authenticate, totp_confirm, totp_disable, totp_enrol
from evidence.accounts.tokens import token_expires_at, token_issue


class TokenInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    otp_code = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")


class TokenOutput(serializers.Serializer):
    token = serializers.CharField()
    username = serializers.CharField()
    role = serializers.CharField()


class TokenLoginApi(APIView):
    """Exchange a user name and password (and the authenticator app's code, once it is on) for an API token."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(request=TokenInput, responses=TokenOutput)
    def post(self, request):
        data = TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = login_authenticate(request=request, **data.validated_data)
        key = token_issue(user, request)
        return Response(TokenOutput({"token": key, "username": user.username, "role": user.role}).data)


class MeOutput(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.CharField()
    email = serializers.CharField(help_text="Empty when the account has none: no e-mail notices can reach it.")


class MeApi(APIView):
    """Who is signed in: user name, role and e-mail address (the app offers e-mail notices only with one)."""

    @extend_schema(responses=MeOutput)
    def get(self, request):
        user = request.user
        return Response(MeOutput({"username": user.username, "role": user.role, "email": user.email or ""}).data)


class SignUpInput(serializers.Serializer):
    username = serializers.RegexField(r"^[\w.@+-]{3,150}$", max_length=150,
                                      help_text="3 to 150 letters, digits or . @ + - _")
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    email = serializers.EmailField(required=False, allow_blank=True, default="",
                                   help_text="Optional: for notices when a lawyer opens what you shared.")


class SignUpApi(APIView):
    """A borrower opens their own account and gets an API token (403 when the server takes no sign-ups)."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(request=SignUpInput, responses={201: TokenOutput})
    def post(self, request):
        data = SignUpInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = borrower_sign_up(request=request, **data.validated_data)
        key = token_issue(user, request)
        return Response(TokenOutput({"token": key, "username": user.username, "role": user.role}).data,
                        status=status.HTTP_201_CREATED)


class TotpStatusOutput(serializers.Serializer):
    enabled = serializers.BooleanField()


class TotpEnrolOutput(serializers.Serializer):
    secret = serializers.CharField(help_text="Base32, for typing into the app by hand.")
    otpauth_url = serializers.CharField()
    qr_svg = serializers.CharField(help_text="The otpauth URL as a QR code, a standalone SVG document.")


class TotpCodeInput(serializers.Serializer):
    code = serializers.CharField(max_length=16)


class TotpApi(APIView):
    """Two-factor sign-in with an authenticator app: whether it is on, start setting it up, turn it off."""

    @extend_schema(responses=TotpStatusOutput)
    def get(self, request):
        return Response(TotpStatusOutput({"enabled": totp_is_enabled(user=request.user)}).data)

    @extend_schema(request=None, responses={201: TotpEnrolOutput})
    def post(self, request):
        enrolment = totp_enrol(user=request.user)
        response = Response(TotpEnrolOutput(enrolment).data, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"  # the secret
        return response

    @extend_schema(
        description='Turn two-factor sign-in off with a current code, sent as `{"code": ...}` in the body '
        "or, for clients that cannot send a body with DELETE, as `?code=`.",
        parameters=[OpenApiParameter("code", {"type": "string", "pattern": "^[0-9]{6,8}$"}, required=True,
                                     description="The 6- to 8-digit code the authenticator app shows now.")],
        responses={200: TotpStatusOutput},
    )
    def delete(self, request):
        data = TotpCodeInput(data=request.data if "code" in request.data else request.query_params)
        data.is_valid(raise_exception=True)
        totp_disable(user=request.user, code=data.validated_data["code"], request=request)
        return Response(TotpStatusOutput({"enabled": False}).data)


class TotpConfirmApi(APIView):
    """Turn two-factor sign-in on with a code the app shows for the secret just set up."""

    @extend_schema(request=TotpCodeInput, responses=TotpStatusOutput)
    def post(self, request):
        data = TotpCodeInput(data=request.data)
        data.is_valid(raise_exception=True)
        totp_confirm(user=request.user, code=data.validated_data["code"], request=request)
        return Response(TotpStatusOutput({"enabled": True}).data)


class TokenRowOutput(serializers.Serializer):
    id = serializers.IntegerField()
    prefix = serializers.CharField(help_text="The token's first 8 characters")
    user_agent = serializers.CharField(help_text="The browser or app that signed in")
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(help_text="Written at most every few minutes")
    expires_at = serializers.DateTimeField(help_text="TOKEN_DAYS after the last use")
    current = serializers.BooleanField(help_text="The token of this request")


def _token_row(token: ApiToken, current) -> dict:
    return {"id": token.id, "prefix": token.prefix, "user_agent": token.user_agent, "created_at": token.created_at,
            "last_used_at": token.last_used_at, "expires_at": token_expires_at(token),
            "current": current is not None and token.pk == getattr(current, "pk", None)}


class TokensApi(APIView):
    """The devices signed in to this account (one token per sign-in), newest use first."""

    @extend_schema(responses=TokenRowOutput(many=True))
    def get(self, request):
        rows = [_token_row(t, request.auth) for t in ApiToken.objects.filter(user=request.user)]
        return Response(TokenRowOutput(rows, many=True).data)


class TokenDetailApi(APIView):
    """Sign one device out: its token stops working at once (404 for a token that is not yours)."""

    @extend_schema(responses={204: None})
    def delete(self, request, token_id):
        deleted, _rows = ApiToken.objects.filter(user=request.user, id=token_id).delete()
        if not deleted:
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)
