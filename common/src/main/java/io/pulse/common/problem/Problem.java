package io.pulse.common.problem;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An RFC 9457 problem: what went wrong and where, for a client to act on. Extension members (the offending
 * parameter, the field errors, the line and column) sit beside the standard ones.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "title", "status", "detail"})
public final class Problem {

    private static final String TYPE_BASE = "https://pulse.dev/problems/";

    private final String type;
    private final String title;
    private final int status;
    private final String detail;
    private final Map<String, Object> extensions = new LinkedHashMap<>();

    private Problem(String slug, String title, int status, String detail) {
        this.type = TYPE_BASE + slug;
        this.title = title;
        this.status = status;
        this.detail = detail;
    }

    /**
     * @param status the HTTP status
     * @param slug   the problem type's last path segment, stable for clients to switch on
     * @param title  a short summary, the same for every occurrence of the type
     * @param detail what happened this time, naming the offending input
     */
    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem(slug, title, status, detail);
    }

    /** This problem with one more extension member. */
    public Problem with(String member, Object value) {
        extensions.put(member, value);
        return this;
    }

    /** The exception that carries this problem to the HTTP layer. */
    public ProblemException exception() {
        return new ProblemException(this);
    }

    public String getType() {
        return type;
    }

    public String getTitle() {
        return title;
    }

    public int getStatus() {
        return status;
    }

    public String getDetail() {
        return detail;
    }

    @JsonAnyGetter
    public Map<String, Object> getExtensions() {
        return extensions;
    }
}
