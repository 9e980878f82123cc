package io.pulse.query.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.common.bucket.BucketKey;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.smallrye.mutiny.subscription.BackPressureFailure;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LiveUpdatesTest {

    private static List<BucketKey> batch(int i) {
        Instant start = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(60L * i);
        return List.of(new BucketKey("spend", new TreeMap<>(Map.of("shop", "s" + i)), start));
    }

    /** The documented limit (the live push in the API docs): a subscriber may fall 256 committed batches behind. */
    private static final int DOCUMENTED_SLACK = 256;

    @Test
    void aSubscriberThatStopsReadingIsKept256BatchesBehindAndDroppedAtThe257th() {
        LiveUpdates live = new LiveUpdates();
        AssertSubscriber<List<BucketKey>> stuck = live.batches().subscribe().withSubscriber(AssertSubscriber.create(0));
        AssertSubscriber<List<BucketKey>> reading = live.batches().subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        for (int i = 0; i < DOCUMENTED_SLACK; i++) {
            live.published(batch(i)); // returns at once: the stuck subscriber never holds the consumer up
        }
        stuck.assertNotTerminated();
        live.published(batch(DOCUMENTED_SLACK));
        stuck.assertFailedWith(BackPressureFailure.class);
        reading.assertNotTerminated();
        assertThat(reading.getItems()).hasSize(DOCUMENTED_SLACK + 1);
        for (int i = 0; i <= DOCUMENTED_SLACK; i++) {
            assertThat(reading.getItems().get(i)).isEqualTo(batch(i));
        }
    }

    @Test
    void emptyBatchesAreNotPublished() {
        LiveUpdates live = new LiveUpdates();
        AssertSubscriber<List<BucketKey>> reading = live.batches().subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        live.published(List.of());
        live.published(batch(1));
        assertThat(reading.getItems()).containsExactly(batch(1));
    }
}
