package io.pulse.query.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.bucket.BucketKey;
import io.pulse.common.json.Json;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The buckets a store transaction changed, told to every query instance through PostgreSQL's {@code NOTIFY}, so each
 * instance's live push carries every change whichever instance stored it. A notice is sent in the storing transaction
 * and delivered only when it commits, in commit order, so a listener never hears of a change it cannot read yet, nor of
 * one rolled back. A notice names the buckets only; listeners read their values as stored, which is what live
 * subscribers are shown (a revision is partial: what it adds to a bucket is known only once it is merged).
 */
public final class BucketChangeNotices {

    /** The channel instances {@code LISTEN} on. */
    public static final String CHANNEL = "pulse_bucket_changes";

    /** PostgreSQL refuses payloads of 8,000 bytes or more: larger batches are told in several notices. */
    static final int MAX_PAYLOAD_BYTES = 7_900;

    private BucketChangeNotices() {
    }

    /** Sends the notices of {@code changed} in the transaction of {@code connection}. */
    static void send(Connection connection, List<BucketKey> changed) throws SQLException {
        List<String> payloads = payloads(changed);
        if (payloads.isEmpty()) {
            return;
        }
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT count(pg_notify('" + CHANNEL + "', p)) FROM unnest(?::text[]) AS p")) {
            s.setArray(1, connection.createArrayOf("text", payloads.toArray()));
            s.execute();
        }
    }

    /** {@code changed} as payloads under the size limit: JSON arrays of {@code [metric, group, start millis]}. */
    static List<String> payloads(List<BucketKey> changed) {
        List<String> payloads = new ArrayList<>();
        StringBuilder payload = new StringBuilder();
        int bytes = 0;
        for (BucketKey key : changed) {
            String entry = Json.writeString(List.of(key.metric(), key.group(), key.start().toEpochMilli()));
            int size = entry.getBytes(StandardCharsets.UTF_8).length;
            if (payload.length() > 0 && bytes + size + 2 > MAX_PAYLOAD_BYTES) {
                payloads.add(payload.append(']').toString());
                payload.setLength(0);
                bytes = 0;
            }
            payload.append(payload.length() == 0 ? '[' : ',').append(entry);
            bytes += size + 1;
        }
        if (payload.length() > 0) {
            payloads.add(payload.append(']').toString());
        }
        return payloads;
    }

    /** The buckets one notice names. */
    @SuppressWarnings("unchecked")
    public static List<BucketKey> read(String payload) {
        List<BucketKey> keys = new ArrayList<>();
        for (JsonNode entry : Json.read(payload, JsonNode.class)) {
            keys.add(new BucketKey(entry.get(0).asText(), new TreeMap<>(Json.MAPPER.convertValue(entry.get(1), Map.class)),
                    Instant.ofEpochMilli(entry.get(2).asLong())));
        }
        return keys;
    }
}
