"""Who may see which case. Every read that carries permissions starts here."""

from django.db.models import QuerySet

from evidence.cases.models import Case


def cases_visible_to(user) -> QuerySet[Case]:
    """The cases this user may read: a borrower their own; others none (yet)."""
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    return Case.objects.filter(owner=user)


def cases_writable_by(user) -> QuerySet[Case]:
    """The cases this user may add evidence to: only their own, and only as a borrower."""
    if not user.is_authenticated or not user.is_active or getattr(user, "role", None) != "borrower":
        return Case.objects.none()
    return Case.objects.filter(owner=user)


def scoped_to_visible_cases(queryset: QuerySet, user, case_field: str = "case") -> QuerySet:
    """Narrow any case-owned queryset to rows of cases the user may read."""
    return queryset.filter(**{f"{case_field}__in": cases_visible_to(user).values("id")})
