from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.urls import include, path, reverse
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from evidence.accounts.api import (
    MeApi,
    SignUpApi,
    TokenDetailApi,
    TokenLoginApi,
    TokensApi,
    TotpApi,
    TotpConfirmApi,
)
from evidence.accounts.views import two_factor
from evidence.analysis.api import AnalysisApi, ChartsApi, FindingsApi, RulesetsApi
from evidence.cases.api import CaseDetailApi, CaseListApi
from evidence.cases.parties_api import CaseLabelsApi, CaseThirdPartiesApi, LabelDetailApi, ThirdPartyDetailApi
from evidence.common.health import healthz
from evidence.common.meta import MetaApi
from evidence.common.views import LoginView, signed_in
from evidence.events.api import CaseCallsApi, CaseMessagesApi, NumbersApi, TimelineApi
from evidence.imports.api import CaseImportsApi, ImportDetailApi, ImportMappingApi
from evidence.intake.api import CaseEvidenceApi, EvidenceDetailApi, EvidenceOriginalApi, EvidenceThumbnailApi
from evidence.ocr.api import PassageReviewApi
from evidence.reports.api import (
    BundleDetailApi,
    BundlePacketApi,
    BundleReportApi,
    CaseBundlesApi,
    PacketVerifyApi,
)
from evidence.reports.public import VerifyCaApi, ca_pem, verify_page
from evidence.search.api import CaseSearchApi


def admin_login(request, extra_context=None):
    """The admin site signs in through the one sign-in page, with its throttle and two-factor code."""
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"), login_url=reverse("login"))


admin.site.login = admin_login

api = [
    path("api/auth/token/", TokenLoginApi.as_view(), name="auth-token"),
    path("api/auth/signup/", SignUpApi.as_view(), name="auth-signup"),
    path("api/auth/me/", MeApi.as_view(), name="auth-me"),
    path("api/auth/tokens/", TokensApi.as_view(), name="auth-tokens"),
    path("api/auth/tokens/<int:token_id>/", TokenDetailApi.as_view(), name="auth-token"),
    path("api/auth/totp/", TotpApi.as_view(), name="auth-totp"),
    path("api/auth/totp/confirm/", TotpConfirmApi.as_view(), name="auth-totp-confirm"),
    path("api/cases/", CaseListApi.as_view(), name="case-list"),
    path("api/cases/<uuid:case_id>/", CaseDetailApi.as_view(), name="case-detail"),
    path("api/cases/<uuid:case_id>/evidence/", CaseEvidenceApi.as_view(), name="case-evidence"),
    path("api/cases/<uuid:case_id>/calls/", CaseCallsApi.as_view(), name="case-calls"),
    path("api/cases/<uuid:case_id>/messages/", CaseMessagesApi.as_view(), name="case-messages"),
    path("api/cases/<uuid:case_id>/timeline/", TimelineApi.as_view(), name="case-timeline"),
    path("api/cases/<uuid:case_id>/numbers/", NumbersApi.as_view(), name="case-numbers"),
    path("api/cases/<uuid:case_id>/search/", CaseSearchApi.as_view(), name="case-search"),
    path("api/cases/<uuid:case_id>/labels/", CaseLabelsApi.as_view(), name="case-labels"),
    path("api/cases/<uuid:case_id>/labels/<int:label_id>/", LabelDetailApi.as_view(), name="case-label"),
    path("api/cases/<uuid:case_id>/third-parties/", CaseThirdPartiesApi.as_view(), name="case-third-parties"),
    path("api/cases/<uuid:case_id>/third-parties/<uuid:contact_id>/", ThirdPartyDetailApi.as_view(), name="case-third-party"),
    path("api/cases/<uuid:case_id>/imports/", CaseImportsApi.as_view(), name="case-imports"),
    path("api/imports/<uuid:import_id>/", ImportDetailApi.as_view(), name="import-detail"),
    path("api/imports/<uuid:import_id>/mapping/", ImportMappingApi.as_view(), name="import-mapping"),
    path("api/cases/<uuid:case_id>/findings/", FindingsApi.as_view(), name="case-findings"),
    path("api/cases/<uuid:case_id>/charts/", ChartsApi.as_view(), name="case-charts"),
    path("api/cases/<uuid:case_id>/analysis/", AnalysisApi.as_view(), name="case-analysis"),
    path("api/rulesets/", RulesetsApi.as_view(), name="rulesets"),
    path("api/cases/<uuid:case_id>/bundles/", CaseBundlesApi.as_view(), name="case-bundles"),
    path("api/bundles/<uuid:bundle_id>/", BundleDetailApi.as_view(), name="bundle-detail"),
    path("api/bundles/<uuid:bundle_id>/report.pdf", BundleReportApi.as_view(), name="bundle-report"),
    path("api/bundles/<uuid:bundle_id>/packet.zip", BundlePacketApi.as_view(), name="bundle-packet"),
    path("api/packets/verify/", PacketVerifyApi.as_view(), name="packet-verify"),
    path("api/verify/ca/", VerifyCaApi.as_view(), name="verify-ca"),
    path("api/meta/", MetaApi.as_view(), name="meta"),
    path("api/evidence/<uuid:item_id>/", EvidenceDetailApi.as_view(), name="evidence-detail"),
    path("api/evidence/<uuid:item_id>/original", EvidenceOriginalApi.as_view(), name="evidence-original"),
    path("api/evidence/<uuid:item_id>/text/passages/<int:n>/", PassageReviewApi.as_view(), name="evidence-passage-review"),
    path("api/evidence/<uuid:item_id>/thumbnail", EvidenceThumbnailApi.as_view(), name="evidence-thumbnail"),
    path("", include("evidence.submissions.urls")),
    path("", include("evidence.sharing.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]

urlpatterns = api + [
    path("healthz", healthz, name="healthz"),
    # public, no sign-in: what a stranger needs to check a packet
    path("verify/", verify_page, name="verify-page"),
    path(".well-known/evidence-locker/ca.pem", ca_pem, name="ca-pem"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/two-factor/", two_factor, name="two-factor"),
    path("admin/", admin.site.urls),
    path("signed-in/", signed_in, name="signed-in"),  # `/` itself is the phone app (frontend/public)
]

handler400 = "evidence.common.views.bad_request"
handler404 = "evidence.common.views.not_found"
