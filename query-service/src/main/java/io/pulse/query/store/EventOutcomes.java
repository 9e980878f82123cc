package io.pulse.query.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Counts, per event type, the events that did not reach a bucket: dead letters and dropped repeats. A record is
 * counted once however often it is read: each topic partition's next offset to count moves with the counts in one
 * transaction, so a batch read again after a crash or a rebalance counts only what it had not. Counting stores on
 * the default (storing) datasource; the counts are read on the answering connections ({@link AnsweringConnections}).
 */
@ApplicationScoped
public class EventOutcomes {

    /** What became of an event type's event. */
    public enum Outcome {
        DEAD_LETTER, DUPLICATE;

        String column() {
            return name().toLowerCase();
        }
    }

    /**
     * One record of an outcome topic.
     *
     * @param type the event type it was of; null when unknown (a dead letter of a type that does not exist)
     */
    public record Counted(String topic, int partition, long offset, String type, Outcome outcome) {
    }

    @Inject
    DataSource dataSource;

    @Inject
    AnsweringConnections answers;

    @Transactional
    public void count(List<Counted> records) throws SQLException {
        Map<String, Map<Integer, List<Counted>>> byPartition = new TreeMap<>();
        for (Counted r : records) {
            byPartition.computeIfAbsent(r.topic(), t -> new TreeMap<>())
                    .computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r);
        }
        try (Connection connection = dataSource.getConnection()) {
            Map<List<String>, Long> added = new TreeMap<>((a, b) -> String.join("\n", a).compareTo(String.join("\n", b)));
            for (var topic : byPartition.entrySet()) {
                for (var partition : topic.getValue().entrySet()) { // in key order: two instances never deadlock
                    long next = nextOffset(connection, topic.getKey(), partition.getKey());
                    long last = next - 1;
                    for (Counted r : partition.getValue()) {
                        if (r.offset() >= next && r.type() != null) {
                            added.merge(List.of(r.type(), r.outcome().column()), 1L, Long::sum);
                        }
                        last = Math.max(last, r.offset());
                    }
                    setNextOffset(connection, topic.getKey(), partition.getKey(), last + 1);
                }
            }
            for (var entry : added.entrySet()) {
                try (PreparedStatement s = connection.prepareStatement("""
                        INSERT INTO event_outcome (event_type, outcome, events) VALUES (?, ?, ?)
                        ON CONFLICT (event_type, outcome) DO UPDATE SET events = event_outcome.events + EXCLUDED.events""")) {
                    s.setString(1, entry.getKey().get(0));
                    s.setString(2, entry.getKey().get(1));
                    s.setLong(3, entry.getValue());
                    s.executeUpdate();
                }
            }
        }
    }

    /** The counted outcomes of an event type's events. */
    public Map<Outcome, Long> of(String type) {
        Map<Outcome, Long> counts = new HashMap<>();
        for (Outcome o : Outcome.values()) {
            counts.put(o, 0L);
        }
        try (Connection connection = answers.get();
             PreparedStatement s = connection.prepareStatement(
                     "SELECT outcome, events FROM event_outcome WHERE event_type = ?")) {
            s.setString(1, type);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    counts.put(Outcome.valueOf(rs.getString(1).toUpperCase()), rs.getLong(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the outcomes of " + type, e);
        }
        return counts;
    }

    private static long nextOffset(Connection connection, String topic, int partition) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("""
                INSERT INTO counted_offset (topic, partition, next_offset) VALUES (?, ?, 0)
                ON CONFLICT (topic, partition) DO UPDATE SET next_offset = counted_offset.next_offset
                RETURNING next_offset""")) { // locks the row until the transaction ends
            s.setString(1, topic);
            s.setInt(2, partition);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void setNextOffset(Connection connection, String topic, int partition, long next) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(
                "UPDATE counted_offset SET next_offset = greatest(next_offset, ?) WHERE topic = ? AND partition = ?")) {
            s.setLong(1, next);
            s.setString(2, topic);
            s.setInt(3, partition);
            s.executeUpdate();
        }
    }
}
