from django.dispatch import Signal

# Sent after commit when a case's events, number labels or third-party contacts changed.
# The analysis listens, so the cases app never imports it. Arguments: case_id.
case_revised = Signal()
