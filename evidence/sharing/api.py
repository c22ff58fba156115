"""Sharing APIs: the borrower's shares and invitees, the lawyer's read-only view, invitations.

Every queryset comes from evidence.sharing.selectors (or the cases selectors), so a share that
expired or was revoked a moment ago is simply not there: 404 on the very next request. The
lawyer's side finds its share, checks its scope and serves its files through the same selectors
and evidence.sharing.downloads as the lawyer's web pages; their refusals (NotFound,
DownloadNotAllowed) are answered by the one exception handler, as {"error": code, "detail": text}.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from evidence.analysis.support import findings_with_support
from evidence.cases.selectors import cases_visible_to, cases_writable_by, scoped_to_visible_cases
from evidence.common.schema import PAGE, paginated
from evidence.events.models import EventKind
from evidence.intake.api import UploadForm, UploadInput
from evidence.intake.models import EvidenceItem
from evidence.intake.services import evidence_ingest
from evidence.intake.streaming import StreamingUploadMixin
from evidence.reports.models import Bundle
from evidence.sharing import downloads, selectors, services
from evidence.sharing.models import Access, Invitee


# --- the borrower's side -----------------------------------------------------------------------
class ShareInput(serializers.Serializer):
    lawyer = serializers.CharField(max_length=254, help_text="The lawyer's user name or e-mail address.")
    expires_at = serializers.DateTimeField()
    can_download = serializers.BooleanField(default=True)
    notify = serializers.BooleanField(default=True, help_text="E-mail me when the lawyer first opens it.")


class ShareOutput(serializers.Serializer):
    id = serializers.UUIDField()
    bundle = serializers.UUIDField(source="bundle_id")
    case = serializers.UUIDField(source="case_id")
    lawyer = serializers.SerializerMethodField()
    invited_email = serializers.CharField(help_text="The address invited to sign up; empty when the lawyer "
                                                    "already had an account.")
    can_download = serializers.BooleanField()
    expires_at = serializers.DateTimeField()
    created_at = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    first_accessed_at = serializers.DateTimeField(allow_null=True)
    state = serializers.SerializerMethodField(help_text="active, invited, expired or revoked")
    accesses = serializers.SerializerMethodField()

    def get_lawyer(self, share) -> str | None:
        return share.lawyer.username if share.lawyer_id else None

    def get_state(self, share) -> str:
        return share.state()

    def get_accesses(self, share) -> int:
        return share.accesses.count()


class ShareCreatedOutput(ShareOutput):
    invite_url = serializers.CharField(allow_null=True, help_text="A single-use sign-up link, when the lawyer has "
                                                                   "no account yet.")
    email_sent = serializers.BooleanField()


class BundleSharesApi(APIView):
    """Share a finished bundle with a lawyer (by user name or e-mail), or list its shares."""

    @extend_schema(responses=ShareOutput(many=True))
    def get(self, request, bundle_id):
        bundle = get_object_or_404(scoped_to_visible_cases(Bundle.objects.all(), request.user), id=bundle_id)
        return Response(ShareOutput(selectors.shares_owned_by(request.user).filter(bundle=bundle), many=True).data)

    @extend_schema(request=ShareInput, responses={201: ShareCreatedOutput})
    def post(self, request, bundle_id):
        writable = Bundle.objects.filter(case__in=cases_writable_by(request.user).values("id"))
        bundle = get_object_or_404(writable, id=bundle_id)
        form = ShareInput(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        share, url, sent = services.share_create(
            bundle=bundle, lawyer=data["lawyer"], expires_at=data["expires_at"], can_download=data["can_download"],
            notify_owner=data["notify"], actor=request.user, request=request)
        share.invite_url, share.email_sent = url, sent
        return Response(ShareCreatedOutput(share).data, status=status.HTTP_201_CREATED)


class ShareDetailApi(APIView):
    """A share of yours; DELETE revokes it at once."""

    @extend_schema(responses=ShareOutput)
    def get(self, request, share_id):
        return Response(ShareOutput(get_object_or_404(selectors.shares_owned_by(request.user), id=share_id)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, share_id):
        share = get_object_or_404(selectors.shares_owned_by(request.user), id=share_id)
        services.share_revoke(share=share, actor=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AccessOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    who = serializers.CharField(source="user.username")
    what = serializers.CharField()
    what_text = serializers.SerializerMethodField(help_text="What was opened, in words; an exhibit by its number "
                                                            "and file name.")
    item = serializers.UUIDField(source="item_id", allow_null=True)
    exhibit = serializers.SerializerMethodField(help_text="The exhibit opened, numbered as in the report (E-003).")
    item_name = serializers.SerializerMethodField(help_text="The opened exhibit's file name.")
    ip = serializers.CharField()
    user_agent = serializers.CharField()

    def _named(self, access) -> tuple[str, str] | None:
        return self.context.get("exhibits", {}).get(access.item_id) if access.item_id else None

    def get_what_text(self, access) -> str:
        named = self._named(access)
        if access.what != Access.What.ORIGINAL or named is None:
            return str(access.get_what_display())
        number, name = named
        if not name:
            return str(_("Opened exhibit %(exhibit)s")) % {"exhibit": number}
        return str(_("Opened exhibit %(exhibit)s (%(name)s)")) % {"exhibit": number, "name": name}

    def get_exhibit(self, access) -> str | None:
        named = self._named(access)
        return named[0] if named else None

    def get_item_name(self, access) -> str | None:
        named = self._named(access)
        return named[1] if named else None


class ShareAccessesApi(APIView):
    """Who opened or downloaded what through this share, when, from which address and client."""

    @extend_schema(operation_id="shares_accesses_list", parameters=[PAGE], responses=paginated(AccessOutput))
    def get(self, request, share_id):
        share = get_object_or_404(selectors.shares_owned_by(request.user), id=share_id)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.accesses_of(share), request, view=self)
        named = {"exhibits": selectors.exhibit_names(share)}
        return paginator.get_paginated_response(AccessOutput(page, many=True, context=named).data)


class InviteeInput(serializers.Serializer):
    name = serializers.CharField(max_length=100, help_text="How you call them, e.g. 母亲.")
    relation = serializers.ChoiceField(choices=Invitee.Relation.choices)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    expires_at = serializers.DateTimeField()


class InviteeOutput(serializers.Serializer):
    id = serializers.UUIDField()
    case = serializers.UUIDField(source="case_id")
    name = serializers.CharField()
    relation = serializers.CharField()
    email = serializers.CharField(help_text="Where the invitation was sent; empty when none was given.")
    expires_at = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    state = serializers.SerializerMethodField()
    items = serializers.SerializerMethodField()

    def get_state(self, invitee) -> str:
        return invitee.state()

    def get_items(self, invitee) -> int:
        return selectors.items_provided_by(invitee).count() if invitee.user_id else 0


class InviteeCreatedOutput(InviteeOutput):
    invite_url = serializers.CharField()
    email_sent = serializers.BooleanField()


class CaseInviteesApi(APIView):
    """Invite a relative or colleague the collectors contacted to add their own evidence; list them."""

    @extend_schema(responses=InviteeOutput(many=True))
    def get(self, request, case_id):
        case = get_object_or_404(cases_visible_to(request.user), id=case_id)
        return Response(InviteeOutput(selectors.invitees_owned_by(request.user).filter(case=case), many=True).data)

    @extend_schema(request=InviteeInput, responses={201: InviteeCreatedOutput})
    def post(self, request, case_id):
        case = get_object_or_404(cases_writable_by(request.user), id=case_id)
        form = InviteeInput(data=request.data)
        form.is_valid(raise_exception=True)
        invitee, url, sent = services.invitee_create(case=case, actor=request.user, request=request,
                                                     **form.validated_data)
        invitee.invite_url, invitee.email_sent = url, sent
        return Response(InviteeCreatedOutput(invitee).data, status=status.HTTP_201_CREATED)


class InviteeDetailApi(APIView):
    """An invitee of your case; DELETE withdraws the invitation (what they added stays, as evidence)."""

    @extend_schema(responses={204: None})
    def delete(self, request, invitee_id):
        invitee = get_object_or_404(selectors.invitees_owned_by(request.user), id=invitee_id)
        services.invitee_revoke(invitee=invitee, actor=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- invitations (anyone holding the link) -----------------------------------------------------
class InvitationOutput(serializers.Serializer):
    kind = serializers.CharField()
    invited_by = serializers.CharField()
    email = serializers.CharField(help_text="The address the invitation was sent to; may be empty.")
    expires_at = serializers.DateTimeField()


class AcceptInput(serializers.Serializer):
    username = serializers.RegexField(services.USERNAME_PATTERN, max_length=150)
    password = serializers.CharField(max_length=services.PASSWORD_MAX, trim_whitespace=False)
    email = serializers.EmailField(required=False, allow_blank=True, default="")


class AcceptOutput(serializers.Serializer):
    token = serializers.CharField()
    username = serializers.CharField()
    role = serializers.CharField()


class InvitationApi(APIView):
    """What an invitation link is for (404 once used, expired or withdrawn)."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(responses=InvitationOutput)
    def get(self, request, token):
        return Response(InvitationOutput(selectors.invitation_summary(services.invitation_open(token))).data)


class InvitationAcceptApi(APIView):
    """Create the invited account with the link; it works once."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(request=AcceptInput, responses={201: AcceptOutput})
    def post(self, request, token):
        from evidence.accounts.tokens import token_issue

        form = AcceptInput(data=request.data)
        form.is_valid(raise_exception=True)
        user = services.invitation_accept(token=token, request=request, **form.validated_data)
        key = token_issue(user, request)
        return Response(AcceptOutput({"token": key, "username": user.username, "role": user.role}).data,
                        status=status.HTTP_201_CREATED)


# --- the lawyer's side -------------------------------------------------------------------------
class SharedOutput(serializers.Serializer):
    id = serializers.UUIDField()
    shared_by = serializers.SerializerMethodField()
    case_title = serializers.CharField(source="case.title")
    jurisdiction = serializers.CharField(source="case.jurisdiction")
    timezone = serializers.CharField(source="case.timezone")
    counterparty = serializers.SerializerMethodField()
    bundle = serializers.SerializerMethodField()
    can_download = serializers.BooleanField()
    expires_at = serializers.DateTimeField()

    def get_shared_by(self, share) -> str:
        return share.created_by.get_full_name() or share.created_by.username

    def get_counterparty(self, share) -> dict:
        case = share.case
        return {"lender": case.lender, "app": case.lending_app, "agency": case.collection_agency}

    def get_bundle(self, share) -> dict:
        bundle = share.bundle
        return {"id": str(bundle.id), "purpose": bundle.purpose, "authority": bundle.authority,
                "language": bundle.language, "items": len(bundle.items), "created_at": bundle.created_at,
                "evidence_set_sha256": bundle.evidence_set_sha256, "report_sha256": bundle.report_sha256,
                "packet_sha256": bundle.packet_sha256}


class SharedListApi(APIView):
    """The bundles shared with you (lawyers), while they last."""

    @extend_schema(responses=SharedOutput(many=True))
    def get(self, request):
        return Response(SharedOutput(selectors.shares_open_to(request.user), many=True).data)


class SharedDetailApi(APIView):
    """One bundle shared with you: the case, the bundle's hashes, what you may do."""

    @extend_schema(responses=SharedOutput)
    def get(self, request, share_id):
        share = selectors.share_open_to(request.user, share_id)
        services.access_record(share=share, what=Access.What.OPENED, request=request)
        return Response(SharedOutput(share).data)


class SharedReportApi(APIView):
    """The signed report PDF, shown inline."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, share_id):
        share = selectors.share_open_to(request.user, share_id)
        return downloads.shared_file(share, Access.What.REPORT, request=request)


class SharedPacketApi(APIView):
    """The packet ZIP, when the borrower allowed downloading it (403 `download_not_allowed` otherwise)."""

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    def get(self, request, share_id):
        share = selectors.share_open_to(request.user, share_id)
        return downloads.shared_file(share, Access.What.PACKET, request=request)


class SharedEventOutput(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    channel = serializers.CharField()
    direction = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    number = serializers.CharField()
    contact_name = serializers.CharField()
    duration_s = serializers.IntegerField(allow_null=True)
    body = serializers.CharField()
    source_position = serializers.CharField()


class SharedTimelineApi(APIView):
    """The calls and messages on record when the bundle was made, in time order (read-only)."""

    @extend_schema(
        operation_id="shared_timeline_list",
        parameters=[OpenApiParameter("kind", OpenApiTypes.STR, enum=["call", "message"],
                                     description="only calls or only messages"), PAGE],
        responses=paginated(SharedEventOutput),
    )
    def get(self, request, share_id):
        share = selectors.share_open_to(request.user, share_id)
        events = selectors.shared_events(share).order_by("occurred_at", "id")
        kind = request.query_params.get("kind")
        if kind in EventKind.values:
            events = events.filter(kind=kind)
        services.access_record(share=share, what=Access.What.TIMELINE, request=request)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(events, request, view=self)
        return paginator.get_paginated_response(SharedEventOutput(page, many=True).data)


class SharedFindingsApi(APIView):
    """The findings as the report printed them."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, share_id):
        share = selectors.share_open_to(request.user, share_id)
        services.access_record(share=share, what=Access.What.FINDINGS, request=request)
        # Each with the events behind it (the first 50, a count per day), as the report lists them.
        return Response({"findings": findings_with_support(share.case, share.bundle.findings)})


class SharedExhibitOutput(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    sha256 = serializers.CharField()
    size = serializers.IntegerField()
    mime = serializers.CharField()
    original_name = serializers.CharField()
    occurred_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField()
    purpose = serializers.CharField()
    provided_by = serializers.CharField()


class SharedExhibitsApi(APIView):
    """The bundle's exhibits (its frozen evidence set)."""

    @extend_schema(responses=SharedExhibitOutput(many=True))
    def get(self, request, share_id):
        share = selectors.share_open_to(request.user, share_id)
        services.access_record(share=share, what=Access.What.EXHIBITS, request=request)
        items = selectors.shared_items(share).order_by("occurred_at", "received_at", "sha256")
        return Response(SharedExhibitOutput(items, many=True).data)


class SharedExhibitOriginalApi(APIView):
    """One exhibit's original bytes, exactly as received."""

    @extend_schema(responses={(200, "*/*"): OpenApiResponse(OpenApiTypes.BINARY, description="The original, "
                                                             "with the content type it was stored with.")})
    def get(self, request, share_id, item_id):
        share = selectors.share_open_to(request.user, share_id)
        item = selectors.shared_item(share, item_id)
        return downloads.shared_file(share, Access.What.ORIGINAL, request=request, item=item)


# --- the invitee's side ------------------------------------------------------------------------
class ContributionOutput(serializers.Serializer):
    id = serializers.UUIDField()
    case_title = serializers.CharField(source="case.title")
    invited_by = serializers.SerializerMethodField()
    name = serializers.CharField()
    relation = serializers.CharField()
    expires_at = serializers.DateTimeField()

    def get_invited_by(self, invitee) -> str:
        return invitee.created_by.get_full_name() or invitee.created_by.username


class ContributedItemOutput(serializers.ModelSerializer):
    class Meta:
        model = EvidenceItem
        fields = ["id", "kind", "sha256", "size", "mime", "original_name", "occurred_at", "occurred_at_source",
                  "received_at", "note", "provided_by"]


class AlreadyInCaseOutput(serializers.Serializer):
    duplicate = serializers.BooleanField(help_text="Always true: the case already holds these very bytes, "
                                                   "sent by someone else (nothing of theirs is shown).")
    sha256 = serializers.CharField()


class ContributionsApi(APIView):
    """The cases you were invited to add evidence to (invitees)."""

    @extend_schema(responses=ContributionOutput(many=True))
    def get(self, request):
        return Response(ContributionOutput(selectors.invitations_open_to(request.user), many=True).data)


class ContributionEvidenceApi(StreamingUploadMixin, APIView):
    """Add a file to the case you were invited to, or list what you added (only yours)."""

    @extend_schema(responses=ContributedItemOutput(many=True))
    def get(self, request, invitee_id):
        invitee = get_object_or_404(selectors.invitations_open_to(request.user), id=invitee_id)
        return Response(ContributedItemOutput(selectors.items_provided_by(invitee), many=True).data)

    @extend_schema(request={"multipart/form-data": UploadForm}, responses={
        201: ContributedItemOutput,
        200: OpenApiResponse(
            PolymorphicProxySerializer(component_name="ContributionAgain", resource_type_field_name=None,
                                       serializers=[ContributedItemOutput, AlreadyInCaseOutput]),
            description="The file was already in the case: your own item again, or only that it is there."),
    })
    def post(self, request, invitee_id):
        invitee = get_object_or_404(selectors.invitations_open_to(request.user), id=invitee_id)
        with self.received_file(request) as upload:
            form = UploadInput(data=request.data)
            form.is_valid(raise_exception=True)
            item, created = evidence_ingest(case=invitee.case, upload=upload, uploaded_by=request.user,
                                            provided_by=invitee.provided_by, request=request, **form.validated_data)
        if not created and item.uploaded_by_id != request.user.id:
            # The case already holds these very bytes from someone else: say so, show nothing of theirs.
            return Response({"duplicate": True, "sha256": item.sha256}, status=status.HTTP_200_OK)
        return Response(ContributedItemOutput(item).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
