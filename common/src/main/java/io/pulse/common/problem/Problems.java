package io.pulse.common.problem;

import java.util.Collection;

/** The problems more than one Pulse endpoint answers, so each says them the same way. */
public final class Problems {

    private Problems() {
    }

    /** The 404 for an event type the pipeline does not declare, listing those the caller may use. */
    public static Problem unknownEventType(String typeName, Collection<String> known) {
        return Problem.of(404, "unknown-event-type", "Unknown event type", "no event type '" + typeName
                + "' in the pipeline").with("known", known);
    }

    /** The 404 for a metric the pipeline does not declare, listing those the caller may read. */
    public static Problem unknownMetric(String metricName, Collection<String> known) {
        return Problem.of(404, "unknown-metric", "Unknown metric", "no metric '" + metricName + "' in the pipeline")
                .with("known", known);
    }

    /**
     * The 413 for a body over its limit, with the limit in {@code limit_bytes}.
     *
     * @param what   what was too large, as the problem type names it: {@code body}, {@code upload}
     * @param detail what exceeded which limit, and what to do instead
     */
    public static Problem tooLarge(String what, long limitBytes, String detail) {
        String title = Character.toUpperCase(what.charAt(0)) + what.substring(1) + " too large";
        return Problem.of(413, what + "-too-large", title, detail).with("limit_bytes", limitBytes);
    }

    /**
     * A cap on the work one request may ask for, reached: the problem type names the cap, {@code limit} is its value
     * and {@code setting} the property that sets it.
     *
     * @param status 400 when the request itself asks for more than the cap allows, 429 or 503 when the service is full
     * @param slug   the cap, as the problem type names it: {@code too-many-groups}, {@code window-too-long}
     * @param detail what went over the cap, and what would be answered instead
     */
    public static Problem overLimit(int status, String slug, String title, String detail, Object limit, String setting) {
        return Problem.of(status, slug, title, detail).with("limit", limit).with("setting", setting);
    }
}
