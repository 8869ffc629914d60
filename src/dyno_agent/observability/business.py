"""The business report as Prometheus gauges, built from the cached report at scrape time."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from dyno_agent.reports.business import BusinessReport


class BusinessCollector:
    """Gauges of one `BusinessReport` (rendered by the worker serving the scrape, never summed
    across workers: every worker reads the same database)."""

    def __init__(self, report: BusinessReport) -> None:
        self.report = report

    def collect(self) -> Iterator[Metric]:
        report = self.report
        dyno = GaugeMetricFamily(
            "dyno_business_dyno_utilization_ratio",
            "Booked days / available days per dyno in the current week or month.",
            labels=["period", "dyno", "facility"],
        )
        facility = GaugeMetricFamily(
            "dyno_business_facility_utilization_ratio",
            "Booked days / available days per facility in the current week or month.",
            labels=["period", "facility"],
        )
        overall = GaugeMetricFamily(
            "dyno_business_utilization_ratio",
            "Booked days / available days over every dyno in the current week or month.",
            labels=["period"],
        )
        lead = GaugeMetricFamily(
            "dyno_business_lead_time_days",
            "Days from a test request to its test's start (mean, median) for tests starting in "
            "the period.",
            labels=["period", "stat"],
        )
        on_time = GaugeMetricFamily(
            "dyno_business_on_time_start_ratio",
            "Share of requested tests starting in the period on or before their desired start.",
            labels=["period"],
        )
        starts = GaugeMetricFamily(
            "dyno_business_requested_starts",
            "Booked test requests whose test starts in the period.",
            labels=["period"],
        )
        completed = GaugeMetricFamily(
            "dyno_business_tests_completed",
            "Bookings completed that end in the period.",
            labels=["period"],
        )
        bookings = GaugeMetricFamily(
            "dyno_business_bookings",
            "Non-cancelled bookings whose test starts in the period.",
            labels=["period"],
        )
        saved = GaugeMetricFamily(
            "dyno_business_planning_time_saved_hours",
            "ESTIMATE: bookings x DYNO_MANUAL_MINUTES_PER_BOOKING / 60.",
            labels=["period"],
        )
        for p in report.periods:
            for d in p.dynos:
                if d.ratio is not None:
                    dyno.add_metric([p.period, d.dyno, d.facility], d.ratio)
            for f in p.facilities:
                if f.ratio is not None:
                    facility.add_metric([p.period, f.facility], f.ratio)
            if p.overall.ratio is not None:
                overall.add_metric([p.period], p.overall.ratio)
            if p.lead_time_mean_days is not None and p.lead_time_median_days is not None:
                lead.add_metric([p.period, "mean"], p.lead_time_mean_days)
                lead.add_metric([p.period, "median"], p.lead_time_median_days)
            if p.on_time_ratio is not None:
                on_time.add_metric([p.period], p.on_time_ratio)
            starts.add_metric([p.period], p.starts)
            completed.add_metric([p.period], p.tests_completed)
            bookings.add_metric([p.period], p.bookings)
            saved.add_metric([p.period], p.time_saved_hours)
        backlog = GaugeMetricFamily(
            "dyno_business_backlog_requests",
            "Test requests waiting for a dyno, by status (open, planned).",
            labels=["status"],
        )
        for status, count in report.backlog.items():
            backlog.add_metric([status], count)
        generated = GaugeMetricFamily(
            "dyno_business_report_timestamp_seconds",
            "When these business figures were computed (Unix time).",
        )
        generated.add_metric([], report.generated_at.timestamp())
        yield from (dyno, facility, overall, lead, on_time, starts, completed, bookings, saved)
        yield from (backlog, generated)
