"""One canonical string per party: the same number written several ways is one number."""

import pytest

from evidence.cases.numbers import number_normalize


@pytest.mark.parametrize("written", ["13800138000", "138 0013 8000", "+86 138-0013-8000", "008613800138000",
                                     "(+86) 138 0013 8000", "１３８００１３８０００"])
def test_it_reads_a_chinese_mobile_number_written_any_way(written):
    assert number_normalize(written, "CN") == "+8613800138000"


@pytest.mark.parametrize(("written", "region", "canonical"), [
    ("021-6123 4567", "CN", "+862161234567"),
    ("(212) 736-5000", "US", "+12127365000"),
    ("+1 212 736 5000", "CN", "+12127365000"),  # a country code wins over the case's region
    ("020 7946 0018", "GB", "+442079460018"),
    ("95188", "CN", "95188"),  # service numbers keep their digits
    ("10690000123", "CN", "10690000123"),  # SMS gateways too
    ("", "CN", ""), ("null", "CN", ""), ("-2", "CN", ""),  # hidden numbers
    (" 催收员小李 ", "CN", "催收员小李"),  # a WeChat name stays a name
])
def test_it_keeps_other_addresses_recognisable(written, region, canonical):
    assert number_normalize(written, region) == canonical
