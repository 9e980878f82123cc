package io.pulse.bench.workload;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code trip}: 60 days of trips in time order around three cities, origins scattered a few kilometres around each
 * centre; metric {@code trips} (count per region and origin geohash cell of precision 5, per day).
 */
public final class Trips extends Workload {

    private record City(String name, double lon, double lat) {
    }

    private static final City[] CITIES = {new City("Prague", 14.4378, 50.0755), new City("Turin", 7.6869, 45.0703),
        new City("Hamburg", 9.9937, 53.5511)};
    private static final String[] SOURCES = {"funny_car", "baba_car", "cheap_mobile", "pt_search_app", "bad_diesel_vehicles"};
    private static final long START_MILLIS = Instant.parse("2018-05-01T00:00:00Z").toEpochMilli();
    private static final long SPAN_MILLIS = Duration.ofDays(60).toMillis();
    /** About 4 km: origins fall into a few dozen precision-5 cells per city. */
    private static final double SPREAD_DEGREES = 0.04;
    private static final DateTimeFormatter DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    public Trips() {
        super("trip", "trips", Format.CSV, Duration.ofDays(1), List.of("region", "origin_cell"), "count");
    }

    @Override
    public Generated generate(int size, long seed, Duration earlier) {
        SplittableRandom random = new SplittableRandom(seed);
        Lines lines = new Lines(size);
        Expected expected = new Expected(granularity().toMillis());
        for (int i = 0; i < size; i++) {
            long millis = (START_MILLIS - earlier.toMillis() + SPAN_MILLIS * i / size) / 1000 * 1000;
            City city = CITIES[random.nextInt(CITIES.length)];
            String originLon = coordinate(city.lon() + gaussian(random) * SPREAD_DEGREES);
            String originLat = coordinate(city.lat() + gaussian(random) * SPREAD_DEGREES * 0.7);
            String destinationLon = coordinate(Double.parseDouble(originLon) + gaussian(random) * SPREAD_DEGREES);
            String destinationLat = coordinate(Double.parseDouble(originLat) + gaussian(random) * SPREAD_DEGREES * 0.7);
            lines.add(city.name() + ",POINT (" + originLon + " " + originLat + "),POINT (" + destinationLon + " "
                    + destinationLat + ")," + DATETIME.format(Instant.ofEpochMilli(millis)) + ","
                    + SOURCES[random.nextInt(SOURCES.length)], millis);
            String cell = Geohash.of(Double.parseDouble(originLon), Double.parseDouble(originLat), 5);
            expected.add(List.of(city.name(), cell), millis, 1);
        }
        return lines.done("region,origin_coord,destination_coord,datetime,datasource", expected);
    }

    /** Coordinates as GPS exports write them: plain decimals with many digits. */
    private static String coordinate(double degrees) {
        return String.format(java.util.Locale.ROOT, "%.14f", degrees);
    }

    private static double gaussian(SplittableRandom random) {
        // Box–Muller: SplittableRandom has no nextGaussian on Java 17
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
