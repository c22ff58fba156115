"""The rule files load, carry what a report must cite, and broken ones fail loudly."""

import re
from datetime import date

import pytest

from evidence.analysis.rulesets import (
    CHECKS,
    CONFIDENCES,
    RULE_KINDS,
    RULES_DIR,
    RulesetError,
    all_rulesets,
    load_ruleset,
    load_ruleset_file,
)

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")


def test_it_loads_every_rule_file():
    loaded = all_rulesets()
    assert [r.jurisdiction for r in loaded] == ["CN", "US", "UK"]
    assert {p.name for p in RULES_DIR.glob("*.toml")} == {r.path.name for r in loaded}
    assert load_ruleset("OTHER") is None
    assert load_ruleset("CN") is load_ruleset("CN")


def test_it_ships_the_rules_the_product_promises():
    ids = {rule.id for r in all_rulesets() for rule in r.rules}
    expected = {"CN-T", "CN-F1", "CN-F2", "CN-3P", "CN-H", "CN-I", "CN-P"}
    expected |= {"US-T", "US-F1", "US-F2", "US-3P", "US-E", "UK-T", "UK-F", "UK-3P", "UK-A"}
    assert expected <= ids
    assert "CN-C" not in ids  # qualitative: not automated


def test_it_gives_every_rule_both_languages_a_citation_and_a_kind():
    for ruleset in all_rulesets():
        assert ruleset.version and ruleset.updated and ruleset.note["zh-Hans"] and ruleset.note["en"]
        for rule in ruleset.rules:
            for text in (rule.title, rule.summary, rule.threshold_text):
                assert text["zh-Hans"].strip() and text["en"].strip(), rule.id
                assert CJK.search(text["zh-Hans"]), rule.id
            assert rule.citation.strip(), rule.id
            assert rule.kind in RULE_KINDS and rule.confidence in CONFIDENCES and rule.check in CHECKS


def test_it_keeps_keywords_in_chinese_and_english():
    for ruleset in all_rulesets():
        for name, words in ruleset.keywords.items():
            assert any(CJK.search(w) for w in words), (ruleset.id, name)
            assert any(LATIN.search(w) for w in words), (ruleset.id, name)


def test_it_labels_the_chinese_numeric_limits_as_guidance():
    cn = {rule.id: rule for rule in load_ruleset("CN").rules}
    assert {cn[i].kind for i in ("CN-T", "CN-F1", "CN-F2")} <= {"self-regulatory", "standard"}
    assert "not, by itself, a crime" in load_ruleset("CN").note["en"]


def test_it_matches_keywords_whatever_the_case():
    pattern = load_ruleset("US").patterns["false_legal"]
    assert pattern.search("you will be ARRESTED".lower())
    assert not pattern.search("this is your first notice".lower())


def broken(tmp_path, old: str, new: str, source: str = "cn.toml"):
    """A copy of a shipped rule file with one change, loaded."""
    text = (RULES_DIR / source).read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "broken.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return load_ruleset_file(path)


def test_it_rejects_an_unknown_check_naming_the_rule(tmp_path):
    with pytest.raises(RulesetError, match=r"broken\.toml: rule CN-F1: unknown check 'per_week'"):
        broken(tmp_path, 'check = "per_day"', 'check = "per_week"')


def test_it_rejects_an_unknown_parameter(tmp_path):
    with pytest.raises(RulesetError, match=r"rule CN-F1: threshold: unknown parameter\(s\) \['less_than'\]"):
        broken(tmp_path, "more_than = 3", "less_than = 3")
    with pytest.raises(RulesetError, match=r"rule CN-T: select: unknown parameter\(s\) \['colection'\]"):
        broken(tmp_path, "collection = true", "colection = true")


def test_it_rejects_a_missing_threshold(tmp_path):
    with pytest.raises(RulesetError, match=r"rule CN-P: threshold is missing \['days'\]"):
        broken(tmp_path, "days = 7 ", "# days = 7 ")


def test_it_rejects_a_missing_citation_or_translation(tmp_path):
    with pytest.raises(RulesetError, match="rule CN-P: citation is missing"):
        broken(tmp_path, 'citation = "《民法典》第一千零三十三条第（一）项（参见第一千零三十二条）', '# "')
    with pytest.raises(RulesetError, match="rule CN-T: title: en is missing"):
        broken(tmp_path, ', en = "Collection at night (22:00–08:00)" }', " }")


def test_it_rejects_a_kind_that_is_not_allowed(tmp_path):
    with pytest.raises(RulesetError, match="rule CN-H: kind 'felony'"):
        broken(tmp_path, 'kind = "administrative"', 'kind = "felony"')


def test_it_rejects_a_keyword_list_that_does_not_exist(tmp_path):
    with pytest.raises(
        RulesetError, match="rule CN-I: select: keyword list 'impersonations' is referenced but missing"
    ):
        broken(tmp_path, 'keywords = ["impersonation"]', 'keywords = ["impersonations"]')


def test_it_rejects_a_bad_time_window(tmp_path):
    with pytest.raises(RulesetError, match='rule CN-T: select: window: from: expected "HH:MM"'):
        broken(tmp_path, 'window = { from = "22:00"', 'window = { from = "22h"')


def test_it_rejects_answered_on_messages(tmp_path):
    with pytest.raises(RulesetError, match="rule CN-F1: select: directions"):
        broken(tmp_path, 'kinds = ["call"]\nchannels = ["phone", "wechat", "other"]\ndirections = "answered"',
               'kinds = ["call", "message"]\nchannels = ["phone", "wechat", "other"]\ndirections = "answered"')  # fmt: skip


def test_it_rejects_an_unknown_jurisdiction_and_unreadable_files(tmp_path):
    with pytest.raises(RulesetError, match="no rule set for jurisdiction 'FR'"):
        load_ruleset("FR")
    bad = tmp_path / "bad.toml"
    bad.write_text("ruleset = ", encoding="utf-8")
    with pytest.raises(RulesetError, match="bad.toml"):
        load_ruleset_file(bad)


def test_it_states_each_rule_for_letters_with_confirmed_citations_only():
    for ruleset in all_rulesets():
        assert ruleset.unconfirmed and ruleset.unconfirmed["zh-Hans"] and ruleset.unconfirmed["en"], ruleset.id
        for rule in ruleset.rules:
            assert rule.letter and rule.letter.basis, rule.id
            for text in [rule.letter.fact, rule.letter.ask, *(b.text for b in rule.letter.basis)]:
                assert not re.search(r"未确认|unconfirmed|believed|\(\d{4}\)$", text), (rule.id, text)
    cn = load_ruleset("CN")
    assert "（条号未确认）" not in " ".join(rule.citation for rule in cn.rules)
    assert all("GB/T 45251—2025" in cn.rule(i).citation for i in ("CN-T", "CN-F1", "CN-3P"))
    assert "第五十条第一款第（五）项" in cn.rule("CN-H").citation
    # The CBA guideline and the standard give no article numbers: letters name them without one.
    assert not any(re.search(r"指引（试行）》.*第.+条|风控指引》.*第.+条", b.text) for r in cn.rules for b in r.letter.basis)


def test_it_cites_the_public_security_law_text_in_force_when_it_happened():
    (new, old) = load_ruleset("CN").rule("CN-H").letter.basis
    assert new.applies(date(2026, 1, 1), date(2026, 3, 1)) and not old.applies(date(2026, 1, 1), date(2026, 3, 1))
    assert old.applies(date(2025, 12, 1), date(2025, 12, 31)) and not new.applies(date(2025, 12, 1), date(2025, 12, 31))
    assert new.applies(date(2025, 12, 1), date(2026, 1, 5)) and old.applies(date(2025, 12, 1), date(2026, 1, 5))


def test_it_rejects_a_letter_placeholder_it_cannot_fill(tmp_path):
    with pytest.raises(RulesetError, match=r"rule CN-T: letter: fact uses unknown placeholder\(s\) \['nights'\]"):
        broken(tmp_path, "联系本人 {count} 次，涉及 {days} 天", "联系本人 {nights} 次")


def test_it_rejects_a_basis_whose_dates_are_not_dates(tmp_path):
    with pytest.raises(RulesetError, match="rule CN-H: letter: basis: from and until must be TOML dates"):
        broken(tmp_path, "from = 2026-01-01 }", 'from = "2026" }')
