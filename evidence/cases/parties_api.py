"""Whose numbers are whose, and the third parties collectors contacted (爆通讯录)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from evidence.cases.fields import CaseLocalDateTimeField
from evidence.cases.models import ContactChannel, NumberLabel, Role, ThirdPartyContact
from evidence.cases.selectors import cases_visible_to, cases_writable_by
from evidence.cases.services import number_label_remove, number_label_set, third_party_record, third_party_remove

THIRD_PARTY_RELATIONS = [(r.value, r.label) for r in Role if r not in (Role.COLLECTOR, Role.LENDER, Role.SELF)]


class LabelInput(serializers.Serializer):
    number = serializers.CharField(max_length=200, help_text="Any common spelling; stored normalised.")
    role = serializers.ChoiceField(choices=Role.choices)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class LabelOutput(serializers.ModelSerializer):
    class Meta:
        model = NumberLabel
        fields = ["id", "number", "role", "name", "note", "created_at"]


class CaseLabelsApi(APIView):
    """The borrower's labels for numbers: collector, lender, self, relative, employer, colleague…"""

    @extend_schema(responses=LabelOutput(many=True))
    def get(self, request, case_id):
        case = get_object_or_404(cases_visible_to(request.user), id=case_id)
        return Response(LabelOutput(case.number_labels.all(), many=True).data)

    @extend_schema(request=LabelInput, responses={201: LabelOutput, 200: LabelOutput})
    def post(self, request, case_id):
        case = get_object_or_404(cases_writable_by(request.user), id=case_id)
        form = LabelInput(data=request.data)
        form.is_valid(raise_exception=True)
        label, created = number_label_set(case=case, actor=request.user, request=request, **form.validated_data)
        return Response(LabelOutput(label).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class LabelDetailApi(APIView):
    """Take a label back."""

    @extend_schema(responses={204: None})
    def delete(self, request, case_id, label_id):
        case = get_object_or_404(cases_writable_by(request.user), id=case_id)
        number_label_remove(label=get_object_or_404(case.number_labels, id=label_id), actor=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ThirdPartyInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    relation = serializers.ChoiceField(choices=THIRD_PARTY_RELATIONS)
    number = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    contacted_at = CaseLocalDateTimeField(help_text="With an offset, or local time in the case's time zone.")
    channel = serializers.ChoiceField(choices=ContactChannel.choices)
    disclosed_debt = serializers.BooleanField(default=False)
    after_refusal = serializers.BooleanField(default=False)
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class ThirdPartyOutput(serializers.ModelSerializer):
    class Meta:
        model = ThirdPartyContact
        fields = ["id", "name", "relation", "number", "contacted_at", "channel", "disclosed_debt",
                  "after_refusal", "note", "created_at"]


class CaseThirdPartiesApi(APIView):
    """People other than the borrower whom collectors contacted: they are victims too."""

    @extend_schema(responses=ThirdPartyOutput(many=True))
    def get(self, request, case_id):
        case = get_object_or_404(cases_visible_to(request.user), id=case_id)
        return Response(ThirdPartyOutput(case.third_party_contacts.all(), many=True).data)

    @extend_schema(request=ThirdPartyInput, responses={201: ThirdPartyOutput})
    def post(self, request, case_id):
        case = get_object_or_404(cases_writable_by(request.user), id=case_id)
        form = ThirdPartyInput(data=request.data, context={"case": case})
        form.is_valid(raise_exception=True)
        contact = third_party_record(case=case, actor=request.user, request=request, **form.validated_data)
        return Response(ThirdPartyOutput(contact).data, status=status.HTTP_201_CREATED)


class ThirdPartyDetailApi(APIView):
    """Remove a third-party record entered by mistake (the removal is logged)."""

    @extend_schema(responses={204: None})
    def delete(self, request, case_id, contact_id):
        case = get_object_or_404(cases_writable_by(request.user), id=case_id)
        contact = get_object_or_404(case.third_party_contacts, id=contact_id)
        third_party_remove(contact=contact, actor=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)
