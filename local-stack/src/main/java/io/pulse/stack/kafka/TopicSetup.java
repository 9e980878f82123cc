package io.pulse.stack.kafka;

import io.pulse.common.Topics;
import io.pulse.common.pipeline.Pipeline;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Creates the topics a pipeline needs, with their configuration; topics that exist are left as they are. That
 * includes the sources and sinks it declares, so that a local stack works out of the box; elsewhere they are the
 * user's to create.
 */
public final class TopicSetup {

    private TopicSetup() {
    }

    /**
     * @param partitions partitions of each event topic and of {@code aggregates}: the most aggregation instances
     *                   that can share the work
     */
    public static void create(String bootstrapServers, Pipeline pipeline, int partitions) {
        List<NewTopic> topics = new ArrayList<>();
        for (String type : pipeline.eventTypes().keySet()) {
            topics.add(new NewTopic(Topics.events(type), partitions, (short) 1));
        }
        pipeline.eventTypes().values().forEach(type -> type.sourceTopics()
                .forEach(topic -> topics.add(new NewTopic(topic, partitions, (short) 1))));
        // A sink record is keyed by its bucket: compaction keeps each bucket's latest revision.
        pipeline.metrics().values().stream().flatMap(metric -> metric.sinkTopics().stream()).distinct()
                .forEach(topic -> topics.add(new NewTopic(topic, partitions, (short) 1)
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))));
        topics.add(new NewTopic(Topics.DLQ, 1, (short) 1));
        topics.add(new NewTopic(Topics.LATE, 1, (short) 1));
        topics.add(new NewTopic(Topics.DUPLICATES, 1, (short) 1));
        topics.add(new NewTopic(Topics.AGGREGATES, partitions, (short) 1)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        topics.add(new NewTopic(Topics.INGEST_REQUESTS, 1, (short) 1).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Topics.INGEST_REQUESTS_RETENTION_MS))));
        topics.add(new NewTopic(Topics.UPLOADS_STATUS, 1, (short) 1)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(config)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t.name())).toList();
            admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create Pulse's topics on " + bootstrapServers, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }
}
