package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pulse.common.Topics;
import io.pulse.common.event.CanonicalEvent;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.PipelineLoader;
import io.pulse.stack.Ports;
import io.pulse.stack.kafka.KafkaBroker;
import io.pulse.stack.kafka.TopicSetup;
import io.pulse.stack.services.Service;
import io.pulse.stack.services.ServiceProcess;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test: a measurement, run only by the {@code benchmark} profile (see docs/benchmarks.md).
 * One million canonical translation events, as ingest writes them, become visible at once (one committed
 * transaction) on {@code events.translation_delivered}; the packaged aggregation service, already running, is
 * timed until every bucket it must publish is on {@code aggregates} with its full count, its revisions added as the
 * query store adds them. Every bucket is then checked against a computation over the generated events. This is done
 * twice, on a fresh broker and state each time: with the events in time order, and with the same events fully
 * shuffled (history in any order: almost every event arrives after its bucket is final). In the same run, after the
 * in-order service stopped, two baselines read the same records: a plain consumer, and a minimal exactly-once
 * read-process-write loop (parse each event, count and sum per bucket in a map, commit output and offsets in a
 * transaction every 200 ms) that keeps no recoverable state.
 */
class AggregationBenchmark {

    private static final int EVENTS = Integer.getInteger("benchmark.events", 1_000_000);
    private static final int PARTITIONS = Integer.getInteger("benchmark.partitions", 2);
    private static final int CLIENTS = 50;
    /** Mean distance between events: 1M events span about 5.6 hours, about 60 events per client and minute. */
    private static final long SPACING_MS = 20;
    /** Events arrive up to this far out of order, well inside the bundled allowed lateness of 5 minutes. */
    private static final long JITTER_MS = 2_000;
    private static final String TYPE = "translation_delivered";
    private static final Instant FIRST = Instant.parse("2024-03-01T00:00:00Z");
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);
    private static final List<String> LANGUAGES = List.of("en", "fr", "de", "pt", "es", "it", "ja", "zh");
    /** Where the packaged service is taken from: another checkout's, to measure an older version the same way. */
    private static final Path SERVICE_HOME = Path.of(System.getProperty("benchmark.service-home",
            System.getProperty("pulse.home", ".."))).toAbsolutePath().normalize();

    @TempDir
    Path data;

    /** Event {@code n}, the same on every call: a skewed choice of clients, durations with a long tail. */
    record Event(long n, String client, long ts, int duration, String source, String target, int words) {

        static Event of(long n) {
            SplittableRandom r = new SplittableRandom(n * 0x9E3779B97F4A7C15L);
            double u = r.nextDouble();
            String client = "client-" + (int) (CLIENTS * u * u); // a few big clients, many small ones
            long ts = FIRST.toEpochMilli() + n * SPACING_MS + r.nextLong(-JITTER_MS, JITTER_MS + 1);
            int duration = 1 + (int) Math.min(3_600, -Math.log(1 - r.nextDouble()) * 40);
            return new Event(n, client, ts, duration, LANGUAGES.get(r.nextInt(LANGUAGES.size())),
                    LANGUAGES.get(r.nextInt(LANGUAGES.size())), 1 + r.nextInt(500));
        }

        String id() {
            return String.format("%020x", n * 0x9E3779B97F4A7C15L);
        }

        long minute() {
            return Math.floorDiv(ts, 60_000L) * 60_000L;
        }

        /** The canonical event exactly as ingest writes it: the sent fields as attrs, the time in epoch ms. */
        byte[] canonical() {
            ObjectNode attrs = JsonNodeFactory.instance.objectNode();
            attrs.put("timestamp", TIMESTAMP.format(Instant.ofEpochMilli(ts)));
            attrs.put("translation_id", id());
            attrs.put("source_language", source);
            attrs.put("target_language", target);
            attrs.put("client_name", client);
            attrs.put("event_name", TYPE);
            attrs.put("nr_words", words);
            attrs.put("duration", duration);
            return Json.write(new CanonicalEvent(id(), TYPE, ts, attrs));
        }
    }

    /** A bucket's figures: computed from the events here, or read from {@code aggregates}. */
    record Figures(long count, double sum, double min, double max) {
        Figures plus(int value) {
            return new Figures(count + 1, sum + value, Math.min(min, value), Math.max(max, value));
        }
    }

    /** One timed run of the service: wall and CPU seconds until every bucket was complete. */
    private record Run(double seconds, double cpuSeconds) {
    }

    @Test
    void aggregationAgainstAPlainConsumerAndAnExactlyOnceLoop() throws Exception {
        Map<String, Figures> expected = new HashMap<>();
        for (long n = 0; n < EVENTS; n++) {
            Event e = Event.of(n);
            expected.merge(e.client() + "@" + e.minute(), new Figures(1, e.duration(), e.duration(), e.duration()),
                    (a, b) -> a.plus(e.duration()));
        }
        double consumerSeconds;
        double loopSeconds;
        Run ordered;
        try (KafkaBroker broker = KafkaBroker.start(data.resolve("ordered/kafka"), Ports.free(), Ports.free())) {
            ordered = service(broker, data.resolve("ordered/state"), inOrder(), expected);
            consumerSeconds = plainConsumer(broker);
            loopSeconds = exactlyOnceLoop(broker, expected);
        }
        Run shuffled;
        try (KafkaBroker broker = KafkaBroker.start(data.resolve("shuffled/kafka"), Ports.free(), Ports.free())) {
            shuffled = service(broker, data.resolve("shuffled/state"), shuffled(), expected);
        }

        System.out.printf(Locale.ROOT, "%nAggregation benchmark: %,d canonical %s events, %d partitions, %d buckets "
                + "of delivery_time (%s)%n", EVENTS, TYPE, PARTITIONS, expected.size(),
                "count, sum, avg, min, max, p50, p90, p99");
        print("plain Kafka consumer", consumerSeconds);
        print("exactly-once loop, no state", loopSeconds);
        print("aggregation service", ordered.seconds());
        print("aggregation service, shuffled", shuffled.seconds());
        System.out.printf(Locale.ROOT, "  %-30s: %,10.0f events per CPU second  (%.2f CPU s)%n",
                "aggregation service, CPU", EVENTS / ordered.cpuSeconds(), ordered.cpuSeconds());
        System.out.printf(Locale.ROOT, "  %-30s: %,10.0f events per CPU second  (%.2f CPU s)%n",
                "shuffled, CPU", EVENTS / shuffled.cpuSeconds(), shuffled.cpuSeconds());
        System.out.printf(Locale.ROOT, "  ratio service / plain consumer: %.3f, service / exactly-once loop: %.3f%n",
                consumerSeconds / ordered.seconds(), loopSeconds / ordered.seconds());
        System.out.printf(Locale.ROOT, "  shuffled / in order: %.2f× the time, %.2f× the CPU%n%n",
                shuffled.seconds() / ordered.seconds(), shuffled.cpuSeconds() / ordered.cpuSeconds());
    }

    private static long[] inOrder() {
        long[] order = new long[EVENTS];
        for (int i = 0; i < EVENTS; i++) {
            order[i] = i;
        }
        return order;
    }

    /** Every event once, in an order fixed by a seed (Fisher–Yates). */
    private static long[] shuffled() {
        long[] order = inOrder();
        SplittableRandom random = new SplittableRandom(15);
        for (int i = EVENTS - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** Starts the packaged service on {@code broker}, writes the events in {@code order} and times it. */
    private Run service(KafkaBroker broker, Path state, long[] order, Map<String, Figures> expected) throws Exception {
        TopicSetup.create(broker.bootstrapServers(), PipelineLoader.load(PipelineLoader.BUNDLED), PARTITIONS);
        List<String> jvm = new ArrayList<>(List.of("-Xms64m", "-Xmx512m", "-XX:+ExitOnOutOfMemoryError"));
        String jfr = System.getProperty("benchmark.jfr", "");
        if (!jfr.isBlank()) {
            Path file = Path.of(jfr); // one recording per run, named after it
            jvm.add("-XX:StartFlightRecording=filename=" + file.resolveSibling(state.getParent().getFileName() + "-"
                    + file.getFileName()) + ",settings=profile,dumponexit=true");
        }
        Map<String, Figures> published;
        Run run;
        Path jar = SERVICE_HOME.resolve("aggregation-service/target/quarkus-app/quarkus-run.jar");
        try (ServiceProcess aggregation = ServiceProcess.start(Service.AGGREGATION, jar, Ports.free(),
                Map.of("kafka.bootstrap.servers", broker.bootstrapServers(),
                        "kafka-streams.state.dir", state.toString(),
                        "quarkus.http.host", "127.0.0.1", "quarkus.log.level", "WARN"),
                jvm, new PrintStream(OutputStream.nullOutputStream()))) {
            aggregation.awaitReady(Duration.ofMinutes(3)); // generous: a busy shared machine starts slowly
            AggregatesReader reader = new AggregatesReader(broker.bootstrapServers(), expected);
            long visible = writeInOneTransaction(broker, order);
            Duration cpuBefore = cpuTime(jar);
            long done = reader.awaitAll(Duration.ofMinutes(20));
            run = new Run((done - visible) / 1e9, (cpuTime(jar).toMillis() - cpuBefore.toMillis()) / 1e3);
            published = reader.latest;
        }
        // Every bucket, exactly: no event lost or counted twice, nothing else published.
        assertThat(published.keySet()).isEqualTo(expected.keySet());
        expected.forEach((key, want) -> assertThat(published.get(key)).as(key).isEqualTo(want));
        return run;
    }

    /** CPU time used so far by the child process running {@code jar}: less disturbed than wall time on a busy machine. */
    private static Duration cpuTime(Path jar) {
        return ProcessHandle.current().children()
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains(jar.toString())).orElse(false))
                .findFirst().flatMap(p -> p.info().totalCpuDuration())
                .orElseThrow(() -> new IllegalStateException("no CPU time for the process running " + jar));
    }

    private static void print(String what, double seconds) {
        System.out.printf(Locale.ROOT, "  %-30s: %,10.0f events/s  (%.2f s)%n", what, EVENTS / seconds, seconds);
    }

    /**
     * Writes every event with ingest's producer settings, keyed by client as ingest keys them, in one transaction:
     * the service (reading committed records only) sees them all at once. Returns {@link System#nanoTime()} then.
     */
    private static long writeInOneTransaction(KafkaBroker broker, long[] order) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "aggregation-benchmark-writer");
        config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 300_000);
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (long n : order) {
                Event e = Event.of(n);
                producer.send(new ProducerRecord<>(Topics.events(TYPE), e.client(), e.canonical()));
            }
            producer.commitTransaction();
            return System.nanoTime();
        }
    }

    /**
     * Reads {@code aggregates} from the start, keeping each bucket's latest figures (a value replaces them, a revision
     * not seen before adds to them), until all are complete.
     */
    private static final class AggregatesReader {
        private final KafkaConsumer<String, byte[]> consumer;
        private final Map<String, Figures> expected;
        final Map<String, Figures> latest = new HashMap<>();
        private final java.util.Set<String> revisions = new java.util.HashSet<>();
        private int complete;

        AggregatesReader(String bootstrap, Map<String, Figures> expected) {
            this.expected = expected;
            this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(),
                    new ByteArrayDeserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.AGGREGATES).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        /** {@link System#nanoTime()} when the last missing bucket arrived complete. */
        long awaitAll(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            try (consumer) {
                while (complete < expected.size()) {
                    assertThat(System.nanoTime()).as("every bucket published within " + timeout + ": "
                            + complete + " of " + expected.size()).isLessThan(deadline);
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                        take(Json.read(record.value(), JsonNode.class));
                    }
                }
                return System.nanoTime();
            }
        }

        /** Read as plain JSON, independent of Pulse's classes. */
        private void take(JsonNode update) {
            assertThat(update.path("metric").asText()).isEqualTo("delivery_time");
            String key = update.path("group").path("client_name").asText() + "@"
                    + Instant.parse(update.path("start").asText()).toEpochMilli();
            JsonNode b = update.path("bucket");
            Figures figures = new Figures(b.path("count").asLong(), b.path("sum").asDouble(), b.path("min").asDouble(),
                    b.path("max").asDouble());
            String revision = update.path("revision").asText(null);
            Figures before = latest.get(key);
            if (revision != null) {
                if (!revisions.add(key + " " + revision)) {
                    return;
                }
                figures = before == null ? figures : new Figures(before.count() + figures.count(),
                        before.sum() + figures.sum(), Math.min(before.min(), figures.min()),
                        Math.max(before.max(), figures.max()));
            }
            latest.put(key, figures);
            Figures want = expected.get(key);
            if (want == null) {
                return; // an unexpected bucket: the final comparison names it
            }
            if (before != null && before.count() == want.count()) {
                complete--;
            }
            if (figures.count() == want.count()) {
                complete++;
            }
        }
    }

    /** Seconds for a plain consumer to read every event record (bytes only). */
    private static double plainConsumer(KafkaBroker broker) {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = partitions(consumer);
            long start = System.nanoTime();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long read = 0;
            while (read < EVENTS) {
                read += consumer.poll(Duration.ofMillis(100)).count();
            }
            return (System.nanoTime() - start) / 1e9;
        }
    }

    /**
     * Seconds for the least an exactly-once aggregation must do: read committed events, parse each, count and sum
     * per client and minute in memory, and every 200 ms commit the changed buckets and the offsets in one
     * transaction. Its buckets must equal the expected ones too.
     */
    private static double exactlyOnceLoop(KafkaBroker broker, Map<String, Figures> expected) throws Exception {
        String output = "benchmark.eos-loop";
        Map<String, Object> consumerConfig = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.GROUP_ID_CONFIG, "eos-loop",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, Object> producerConfig = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "eos-loop", ProducerConfig.LINGER_MS_CONFIG, 5);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(output, PARTITIONS, (short) 1))).all().get();
        }
        Map<String, Figures> buckets = new HashMap<>();
        try (var consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
             var producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer())) {
            List<TopicPartition> partitions = partitions(consumer);
            producer.initTransactions();
            long start = System.nanoTime();
            consumer.assign(partitions);
            long read = 0;
            Map<String, Figures> changed = new HashMap<>();
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            long lastCommit = System.nanoTime();
            producer.beginTransaction();
            while (read < EVENTS || !offsets.isEmpty()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                    CanonicalEvent event = Json.read(record.value(), CanonicalEvent.class);
                    int duration = event.attrs().path("duration").asInt();
                    String key = event.attrs().path("client_name").asText() + "@"
                            + Math.floorDiv(event.ts(), 60_000L) * 60_000L;
                    Figures f = buckets.merge(key, new Figures(1, duration, duration, duration),
                            (a, b) -> a.plus(duration));
                    changed.put(key, f);
                    offsets.put(new TopicPartition(record.topic(), record.partition()),
                            new OffsetAndMetadata(record.offset() + 1));
                    read++;
                }
                if (System.nanoTime() - lastCommit >= 200_000_000L || read >= EVENTS) {
                    changed.forEach((key, f) -> producer.send(new ProducerRecord<>(output, key, Json.writeString(f))));
                    if (!offsets.isEmpty()) {
                        producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                    }
                    producer.commitTransaction();
                    changed.clear();
                    offsets.clear();
                    lastCommit = System.nanoTime();
                    if (read < EVENTS) {
                        producer.beginTransaction();
                    }
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(buckets).isEqualTo(expected);
            return seconds;
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer) {
        return consumer.partitionsFor(Topics.events(TYPE)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    }
}
