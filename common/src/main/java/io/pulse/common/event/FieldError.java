package io.pulse.common.event;

/**
 * Why one field of an event was refused.
 *
 * @param field   a JSON Pointer to the field ({@code ""} for the event as a whole)
 * @param message what is wrong with it
 */
public record FieldError(String field, String message) {
}
