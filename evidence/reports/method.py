"""The report's method section: how the findings were made and how far their citations were checked.

Caveats about the citations (secondary sources, article numbers not found, industry rules that
are not laws) are said here once, for the reader who weighs the report; the findings and the
complaint letters state facts and confirmed citations only. Fixed wording per language, like
labels.py: the report's words are part of the evidence, not of the site's catalogues.
"""

from evidence.analysis.rulesets import load_ruleset
from evidence.reports.content import ReportContent

WORDS = {
    "zh-Hans": {
        "collectors": "本报告把借款人标注为催收方或出借方的号码，以及发送过催收内容信息的未标注号码，视为催收号码；"
                      "借款人本人拨出的电话不计入时段和次数。所有时间均按 {zone} 当地时间计算，“每天”指当地自然日，"
                      "“连续 7 天”指连续 7 个当地自然日。",
        "ruleset": "核查所用规则集：{ruleset}（{updated}）。规则的时段、次数和关键词都是公开的数据，可逐条复核。",
        "checked": "引用依据的核对情况：{parts}。",
        "levels": {"P": "{titles}所引条文已核对原文", "S": "{titles}所引依据仅据可靠的二手来源核实",
                   "M": "{titles}所引依据尚待核实", "UNCONFIRMED": "{titles}所引依据尚未核实"},
        "join": "、", "parts": "；",
    },
    "en": {
        "collectors": "Numbers the borrower labelled as a collector or lender, and unlabelled numbers that sent "
                      "collection messages, are treated as collectors' numbers; calls the borrower placed never count "
                      "toward times or frequencies. All times are local time in {zone}; a day is a local calendar "
                      "day and 7 days are 7 consecutive local calendar days.",
        "ruleset": "Rule set used: {ruleset} ({updated}). Its hours, counts and keywords are published data that "
                   "can be reviewed rule by rule.",
        "checked": "How far the citations were checked: {parts}.",
        "levels": {"P": "for {titles}, the provisions cited were checked against their text",
                   "S": "for {titles}, reliable secondary sources only",
                   "M": "for {titles}, the citation is still to be checked",
                   "UNCONFIRMED": "for {titles}, the citation is unconfirmed"},
        "join": ", ", "parts": "; ",
    },
}


def method_paragraphs(content: ReportContent) -> list[str]:
    """The method section's paragraphs in the report's language; none for a case without rules."""
    loaded = load_ruleset(content.jurisdiction)
    if loaded is None:
        return []
    lang = "zh-Hans" if content.language.lower().startswith("zh") else "en"
    words = WORDS[lang]
    paragraphs = [words["collectors"].format(zone=content.timezone),
                  words["ruleset"].format(ruleset=content.ruleset, updated=loaded.updated.isoformat())]
    if content.findings_note:
        paragraphs.append(content.findings_note)
    # One sentence for every finding's confidence, in place of a line under each finding.
    by_level: dict[str, list[str]] = {}
    for finding in content.findings:
        by_level.setdefault(finding.confidence, []).append(_quoted(finding.title, lang))
    parts = [words["levels"][level].format(titles=words["join"].join(by_level[level]))
             for level in ("P", "S", "M", "UNCONFIRMED") if level in by_level]
    if parts:
        paragraphs.append(words["checked"].format(parts=words["parts"].join(parts)))
    if loaded.unconfirmed:
        paragraphs.append(loaded.unconfirmed[lang])
    return paragraphs


def _quoted(title: str, lang: str) -> str:
    return f"“{title}”" if lang == "zh-Hans" else f'"{title}"'
