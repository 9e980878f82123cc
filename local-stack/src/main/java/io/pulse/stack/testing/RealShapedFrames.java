package io.pulse.stack.testing;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Frames shaped as client telemetry really is, for tests and benchmarks of the {@code frame} type: about 2 KB of JSON
 * each, {@code ts} (epoch seconds) and {@code uid} among many extra and nested fields (client, device, geo, arrays
 * of objects), and in every fifth frame a key repeated inside a nested object, as some producers write them. Frame
 * {@code n} is the same on every run: each is made from its own seeded random source.
 *
 * <p>{@code main} writes {@code samples/frames-real.ndjson}: {@code RealShapedFrames FILE [COUNT]}.
 */
public final class RealShapedFrames {

    /** When the first frame was shown, in epoch seconds (2018-12-26T18:10:00Z); the next ones follow within a second. */
    public static final long START_SECONDS = 1_545_847_800L;
    /** The CRLF ending each line in {@link #write}: files exported on Windows end lines so. */
    public static final String LINE_END = "\r\n";

    private static final String[] CHANNELS = {"web", "ios", "android", "smart-tv", "desktop"};
    private static final String[] OS = {"iOS 12.1", "Android 9", "Windows 10", "macOS 10.14", "Tizen 4.0"};
    private static final String[] MODELS = {"iPhone10,3", "SM-G960F", "Pixel 3", "MacBookPro15,1", "UE55NU7400"};
    private static final String[] COUNTRIES = {"DE", "FR", "NL", "CH", "US", "BR"};
    private static final String[] CDNS = {"edge-fra-1", "edge-ams-2", "edge-par-1", "edge-iad-3"};

    private RealShapedFrames() {
    }

    /** Frame {@code n} on one line, without a line end. */
    public static String frame(long n) {
        SplittableRandom random = new SplittableRandom(0x5eed_f4a3L + n * 0x9E3779B97F4A7C15L);
        long ts = START_SECONDS + n / 1000;
        String uid = "u-" + random.nextInt(20_000);
        String channel = pick(random, CHANNELS);
        StringBuilder json = new StringBuilder(2300);
        json.append("{\"ts\": ").append(ts).append(", \"uid\": \"").append(uid).append('"')
                .append(", \"channel\": \"").append(channel).append('"')
                .append(", \"session\": \"").append(hex(random, 32)).append('"')
                .append(", \"seq\": ").append(n)
                .append(", \"client\": {\"name\": \"pulse-player\", \"version\": \"").append(1 + random.nextInt(4))
                .append('.').append(random.nextInt(20)).append('.').append(random.nextInt(100)).append('"')
                .append(", \"build\": \"").append(hex(random, 12)).append('"')
                .append(", \"locale\": \"").append(random.nextBoolean() ? "de-DE" : "en-US").append('"');
        if (n % 5 == 0) {
            // a repeated key inside a nested object: JSON allows it, readers keep the last
            json.append(", \"locale\": \"fr-FR\"");
        }
        json.append(", \"features\": [\"abr\", \"hdr\", \"subtitles\", \"pip\"]}")
                .append(", \"device\": {\"os\": \"").append(pick(random, OS)).append("\", \"model\": \"")
                .append(pick(random, MODELS)).append("\", \"screen\": {\"width\": ").append(720 + random.nextInt(1200))
                .append(", \"height\": ").append(480 + random.nextInt(700)).append(", \"dpr\": ")
                .append(1 + random.nextInt(3)).append("}, \"memory_mb\": ").append(1024 * (1 + random.nextInt(8)))
                .append(", \"battery\": ").append(String.format(Locale.ROOT, "%.2f", random.nextDouble())).append('}')
                .append(", \"geo\": {\"country\": \"").append(pick(random, COUNTRIES)).append("\", \"lat\": ")
                .append(String.format(Locale.ROOT, "%.5f", 35 + 20 * random.nextDouble())).append(", \"lon\": ")
                .append(String.format(Locale.ROOT, "%.5f", -10 + 40 * random.nextDouble()))
                .append(", \"asn\": ").append(1000 + random.nextInt(60_000)).append('}')
                .append(", \"playback\": {\"content_id\": \"c-").append(random.nextInt(5000))
                .append("\", \"position_ms\": ").append(random.nextInt(7_200_000))
                .append(", \"bitrate_kbps\": ").append(800 + random.nextInt(7000))
                .append(", \"cdn\": \"").append(pick(random, CDNS)).append('"');
        if (n % 5 == 0) {
            json.append(", \"cdn\": \"").append(pick(random, CDNS)).append('"');
        }
        json.append(", \"dropped_frames\": ").append(random.nextInt(30)).append('}');
        json.append(", \"segments\": [");
        for (int i = 0; i < 10; i++) {
            json.append(i == 0 ? "" : ", ").append("{\"index\": ").append(i).append(", \"duration_ms\": ")
                    .append(2000 + random.nextInt(4000)).append(", \"bytes\": ").append(100_000 + random.nextInt(900_000))
                    .append(", \"url\": \"https://cdn.example/v/").append(hex(random, 16)).append("/seg-").append(i)
                    .append(".m4s\"}");
        }
        json.append("], \"tags\": [");
        for (int i = 0; i < 10; i++) {
            json.append(i == 0 ? "" : ", ").append('"').append(hex(random, 8)).append('"');
        }
        json.append("], \"experiment\": {\"id\": \"exp-").append(random.nextInt(40)).append("\", \"arm\": ")
                .append(random.nextInt(3)).append(", \"flags\": {\"prefetch\": ").append(random.nextBoolean())
                .append(", \"low_latency\": ").append(random.nextBoolean()).append("}}, \"note\": null}");
        return json.toString();
    }

    /** Writes frames {@code [0, count)}, each line ended by CRLF. */
    public static void write(Path file, int count) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int n = 0; n < count; n++) {
                out.write(frame(n));
                out.write(LINE_END);
            }
        }
    }

    public static void main(String[] args) throws IOException {
        write(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 300);
    }

    private static String pick(SplittableRandom random, String[] values) {
        return values[random.nextInt(values.length)];
    }

    private static String hex(SplittableRandom random, int digits) {
        StringBuilder hex = new StringBuilder(digits);
        for (int i = 0; i < digits; i++) {
            hex.append(Character.forDigit(random.nextInt(16), 16));
        }
        return hex.toString();
    }
}
