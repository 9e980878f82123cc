package io.pulse.query.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.common.bucket.Bucket;
import io.pulse.common.bucket.BucketUpdate;
import io.pulse.query.store.BucketRepository;
import io.pulse.stack.testing.KafkaResource;
import io.pulse.stack.testing.PostgresResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class RetentionJobTest {

    @Inject
    RetentionJob job;

    @Inject
    BucketRepository buckets;

    private void store(String client, String start) {
        Instant s = Instant.parse(start);
        BucketUpdate u = new BucketUpdate("delivery_time", new TreeMap<>(Map.of("client_name", client)), s,
                s.plusSeconds(60), Bucket.EMPTY.add(1), true, Instant.now());
        buckets.store(List.of(u));
    }

    @Test
    void dropsBucketsOlderThanTheMetricsRetention() {
        // The bundled delivery_time keeps 3650 days.
        String client = "retention-" + UUID.randomUUID();
        store(client, "2001-01-01T00:00:00Z");
        store(client, "2024-01-01T00:00:00Z");
        job.dropExpired();
        var left = QuarkusTransaction.requiringNew().call(() ->
                buckets.list("metric = ?1 and groupKey like ?2", "delivery_time", "%" + client + "%"));
        assertThat(left).extracting(row -> row.start).containsExactly(Instant.parse("2024-01-01T00:00:00Z"));
    }
}
