package io.pulse.bench.workload;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.SplittableRandom;

/** {@code translation_delivered}: about 10,000 deliveries a minute for 20 clients; metric {@code delivery_time}. */
public final class Translations extends Workload {

    private static final String[] CLIENTS = {"airliberty", "taxi-eats", "shopnow", "bookworm", "medicalcare",
        "lawfirm", "travelgo", "newsdaily", "gamezone", "fintrack", "edulearn", "foodie", "autoparts", "petcare",
        "homedeco", "sportmax", "musicbox", "cloudops", "greenpower", "citybike"};
    private static final String[] LANGUAGES = {"en", "fr", "de", "es", "pt", "it", "nl", "pl", "ja", "zh"};
    private static final long START_MICROS = Instant.parse("2018-12-26T18:00:00Z").toEpochMilli() * 1000;
    /** Mean gap 6 ms: 10,000 a minute, so a request of 10,000 spans about a minute of event time. */
    private static final int MAX_GAP_MICROS = 12_000;
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS")
            .withZone(ZoneOffset.UTC);

    public Translations() {
        super("translation_delivered", "delivery_time", Format.NDJSON, Duration.ofMinutes(1), List.of("client_name"), "sum");
    }

    @Override
    public Generated generate(int size, long seed, Duration earlier) {
        SplittableRandom random = new SplittableRandom(seed);
        Lines lines = new Lines(size);
        Expected expected = new Expected(granularity().toMillis());
        long micros = START_MICROS - earlier.toMillis() * 1000;
        for (int i = 0; i < size; i++) {
            micros += random.nextInt(MAX_GAP_MICROS + 1);
            String client = CLIENTS[Lines.popular(random, CLIENTS.length)];
            String source = LANGUAGES[random.nextInt(3)];
            String target = LANGUAGES[random.nextInt(LANGUAGES.length)];
            int words = 1 + random.nextInt(400);
            int duration = 5 + words / 10 + random.nextInt(30);
            long millis = Math.floorDiv(micros, 1000);
            lines.add("{\"timestamp\": \"" + TIMESTAMP.format(Instant.ofEpochSecond(0, micros * 1000))
                    + "\", \"translation_id\": \"" + String.format("%05x%015x", seed & 0xfffff, i)
                    + "\", \"source_language\": \"" + source + "\", \"target_language\": \"" + target
                    + "\", \"client_name\": \"" + client + "\", \"event_name\": \"translation_delivered\", \"nr_words\": "
                    + words + ", \"duration\": " + duration + "}", millis);
            expected.add(List.of(client), millis, duration);
        }
        return lines.done(null, expected);
    }
}
