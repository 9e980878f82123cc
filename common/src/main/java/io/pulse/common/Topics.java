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

    private static final String EVENTS_PREFIX = "events.";

    private Topics() {
    }

    /** The topic carrying the canonical events of one type. */
    public static String events(String eventType) {
        return EVENTS_PREFIX + eventType;
    }
}
