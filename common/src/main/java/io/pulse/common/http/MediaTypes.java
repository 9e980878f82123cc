package io.pulse.common.http;

/** The media types Pulse's HTTP APIs read and write besides plain JSON. */
public final class MediaTypes {

    /** Newline-delimited JSON: one JSON value per line, read and written line by line. */
    public static final String NDJSON = "application/x-ndjson";

    /** Comma-separated values with a header row. */
    public static final String CSV = "text/csv";

    /** RFC 9457 problem details, the body of every 4xx and 5xx answer. */
    public static final String PROBLEM_JSON = "application/problem+json";

    private MediaTypes() {
    }
}
