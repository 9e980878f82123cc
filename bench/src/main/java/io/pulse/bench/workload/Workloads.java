package io.pulse.bench.workload;

import java.util.List;

/** The five contract workloads, in the order the report lists them. */
public final class Workloads {

    public static final List<Workload> ALL = List.of(new Translations(), new Frames(), new Trips(),
            new WeatherReadings(), new SongPlays());

    private Workloads() {
    }

    public static Workload byType(String type) {
        return ALL.stream().filter(w -> w.type().equals(type)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("--workloads: unknown workload '" + type + "'; use "
                        + ALL.stream().map(Workload::type).toList()));
    }
}
