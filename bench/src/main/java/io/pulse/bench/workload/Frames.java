package io.pulse.bench.workload;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code frame}: about 1,000 frames a second from 20,000 users, in time order except 2 % that arrive 1 to 20 seconds
 * late; metric {@code unique_users} (distinct {@code uid} a minute).
 */
public final class Frames extends Workload {

    private static final int USERS = 20_000;
    private static final long START_MILLIS = Instant.parse("2018-12-26T18:10:00Z").toEpochMilli();
    private static final double LATE_SHARE = 0.02;
    private static final int MAX_LATE_SECONDS = 20;

    public Frames() {
        super("frame", "unique_users", Format.NDJSON, Duration.ofMinutes(1), List.of(), "distinct");
    }

    @Override
    public Generated generate(int size, long seed, Duration earlier) {
        SplittableRandom random = new SplittableRandom(seed);
        Lines lines = new Lines(size);
        Expected expected = new Expected(granularity().toMillis());
        long clock = START_MILLIS - earlier.toMillis();
        for (int i = 0; i < size; i++) {
            clock += random.nextInt(3); // mean 1 ms
            long seconds = clock / 1000;
            if (random.nextDouble() < LATE_SHARE) {
                seconds -= 1 + random.nextInt(MAX_LATE_SECONDS);
            }
            String uid = "u-" + Lines.popular(random, USERS);
            lines.add("{\"ts\": " + seconds + ", \"uid\": \"" + uid + "\"}", seconds * 1000);
            expected.addDistinct(List.of(), seconds * 1000, uid);
        }
        return lines.done(null, expected);
    }

    /** Exact up to 1,000 values; beyond, HyperLogLog with a reported bound of about 95 % confidence. */
    @Override
    public boolean matches(double expected, double actual, double relativeError) {
        return Math.abs(expected - actual) <= 2 * relativeError * expected;
    }

    @Override
    public String tolerance() {
        return "distinct exact while the API reports error 0; else within twice the reported relative error "
                + "(the bound is about 95 % confidence, so about 1 bucket in 20 may exceed it once)";
    }
}
