package io.pulse.aggregation.topology;

import io.pulse.common.bucket.BucketUpdate;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Puts every record of one bucket on {@code aggregates}, its values and its revisions, on one partition, so the query
 * service reads them in the order they were written; their record keys differ (a revision's names it too). A bucket's
 * value lands where Kafka's default partitioner would put its record key: the murmur2 hash of the same bytes.
 */
final class BucketPartitioner implements StreamPartitioner<String, BucketUpdate> {

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, BucketUpdate update, int numPartitions) {
        byte[] bucket = update.partitionKey().getBytes(StandardCharsets.UTF_8);
        return Optional.of(Set.of(Utils.toPositive(Utils.murmur2(bucket)) % numPartitions));
    }
}
