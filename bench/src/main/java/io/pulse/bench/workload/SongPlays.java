package io.pulse.bench.workload;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code song_play}: a year of daily play counts for 100 songs, rows in date order (several rows may report the same
 * song on the same day); metric {@code plays} (sum of {@code Number of Plays} per song per day).
 */
public final class SongPlays implements Workload {

    private static final String[] FIRST = {"Blue", "Silent", "Golden", "Broken", "Electric", "Midnight", "Wild",
        "Paper", "Velvet", "Burning"};
    private static final String[] SECOND = {"Morning", "River", "Heart", "Highway", "Summer", "Echo", "Garden",
        "Skyline", "Letters", "Rain"};
    private static final LocalDate FIRST_DAY = LocalDate.of(2019, 1, 1);
    private static final int DAYS = 365;

    @Override
    public String type() {
        return "song_play";
    }

    @Override
    public String metric() {
        return "plays";
    }

    @Override
    public Format format() {
        return Format.CSV;
    }

    @Override
    public Duration granularity() {
        return Duration.ofDays(1);
    }

    @Override
    public List<String> groupBy() {
        return List.of("Song");
    }

    @Override
    public String agg() {
        return "sum";
    }

    @Override
    public Generated generate(int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Lines lines = new Lines(size);
        Expected expected = new Expected(granularity().toMillis());
        for (int i = 0; i < size; i++) {
            LocalDate day = FIRST_DAY.plusDays((long) i * DAYS / size);
            int n = Lines.popular(random, FIRST.length * SECOND.length);
            String song = FIRST[n / SECOND.length] + " " + SECOND[n % SECOND.length];
            int plays = 1 + random.nextInt(1000);
            long millis = day.toEpochDay() * 86_400_000L;
            lines.add(song + "," + day + "," + plays, millis);
            expected.add(List.of(song), millis, plays);
        }
        return lines.done("Song,Date,Number of Plays", expected);
    }
}
