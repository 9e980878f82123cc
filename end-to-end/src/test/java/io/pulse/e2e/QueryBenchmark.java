package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.Topics;
import io.pulse.common.bucket.Bucket;
import io.pulse.common.bucket.BucketUpdate;
import io.pulse.common.bucket.QuantileSketch;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.PipelineLoader;
import io.pulse.stack.Ports;
import io.pulse.stack.kafka.KafkaBroker;
import io.pulse.stack.kafka.TopicSetup;
import io.pulse.stack.postgres.PostgresServer;
import io.pulse.stack.services.Service;
import io.pulse.stack.services.ServiceProcess;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test: a measurement, run only by the {@code benchmark} profile (see docs/benchmarks.md).
 * Thirty days of one-minute {@code delivery_time} buckets for 100 clients (4.32 million) are published on
 * {@code aggregates}; the packaged query service stores them, timed against a plain Kafka consumer reading the same
 * records in the same run. Then three questions are asked over HTTP from 16 concurrent clients, each answer first
 * checked against values computed here from the generated buckets.
 */
class QueryBenchmark {

    private static final int DAYS = Integer.getInteger("benchmark.days", 30);
    private static final int GROUPS = Integer.getInteger("benchmark.groups", 100);
    private static final int CONCURRENCY = Integer.getInteger("benchmark.concurrency", 16);
    private static final int SECONDS = Integer.getInteger("benchmark.seconds", 30);
    private static final int WARM_UP_SECONDS = Integer.getInteger("benchmark.warm-up-seconds", 5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(Integer.getInteger("benchmark.request-timeout", 60));
    private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(Integer.getInteger("benchmark.load-timeout-minutes", 60));
    private static final Path HOME = Path.of(System.getProperty("pulse.home", "..")).toAbsolutePath().normalize();
    /** Another build of the query service may be measured with the same command (e.g. the code before a change). */
    private static final Path QUERY_JAR = Path.of(System.getProperty("benchmark.query-jar",
            HOME.resolve("query-service/target/quarkus-app/quarkus-run.jar").toString()));
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final int MINUTES = DAYS * 1440;
    private static final String METRIC = "delivery_time";
    private static final String GROUP_ID = "pulse-query";

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path data;

    private static String client(int g) {
        return String.format(Locale.ROOT, "client-%03d", g);
    }

    /** The durations of the events of group {@code g} in minute {@code m}: one to four whole numbers, 1 to 400. */
    private static long[] durations(int g, int m) {
        long h = mix(g * 1_000_003L + m);
        long[] values = new long[1 + (int) (h & 3)];
        for (int i = 0; i < values.length; i++) {
            values[i] = 1 + Math.floorMod(h >>> (8 * i + 2), 400);
        }
        return values;
    }

    private static long mix(long x) { // SplitMix64's finalizer: well spread bits from consecutive inputs
        x = (x ^ (x >>> 30)) * 0xbf58476d1ce4e5b9L;
        x = (x ^ (x >>> 27)) * 0x94d049bb133111ebL;
        return x ^ (x >>> 31);
    }

    private static BucketUpdate update(int g, int m) {
        Bucket b = new Bucket(0, 0, null, null, null, QuantileSketch.empty());
        for (long v : durations(g, m)) {
            b = b.add(v);
        }
        Instant start = START.plusSeconds(60L * m);
        return new BucketUpdate(METRIC, new TreeMap<>(Map.of("client_name", client(g))), start, start.plusSeconds(60),
                b, true, start.plusSeconds(360));
    }

    @Test
    void thirtyDaysOfBucketsStoredAndAskedOverHttp() throws Exception {
        int kafkaPort = Ports.free();
        while (!Ports.isFree(kafkaPort + 1)) { // the KRaft controller takes the next port
            kafkaPort = Ports.free();
        }
        try (KafkaBroker broker = KafkaBroker.start(data.resolve("kafka"), kafkaPort, kafkaPort + 1);
             PostgresServer postgres = PostgresServer.start(data.resolve("postgres"), 0)) {
            TopicSetup.create(broker.bootstrapServers(), PipelineLoader.load(PipelineLoader.BUNDLED), 2);
            long buckets = (long) GROUPS * MINUTES;
            double produceSeconds = produce(broker);
            double plainSeconds = plainConsumer(broker, buckets);

            int port = Ports.free();
            long loadStart = System.nanoTime();
            try (ServiceProcess query = ServiceProcess.start(Service.QUERY, QUERY_JAR, port,
                    Map.of("pulse.security.keys-file", TestStacks.keysFile(), "kafka.bootstrap.servers", broker.bootstrapServers(),
                            "quarkus.datasource.jdbc.url", postgres.jdbcUrl(),
                            "quarkus.datasource.username", PostgresServer.USER,
                            "quarkus.datasource.password", PostgresServer.PASSWORD,
                            "quarkus.http.host", "127.0.0.1", "quarkus.log.level", "WARN"),
                    jvm(), System.out)) {
                query.awaitReady(Duration.ofSeconds(120));
                double readySeconds = (System.nanoTime() - loadStart) / 1e9;
                awaitConsumed(broker);
                double loadSeconds = (System.nanoTime() - loadStart) / 1e9;

                List<Result> results = new ArrayList<>();
                results.add(run("(a) /series: 1 group, 1 day, 1m steps", 50, query, this::oneGroupOneDay));
                results.add(run("(c) /top: top-10 groups, 7 days", 50, query, this::topTenOfAWeek));
                results.add(run("(b) /moving: all groups, 30 days, 1h window, 1h steps", 250, query, this::allGroupsMoving));

                System.out.printf(Locale.ROOT, "%nQuery benchmark: %,d buckets (%d days x 1,440 minutes x %d groups of %s),"
                        + " concurrency %d, %d s per question after %d s of warm-up%n", buckets, DAYS, GROUPS, METRIC,
                        CONCURRENCY, SECONDS, WARM_UP_SECONDS);
                System.out.printf(Locale.ROOT, "  produced to aggregates         : %,10.0f buckets/s (%.1f s)%n",
                        buckets / produceSeconds, produceSeconds);
                System.out.printf(Locale.ROOT, "  plain Kafka consumer (baseline): %,10.0f buckets/s (%.1f s)%n",
                        buckets / plainSeconds, plainSeconds);
                System.out.printf(Locale.ROOT, "  query service stored           : %,10.0f buckets/s (%.1f s, of which %.1f s start-up)"
                        + "  ratio to the plain consumer: %.3f%n", buckets / loadSeconds, loadSeconds, readySeconds,
                        plainSeconds / loadSeconds);
                System.out.printf(Locale.ROOT, "  %-55s %9s %9s %9s %8s %7s %6s  %s%n", "question", "p50 ms", "p99 ms",
                        "max ms", "req/s", "errors", "target", "answer");
                for (Result r : results) {
                    System.out.printf(Locale.ROOT, "  %-55s %9.1f %9.1f %9.1f %8.1f %7d %6s  %s%n", r.name,
                            r.millis(50), r.millis(99), r.histogram.getMaxValue() / 1000.0, r.perSecond(), r.errors,
                            r.histogram.getTotalCount() == 0 ? "-" : r.millis(99) < r.targetMillis ? "met" : "missed",
                            r.answer);
                }
                System.out.println();
                assertThat(results).as("answers that differ from the generated data")
                        .noneMatch(r -> r.answer.startsWith("WRONG"));
            }
        }
    }

    /**
     * The service's JVM flags; with {@code -Dbenchmark.jfr=FILE} also a JFR profile, written when it stops, and with
     * {@code -Dbenchmark.service-jvm-options="…"} more flags (space-separated, after the usual ones).
     */
    private static List<String> jvm() {
        List<String> jvm = new ArrayList<>(List.of("-Xms64m", "-Xmx512m", "-XX:+ExitOnOutOfMemoryError"));
        String jfr = System.getProperty("benchmark.jfr", "");
        if (!jfr.isBlank()) {
            jvm.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile,dumponexit=true");
        }
        String more = System.getProperty("benchmark.service-jvm-options", "");
        if (!more.isBlank()) {
            jvm.addAll(List.of(more.trim().split("\\s+")));
        }
        return jvm;
    }

    /** Publishes every bucket, minute by minute as the aggregation service would; answers the seconds taken. */
    private static double produce(KafkaBroker broker) throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            for (int m = 0; m < MINUTES; m++) {
                for (int g = 0; g < GROUPS; g++) {
                    BucketUpdate u = update(g, m);
                    producer.send(new ProducerRecord<>(Topics.AGGREGATES, Json.writeString(u.key()), Json.writeString(u)),
                            (meta, e) -> {
                                if (e != null) {
                                    failed.incrementAndGet();
                                }
                            });
                }
            }
            producer.flush();
        }
        assertThat(failed.get()).isZero();
        return (System.nanoTime() - start) / 1e9;
    }

    /** Seconds for a plain consumer, configured as the query service's, to read every record of {@code aggregates}. */
    private static double plainConsumer(KafkaBroker broker, long expected) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.AGGREGATES).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long start = System.nanoTime();
            long read = 0;
            while (read < expected) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    read += record.value().length() > 0 ? 1 : 0;
                }
            }
            return (System.nanoTime() - start) / 1e9;
        }
    }

    /** Blocks until the query service has committed every offset of {@code aggregates}. */
    private static void awaitConsumed(KafkaBroker broker) throws Exception {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (Admin admin = Admin.create(config)) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(Topics.AGGREGATES)).allTopicNames().get().get(Topics.AGGREGATES).partitions()
                    .forEach(p -> latest.put(new TopicPartition(Topics.AGGREGATES, p.partition()), OffsetSpec.latest()));
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
            Instant deadline = Instant.now().plus(LOAD_TIMEOUT);
            while (Instant.now().isBefore(deadline)) {
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(GROUP_ID).partitionsToOffsetAndMetadata().get();
                if (ends.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
                        && committed.get(e.getKey()).offset() >= e.getValue())) {
                    return;
                }
                Thread.sleep(250);
            }
            throw new IllegalStateException("the query service did not store every bucket within " + LOAD_TIMEOUT);
        }
    }

    /** One question: its path and query for a random draw, and the answer expected for it. */
    private record Question(String path, Map<String, String> query, Function<JsonNode, Boolean> isExpected) {
    }

    private Question oneGroupOneDay(Random random) {
        int g = random.nextInt(GROUPS);
        int day = random.nextInt(DAYS);
        Instant from = START.plus(Duration.ofDays(day));
        return new Question("series", Map.of("from", from.toString(), "to", from.plus(Duration.ofDays(1)).toString(),
                "step", "1m", "agg", "avg", "group_by", "client_name", "where", "client_name:" + client(g)), answer -> {
            JsonNode points = answer.path("series").path(0).path("points");
            if (answer.path("series").size() != 1 || points.size() != 1440) {
                return false;
            }
            for (int i = 0; i < 1440; i++) {
                long[] v = durations(g, day * 1440 + i);
                if (points.path(i).path("value").asDouble() != (double) sum(v) / v.length
                        || points.path(i).path("count").asLong() != v.length) {
                    return false;
                }
            }
            return true;
        });
    }

    private Question allGroupsMoving(Random random) {
        return new Question("moving", Map.of("from", START.toString(), "to", START.plus(Duration.ofDays(DAYS)).toString(),
                "window", "1h", "step", "1h", "agg", "avg"), answer -> {
            JsonNode points = answer.path("series").path(0).path("points");
            if (answer.path("series").size() != 1 || points.size() != DAYS * 24 || !points.path(0).path("value").isNull()) {
                return false;
            }
            for (int h = 1; h < DAYS * 24; h++) { // the point at hour h covers hour h − 1
                long sum = 0;
                long count = 0;
                for (int m = (h - 1) * 60; m < h * 60; m++) {
                    for (int g = 0; g < GROUPS; g++) {
                        long[] v = durations(g, m);
                        sum += sum(v);
                        count += v.length;
                    }
                }
                if (points.path(h).path("value").asDouble() != (double) sum / count || points.path(h).path("count").asLong() != count) {
                    return false;
                }
            }
            return true;
        });
    }

    private Question topTenOfAWeek(Random random) {
        int day = random.nextInt(DAYS - 6);
        Instant from = START.plus(Duration.ofDays(day));
        return new Question("top", Map.of("from", from.toString(), "to", from.plus(Duration.ofDays(7)).toString(),
                "agg", "avg", "k", "10"), answer -> {
            List<double[]> averages = IntStream.range(0, GROUPS).mapToObj(g -> {
                long sum = 0;
                long count = 0;
                for (int m = day * 1440; m < (day + 7) * 1440; m++) {
                    long[] v = durations(g, m);
                    sum += sum(v);
                    count += v.length;
                }
                return new double[] {g, (double) sum / count, count};
            }).sorted(Comparator.comparingDouble((double[] a) -> a[1]).reversed()).limit(10).toList();
            JsonNode top = answer.path("top");
            if (top.size() != 10) {
                return false;
            }
            for (int i = 0; i < 10; i++) {
                if (!top.path(i).path("group").path("client_name").asText().equals(client((int) averages.get(i)[0]))
                        || top.path(i).path("value").asDouble() != averages.get(i)[1]
                        || top.path(i).path("count").asLong() != (long) averages.get(i)[2]) {
                    return false;
                }
            }
            return true;
        });
    }

    private static long sum(long[] values) {
        long s = 0;
        for (long v : values) {
            s += v;
        }
        return s;
    }

    /** Latencies in microseconds of the requests answered 200 during the measured seconds. */
    private record Result(String name, long targetMillis, Histogram histogram, double seconds, long errors, String answer) {
        double millis(double percentile) {
            return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getValueAtPercentile(percentile) / 1000.0;
        }

        double perSecond() {
            return histogram.getTotalCount() / seconds;
        }
    }

    /** Checks one answer, then asks from CONCURRENCY clients for WARM_UP_SECONDS unmeasured and SECONDS measured. */
    private Result run(String name, long targetMillis, ServiceProcess query, Function<Random, Question> questions)
            throws Exception {
        String answer = check(query, questions.apply(new Random(7)));
        ask(query, questions, WARM_UP_SECONDS);
        long start = System.nanoTime();
        List<Histogram> histograms = new ArrayList<>();
        AtomicLong errors = new AtomicLong();
        ExecutorService clients = Executors.newFixedThreadPool(CONCURRENCY);
        long deadline = start + TimeUnit.SECONDS.toNanos(SECONDS);
        List<Future<Histogram>> running = new ArrayList<>();
        for (int c = 0; c < CONCURRENCY; c++) {
            Random random = new Random(c);
            running.add(clients.submit(() -> {
                Histogram h = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
                while (System.nanoTime() < deadline) {
                    long sent = System.nanoTime();
                    if (send(query, questions.apply(random)) != null) {
                        h.recordValue(Math.min(h.getHighestTrackableValue(), (System.nanoTime() - sent) / 1000));
                    } else {
                        errors.incrementAndGet();
                    }
                }
                return h;
            }));
        }
        for (Future<Histogram> f : running) {
            histograms.add(f.get());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        clients.shutdown();
        Histogram all = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
        histograms.forEach(all::add);
        return new Result(name, targetMillis, all, seconds, errors.get(), answer);
    }

    private void ask(ServiceProcess query, Function<Random, Question> questions, int seconds) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(CONCURRENCY);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < CONCURRENCY; c++) {
            Random random = new Random(100 + c);
            running.add(clients.submit(() -> {
                while (System.nanoTime() < deadline) {
                    send(query, questions.apply(random));
                }
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        clients.shutdown();
    }

    private static String check(ServiceProcess query, Question question) {
        String body = send(query, question);
        if (body == null) {
            return "no answer";
        }
        return question.isExpected().apply(Json.read(body, JsonNode.class)) ? "exact"
                : "WRONG: " + body.substring(0, Math.min(body.length(), 300));
    }

    /** The answer's body, or null for anything but a 200 within the timeout. */
    private static String send(ServiceProcess query, Question question) {
        StringBuilder uri = new StringBuilder(query.url()).append("/v1/metrics/").append(METRIC).append('/')
                .append(question.path()).append('?');
        question.query().forEach((k, v) -> uri.append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&'));
        try {
            HttpResponse<String> response = HTTP.send(TestStacks.request(URI.create(uri.toString()))
                    .timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
