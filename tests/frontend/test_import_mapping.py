"""The phone app's mapping step for a CSV whose columns the server does not know, in Chromium."""

from pathlib import Path

from evidence.events.models import Event
from tests.frontend.test_pwa import file_payload, open_case

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "exports" / "unknown-header-semicolon.csv"
MORE_ROWS = "\ufeffDatum;Rufnummer;Art;Dauer (Sek.);Name\r\n17.06.2024 07:10:00;+8617123456789;verpasst;0;\r\n"


def _choose_export(phone, case, name: str, data: bytes):
    page = phone.page
    page.set_input_files("#pick-export", [file_payload(name, data, "text/csv")])
    return page.wait_for_selector("form.mapping")


def test_map_an_unknown_csv_in_the_app_and_reuse_the_mapping_for_the_next_file(live_server, transactional_db, phone,
                                                                                 case):
    page = phone.sign_in()
    open_case(phone, case)
    page.click(f"a[href='#/case/{case.id}/import']")
    page.wait_for_selector("label[for=pick-export]")

    form = _choose_export(phone, case, "Anrufliste.csv", SAMPLE.read_bytes())
    assert "告诉我们每一列是什么" in form.inner_text()
    # The sample shows the file as written, and the suggestion is filled in.
    assert form.query_selector("table.sample thead").inner_text().split() == [
        "Datum", "Rufnummer", "Art", "Dauer", "(Sek.)", "Name"]
    assert "15.06.2024 22:45:12" in form.query_selector("table.sample tbody").inner_text()
    assert page.eval_on_selector("select[name=map-time]", "s => s.value") == "Datum"
    assert page.eval_on_selector("select[name=map-number]", "s => s.value") == "Rufnummer"

    # Nothing says which column is the direction: confirming now names what is missing.
    page.click("form.mapping button[type=submit]")
    assert "还需要选择" in page.locator("form.mapping .msg.error").inner_text()
    page.select_option("select[name=map-direction]", "Art")
    words = page.locator("form.mapping .map-words select")
    assert words.count() == 3
    for word, meaning in (("eingehend", "in"), ("verpasst", "missed"), ("ausgehend", "out")):
        page.select_option(f"form.mapping .map-words select[data-word='{word}']", meaning)
    page.select_option("select[name=map-default-kind]", "call")
    phone.shot("import-mapping", full_page=True)
    page.click("form.mapping button[type=submit]")
    page.wait_for_selector(".import-status.status-done")
    assert "通话 3" in page.locator(".import-status.status-done").inner_text()
    assert sorted(Event.objects.filter(case=case).values_list("direction", flat=True)) == ["in", "missed", "out"]

    # The next file with the same header comes back with the borrower's own choices.
    page.reload()
    page.wait_for_selector("label[for=pick-export]")
    form = _choose_export(phone, case, "Anrufliste-2.csv", MORE_ROWS.encode())
    assert "和您上次确认过的一样" in form.inner_text()
    assert page.eval_on_selector("select[name=map-direction]", "s => s.value") == "Art"
    assert page.eval_on_selector("form.mapping .map-words select[data-word='verpasst']", "s => s.value") == "missed"
    page.click("form.mapping button[type=submit]")
    page.wait_for_selector(".import-status.status-done >> text=通话 1")
    assert Event.objects.filter(case=case, direction="missed").count() == 2
    assert phone.foreign_requests() == []
