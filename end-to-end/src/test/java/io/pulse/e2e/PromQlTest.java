package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.e2e.PromQl.Reference;
import org.junit.jupiter.api.Test;

class PromQlTest {

    @Test
    void readsTheMetricsOfARatioOfRatesWithGroupingAndMatchers() {
        String expr = "sum by (namespace, type) (rate(pulse_ingest_events_total{outcome=\"rejected\", job=\"ingest-service\"}[10m]))\n"
                + "  / sum by (namespace, type) (rate(http_server_requests_seconds_count[$__rate_interval])) > 0.05";
        assertThat(PromQl.metrics(expr)).containsExactly(
                new Reference("pulse_ingest_events_total", "ingest-service"),
                new Reference("http_server_requests_seconds_count", null));
    }

    @Test
    void numbersKeywordsAndFunctionsAreNotMetrics() {
        String expr = "up{job=~\"a|b\"} == bool 0 or max without (pod) (kafka_stream_alive_stream_threads) / 1e3"
                + " and on (pod) histogram_quantile(0.99, x_bucket{le=\"+Inf\"})";
        assertThat(PromQl.metrics(expr)).containsExactly(new Reference("up", null),
                new Reference("kafka_stream_alive_stream_threads", null), new Reference("x_bucket", null));
    }

    @Test
    void bracesAndQuotesInsideLabelValuesDoNotEndTheSelector() {
        String expr = "sum(rate(http_server_requests_seconds_sum{uri=\"/v1/events/{type}\", job=\"ingest-service\"}[5m]))"
                + " / max(http_server_requests_seconds_max{uri=~\"a\\\"}b\"})";
        assertThat(PromQl.metrics(expr)).containsExactly(
                new Reference("http_server_requests_seconds_sum", "ingest-service"),
                new Reference("http_server_requests_seconds_max", null));
    }

    @Test
    void anUnclosedExpressionEnds() {
        assertThat(PromQl.metrics("rate(a{job=\"x")).containsExactly(new Reference("a", null));
    }
}
