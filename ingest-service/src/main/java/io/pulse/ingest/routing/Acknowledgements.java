package io.pulse.ingest.routing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tracks the records one request or upload sent until Kafka has acknowledged every one, without holding a future
 * per record: an upload may carry millions. Sending and acknowledging take no lock, so the request thread and the
 * producer's I/O thread do not contend per record; the waiter is woken only when nothing is outstanding.
 */
final class Acknowledgements {

    private final AtomicLong outstanding = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile Exception firstFailure;

    void sent() {
        outstanding.incrementAndGet();
    }

    void completed(Exception exception) {
        if (exception != null) {
            synchronized (this) {
                if (firstFailure == null) {
                    firstFailure = exception;
                }
            }
            failed.incrementAndGet();
        }
        if (outstanding.decrementAndGet() == 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** Waits for every acknowledgement; fails if one was refused or the wait is over. */
    synchronized void await(Duration timeout) throws DeliveryException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (outstanding.get() > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new DeliveryException(outstanding.get() + " records were not acknowledged by Kafka within "
                        + timeout.toSeconds() + " s", null);
            }
            wait(Math.max(1, left / 1_000_000));
        }
        if (firstFailure != null) {
            throw new DeliveryException(failed.get() + " records were refused by Kafka: " + firstFailure.getMessage(),
                    firstFailure);
        }
    }
}
