package io.pulse.common.access;

import java.util.Collection;
import java.util.regex.Pattern;

/**
 * What a caller may do, as scopes: {@code ingest:<event type>} writes events of that type, {@code upload:<event
 * type>} uploads files of it and follows their progress, {@code query:<metric>} reads that metric, {@code <kind>:*}
 * every name of a kind, and {@code admin} everything.
 */
public final class Scopes {

    public static final String ADMIN = "admin";
    public static final String INGEST = "ingest";
    public static final String UPLOAD = "upload";
    public static final String QUERY = "query";

    private static final Pattern VALID = Pattern.compile("admin|(ingest|upload|query):(\\*|[A-Za-z0-9_.-]+)");

    private Scopes() {
    }

    public static String ingest(String eventType) {
        return INGEST + ":" + eventType;
    }

    public static String upload(String eventType) {
        return UPLOAD + ":" + eventType;
    }

    public static String query(String metric) {
        return QUERY + ":" + metric;
    }

    /** Whether the scopes {@code held} include {@code needed}, directly, by its kind's wildcard or by admin. */
    public static boolean grants(Collection<String> held, String needed) {
        if (held.contains(needed) || held.contains(ADMIN)) {
            return true;
        }
        int colon = needed.indexOf(':');
        return colon > 0 && held.contains(needed.substring(0, colon) + ":*");
    }

    public static boolean isValid(String scope) {
        return VALID.matcher(scope).matches();
    }
}
