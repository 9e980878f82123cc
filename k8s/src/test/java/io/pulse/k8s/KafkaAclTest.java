package io.pulse.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pulse.common.Topics;
import io.pulse.common.pipeline.PipelineLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The prod overlay's Kafka users (Strimzi, simple authorization): each service's user is allowed exactly what the
 * intent below grants, evaluated as Kafka's authorizer does on the topics, groups and transactional ids Pulse uses
 * and on others; only the aggregation writes the buckets; and what each service's own configuration names is covered.
 */
class KafkaAclTest {

    /** Each service's Kafka user. */
    static final Map<String, String> USERS = Map.of("ingest-service", "pulse-ingest",
            "aggregation-service", "pulse-aggregation", "query-service", "pulse-query");
    private static final String AGGREGATION_ID = "pulse-aggregation";
    private static final String INGEST_TRANSACTIONS = "pulse-ingest-";
    /** The consumer groups of Kafka sources: {@code pulse-ingest-source-<type>}. */
    private static final String INGEST_SOURCE_GROUPS = "pulse-ingest-source-";

    /** A grant: resource type, name, whether the name is a prefix, operations. */
    record Acl(String type, String name, boolean prefix, Set<String> operations, boolean deny) {

        static Acl literal(String type, String name, String... operations) {
            return new Acl(type, name, false, Set.of(operations), false);
        }

        static Acl prefix(String type, String name, String... operations) {
            return new Acl(type, name, true, Set.of(operations), false);
        }

        boolean matches(String resourceType, String resourceName) {
            return type.equals(resourceType)
                    && (name.equals("*") || (prefix ? resourceName.startsWith(name) : resourceName.equals(name)));
        }
    }

    /** The intent, per user. */
    private static Map<String, List<Acl>> intended() {
        List<String> eventTopics = eventTopics();
        List<Acl> ingest = new ArrayList<>();
        eventTopics.forEach(t -> ingest.add(Acl.literal("topic", t, "Write")));
        ingest.add(Acl.literal("topic", Topics.DLQ, "Write"));
        // Written in each request's transaction, read whole at start (assigned partitions, no group).
        ingest.add(Acl.literal("topic", Topics.INGEST_REQUESTS, "Read", "Write"));
        ingest.add(Acl.literal("topic", Topics.UPLOADS_STATUS, "Read", "Write"));
        ingest.add(Acl.prefix("transactionalId", INGEST_TRANSACTIONS, "Write"));
        // Kafka sources: read in a consumer group per event type, their offsets committed in ingest's transactions.
        sourceTopics().forEach(t -> ingest.add(Acl.literal("topic", t, "Read")));
        ingest.add(Acl.prefix("group", INGEST_SOURCE_GROUPS, "Read"));

        List<Acl> aggregation = new ArrayList<>();
        eventTopics.forEach(t -> aggregation.add(Acl.literal("topic", t, "Read")));
        for (String output : List.of(Topics.AGGREGATES, Topics.DLQ, Topics.LATE, Topics.DUPLICATES)) {
            aggregation.add(Acl.literal("topic", output, "Write"));
        }
        // Kafka Streams' internal topics (changelogs, repartition topics), group and transactional ids (exactly-once).
        aggregation.add(Acl.prefix("topic", AGGREGATION_ID + "-", "Create", "Read", "Write", "Delete", "DescribeConfigs"));
        aggregation.add(Acl.literal("group", AGGREGATION_ID, "Read"));
        aggregation.add(Acl.prefix("transactionalId", AGGREGATION_ID + "-", "Write"));
        sinkTopics().forEach(t -> aggregation.add(Acl.literal("topic", t, "Write")));

        List<Acl> query = new ArrayList<>();
        for (String input : List.of(Topics.AGGREGATES, Topics.DLQ, Topics.DUPLICATES)) {
            query.add(Acl.literal("topic", input, "Read"));
        }
        query.add(Acl.literal("group", "pulse-query", "Read"));
        query.add(Acl.literal("group", "pulse-query-outcomes", "Read"));
        return Map.of("pulse-ingest", ingest, "pulse-aggregation", aggregation, "pulse-query", query);
    }

    private static final List<String> TOPIC_OPERATIONS = List.of("Read", "Write", "Create", "Delete", "Alter",
            "Describe", "DescribeConfigs", "AlterConfigs");
    private static final List<String> GROUP_OPERATIONS = List.of("Read", "Describe", "Delete");
    private static final List<String> TRANSACTION_OPERATIONS = List.of("Write", "Describe");
    private static final List<String> CLUSTER_OPERATIONS = List.of("Create", "Alter", "Describe", "ClusterAction",
            "DescribeConfigs", "AlterConfigs", "IdempotentWrite");

    /** Resources to ask the authorizer about: Pulse's own and others near them. */
    private static Map<String, List<String>> probes() {
        List<String> topics = new ArrayList<>(eventTopics());
        topics.addAll(sourceTopics());
        topics.addAll(sinkTopics());
        topics.addAll(List.of(Topics.DLQ, Topics.LATE, Topics.DUPLICATES, Topics.AGGREGATES, Topics.INGEST_REQUESTS,
                Topics.UPLOADS_STATUS, "events.unknown", "events", AGGREGATION_ID + "-delivery_time-buckets-changelog",
                AGGREGATION_ID + "-delivery_time-by-group-repartition", "pulse-aggregationx", "pulse-ingest-x",
                "pulse-query", "__consumer_offsets", "__transaction_state", "other"));
        return Map.of("topic", topics,
                "group", List.of(AGGREGATION_ID, "pulse-query", "pulse-query-outcomes", "pulse-ingest",
                        INGEST_SOURCE_GROUPS + "frame", "pulse-ingest-sourcex",
                        AGGREGATION_ID + "-x", "pulse-query-x", "other"),
                "transactionalId", List.of("pulse-ingest-ingest-service-5d8f-8081-0",
                        AGGREGATION_ID + "-0b6c1f9e-3f8a-4c4e-9d1e-1d2c3b4a5f6e-1", "pulse-query-0", "pulse-ingest",
                        "other"),
                "cluster", List.of("kafka-cluster"));
    }

    @Test
    void eachUserIsAllowedExactlyWhatItsServiceDoes() {
        Map<String, List<Acl>> granted = granted(Overlay.render("prod"));
        assertThat(granted.keySet()).isEqualTo(intended().keySet());
        intended().forEach((user, acls) -> assertThat(effective(granted.get(user))).as("what %s may do", user)
                .isEqualTo(effective(acls)));
    }

    @Test
    void onlyTheAggregationWritesTheBuckets() {
        Map<String, List<Acl>> granted = granted(Overlay.render("prod"));
        granted.forEach((user, acls) -> assertThat(allowed(acls, "topic", Topics.AGGREGATES, "Write"))
                .as("%s writes %s", user, Topics.AGGREGATES).isEqualTo(user.equals(USERS.get("aggregation-service"))));
        // What the query service counts as dropped repeats comes from the aggregation only, too.
        granted.forEach((user, acls) -> assertThat(allowed(acls, "topic", Topics.DUPLICATES, "Write"))
                .as("%s writes %s", user, Topics.DUPLICATES).isEqualTo(user.equals(USERS.get("aggregation-service"))));
    }

    @Test
    void whatEachServicesConfigurationNamesIsCovered() {
        Map<String, List<Acl>> granted = granted(Overlay.render("prod"));
        List<String> problems = new ArrayList<>();

        // Query: every incoming channel's topics and group.
        ServiceModule query = ServiceModule.read("query-service");
        List<Acl> queryAcls = granted.get(USERS.get("query-service"));
        Map<String, String> properties = query.properties();
        properties.forEach((key, value) -> {
            if (key.matches("mp\\.messaging\\.incoming\\.[^.]+\\.topics?")) {
                for (String topic : value.split(",")) {
                    require(problems, queryAcls, "query-service", "topic", topic.trim(), "Read");
                }
            }
            if (key.matches("mp\\.messaging\\.incoming\\.[^.]+\\.group\\.id")) {
                require(problems, queryAcls, "query-service", "group", value, "Read");
            }
        });
        assertThat(properties.keySet().stream().filter(k -> k.endsWith(".group.id"))).hasSizeGreaterThanOrEqualTo(2);

        // Aggregation: its application id names its group, internal topics and transactional ids.
        ServiceModule aggregation = ServiceModule.read("aggregation-service");
        String applicationId = aggregation.property("quarkus.kafka-streams.application-id").orElseThrow();
        List<Acl> aggregationAcls = granted.get(USERS.get("aggregation-service"));
        require(problems, aggregationAcls, "aggregation-service", "group", applicationId, "Read");
        for (String op : List.of("Create", "Read", "Write", "Delete", "DescribeConfigs")) {
            require(problems, aggregationAcls, "aggregation-service", "topic", applicationId + "-store-changelog", op);
        }
        require(problems, aggregationAcls, "aggregation-service", "transactionalId", applicationId + "-uuid-1", "Write");
        eventTopics().forEach(t -> require(problems, aggregationAcls, "aggregation-service", "topic", t, "Read"));

        // Ingest: its transactional ids start with pulse-ingest- unless it is configured otherwise.
        ServiceModule ingest = ServiceModule.read("ingest-service");
        String prefix = ingest.property("pulse.ingest.transactional-id-prefix").orElse(INGEST_TRANSACTIONS + "host-8081");
        List<Acl> ingestAcls = granted.get(USERS.get("ingest-service"));
        require(problems, ingestAcls, "ingest-service", "transactionalId", prefix + "-0", "Write");
        eventTopics().forEach(t -> require(problems, ingestAcls, "ingest-service", "topic", t, "Write"));
        // The pipeline's Kafka sources and sinks.
        sourceTopics().forEach(t -> require(problems, ingestAcls, "ingest-service", "topic", t, "Read"));
        PipelineLoader.load(PipelineLoader.BUNDLED).eventTypes().values().stream()
                .filter(type -> !type.sourceTopics().isEmpty()).forEach(type -> require(problems, ingestAcls,
                        "ingest-service", "group", INGEST_SOURCE_GROUPS + type.name(), "Read"));
        sinkTopics().forEach(t -> require(problems, aggregationAcls, "aggregation-service", "topic", t, "Write"));
        assertThat(sourceTopics()).as("the bundled pipeline has a source").isNotEmpty();
        assertThat(sinkTopics()).as("the bundled pipeline has a sink").isNotEmpty();
        assertThat(problems).isEmpty();
    }

    @Test
    void everyUserAuthenticatesByCertificateOnThePipelinesCluster() {
        Overlay overlay = Overlay.render("prod");
        Set<String> clusters = new TreeSet<>();
        overlay.ofKind("KafkaTopic").forEach(t -> clusters.add(t.path("metadata").path("labels")
                .path("strimzi.io/cluster").asText()));
        assertThat(clusters).hasSize(1);
        for (ObjectNode user : overlay.ofKind("KafkaUser")) {
            JsonNode spec = user.path("spec");
            assertThat(user.path("metadata").path("labels").path("strimzi.io/cluster").asText()).as(Overlay.nameOf(user))
                    .isEqualTo(clusters.iterator().next());
            assertThat(spec.path("authentication").path("type").asText()).as(Overlay.nameOf(user)).isEqualTo("tls");
            assertThat(spec.path("authorization").path("type").asText()).as(Overlay.nameOf(user)).isEqualTo("simple");
        }
        assertThat(overlay.ofKind("KafkaUser").stream().map(Overlay::nameOf).sorted())
                .containsExactlyElementsOf(new TreeSet<>(USERS.values()));
    }

    private static void require(List<String> problems, List<Acl> acls, String service, String type, String name,
                                String operation) {
        if (!allowed(acls, type, name, operation)) {
            problems.add(service + " may not " + operation + " " + type + " " + name);
        }
    }

    /** Every probe resource and operation the ACLs allow, as "type name operation". */
    private static Set<String> effective(List<Acl> acls) {
        Set<String> allowed = new TreeSet<>();
        probes().forEach((type, names) -> {
            List<String> operations = switch (type) {
                case "topic" -> TOPIC_OPERATIONS;
                case "group" -> GROUP_OPERATIONS;
                case "transactionalId" -> TRANSACTION_OPERATIONS;
                default -> CLUSTER_OPERATIONS;
            };
            for (String name : names) {
                for (String operation : operations) {
                    if (allowed(acls, type, name, operation)) {
                        allowed.add(type + " " + name + " " + operation);
                    }
                }
            }
        });
        return allowed;
    }

    /** Kafka's authorizer: a deny wins; All allows everything; Read, Write, Delete, Alter imply Describe. */
    static boolean allowed(List<Acl> acls, String type, String name, String operation) {
        Set<String> implying = switch (operation) {
            case "Describe" -> Set.of("Describe", "Read", "Write", "Delete", "Alter", "All");
            case "DescribeConfigs" -> Set.of("DescribeConfigs", "AlterConfigs", "All");
            default -> Set.of(operation, "All");
        };
        boolean denied = acls.stream().anyMatch(a -> a.deny() && a.matches(type, name)
                && (a.operations().contains(operation) || a.operations().contains("All")));
        return !denied && acls.stream().anyMatch(a -> !a.deny() && a.matches(type, name)
                && a.operations().stream().anyMatch(implying::contains));
    }

    /** The ACLs of each KafkaUser of the overlay. */
    private static Map<String, List<Acl>> granted(Overlay overlay) {
        Map<String, List<Acl>> granted = new TreeMap<>();
        for (ObjectNode user : overlay.ofKind("KafkaUser")) {
            List<Acl> acls = new ArrayList<>();
            for (JsonNode rule : user.path("spec").path("authorization").path("acls")) {
                JsonNode resource = rule.path("resource");
                Set<String> operations = new TreeSet<>();
                rule.path("operations").forEach(o -> operations.add(o.asText()));
                if (rule.has("operation")) {
                    operations.add(rule.path("operation").asText());
                }
                String type = resource.path("type").asText();
                String name = type.equals("cluster") ? "kafka-cluster" : resource.path("name").asText();
                acls.add(new Acl(type, name, resource.path("patternType").asText("literal").equals("prefix"),
                        operations, rule.path("type").asText("allow").equals("deny")));
            }
            granted.put(Overlay.nameOf(user), acls);
        }
        return granted;
    }

    private static List<String> eventTopics() {
        return PipelineLoader.load(PipelineLoader.BUNDLED).eventTypes().keySet().stream().map(Topics::events)
                .sorted().toList();
    }

    private static List<String> sourceTopics() {
        return PipelineLoader.load(PipelineLoader.BUNDLED).eventTypes().values().stream()
                .flatMap(type -> type.sourceTopics().stream()).sorted().toList();
    }

    private static List<String> sinkTopics() {
        return PipelineLoader.load(PipelineLoader.BUNDLED).metrics().values().stream()
                .flatMap(metric -> metric.sinkTopics().stream()).distinct().sorted().toList();
    }
}
