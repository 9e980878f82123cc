package io.pulse.aggregation.buckets;

/**
 * Store keys of one bucket of one group, ordered by the bucket's start: finding the buckets that start before a time
 * (to close, let go or purge them) is a range scan from {@link #FIRST} to {@link #upTo}.
 */
public final class StoreKeys {

    /** Sorts below every key. */
    public static final String FIRST = "";

    private StoreKeys() {
    }

    /** The key of the bucket starting at {@code start} (epoch milliseconds) of the group written as JSON. */
    public static String of(long start, String groupJson) {
        return prefix(start) + "|" + groupJson;
    }

    /** Every key of a bucket starting at or before {@code start} sorts below this. */
    public static String upTo(long start) {
        return prefix(start) + "}";
    }

    /** Sign-flipped hex keeps negative (pre-1970) starts in order too. */
    private static String prefix(long start) {
        String hex = Long.toHexString(start ^ Long.MIN_VALUE);
        return "0".repeat(16 - hex.length()) + hex;
    }
}
