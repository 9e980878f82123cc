package io.pulse.bench.run;

import io.pulse.bench.workload.Generated;
import io.pulse.bench.workload.Workload;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One poller per workload run: it reads the roll-up count series of the workload's whole range every
 * {@link #POLL_MILLIS} ms, resolves the freshness samples whose bucket has reached its threshold, and ends once every
 * bucket shows its expected count. One query at a time, so the bench adds little load to the stack it measures.
 */
final class BucketWatcher {

    static final long POLL_MILLIS = 50;
    /**
     * How long the counts may stand still, once everything is sent and some bucket is short, before the wait gives
     * up: counts that stop moving will not complete, so waiting out the whole timeout would only hide why.
     */
    static final Duration STALL = Duration.ofSeconds(60);

    /** Bucket {@code bucket} must count at least {@code threshold} events; acknowledged by ingest at {@code ackNanos}. */
    record Sample(long bucket, long threshold, long ackNanos) {
    }

    private final QueryApi query;
    private final Workload workload;
    private final TreeMap<Long, Long> expected;
    private final ConcurrentLinkedQueue<Sample> pending = new ConcurrentLinkedQueue<>();
    private final List<Double> freshnessMillis = new ArrayList<>();
    private final Duration stall;

    BucketWatcher(QueryApi query, Workload workload, Generated generated) {
        this(query, workload, generated, STALL);
    }

    BucketWatcher(QueryApi query, Workload workload, Generated generated, Duration stall) {
        this.query = query;
        this.workload = workload;
        this.expected = generated.expected().countsByBucket();
        this.stall = stall;
    }

    void add(Sample sample) {
        pending.add(sample);
    }

    /**
     * Polls until every bucket has its expected count and every sample added before {@code sendingDone} returned
     * true is resolved; answers the nanoTime at which the counts were complete.
     */
    long await(java.util.function.BooleanSupplier sendingDone, Duration timeout) throws InterruptedException {
        long from = expected.firstKey();
        long to = expected.lastKey() + workload.granularity().toMillis();
        long deadline = System.nanoTime() + timeout.toNanos();
        long complete = 0;
        long total = -1;
        long moved = System.nanoTime();
        while (true) {
            boolean sent = sendingDone.getAsBoolean();
            Map<Long, Long> counted = new HashMap<>();
            query.series(workload.metric(), "count", workload.granularity(), List.of(), from, to, 1)
                    .forEach(p -> counted.merge(p.ts(), p.count(), Long::sum));
            long now = System.nanoTime();
            long counts = counted.values().stream().mapToLong(Long::longValue).sum();
            if (counts != total || !sent) {
                total = counts;
                moved = now;
            }
            for (Iterator<Sample> it = pending.iterator(); it.hasNext(); ) {
                Sample s = it.next();
                if (counted.getOrDefault(s.bucket(), 0L) >= s.threshold()) {
                    freshnessMillis.add((now - s.ackNanos()) / 1e6);
                    it.remove();
                }
            }
            String missing = sent ? firstMissing(counted) : "still sending";
            if (missing == null && complete == 0) {
                complete = now;
            }
            if (complete != 0 && pending.isEmpty()) {
                return complete;
            }
            if (now > deadline) {
                throw new IllegalStateException(workload.metric() + " not complete after " + timeout.toSeconds()
                        + " s: " + (missing == null ? pending.size() + " freshness samples unresolved" : missing));
            }
            if (missing != null && now - moved > stall.toNanos()) {
                throw new IllegalStateException(workload.metric() + " not complete: its counts stood still for "
                        + stall.toSeconds() + " s after everything was sent, at " + missing + " (see "
                        + "pulse_aggregation_events_total on the aggregation service, and the services' logs)");
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    List<Double> freshnessMillis() {
        return freshnessMillis;
    }

    private String firstMissing(Map<Long, Long> counted) {
        for (Map.Entry<Long, Long> e : expected.entrySet()) {
            long count = counted.getOrDefault(e.getKey(), 0L);
            if (count != e.getValue()) {
                return "bucket " + Instant.ofEpochMilli(e.getKey()) + " counts " + count + " of " + e.getValue();
            }
        }
        return null;
    }
}
