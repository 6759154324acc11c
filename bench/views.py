"""The controls every benchmark figure is a ratio to, measured in the same run.

Fortunes (as in TechEmpower's benchmark): 12 rows read and one added in memory, sorted, escaped
through a template. Logged in, it also pays for the session and the user, as every board page
does; plain, it pays for neither, as the live poll does not. Insert: a logged-in POST (session,
user, CSRF) that writes one row.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from bench.models import Fortune, InsertedRow


def _fortunes(request: HttpRequest) -> HttpResponse:
    fortunes = list(Fortune.objects.all())
    fortunes.append(Fortune(id=0, message="Additional fortune added at request time."))
    fortunes.sort(key=lambda fortune: fortune.message)
    return render(request, "bench/fortunes.html", {"fortunes": fortunes})


fortunes = require_GET(_fortunes)
fortunes_plain = login_not_required(require_GET(_fortunes))


@require_POST
def insert(request: HttpRequest) -> HttpResponse:
    row = InsertedRow.objects.create(note=str(request.user.pk))
    return HttpResponse(str(row.pk), content_type="text/plain")
