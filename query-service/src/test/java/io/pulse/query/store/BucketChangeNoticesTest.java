package io.pulse.query.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.common.bucket.BucketKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class BucketChangeNoticesTest {

    /** PostgreSQL's limit on a NOTIFY payload: shorter than 8,000 bytes. */
    private static final int POSTGRES_PAYLOAD_LIMIT = 8_000;

    @Test
    void aLargeBatchIsToldInNoticesUnderPostgresLimitThatNameEveryBucketOnce() {
        List<BucketKey> changed = new ArrayList<>();
        Instant start = Instant.parse("2024-01-01T00:00:00Z");
        for (int i = 0; i < 2_000; i++) {
            changed.add(new BucketKey("delivery_time", new TreeMap<>(Map.of("client_name", "client-é-" + i % 37,
                    "region", "r" + i)), start.plusSeconds(60L * i)));
        }
        List<String> payloads = BucketChangeNotices.payloads(changed);
        assertThat(payloads).hasSizeGreaterThan(1);
        List<BucketKey> read = new ArrayList<>();
        for (String payload : payloads) {
            assertThat(payload.getBytes(StandardCharsets.UTF_8).length).isLessThan(POSTGRES_PAYLOAD_LIMIT);
            read.addAll(BucketChangeNotices.read(payload));
        }
        assertThat(read).isEqualTo(changed);
    }

    @Test
    void nothingChangedSendsNoNotice() {
        assertThat(BucketChangeNotices.payloads(List.of())).isEmpty();
    }
}
