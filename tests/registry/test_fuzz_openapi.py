"""Property-based requests over the OpenAPI description (schemathesis): every operation, every
parameter, generated values; no answer may be a 5xx or break its own response schema.

Bounded for CI: 25 examples per operation, no shrinking, one small catalogue; the whole
run takes well under a minute. Runs on the test database (SQLite or PostgreSQL)."""

from __future__ import annotations

import contextlib
from collections import Counter

import schemathesis
from catalogue import CATALOGUE
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import response_schema_conformance

from registry.app import create_app

EXAMPLES = 25
CHECKS = [schemathesis.checks.not_a_server_error, response_schema_conformance]


def test_no_operation_fails_or_breaks_its_schema(settings, load):
    assert load(CATALOGUE).errors == []
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(settings))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30
    failures: list[str] = []
    statuses: Counter[int] = Counter()
    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def run(case) -> None:
            response = case.call()
            statuses[response.status_code] += 1
            try:
                case.validate_response(response, checks=CHECKS)
            except Exception as exc:  # collect every operation's first failure, then report
                failures.append(
                    f"{case.method} {case.formatted_path} {case.query or ''} -> "
                    f"{response.status_code}: {str(exc)[:400]}"
                )
                raise

        with contextlib.suppress(Exception):  # recorded in failures, asserted below
            run()
    assert failures == []
    assert statuses[200] > len(operations) and sum(statuses.values()) > 5 * len(operations)
    assert not [status for status in statuses if status >= 500]
