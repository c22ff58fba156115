from django.urls import path

from evidence.submissions.api import BundleSubmissionsApi, CaseSubmissionsApi, SubmissionDetailApi, SubmissionUpdatesApi

urlpatterns = [
    path("api/bundles/<uuid:bundle_id>/submissions/", BundleSubmissionsApi.as_view(), name="bundle-submissions"),
    path("api/cases/<uuid:case_id>/submissions/", CaseSubmissionsApi.as_view(), name="case-submissions"),
    path("api/submissions/<uuid:submission_id>/", SubmissionDetailApi.as_view(), name="submission-detail"),
    path("api/submissions/<uuid:submission_id>/updates/", SubmissionUpdatesApi.as_view(), name="submission-updates"),
]
