package io.pulse.common.event;

/** An event's timestamp is missing or written in none of its type's formats. */
public class TimestampException extends Exception {

    public TimestampException(String message) {
        super(message);
    }
}
