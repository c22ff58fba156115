from http import HTTPStatus

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from evidence.cases.models import Jurisdiction
from evidence.cases.selectors import cases_visible_to
from evidence.cases.services import case_create, timezone_is_known
from evidence.common.errors import EvidenceError
from evidence.common.schema import PAGE, paginated

EVIDENCE_KINDS = ("screenshot", "photo", "recording", "video", "document")


class OnlyBorrowers(EvidenceError):
    status_code = HTTPStatus.FORBIDDEN
    code = "borrowers_only"
    message = _("Only a borrower's account can open cases.")


class CounterpartySchema(serializers.Serializer):
    lender = serializers.CharField(required=False, allow_blank=True, max_length=200)
    app = serializers.CharField(required=False, allow_blank=True, max_length=200)
    agency = serializers.CharField(required=False, allow_blank=True, max_length=200)


@extend_schema_field(CounterpartySchema)
class CounterpartyField(serializers.Field):
    """{lender, app, agency}; a plain string is taken as the lender's name."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = {"lender": data}
        if not isinstance(data, dict):
            raise serializers.ValidationError("Give the lender, app and agency as an object or a string.")
        unknown = set(data) - {"lender", "app", "agency"}
        if unknown:
            raise serializers.ValidationError(f"Unknown keys: {', '.join(sorted(unknown))}.")
        clean = {}
        for key in ("lender", "app", "agency"):
            value = data.get(key) or ""
            if not isinstance(value, str) or len(value) > 200:
                raise serializers.ValidationError(f"{key} must be text of at most 200 characters.")
            clean[key] = value.strip()
        return clean

    def to_representation(self, case):
        return {"lender": case.lender, "app": case.lending_app, "agency": case.collection_agency}


class CaseInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    counterparty = CounterpartyField(required=False)
    jurisdiction = serializers.ChoiceField(choices=Jurisdiction.choices)
    timezone = serializers.CharField(max_length=64, required=False, allow_blank=True)

    def validate_timezone(self, value):
        if value and not timezone_is_known(value):
            raise serializers.ValidationError(f"Unknown time zone {value!r}; use an IANA name such as Asia/Shanghai.")
        return value


class CaseOutput(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    counterparty = CounterpartyField(source="*")
    jurisdiction = serializers.CharField()
    timezone = serializers.CharField()
    created_at = serializers.DateTimeField()
    counts = serializers.SerializerMethodField()

    def get_counts(self, case) -> dict:
        by_kind = {kind: getattr(case, f"n_{kind}", 0) for kind in EVIDENCE_KINDS}
        return {"evidence": sum(by_kind.values()), "by_kind": by_kind}


def _with_counts(queryset):
    return queryset.annotate(
        **{f"n_{kind}": Count("evidence_items", filter=Q(evidence_items__kind=kind)) for kind in EVIDENCE_KINDS}
    ).order_by("-created_at", "id")


class CaseListApi(APIView):
    """The caller's cases, and opening a new one."""

    @extend_schema(operation_id="cases_list", parameters=[PAGE], responses=paginated(CaseOutput))
    def get(self, request):
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(_with_counts(cases_visible_to(request.user)), request, view=self)
        return paginator.get_paginated_response(CaseOutput(page, many=True).data)

    @extend_schema(request=CaseInput, responses={201: CaseOutput})
    def post(self, request):
        if getattr(request.user, "role", None) != "borrower":
            raise OnlyBorrowers()
        data = CaseInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        counterparty = values.get("counterparty", {})
        case = case_create(
            owner=request.user,
            title=values["title"],
            jurisdiction=values["jurisdiction"],
            timezone=values.get("timezone", ""),
            lender=counterparty.get("lender", ""),
            lending_app=counterparty.get("app", ""),
            collection_agency=counterparty.get("agency", ""),
            request=request,
        )
        case = _with_counts(cases_visible_to(request.user)).get(id=case.id)
        return Response(CaseOutput(case).data, status=status.HTTP_201_CREATED)


class CaseDetailApi(APIView):
    """One case with its item counts."""

    @extend_schema(responses=CaseOutput)
    def get(self, request, case_id):
        case = get_object_or_404(_with_counts(cases_visible_to(request.user)), id=case_id)
        return Response(CaseOutput(case).data)
