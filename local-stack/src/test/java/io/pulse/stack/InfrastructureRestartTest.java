package io.pulse.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.common.Topics;
import io.pulse.common.pipeline.PipelineLoader;
import io.pulse.stack.kafka.KafkaBroker;
import io.pulse.stack.kafka.TopicSetup;
import io.pulse.stack.postgres.PostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local stack's promise: a real broker and database whose data survive a restart of both. */
class InfrastructureRestartTest {

    @TempDir
    Path dir;

    @Test
    void kafkaKeepsRecordsAndTopicsAcrossARestart() throws Exception {
        int port = Ports.free();
        int controller = Ports.free();
        String topic = Topics.events("translation_delivered");
        try (KafkaBroker broker = KafkaBroker.start(dir.resolve("kafka"), port, controller)) {
            TopicSetup.create(broker.bootstrapServers(), PipelineLoader.load(PipelineLoader.BUNDLED), 3);
            try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>(topic, "k", "survives")).get();
            }
        }
        try (KafkaBroker broker = KafkaBroker.start(dir.resolve("kafka"), port, controller)) {
            // Creating again is harmless: existing topics are left alone.
            TopicSetup.create(broker.bootstrapServers(), PipelineLoader.load(PipelineLoader.BUNDLED), 3);
            assertThat(readAll(broker.bootstrapServers(), topic)).containsExactly("survives");
            Properties admin = new Properties();
            admin.put("bootstrap.servers", broker.bootstrapServers());
            try (Admin a = Admin.create(admin)) {
                var resource = new ConfigResource(ConfigResource.Type.TOPIC, Topics.AGGREGATES);
                ConfigEntry policy = a.describeConfigs(List.of(resource)).all().get().get(resource).get("cleanup.policy");
                assertThat(policy.value()).isEqualTo("compact");
                assertThat(a.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()).hasSize(3);
            }
        }
    }

    @Test
    void postgresKeepsRowsAcrossARestart() throws Exception {
        int port;
        try (PostgresServer pg = PostgresServer.start(dir.resolve("pg"), 0)) {
            port = pg.port();
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), PostgresServer.USER, PostgresServer.PASSWORD);
                 Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (v text)");
                s.execute("INSERT INTO kept VALUES ('survives')");
            }
        }
        try (PostgresServer pg = PostgresServer.start(dir.resolve("pg"), port);
             Connection c = DriverManager.getConnection(pg.jdbcUrl(), PostgresServer.USER, PostgresServer.PASSWORD);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("survives");
        }
    }

    private static List<String> readAll(String bootstrap, String topic) {
        List<String> values = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "restart-test",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 20_000;
            while (values.isEmpty() && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }
}
