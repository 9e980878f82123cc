package io.pulse.bench.workload;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Collects generated lines and their event times; shared helpers for realistic, seeded choices. */
final class Lines {

    private final List<byte[]> lines;
    private final long[] times;

    Lines(int size) {
        lines = new ArrayList<>(size);
        times = new long[size];
    }

    void add(CharSequence line, long epochMillis) {
        times[lines.size()] = epochMillis;
        lines.add(line.toString().getBytes(StandardCharsets.UTF_8));
    }

    Generated done(String header, Expected expected) {
        return new Generated(header, lines, times, expected);
    }

    /** An index in {@code [0, n)} where low indexes are much more likely: a few popular clients, songs, users. */
    static int popular(SplittableRandom random, int n) {
        double u = random.nextDouble();
        return (int) (n * u * u);
    }

    /** A value rounded to one decimal, as sensors and people write them. */
    static double oneDecimal(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
