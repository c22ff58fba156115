"""Findings (the rules the collectors broke), chart numbers, and the rule sets themselves."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from evidence.analysis.rulesets import all_rulesets
from evidence.analysis.services import analysis_current
from evidence.analysis.support import findings_with_support
from evidence.cases.selectors import cases_visible_to


class FindingOutput(serializers.Serializer):
    rule = serializers.CharField(help_text="Rule id, e.g. CN-T")
    ruleset = serializers.CharField()
    ruleset_version = serializers.CharField()
    jurisdiction = serializers.CharField()
    kind = serializers.CharField(help_text="criminal, administrative, civil, regulatory, self-regulatory, standard")
    title = serializers.DictField(help_text="{zh-Hans, en}")
    summary = serializers.DictField(help_text="{zh-Hans, en}: what the rule forbids")
    citation = serializers.CharField()
    confidence = serializers.CharField(help_text="P: checked against the text; S: secondary sources; M; UNCONFIRMED")
    threshold = serializers.DictField()
    threshold_text = serializers.DictField()
    count = serializers.IntegerField()
    first_at = serializers.DateTimeField()
    last_at = serializers.DateTimeField()
    event_ids = serializers.ListField(child=serializers.UUIDField())
    examples = serializers.ListField(child=serializers.UUIDField(), help_text="The first ten matched events")
    third_party_ids = serializers.ListField(child=serializers.UUIDField())
    third_party_reasons = serializers.DictField()
    windows = serializers.ListField(child=serializers.DictField(), help_text="Days or periods over the threshold")
    note = serializers.DictField()
    passages = serializers.ListField(
        child=serializers.DictField(),
        help_text="Passages machine-read from pictures that the rule matched: [{id, item_id, n, text, time_shown, at, "
                  "confirmed}]; `at` is when the picture was taken (else received), `time_shown` the time seen "
                  "above the bubble.")
    machine_read = serializers.BooleanField(
        help_text="True when some of its evidence is text a machine read from a picture and the borrower has not "
                  "confirmed it: check the picture.")
    support = serializers.DictField(
        help_text="The evidence behind it: {total, per_day: [{day, count}] in the case's zone, events: the first 50, "
                  "each {id, at, kind, channel, direction, number, role, label_name, duration_s, excerpt, "
                  "source: {item, name, position}}, passages: the machine-read passages with `item_name`}")


class AnalysisOutput(serializers.Serializer):
    case = serializers.UUIDField(source="case_id")
    revision = serializers.IntegerField()
    computed_at = serializers.DateTimeField()
    ruleset = serializers.CharField()
    ruleset_version = serializers.CharField()
    collectors = serializers.ListField(child=serializers.DictField(), help_text="[{number, source: label|message}]")
    rules_fired = serializers.SerializerMethodField()

    def get_rules_fired(self, analysis) -> list[str]:
        return [finding["rule"] for finding in analysis.findings]


class FindingsApi(APIView):
    """The rules the collectors broke, each with its matched events and citation."""

    @extend_schema(responses=FindingOutput(many=True))
    def get(self, request, case_id):
        case = get_object_or_404(cases_visible_to(request.user), id=case_id)
        return Response(findings_with_support(case, analysis_current(case).findings))


class ChartsApi(APIView):
    """Numbers to draw: calls per day, contacts by hour, top numbers, night contacts."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, case_id):
        case = get_object_or_404(cases_visible_to(request.user), id=case_id)
        return Response(analysis_current(case).charts)


class AnalysisApi(APIView):
    """Which rule set and facts the findings come from, and which numbers count as collectors."""

    @extend_schema(responses=AnalysisOutput)
    def get(self, request, case_id):
        case = get_object_or_404(cases_visible_to(request.user), id=case_id)
        return Response(AnalysisOutput(analysis_current(case)).data)


class RuleOutput(serializers.Serializer):
    id = serializers.CharField(help_text="e.g. CN-T")
    kind = serializers.CharField(help_text="criminal, administrative, civil, regulatory, self-regulatory, standard")
    check = serializers.CharField(help_text="How the rule is evaluated, e.g. count_per_day")
    title = serializers.DictField(help_text="{zh-Hans, en}")
    summary = serializers.DictField(help_text="{zh-Hans, en}: what the rule forbids")
    citation = serializers.CharField()
    confidence = serializers.CharField(help_text="P: checked against the text; S: secondary sources; M; UNCONFIRMED")
    threshold = serializers.DictField()
    threshold_text = serializers.DictField(help_text="{zh-Hans, en}")


class RulesetOutput(serializers.Serializer):
    ruleset = serializers.CharField()
    jurisdiction = serializers.CharField()
    version = serializers.CharField()
    updated = serializers.DateField()
    note = serializers.DictField(help_text="{zh-Hans, en}")
    night = serializers.DictField(help_text='{"from": "HH:MM", "to": "HH:MM"}, local time')
    keywords = serializers.DictField(child=serializers.ListField(child=serializers.CharField()),
                                     help_text="{list name: [words]}")
    rules = RuleOutput(many=True)


class RulesetsApi(APIView):
    """Every rule set the server evaluates, with thresholds, keywords and citations, for review."""

    @extend_schema(responses=RulesetOutput(many=True))
    def get(self, request):
        return Response(RulesetOutput([
            {
                "ruleset": ruleset.id, "jurisdiction": ruleset.jurisdiction, "version": ruleset.version,
                "updated": ruleset.updated, "note": ruleset.note, "night": ruleset.night.as_dict(),
                "keywords": ruleset.keywords,
                "rules": [
                    {"id": rule.id, "kind": rule.kind, "check": rule.check, "title": rule.title,
                     "summary": rule.summary, "citation": rule.citation, "confidence": rule.confidence,
                     "threshold": rule.threshold, "threshold_text": rule.threshold_text}
                    for rule in ruleset.rules
                ],
            }
            for ruleset in all_rulesets()
        ], many=True).data)
