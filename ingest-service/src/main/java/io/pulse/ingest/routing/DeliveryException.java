package io.pulse.ingest.routing;

/** Kafka did not acknowledge every record of a request. */
public class DeliveryException extends Exception {

    public DeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
