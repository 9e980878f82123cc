package io.pulse.bench.workload;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code song_play}: a year of daily play counts for 100 songs, rows in date order (several rows may report the same
 * song on the same day); metric {@code plays} (sum of {@code Number of Plays} per song per day).
 */
public final class SongPlays extends Workload {

    private static final String[] FIRST = {"Blue", "Silent", "Golden", "Broken", "Electric", "Midnight", "Wild",
        "Paper", "Velvet", "Burning"};
    private static final String[] SECOND = {"Morning", "River", "Heart", "Highway", "Summer", "Echo", "Garden",
        "Skyline", "Letters", "Rain"};
    private static final LocalDate FIRST_DAY = LocalDate.of(2019, 1, 1);
    private static final int DAYS = 365;

    public SongPlays() {
        super("song_play", "plays", Format.CSV, Duration.ofDays(1), List.of("Song"), "sum");
    }

    @Override
    public Generated generate(int size, long seed, Duration earlier) {
        SplittableRandom random = new SplittableRandom(seed);
        Lines lines = new Lines(size);
        Expected expected = new Expected(granularity().toMillis());
        for (int i = 0; i < size; i++) {
            LocalDate day = FIRST_DAY.minusDays(earlier.toDays()).plusDays((long) i * DAYS / size);
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
