package io.pulse.ingest.intake;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pulse.common.event.DeadLetter;
import io.pulse.common.event.FieldError;
import io.pulse.common.pipeline.EventType;
import io.pulse.common.pipeline.Metric;
import io.pulse.ingest.routing.EventRouter;
import io.pulse.ingest.validation.EventValidator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Validates each item as it is read and hands it at once to the delivery's Kafka transaction: valid ones to the
 * type's topic, the others with every reason to the dead-letter topic. Counts are readable from other threads while items arrive (upload progress).
 * Accepted events whose buckets already closed when the items were received are counted as backfill too
 * ({@link BackfillRule}).
 */
public final class ItemCollector implements ItemHandler {

    private final EventType type;
    private final EventValidator validator;
    private final EventRouter.Delivery delivery;
    private final Instant received;
    private final long receivedMillis;
    private final BackfillRule backfillRule;
    private final String source;
    private final int maxErrors;
    private final Counter rejectedCounter;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong backfill = new AtomicLong();
    private final List<ItemErrors> errors = new ArrayList<>();

    /**
     * @param metrics   the metrics reading the type, for what counts as backfill
     * @param delivery  where the items go: the Kafka transaction (or transactions) of the request or upload
     * @param received  when the items were received: kept on dead letters, and the time backfill is measured at
     * @param source    where the items come from, kept on each dead letter with the item's index
     * @param maxErrors how many rejected items' reasons to keep for the answer; every one still goes to Kafka
     */
    public ItemCollector(EventType type, List<Metric> metrics, EventValidator validator, EventRouter.Delivery delivery,
                         MeterRegistry registry, Instant received, String source, int maxErrors) {
        this.type = type;
        this.backfillRule = new BackfillRule(metrics);
        this.receivedMillis = received.toEpochMilli();
        this.validator = validator;
        this.delivery = delivery;
        this.received = received;
        this.source = source;
        this.maxErrors = maxErrors;
        this.rejectedCounter = registry.counter("pulse.ingest.events", "type", type.name(), "outcome", "rejected");
    }

    @Override
    public void item(long index, Supplier<String> raw, JsonNode item) {
        EventValidator.Outcome outcome = validator.validate(type, item);
        if (outcome.isAccepted()) {
            delivery.event(outcome.event());
            accepted.incrementAndGet();
            if (backfillRule.isBackfill(outcome.event().ts(), receivedMillis)) {
                backfill.incrementAndGet();
            }
        } else {
            malformed(index, raw.get(), outcome.errors());
        }
    }

    @Override
    public void malformed(long index, String raw, List<FieldError> reasons) {
        rejected(index, new DeadLetter(type.name(), raw, reasons, received, source + " " + index), reasons);
    }

    @Override
    public void tooLong(long index, String beginning, long bytes, String sha256, List<FieldError> reasons) {
        rejected(index, new DeadLetter(type.name(), beginning, reasons, received, source + " " + index, true, bytes,
                sha256), reasons);
    }

    private void rejected(long index, DeadLetter letter, List<FieldError> reasons) {
        delivery.deadLetter(letter);
        rejected.incrementAndGet();
        rejectedCounter.increment();
        synchronized (errors) {
            if (errors.size() < maxErrors) {
                errors.add(new ItemErrors(index, reasons));
            }
        }
    }

    public EventRouter.Delivery delivery() {
        return delivery;
    }

    public long accepted() {
        return accepted.get();
    }

    public long rejected() {
        return rejected.get();
    }

    /** Accepted events older than a bucket of their metrics that had closed when they were received. */
    public long backfill() {
        return backfill.get();
    }

    /** The first rejected items' reasons, at most {@code maxErrors}. */
    public List<ItemErrors> errors() {
        synchronized (errors) {
            return List.copyOf(errors);
        }
    }

    /** The reasons one item was refused; the index's meaning depends on the source (array position, line). */
    public record ItemErrors(long index, List<FieldError> errors) {
    }
}
