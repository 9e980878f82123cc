package io.pulse.ingest.routing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tracks the records one request or upload sent until Kafka has acknowledged every one, without holding a future
 * per record: an upload may carry millions. One thread sends a delivery's records and then waits for them, so it
 * counts what it sent alone; only the acknowledgements, counted on the producer's I/O thread, share a counter. The
 * two threads thus write no common memory per record, and the waiter is woken once, by the last acknowledgement.
 */
final class Acknowledgements {

    private long sent;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile Exception firstFailure;
    /** How many records the waiter waits for; none (-1) until it waits. */
    private volatile long awaited = -1;

    /** Called by the thread that sends the records, which later calls {@link #await}. */
    void sent() {
        sent++;
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
        // The waiter publishes what it waits for before it looks at this count, and this count is raised before
        // what the waiter waits for is looked at: one of the two sees the other, so the last wake-up is never lost.
        if (acknowledged.incrementAndGet() == awaited) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** Waits for every acknowledgement; fails if one was refused or the wait is over. */
    synchronized void await(Duration timeout) throws DeliveryException, InterruptedException {
        awaited = sent;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (acknowledged.get() < sent) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new DeliveryException((sent - acknowledged.get()) + " records were not acknowledged by Kafka "
                        + "within " + timeout.toSeconds() + " s", null);
            }
            wait(Math.max(1, left / 1_000_000));
        }
        if (firstFailure != null) {
            throw new DeliveryException(failed.get() + " records were refused by Kafka: " + firstFailure.getMessage(),
                    firstFailure);
        }
    }
}
