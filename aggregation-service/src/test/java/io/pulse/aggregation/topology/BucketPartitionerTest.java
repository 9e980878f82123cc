package io.pulse.aggregation.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.common.bucket.Bucket;
import io.pulse.common.bucket.BucketUpdate;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class BucketPartitionerTest {

    private static final Instant START = Instant.parse("2018-12-26T18:11:00Z");

    private static BucketUpdate update(String client, String revision) {
        return new BucketUpdate("delivery_time", new TreeMap<>(Map.of("client_name", client)), START,
                START.plusSeconds(60), Bucket.EMPTY.add(20), true, Instant.parse("2026-01-01T00:00:00Z"), revision);
    }

    @Test
    void aBucketsValueGoesWhereKafkaPutsItsKeyAndItsRevisionsFollowIt() {
        BucketPartitioner partitioner = new BucketPartitioner();
        for (String client : new String[] {"airliberty", "taxi4you", "lingo", "x", "ünïcode"}) {
            BucketUpdate value = update(client, null);
            int kafkas = BuiltInPartitioner.partitionForKey(value.recordKey().getBytes(StandardCharsets.UTF_8), 12);
            assertThat(partitioner.partitions("aggregates", value.recordKey(), value, 12)).isEqualTo(Optional.of(Set.of(kafkas)));
            BucketUpdate revision = update(client, "events.translation_delivered-3@1234");
            assertThat(revision.recordKey()).isNotEqualTo(value.recordKey());
            assertThat(partitioner.partitions("aggregates", revision.recordKey(), revision, 12))
                    .isEqualTo(Optional.of(Set.of(kafkas)));
        }
    }
}
