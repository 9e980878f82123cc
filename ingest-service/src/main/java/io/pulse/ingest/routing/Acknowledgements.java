package io.pulse.ingest.routing;

import java.time.Duration;

/**
 * Tracks the records one request or upload sent until Kafka has acknowledged every one, without holding a future
 * per record: an upload may carry millions.
 */
final class Acknowledgements {

    private long outstanding;
    private long failed;
    private Exception firstFailure;

    synchronized void sent() {
        outstanding++;
    }

    synchronized void completed(Exception exception) {
        outstanding--;
        if (exception != null) {
            failed++;
            if (firstFailure == null) {
                firstFailure = exception;
            }
        }
        notifyAll();
    }

    /** Waits for every acknowledgement; fails if one was refused or the wait is over. */
    synchronized void await(Duration timeout) throws DeliveryException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (outstanding > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new DeliveryException(outstanding + " records were not acknowledged by Kafka within "
                        + timeout.toSeconds() + " s", null);
            }
            wait(Math.max(1, left / 1_000_000));
        }
        if (firstFailure != null) {
            throw new DeliveryException(failed + " records were refused by Kafka: " + firstFailure.getMessage(), firstFailure);
        }
    }
}
