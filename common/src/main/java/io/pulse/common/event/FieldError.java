package io.pulse.common.event;

/**
 * Why one field of an event was refused.
 *
 * @param field   a JSON Pointer to the field ({@code ""} for the event as a whole)
 * @param message what is wrong with it
 */
public record FieldError(String field, String message) {

    /** A property name as one step of a JSON Pointer: RFC 6901 writes '~' and '/' as '~0' and '~1'. */
    public static String segment(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }
}
