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
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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

    @Inject
    MeterRegistry registry;

    private void store(String client, String start) {
        Instant s = Instant.parse(start);
        BucketUpdate u = new BucketUpdate("delivery_time", new TreeMap<>(Map.of("client_name", client)), s,
                s.plusSeconds(60), Bucket.EMPTY.add(1), true, Instant.now());
        buckets.store(List.of(u));
    }

    /** As if the last run, by this instance's schedule or another's, were long ago. */
    private void intervalPassed() {
        QuarkusTransaction.requiringNew().run(() -> buckets.getEntityManager()
                .createNativeQuery("UPDATE retention_run SET last_run = '-infinity'").executeUpdate());
    }

    private List<Instant> starts(String client) {
        return QuarkusTransaction.requiringNew().call(() ->
                buckets.list("metric = ?1 and groupKey like ?2", "delivery_time", "%" + client + "%"))
                .stream().map(row -> row.start).toList();
    }

    private double expired() {
        Counter c = registry.find("pulse.query.buckets.expired").tag("metric", "delivery_time").counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void dropsBucketsOlderThanTheMetricsRetention() {
        // The bundled delivery_time keeps 3650 days.
        String client = "retention-" + UUID.randomUUID();
        store(client, "2001-01-01T00:00:00Z");
        store(client, "2024-01-01T00:00:00Z");
        intervalPassed();
        assertThat(job.dropExpired()).isTrue();
        assertThat(starts(client)).containsExactly(Instant.parse("2024-01-01T00:00:00Z"));
    }

    @Test
    void twoInstancesRunningRetentionAtOnceDoTheWorkOnce() throws Exception {
        String client = "retention-" + UUID.randomUUID();
        store(client, "2002-01-01T00:00:00Z");
        store(client, "2002-01-01T00:01:00Z");
        store(client, "2024-01-01T00:00:00Z");
        intervalPassed();
        double before = expired();
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService instances = Executors.newFixedThreadPool(2);
        try {
            List<Future<Boolean>> runs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                runs.add(instances.submit(() -> {
                    together.await();
                    return job.dropExpired();
                }));
            }
            List<Boolean> worked = new ArrayList<>();
            for (Future<Boolean> run : runs) {
                worked.add(run.get(1, TimeUnit.MINUTES));
            }
            assertThat(worked).containsExactlyInAnyOrder(true, false);
        } finally {
            instances.shutdownNow();
        }
        assertThat(starts(client)).containsExactly(Instant.parse("2024-01-01T00:00:00Z"));
        assertThat(expired() - before).isEqualTo(2.0);
        // Within the same interval, a later schedule (another instance's) leaves it alone.
        assertThat(job.dropExpired()).isFalse();
    }
}
