package io.pulse.query.store;

import io.pulse.common.bucket.Bucket;
import io.pulse.common.bucket.DistinctSketch;
import io.pulse.common.bucket.QuantileSketch;
import io.pulse.common.json.Json;
import io.pulse.query.series.GroupBucket;
import io.pulse.query.series.SeriesRequest;
import io.pulse.query.time.CalendarStep;
import io.pulse.query.time.FixedStep;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Streams every group and step of a {@link SeriesRequest} that holds events, in order of group then time, from a
 * PostgreSQL cursor: the rows are fetched a batch at a time, so an export of any size holds one batch. It reads the
 * same tables as {@link BucketReader} (the coarsest roll-up that answers the step, the group filter by key).
 *
 * <p>A fixed step's slot is computed in SQL, {@code from + ((start - from) / step) * step}, and when several rows fall
 * in one group and slot, count, sum, min and max are merged there. That arithmetic cannot follow the calendar: a
 * month is 28 to 31 days and a zoned day 23 to 25 hours, so a fixed-length slot would put a short local day in the
 * day before. For a {@link CalendarStep} SQL merges no further than one row per group and stored bucket start, in
 * (group, bucket start) order, and each row's start is mapped here to the start of its step ({@link CalendarStep#floor},
 * worked out once per step as the rows come in time order). Consecutive rows of one group and slot are then merged
 * here, as sketches (distinct counts, quantiles) always are: the rows of one group and slot arrive together.
 */
@ApplicationScoped
public class BucketExport {

    /** Rows per round trip: enough to keep PostgreSQL streaming, small enough that a batch is a few megabytes. */
    static final int FETCH_ROWS = 5_000;
    private static final SortedMap<String, String> ALL_GROUPS = Collections.unmodifiableSortedMap(new TreeMap<>());

    @Inject
    AnsweringConnections answers;

    /** Receives the export's rows: one group's value at one step, its buckets merged. */
    public interface Rows {
        void row(GroupBucket row) throws IOException;
    }

    /** Sends every (group, step) of {@code request} that holds events to {@code rows}, groups in order, each in time order. */
    public void stream(SeriesRequest request, Rows rows) throws IOException {
        Statement statement = statement(request);
        try (Connection connection = answers.get()) {
            List<String> groupKeys = null;
            if (!request.where().isEmpty()) {
                groupKeys = BucketReader.namedGroups(request).orElse(null);
                if (groupKeys == null) {
                    groupKeys = BucketReader.matchingGroups(connection, request);
                }
                if (groupKeys.isEmpty()) {
                    return;
                }
            }
            // A cursor needs a transaction: without one pgjdbc reads the whole result before answering
            connection.setAutoCommit(false);
            try {
                read(connection, statement, request, groupKeys, rows);
            } finally {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot export the buckets of " + request.metric().name(), e);
        }
    }

    private static void read(Connection connection, Statement statement, SeriesRequest request, List<String> groupKeys,
                             Rows rows) throws SQLException, IOException {
        try (PreparedStatement s = connection.prepareStatement(statement.sql(groupKeys != null),
                ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            s.setFetchSize(FETCH_ROWS);
            int p = 1;
            for (String field : statement.fields()) {
                s.setString(p++, field);
            }
            if (request.step() instanceof FixedStep fixed) {
                s.setLong(p++, request.from().toEpochMilli());
                s.setLong(p++, request.from().toEpochMilli());
                s.setLong(p++, fixed.length().toMillis());
                s.setLong(p++, fixed.length().toMillis());
            }
            s.setString(p++, request.metric().name());
            s.setObject(p++, utc(request.firstBucket()));
            s.setObject(p++, utc(request.endOfBuckets()));
            if (groupKeys != null) {
                s.setArray(p, connection.createArrayOf("text", groupKeys.toArray()));
            }
            try (ResultSet rs = s.executeQuery()) {
                merge(rs, statement, request, rows);
            }
        }
    }

    /** Merges consecutive rows of one group and step (several only when SQL did not merge them) and passes each on. */
    private static void merge(ResultSet rs, Statement statement, SeriesRequest request, Rows rows)
            throws SQLException, IOException {
        boolean extremes = BucketReader.needsExtremes(request.agg());
        List<String> lastKey = null;
        SortedMap<String, String> group = ALL_GROUPS;
        long slot = 0;
        Bucket merged = null;
        Slots slots = new Slots(request.step() instanceof CalendarStep calendar ? calendar : null);
        int columns = statement.keyColumns();
        while (rs.next()) {
            List<String> key = new ArrayList<>(columns);
            for (int i = 1; i <= columns; i++) {
                key.add(rs.getString(i));
            }
            int column = columns + 1;
            long start = slots.of(rs.getLong(column++));
            Bucket bucket = new Bucket(rs.getLong(column++), rs.getDouble(column++),
                    extremes ? BucketReader.nullableDouble(rs, column++) : null,
                    extremes ? BucketReader.nullableDouble(rs, column++) : null,
                    statement.sketches() ? distinct(rs.getBytes(column++)) : null,
                    statement.sketches() ? quantiles(rs.getBytes(column++)) : null,
                    rs.getLong(column++), rs.getBoolean(column));
            boolean sameGroup = key.equals(lastKey);
            if (sameGroup && start == slot) {
                merged = merged.merge(bucket);
                continue;
            }
            if (merged != null) {
                rows.row(new GroupBucket(group, Instant.ofEpochMilli(slot), merged));
            }
            if (!sameGroup) {
                group = statement.group(key);
                lastKey = key;
            }
            slot = start;
            merged = bucket;
        }
        if (merged != null) {
            rows.row(new GroupBucket(group, Instant.ofEpochMilli(slot), merged));
        }
    }

    /** The slot holding a row's start: as SQL computed it for a fixed step; for a calendar step, its floor. */
    private static final class Slots {

        private final CalendarStep calendar;
        private long start = Long.MAX_VALUE;
        private long end = Long.MIN_VALUE;

        Slots(CalendarStep calendar) {
            this.calendar = calendar;
        }

        long of(long t) {
            if (calendar == null) {
                return t;
            }
            if (t < start || t >= end) { // rows of one group come in time order: a new step only now and then
                Instant first = calendar.floor(Instant.ofEpochMilli(t));
                start = first.toEpochMilli();
                end = calendar.next(first).toEpochMilli();
            }
            return start;
        }
    }

    private static DistinctSketch distinct(byte[] bytes) {
        return bytes == null ? null : DistinctSketch.fromBytes(bytes);
    }

    private static QuantileSketch quantiles(byte[] bytes) {
        return bytes == null ? null : QuantileSketch.fromBytes(bytes);
    }

    /** The statement for a request: which table, which key columns, merged in SQL or not. */
    static Statement statement(SeriesRequest request) {
        Optional<Rollup> rollup = BucketReader.coarsest(request);
        boolean sketches = BucketReader.needsSketches(request.agg());
        boolean extremes = BucketReader.needsExtremes(request.agg());
        List<String> groupBy = request.groupBy();
        boolean everyField = !groupBy.isEmpty() && groupBy.size() == request.metric().groupBy().size();
        boolean ungrouped = groupBy.isEmpty();
        String table = ungrouped && request.where().isEmpty() && rollup.isPresent() ? rollup.get().totals
                : rollup.map(r -> r.table).orElse("bucket");
        // Every group field kept: the stored key is the group, in the primary key's order. Fewer: the kept fields'
        // values, in field order, compared byte by byte so the order is the same on any database locale.
        List<String> fields = everyField || ungrouped ? List.of() : groupBy.stream().sorted().toList();
        List<String> keys = everyField ? List.of("group_key")
                : fields.stream().map(f -> "((group_key::jsonb ->> ?) COLLATE \"C\")").toList();
        // A fixed step's slot in SQL; a calendar step's is mapped in Java from the stored start (see above)
        boolean fixedStep = request.step() instanceof FixedStep;
        String slot = fixedStep ? "(? + ((" + BucketReader.START_MILLIS + " - ?) / ?) * ?)" : BucketReader.START_MILLIS;
        // Rows already one per group and step (every field kept, or the all-group totals, at the table's own unit)
        // are read in the primary key's order and need no merging; so are sketches, which only Java can merge. With a
        // calendar step, rows one per group and stored bucket need no merging in SQL either.
        boolean oneRowPerBucket = everyField || table.equals(rollup.map(r -> r.totals).orElse(null));
        long unit = rollup.map(r -> r.unit).orElse(request.metric().granularity()).toMillis();
        boolean oneRowPerSlot = !fixedStep || ((FixedStep) request.step()).length().toMillis() == unit;
        boolean mergedInSql = !sketches && !(oneRowPerBucket && oneRowPerSlot);
        StringBuilder select = new StringBuilder("SELECT ");
        keys.forEach(k -> select.append(k).append(", "));
        select.append(slot);
        if (mergedInSql) {
            select.append(", sum(event_count), sum(value_sum)").append(extremes ? ", min(value_min), max(value_max)" : "")
                    .append(", sum(late_count), bool_or(revised)");
        } else {
            select.append(", event_count, value_sum").append(extremes ? ", value_min, value_max" : "")
                    .append(sketches ? ", distinct_sketch, quantile_sketch" : "").append(", late_count, revised");
        }
        select.append(" FROM ").append(table).append(" WHERE metric = ? AND bucket_start >= ? AND bucket_start < ?");
        // by position: the key expressions hold parameters, which PostgreSQL cannot match to the select list's
        StringBuilder keyPositions = new StringBuilder();
        for (int i = 1; i <= keys.size(); i++) {
            keyPositions.append(i).append(", ");
        }
        String tail = mergedInSql
                ? " GROUP BY " + keyPositions + (keys.size() + 1) + " ORDER BY " + keyPositions + (keys.size() + 1)
                : " ORDER BY " + keyPositions + "bucket_start";
        return new Statement(select.toString(), tail, keys.size(), everyField, fields, sketches);
    }

    /**
     * @param select     the columns and range, without the group filter
     * @param tail       the grouping and order
     * @param keyColumns how many leading columns identify the group
     * @param storedKey  whether the one key column is the stored group key (every group field kept)
     * @param fields     the kept fields the key columns hold, when they are not the stored key
     * @param sketches   whether the rows carry the buckets' sketches
     */
    record Statement(String select, String tail, int keyColumns, boolean storedKey, List<String> fields,
                     boolean sketches) {

        String sql(boolean filtered) {
            return select + (filtered ? " AND group_key = ANY (?)" : "") + tail;
        }

        @SuppressWarnings("unchecked")
        SortedMap<String, String> group(List<String> key) {
            if (storedKey) {
                return Json.read(key.get(0), TreeMap.class);
            }
            SortedMap<String, String> group = new TreeMap<>();
            for (int i = 0; i < fields.size(); i++) {
                group.put(fields.get(i), key.get(i));
            }
            return group;
        }
    }

    private static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
