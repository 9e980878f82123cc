package io.pulse.stack.testing;

import java.util.Arrays;

/** Reads values out of a service's Prometheus exposition ({@code /q/metrics}), for tests and benchmarks. */
public final class PrometheusSamples {

    private PrometheusSamples() {
    }

    /** The sum of the samples of {@code metric} whose labels include every given {@code name="value"}. */
    public static double sum(String exposition, String metric, String... labels) {
        return exposition.lines()
                .filter(l -> l.startsWith(metric + "{") || l.startsWith(metric + " "))
                .filter(l -> Arrays.stream(labels).allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
