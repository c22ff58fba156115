from django.urls import path

from evidence.sharing import api, views

urlpatterns = [
    # the borrower's side
    path("api/bundles/<uuid:bundle_id>/shares/", api.BundleSharesApi.as_view(), name="bundle-shares"),
    path("api/shares/<uuid:share_id>/", api.ShareDetailApi.as_view(), name="share-detail"),
    path("api/shares/<uuid:share_id>/accesses/", api.ShareAccessesApi.as_view(), name="share-accesses"),
    path("api/cases/<uuid:case_id>/invitees/", api.CaseInviteesApi.as_view(), name="case-invitees"),
    path("api/invitees/<uuid:invitee_id>/", api.InviteeDetailApi.as_view(), name="invitee-detail"),
    # anyone holding an invitation link
    path("api/invitations/<str:token>/", api.InvitationApi.as_view(), name="invitation"),
    path("api/invitations/<str:token>/accept/", api.InvitationAcceptApi.as_view(), name="invitation-accept"),
    # the lawyer's side
    path("api/shared/", api.SharedListApi.as_view(), name="shared-list"),
    path("api/shared/<uuid:share_id>/", api.SharedDetailApi.as_view(), name="shared-detail"),
    path("api/shared/<uuid:share_id>/report.pdf", api.SharedReportApi.as_view(), name="shared-report"),
    path("api/shared/<uuid:share_id>/packet.zip", api.SharedPacketApi.as_view(), name="shared-packet"),
    path("api/shared/<uuid:share_id>/timeline/", api.SharedTimelineApi.as_view(), name="shared-timeline"),
    path("api/shared/<uuid:share_id>/findings/", api.SharedFindingsApi.as_view(), name="shared-findings"),
    path("api/shared/<uuid:share_id>/exhibits/", api.SharedExhibitsApi.as_view(), name="shared-exhibits"),
    path("api/shared/<uuid:share_id>/exhibits/<uuid:item_id>/original", api.SharedExhibitOriginalApi.as_view(),
         name="shared-exhibit-original"),
    # the invitee's side
    path("api/contributions/", api.ContributionsApi.as_view(), name="contributions"),
    path("api/contributions/<uuid:invitee_id>/evidence/", api.ContributionEvidenceApi.as_view(),
         name="contribution-evidence"),
    # server-rendered pages
    path("shared/", views.shared_list, name="shared-list-page"),
    path("shared/<uuid:share_id>/", views.shared_page, name="shared-page"),
    path("shared/<uuid:share_id>/report.pdf", views.shared_report, name="shared-report-page"),
    path("shared/<uuid:share_id>/packet.zip", views.shared_packet, name="shared-packet-page"),
    path("shared/<uuid:share_id>/exhibits/<uuid:item_id>", views.shared_exhibit, name="shared-exhibit-page"),
    path("shared/<uuid:share_id>/exhibits/<uuid:item_id>/thumbnail", views.shared_thumbnail,
         name="shared-thumbnail-page"),
    path("invite/<str:token>/", views.invitation_page, name="invitation-page"),
]
