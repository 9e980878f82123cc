package io.pulse.ingest.deadletter;

import io.pulse.common.Topics;
import io.pulse.common.event.DeadLetter;
import io.pulse.common.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Finds the newest dead letters of one type on {@code events.dlq} by reading each partition backwards from its end in
 * chunks, down to the first offset written at or after {@code since}: the newest {@code limit} cost about that many
 * records of the type, not the whole range. Partitions take turns, a chunk each, so a budget reached early still
 * leaves an answer drawn from every partition.
 */
final class BackwardScan {

    private static final Logger LOG = Logger.getLogger(BackwardScan.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final Consumer<String, byte[]> consumer;
    private final DeadLetterConfig config;

    BackwardScan(Consumer<String, byte[]> consumer, DeadLetterConfig config) {
        this.consumer = consumer;
        this.config = config;
    }

    /** What is left to read of one partition: offsets from {@code lower} up to {@code next}, exclusive. */
    private static final class Remaining {
        final TopicPartition partition;
        final long lower;
        long next;
        final List<ListedDeadLetter> found = new ArrayList<>();

        Remaining(TopicPartition partition, long lower, long next) {
            this.partition = partition;
            this.lower = lower;
            this.next = next;
        }
    }

    /**
     * The newest dead letters of {@code type} received at or after {@code since}, at most {@code limit}. The broker's
     * first answers (partitions, end offsets, offsets for {@code since}) must come within the timeout, else a Kafka
     * exception goes up; reading then stops at the scan budget or the deadline and the page says it is incomplete.
     */
    DeadLetterPage newest(String type, Instant since, int limit) {
        long deadline = System.nanoTime() + config.timeout().toNanos();
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.DLQ, left(deadline)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        // Under read_committed the end is the last stable offset: nothing of an open transaction is read.
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, left(deadline));
        Map<TopicPartition, Long> sinceMillis = new HashMap<>();
        // Kafka looks up no time before the epoch; none of its records is older anyway
        partitions.forEach(p -> sinceMillis.put(p, Math.max(0, since.toEpochMilli())));
        Map<TopicPartition, OffsetAndTimestamp> firsts = consumer.offsetsForTimes(sinceMillis, left(deadline));
        Map<TopicPartition, Remaining> remaining = new LinkedHashMap<>();
        for (TopicPartition p : partitions) {
            long end = ends.getOrDefault(p, 0L);
            OffsetAndTimestamp first = firsts.get(p);
            // No record written since then: nothing to read there.
            long lower = first == null ? end : first.offset();
            remaining.put(p, new Remaining(p, lower, end));
        }
        List<Remaining> all = List.copyOf(remaining.values());
        remaining.values().removeIf(r -> r.next <= r.lower);

        long scanned = 0;
        boolean cutShort = false;
        scan:
        while (!remaining.isEmpty()) {
            for (Remaining r : List.copyOf(remaining.values())) {
                int size = (int) Math.min(config.chunkRecords(), config.maxScan() - scanned);
                if (size <= 0 || System.nanoTime() >= deadline) {
                    cutShort = true;
                    break scan;
                }
                long start = Math.max(r.lower, r.next - size);
                Chunk chunk = read(r.partition, start, r.next, deadline);
                scanned += chunk.records.size();
                if (!chunk.whole) {
                    // The deadline came mid-chunk. What was read is the chunk's older part, and its newer part is
                    // not read: left out, so a partition's list never has a hole between its entries.
                    cutShort = true;
                    break scan;
                }
                for (int i = chunk.records.size() - 1; i >= 0 && r.found.size() < limit; i--) {
                    ListedDeadLetter letter = matching(chunk.records.get(i), type, since);
                    if (letter != null) {
                        r.found.add(letter);
                    }
                }
                r.next = start;
                if (r.next <= r.lower || r.found.size() >= limit) {
                    remaining.remove(r.partition);
                }
            }
        }
        List<ListedDeadLetter> newest = all.stream().flatMap(r -> r.found.stream())
                .sorted(Comparator.comparing(ListedDeadLetter::timestamp).reversed()
                        .thenComparing(ListedDeadLetter::partition)
                        .thenComparing(Comparator.comparingLong(ListedDeadLetter::offset).reversed()))
                .limit(limit).toList();
        return new DeadLetterPage(type, since, limit, !cutShort, scanned, newest);
    }

    /** What is left of the request's time until {@code deadline}: each call to the broker gets only that. */
    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    /** The records read of one chunk; {@code whole} unless the deadline came first. */
    private record Chunk(List<ConsumerRecord<String, byte[]>> records, boolean whole) {
    }

    /**
     * The committed records of one partition from {@code start} up to {@code end}, exclusive, as far as they can be
     * read before the deadline. Offsets in between that hold no record (transaction markers, aborted records) are
     * skipped by the consumer itself, so the position is what tells the chunk is read.
     */
    private Chunk read(TopicPartition partition, long start, long end, long deadline) {
        consumer.assign(List.of(partition));
        consumer.seek(partition, start);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        while (consumer.position(partition, left(deadline)) < end) {
            if (System.nanoTime() >= deadline) {
                return new Chunk(records, false);
            }
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL).records(partition)) {
                if (record.offset() < end) {
                    records.add(record);
                }
            }
        }
        return new Chunk(records, true);
    }

    /**
     * The record as a listed dead letter when it is one of {@code type} received since then. Its type is read from
     * the value, which says it whatever the key (dead letters the aggregation wrote before it keyed them by type
     * carry their event's key); one that is not a dead letter at all is logged and skipped.
     */
    private static ListedDeadLetter matching(ConsumerRecord<String, byte[]> record, String type, Instant since) {
        if (record.value() == null) {
            return null;
        }
        DeadLetter letter;
        try {
            letter = Json.read(record.value(), DeadLetter.class);
        } catch (RuntimeException e) {
            LOG.warnf("%s-%d@%d is no dead letter, skipped: %s", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
            return null;
        }
        if (!type.equals(letter.type()) || letter.receivedAt() == null || letter.receivedAt().isBefore(since)) {
            return null;
        }
        return ListedDeadLetter.of(record.partition(), record.offset(), Instant.ofEpochMilli(record.timestamp()),
                letter);
    }
}
