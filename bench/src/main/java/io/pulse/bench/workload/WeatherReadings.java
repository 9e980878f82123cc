package io.pulse.bench.workload;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code weather_reading}: a reading a minute from each of 40 hot cities, temperature following the day with noise;
 * metric {@code heat_index} (average NWS heat index per city per hour).
 */
public final class WeatherReadings extends Workload {

    private record City(String name, double temperature, double humidity) {
    }

    private static final City[] CITIES = {new City("Lisbon", 84, 55), new City("Seville", 95, 35),
        new City("Athens", 92, 40), new City("Phoenix", 104, 15), new City("Houston", 93, 70),
        new City("Miami", 90, 75), new City("Dubai", 105, 55), new City("Delhi", 100, 60),
        new City("Bangkok", 93, 75), new City("Singapore", 88, 80), new City("Manila", 90, 78),
        new City("Cairo", 97, 35), new City("Riyadh", 108, 12), new City("Karachi", 95, 65),
        new City("Lagos", 88, 80), new City("Jakarta", 90, 78), new City("Mumbai", 91, 75),
        new City("Rome", 88, 50), new City("Madrid", 92, 30), new City("Marrakesh", 99, 25),
        new City("Las Vegas", 104, 10), new City("New Orleans", 91, 75), new City("Havana", 89, 72),
        new City("Kuala Lumpur", 90, 78), new City("Hanoi", 92, 75), new City("Doha", 106, 50),
        new City("Kuwait City", 111, 20), new City("Baghdad", 110, 15), new City("Tunis", 91, 55),
        new City("Valencia", 86, 65), new City("Naples", 87, 60), new City("Istanbul", 84, 60),
        new City("Tokyo", 87, 70), new City("Shanghai", 90, 72), new City("Hong Kong", 89, 78),
        new City("Darwin", 90, 70), new City("Brisbane", 84, 62), new City("Rio de Janeiro", 86, 72),
        new City("Sao Paulo", 82, 65), new City("Mexico City", 78, 45)};
    private static final long START_MILLIS = Instant.parse("2024-07-01T00:00:00Z").toEpochMilli();

    public WeatherReadings() {
        super("weather_reading", "heat_index", Format.NDJSON, Duration.ofHours(1), List.of("city"), "avg");
    }

    @Override
    public Generated generate(int size, long seed, Duration earlier) {
        SplittableRandom random = new SplittableRandom(seed);
        Lines lines = new Lines(size);
        Expected expected = new Expected(granularity().toMillis());
        for (int i = 0; i < size; i++) {
            City city = CITIES[i % CITIES.length];
            long millis = START_MILLIS - earlier.toMillis() + (long) (i / CITIES.length) * 60_000;
            double hourOfDay = (millis / 3_600_000.0) % 24;
            double daily = Math.sin(2 * Math.PI * (hourOfDay - 9) / 24); // warmest mid-afternoon
            double temperature = Lines.oneDecimal(city.temperature() - 8 + 8 * daily + random.nextDouble() * 4 - 2);
            double humidity = Lines.oneDecimal(Math.max(3, Math.min(100,
                    city.humidity() + 10 - 10 * daily + random.nextDouble() * 8 - 4)));
            lines.add(String.format(Locale.ROOT, "{\"city\": \"%s\", \"timestamp\": \"%s\", \"temperature\": %.1f, "
                    + "\"humidity\": %.1f}", city.name(), Instant.ofEpochMilli(millis), temperature, humidity), millis);
            expected.add(List.of(city.name()), millis, HeatIndex.of(temperature, humidity));
        }
        return lines.done(null, expected);
    }

    /** Averages of the heat index, a double the service derives; a rounding of it to 0.01 °F is accepted. */
    @Override
    public boolean matches(double expected, double actual, double relativeError) {
        return Math.abs(expected - actual) <= 0.005 + 1e-9 * Math.abs(expected);
    }

    @Override
    public String tolerance() {
        return "count exact; hourly average heat index within 0.005 °F of the bench's own NWS formula";
    }
}
