"""Installed only when settings.BENCH is on: each response says how many queries it took."""

from __future__ import annotations

from django.db import connections


class QueryCountMiddleware:
    """Outermost, so it counts the session and user lookups too (`X-Bench-Queries`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connections["default"].execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(count)
        return response
