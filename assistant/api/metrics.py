"""Prometheus metrics of the API: requests, latency, answer statuses, errors."""

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Metrics:
    """One registry per app, so several apps in one process (tests) do not collide."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "via_http_requests_total",
            "HTTP requests by route, method and status code.",
            ["route", "method", "code"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "via_http_request_seconds",
            "HTTP request latency by route.",
            ["route"],
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=self.registry,
        )
        self.answers = Counter(
            "via_answers_total", "Answers by status.", ["status"], registry=self.registry
        )
        self.errors = Counter(
            "via_errors_total", "Errors by kind.", ["kind"], registry=self.registry
        )

    def render(self) -> bytes:
        """The exposition text."""
        return generate_latest(self.registry)
