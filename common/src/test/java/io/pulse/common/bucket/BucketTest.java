package io.pulse.common.bucket;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.common.json.Json;
import java.time.Instant;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class BucketTest {

    @Test
    void addAndMergeKeepExactAggregates() {
        Bucket a = Bucket.EMPTY.add(20).add(31);
        Bucket b = Bucket.EMPTY.add(54);
        Bucket all = a.merge(b);
        assertThat(all.count()).isEqualTo(3);
        assertThat(all.sum()).isEqualTo(105);
        assertThat(all.min()).isEqualTo(20);
        assertThat(all.max()).isEqualTo(54);
        assertThat(Bucket.EMPTY.merge(b)).isEqualTo(b);
        assertThat(b.merge(Bucket.EMPTY)).isEqualTo(b);
        assertThat(Bucket.EMPTY.addCount().addCount()).isEqualTo(new Bucket(2, 0, null, null));
    }

    @Test
    void updateRoundTripsThroughItsWireFormat() {
        var group = new TreeMap<String, String>();
        group.put("client_name", "airliberty");
        var update = new BucketUpdate("delivery_time", group, Instant.parse("2018-12-26T18:11:00Z"),
                Instant.parse("2018-12-26T18:12:00Z"), Bucket.EMPTY.add(20), false, Instant.parse("2026-01-01T00:00:00Z"));
        String json = Json.writeString(update);
        assertThat(json).contains("\"final\":false").contains("\"start\":\"2018-12-26T18:11:00Z\"");
        assertThat(Json.read(json, BucketUpdate.class)).isEqualTo(update);
    }
}
