package io.pulse.query.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pulse.common.bucket.Bucket;
import io.pulse.common.pipeline.Aggregation;
import io.pulse.common.pipeline.Metric;
import io.pulse.query.series.GroupBucket;
import io.pulse.query.series.Series;
import io.pulse.query.series.SeriesCalculator;
import io.pulse.query.series.Requests;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Points written from their columns must read exactly as Jackson writes the list of point records they stand for. */
class PointsJsonTest {

    private static final Metric METRIC = new Metric("users", "frame", "duration", "uid", List.of("client_name"),
            Duration.ofMinutes(1), Duration.ZERO, List.of(Aggregation.COUNT, Aggregation.SUM, Aggregation.AVG,
            Aggregation.MIN, Aggregation.MAX, Aggregation.DISTINCT, Aggregation.fromWireName("p99").orElseThrow()), null);

    @Test
    void writesWhatJacksonWritesForThePointRecords() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        new ApiJson().customize(mapper);
        Random random = new Random(3);
        Instant base = Instant.parse("2024-02-28T22:00:00Z");
        for (int round = 0; round < 40; round++) {
            List<GroupBucket> buckets = new ArrayList<>();
            for (int i = random.nextInt(400); i > 0; i--) {
                Bucket b = Bucket.empty(METRIC);
                for (int e = 1 + random.nextInt(3); e > 0; e--) {
                    b = b.add(random.nextInt(3) == 0 ? random.nextDouble() * 1e6 : random.nextInt(500) / 8.0,
                            "u" + random.nextInt(50));
                }
                buckets.add(new GroupBucket(new TreeMap<>(Map.of("client_name", "c")),
                        base.plus(Duration.ofMinutes(random.nextInt(3 * 1440))), b));
            }
            Aggregation agg = METRIC.aggregations().get(random.nextInt(METRIC.aggregations().size()));
            Duration step = Duration.ofMinutes(1 + random.nextInt(90));
            Duration window = random.nextBoolean() ? null : Duration.ofMinutes(1 + random.nextInt(120));
            // some answers start off whole seconds, whose instants the JDK writes
            Instant from = base.plus(Duration.ofMinutes(random.nextInt(1440))).plusMillis(random.nextInt(4) == 0 ? 500 : 0);
            var request = Requests.every(METRIC, agg, step, window, from, from.plus(Duration.ofHours(1 + random.nextInt(48))),
                    List.of(), Map.of());
            for (Series series : SeriesCalculator.compute(request, buckets)) {
                // bytes, as the service writes its answers
                assertThat(new String(mapper.writeValueAsBytes(series.points()), StandardCharsets.UTF_8))
                        .isEqualTo(new String(mapper.writeValueAsBytes(new ArrayList<>(series.points())), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void writesDoublesAsJacksonsShortestDigitsWriterDoes() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        new ApiJson().customize(mapper);
        List<Double> values = new ArrayList<>(List.of(0.0, -0.0, 1.0, -1.0, 9_999_999.0, -9_999_999.0, 1e7, -1e7,
                1e7 - 0.5, 0.001, 1e-4, 123.25, 4.0 / 3, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                Double.MAX_VALUE, Double.MIN_VALUE, (double) Long.MAX_VALUE, (double) Long.MIN_VALUE, 1e300));
        Random random = new Random(5);
        for (int i = 0; i < 200_000; i++) {
            values.add(switch (i % 4) {
                case 0 -> (double) (random.nextInt(40_000_000) - 20_000_000);
                case 1 -> random.nextInt(4000) / 8.0 - 250;
                case 2 -> Double.longBitsToDouble(random.nextLong());
                default -> random.nextDouble() * 1e8;
            });
        }
        ByteArrayOutputStream fast = new ByteArrayOutputStream();
        ByteArrayOutputStream jackson = new ByteArrayOutputStream();
        try (var f = mapper.getFactory().createGenerator(fast); var j = mapper.getFactory().createGenerator(jackson)) {
            char[] digits = new char[PointsJson.WHOLE_DIGITS];
            f.writeStartArray();
            j.writeStartArray();
            for (double v : values) {
                PointsJson.writeDouble(f, v, digits);
                j.writeNumber(v);
            }
            f.writeEndArray();
            j.writeEndArray();
        }
        assertThat(fast.toString(StandardCharsets.UTF_8)).isEqualTo(jackson.toString(StandardCharsets.UTF_8));
    }
}
