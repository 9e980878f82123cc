package io.pulse.ingest.intake;

import io.pulse.common.pipeline.Metric;
import java.util.List;

/**
 * Which accepted events are backfill: events arriving after a bucket they belong to has closed. A bucket of a
 * metric closes when event time passes its end plus the metric's allowed lateness ({@code start + granularity +
 * allowed-lateness}; for a metric with a zone, the end is the bucket's last local day's following midnight);
 * ingest measures that against the time it received the request or upload, since event time at the aggregation
 * service is not known here. An event is backfill when its bucket of any metric on its type has closed by then: that
 * metric's answer for the bucket was already published, and the event is merged into it afterwards. Counting them
 * tells a client sending old data that it is being merged, not dropped.
 */
public final class BackfillRule {

    private final Metric[] metrics;
    private final long[] lateness;

    /** @param metrics the metrics reading the event type; with none, no event is backfill */
    public BackfillRule(List<Metric> metrics) {
        this.metrics = metrics.toArray(Metric[]::new);
        lateness = metrics.stream().mapToLong(m -> m.allowedLateness().toMillis()).toArray();
    }

    /** Whether an event of time {@code ts} received at {@code received} (both epoch milliseconds) is backfill. */
    public boolean isBackfill(long ts, long received) {
        for (int i = 0; i < metrics.length; i++) {
            if (metrics[i].bucketEnd(metrics[i].bucketStart(ts)) + lateness[i] <= received) {
                return true;
            }
        }
        return false;
    }
}
