package io.pulse.common;

/** Every Kafka topic Pulse uses, named in one place. */
public final class Topics {

    /** Rejected input with its reasons, kept so nothing sent to Pulse is lost. */
    public static final String DLQ = "events.dlq";
    /** A copy of each event that arrived after its bucket was final, with that bucket; the event itself counts. */
    public static final String LATE = "events.late";
    /** Each event dropped as a repeat of an id already counted, as its canonical event. */
    public static final String DUPLICATES = "events.duplicates";
    /** The current value of every bucket, keyed by metric, group and start; compacted. */
    public static final String AGGREGATES = "aggregates";
    /**
     * The replies of ingest requests sent with an {@code Idempotency-Key}, keyed by that key and written in the same
     * transaction as the request's events; compacted and deleted after the idempotency horizon.
     */
    public static final String INGEST_REQUESTS = "ingest.requests";
    /** The idempotency horizon's default (ingest's {@code pulse.ingest.idempotency-horizon}), the topic's retention. */
    public static final long INGEST_REQUESTS_RETENTION_MS = 24L * 60 * 60 * 1000;
    /** The latest status of every upload, keyed by upload id; compacted, read whole by every ingest replica. */
    public static final String UPLOADS_STATUS = "uploads.status";

    private static final String EVENTS_PREFIX = "events.";
    /** The aggregation's Kafka Streams application id, which starts the names of its internal topics. */
    private static final String STREAMS_PREFIX = "pulse-aggregation-";

    private Topics() {
    }

    /**
     * Whether Pulse writes or reads the topic on its own account, so a pipeline may not name it as a source or a sink:
     * reading one as input, or writing results into one, would corrupt what Pulse keeps there.
     */
    public static boolean isPulses(String topic) {
        return topic.startsWith(EVENTS_PREFIX) || topic.startsWith(STREAMS_PREFIX) || topic.equals(AGGREGATES)
                || topic.equals(INGEST_REQUESTS) || topic.equals(UPLOADS_STATUS);
    }

    /** The topic carrying the canonical events of one type. */
    public static String events(String eventType) {
        return EVENTS_PREFIX + eventType;
    }
}
