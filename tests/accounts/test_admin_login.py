from django.test import Client


def test_the_admin_site_signs_in_through_the_one_sign_in_page(db):
    """So the failed-login throttle and the two-factor code apply to staff too."""
    response = Client().get("/admin/login/?next=/admin/cases/case/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/admin/cases/case/"
    assert Client().get("/admin/", follow=True).redirect_chain[-1][0].startswith("/login/")
