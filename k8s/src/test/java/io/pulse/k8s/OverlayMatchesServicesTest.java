package io.pulse.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pulse.common.Topics;
import io.pulse.common.pipeline.Durations;
import io.pulse.common.pipeline.Pipeline;
import io.pulse.common.pipeline.PipelineLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The overlays against the services themselves: images, ports, probes, configuration keys, the mounted pipeline,
 * the topics and the addresses of Kafka and PostgreSQL must be what the code exposes and reads. Each check lists
 * every mismatch it finds.
 */
class OverlayMatchesServicesTest {

    private static final String VERSION = System.getProperty("pulse.version", "0.1.0-SNAPSHOT");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Secrets made outside git, per overlay, with the keys the manifests read from them. */
    static final Map<String, Map<String, Set<String>>> EXTERNAL_SECRETS = Map.of(
            "dev", Map.of("pulse-api-keys", Set.of("api-keys")),
            "prod", Map.of("pulse-api-keys", Set.of("api-keys"), "pulse-db", Set.of("username", "password"),
                    "pulse-db-ca", Set.of("ca.crt"),
                    // Made by Strimzi's Cluster Operator for the cluster "pulse": its cluster CA.
                    "pulse-cluster-ca-cert", Set.of("ca.crt", "ca.p12", "ca.password")));
    /** What Strimzi's User Operator writes into the Secret of a KafkaUser with tls authentication (named like it). */
    static final Set<String> KAFKA_USER_SECRET_KEYS = Set.of("ca.crt", "user.crt", "user.key", "user.p12",
            "user.password");
    /**
     * Settings a service reads without naming them in its application.properties: its own configuration mappings and
     * Quarkus extensions' configuration, as environment variables.
     */
    private static final Map<String, Set<String>> READ_WITHOUT_PROPERTIES = Map.of(
            // pulse.security.keys-file: the API keys (access control).
            "ingest-service", Set.of("PULSE_SECURITY_KEYS_FILE"),
            "query-service", Set.of("PULSE_SECURITY_KEYS_FILE"),
            // Quarkus' Kafka Streams extension (quarkus.kafka-streams.security.protocol, .ssl.truststore.*,
            // .ssl.keystore.*): the TLS settings it hands Kafka Streams and its admin client.
            "aggregation-service", Set.of("QUARKUS_KAFKA_STREAMS_SECURITY_PROTOCOL",
                    "QUARKUS_KAFKA_STREAMS_SSL_TRUSTSTORE_LOCATION", "QUARKUS_KAFKA_STREAMS_SSL_TRUSTSTORE_TYPE",
                    "QUARKUS_KAFKA_STREAMS_SSL_TRUSTSTORE_PASSWORD", "QUARKUS_KAFKA_STREAMS_SSL_KEYSTORE_LOCATION",
                    "QUARKUS_KAFKA_STREAMS_SSL_KEYSTORE_TYPE", "QUARKUS_KAFKA_STREAMS_SSL_KEYSTORE_PASSWORD"));
    /**
     * Services whose Kafka clients take Quarkus' default Kafka configuration: every {@code kafka.*} key, and every
     * {@code KAFKA_*} environment variable as the client setting it names ({@code KAFKA_SECURITY_PROTOCOL} is
     * {@code security.protocol}). Ingest builds its producers and consumers from it; the query's channels inherit it.
     */
    private static final Set<String> KAFKA_PASSTHROUGH = Set.of("ingest-service", "query-service");

    @TempDir
    Path temp;

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyServiceRunsItsOwnImageAsTheRightKindOfWorkload(String name) {
        Overlay overlay = Overlay.render(name);
        List<String> problems = new ArrayList<>();
        for (String service : ServiceModule.NAMES) {
            String kind = service.equals("aggregation-service") ? "StatefulSet" : "Deployment";
            Optional<ObjectNode> workload = overlay.find(kind, service);
            if (workload.isEmpty()) {
                problems.add(service + ": no " + kind);
                continue;
            }
            ServiceModule module = ServiceModule.read(service);
            JsonNode container = container(workload.get(), service);
            expect(problems, service + " image", container.path("image").asText(), module.image() + ":" + VERSION);
            for (String dockerfile : List.of("Dockerfile.jvm", "Dockerfile.native")) {
                if (!Files.isRegularFile(module.dir().resolve("src/main/docker").resolve(dockerfile))) {
                    problems.add(service + ": its image has no src/main/docker/" + dockerfile);
                }
            }
        }
        for (ObjectNode workload : overlay.workloads()) {
            for (JsonNode c : Overlay.podSpec(workload).path("containers")) {
                String image = c.path("image").asText();
                if (image.startsWith("pulse/") && !ServiceModule.NAMES.contains(image.replaceAll("^pulse/|:.*$", ""))) {
                    problems.add(Overlay.nameOf(workload) + ": image " + image + " is built by no module");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void portsServicesAndScrapingUseEachServicesHttpAndManagementPorts(String name) {
        Overlay overlay = Overlay.render(name);
        List<String> problems = new ArrayList<>();
        for (String service : ServiceModule.NAMES) {
            ServiceModule module = ServiceModule.read(service);
            ObjectNode workload = workload(overlay, service);
            JsonNode template = workload.path("spec").path("template");
            JsonNode http = named(container(workload, service).path("ports"), "http");
            expect(problems, service + " container port http", http.path("containerPort").asInt(), module.httpPort());
            JsonNode management = named(container(workload, service).path("ports"), "management");
            expect(problems, service + " container port management", management.path("containerPort").asInt(),
                    module.managementPort());
            JsonNode annotations = template.path("metadata").path("annotations");
            expect(problems, service + " prometheus.io/scrape", annotations.path("prometheus.io/scrape").asText(), "true");
            expect(problems, service + " prometheus.io/path", annotations.path("prometheus.io/path").asText(), "/q/metrics");
            // Metrics are served on the management interface only, never on the API port.
            expect(problems, service + " prometheus.io/port", annotations.path("prometheus.io/port").asText(),
                    String.valueOf(module.managementPort()));
            if (!module.pom().contains("<artifactId>quarkus-micrometer-registry-prometheus</artifactId>")) {
                problems.add(service + ": does not export /q/metrics (no quarkus-micrometer-registry-prometheus)");
            }

            Optional<ObjectNode> svc = overlay.find("Service", service);
            if (svc.isEmpty()) {
                problems.add(service + ": no Service");
                continue;
            }
            if (!selects(svc.get().path("spec").path("selector"), template.path("metadata").path("labels"))) {
                problems.add(service + ": its Service selects none of its pods");
            }
            JsonNode port = named(svc.get().path("spec").path("ports"), "http");
            expect(problems, service + " Service port", port.path("port").asInt(), module.httpPort());
            expect(problems, service + " Service targetPort", port.path("targetPort").asText(), "http");
            JsonNode managementPort = named(svc.get().path("spec").path("ports"), "management");
            expect(problems, service + " Service port management", managementPort.path("port").asInt(),
                    module.managementPort());
            expect(problems, service + " Service targetPort management", managementPort.path("targetPort").asText(),
                    "management");
            for (ObjectNode monitor : overlay.ofKind("ServiceMonitor")) {
                if (!selects(monitor.path("spec").path("selector").path("matchLabels"),
                        svc.get().path("metadata").path("labels"))) {
                    problems.add(service + ": ServiceMonitor " + Overlay.nameOf(monitor) + " does not select its Service");
                }
                for (JsonNode endpoint : monitor.path("spec").path("endpoints")) {
                    expect(problems, "ServiceMonitor endpoint port", endpoint.path("port").asText(), "management");
                    expect(problems, "ServiceMonitor endpoint path", endpoint.path("path").asText(), "/q/metrics");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void probesUseSmallRyeHealthsEndpointsOnTheManagementPort(String name) {
        Overlay overlay = Overlay.render(name);
        List<String> problems = new ArrayList<>();
        Map<String, String> paths = Map.of("startupProbe", "/q/health/started", "livenessProbe", "/q/health/live",
                "readinessProbe", "/q/health/ready");
        for (String service : ServiceModule.NAMES) {
            JsonNode container = container(workload(overlay, service), service);
            paths.forEach((probe, path) -> {
                JsonNode get = container.path(probe).path("httpGet");
                expect(problems, service + " " + probe + " path", get.path("path").asText(), path);
                // A named port: the container's "management" port, checked against quarkus.management.port above.
                expect(problems, service + " " + probe + " port", get.path("port").asText(), "management");
            });
            if (!ServiceModule.read(service).pom().contains("<artifactId>quarkus-smallrye-health</artifactId>")) {
                problems.add(service + ": has no /q/health (no quarkus-smallrye-health)");
            }
        }
        assertThat(problems).isEmpty();
    }

    /** Kubernetes' default when a pod spec gives none. */
    private static final long DEFAULT_GRACE_SECONDS = 30;

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void eachPodIsGivenTimeToDrainAsItsServiceDoes(String name) {
        Overlay overlay = Overlay.render(name);
        List<String> problems = new ArrayList<>();
        for (String service : ServiceModule.NAMES) {
            ServiceModule module = ServiceModule.read(service);
            Optional<Duration> timeout = module.property("quarkus.shutdown.timeout").flatMap(Durations::parse);
            if (timeout.isEmpty()) {
                problems.add(service + ": sets no quarkus.shutdown.timeout, so requests in flight are cut on SIGTERM");
                continue;
            }
            boolean delayed = module.property("quarkus.shutdown.delay-enabled").map(Boolean::parseBoolean).orElse(false);
            Duration delay = delayed ? module.property("quarkus.shutdown.delay").flatMap(Durations::parse)
                    .orElse(Duration.ZERO) : Duration.ZERO;
            JsonNode spec = Overlay.podSpec(workload(overlay, service));
            long grace = spec.path("terminationGracePeriodSeconds").asLong(DEFAULT_GRACE_SECONDS);
            long preStop = container(workload(overlay, service), service).path("lifecycle").path("preStop")
                    .path("sleep").path("seconds").asLong(0);
            long drain = preStop + delay.toSeconds() + timeout.get().toSeconds();
            if (grace <= drain) {
                problems.add(service + ": terminationGracePeriodSeconds " + grace + " leaves no time after its drain ("
                        + "preStop " + preStop + " s + quarkus.shutdown.delay " + delay.toSeconds()
                        + " s + quarkus.shutdown.timeout " + timeout.get().toSeconds() + " s) to stop");
            }
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyEnvironmentVariableSetsAKeyTheServiceReads(String name) {
        Overlay overlay = Overlay.render(name);
        List<String> problems = new ArrayList<>();
        Map<String, Set<String>> needed = Map.of(
                "ingest-service", Set.of("KAFKA_BOOTSTRAP_SERVERS", "PULSE_PIPELINE_FILE"),
                "aggregation-service", Set.of("KAFKA_BOOTSTRAP_SERVERS", "PULSE_PIPELINE_FILE", "PULSE_STATE_DIR"),
                "query-service", Set.of("KAFKA_BOOTSTRAP_SERVERS", "PULSE_PIPELINE_FILE", "PULSE_DB_URL",
                        "PULSE_DB_USER", "PULSE_DB_PASSWORD"));
        for (String service : ServiceModule.NAMES) {
            ServiceModule module = ServiceModule.read(service);
            Map<String, JsonNode> env = env(container(workload(overlay, service), service));
            for (String variable : env.keySet()) {
                if (!module.environmentVariables().contains(variable)
                        && !READ_WITHOUT_PROPERTIES.get(service).contains(variable)
                        && !(KAFKA_PASSTHROUGH.contains(service) && isKafkaClientSetting(variable))) {
                    problems.add(service + ": " + variable + " sets no key in its application.properties");
                }
            }
            for (String variable : needed.get(service)) {
                if (!env.containsKey(variable)) {
                    problems.add(service + ": " + variable + " is not set");
                }
            }
        }
        for (ObjectNode workload : overlay.workloads()) {
            for (JsonNode container : Overlay.podSpec(workload).path("containers")) {
                env(container).forEach((variable, entry) -> checkReference(overlay, name,
                        Overlay.nameOf(workload) + " " + variable, entry.path("valueFrom"), problems));
            }
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void thePipelineMountedIntoEachServiceLoadsWithItsSchemas(String name) throws IOException {
        Overlay overlay = Overlay.render(name);
        Pipeline bundled = PipelineLoader.load(PipelineLoader.BUNDLED);
        for (String service : ServiceModule.NAMES) {
            ObjectNode workload = workload(overlay, service);
            JsonNode container = container(workload, service);
            Path root = Files.createDirectories(temp.resolve(name).resolve(service));
            for (JsonNode mount : container.path("volumeMounts")) {
                // Volumes from a StatefulSet's claim templates are not in the pod's list: they hold no pipeline.
                JsonNode volume = stream(Overlay.podSpec(workload).path("volumes"))
                        .filter(v -> v.path("name").asText().equals(mount.path("name").asText())).findFirst()
                        .orElse(MissingNode.getInstance());
                if (volume.has("configMap")) {
                    ObjectNode map = overlay.find("ConfigMap", volume.path("configMap").path("name").asText())
                            .orElseThrow(() -> new AssertionError(service + " mounts a ConfigMap the overlay lacks"));
                    Path dir = Files.createDirectories(root.resolve(mount.path("mountPath").asText().substring(1)));
                    for (Iterator<Map.Entry<String, JsonNode>> it = map.path("data").fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> file = it.next();
                        Files.writeString(dir.resolve(file.getKey()), file.getValue().asText());
                    }
                }
            }
            String location = env(container).get("PULSE_PIPELINE_FILE").path("value").asText();
            Pipeline mounted = PipelineLoader.load(root.resolve(location.substring(1)).toString());
            assertThat(mounted.eventTypes().keySet()).as(service).isEqualTo(bundled.eventTypes().keySet());
            assertThat(mounted.metrics().keySet()).as(service).isEqualTo(bundled.metrics().keySet());
        }
    }

    @Test
    void theBaseShipsTheBundledPipeline() throws IOException {
        Path bundled = Overlay.HOME.resolve("pipeline");
        Path shipped = Overlay.K8S.resolve("base/pipeline");
        assertThat(files(shipped)).isEqualTo(files(bundled));
        for (Path file : files(bundled)) {
            assertThat(shipped.resolve(file)).as("k8s/base/pipeline/%s differs from pipeline/%s", file, file)
                    .hasSameBinaryContentAs(bundled.resolve(file));
        }
        // Every schema file is in the schemas ConfigMap, so the mounted directory is complete.
        String kustomization = Files.readString(Overlay.K8S.resolve("base/kustomization.yaml"));
        files(bundled).stream().filter(f -> f.startsWith("schemas"))
                .forEach(f -> assertThat(kustomization).contains("- pipeline/" + f));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void aggregationKeepsItsStateOnAPersistentVolume(String name) {
        ObjectNode workload = workload(Overlay.render(name), "aggregation-service");
        JsonNode container = container(workload, "aggregation-service");
        String stateDir = env(container).get("PULSE_STATE_DIR").path("value").asText();
        JsonNode mount = Stream.of(container.path("volumeMounts")).flatMap(m -> stream(m))
                .filter(m -> m.path("mountPath").asText().equals(stateDir)).findFirst()
                .orElseThrow(() -> new AssertionError("nothing is mounted at the state directory " + stateDir));
        List<String> claims = stream(workload.path("spec").path("volumeClaimTemplates"))
                .map(Overlay::nameOf).toList();
        assertThat(claims).as("volume claim templates").contains(mount.path("name").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theTopicsAreThoseThePipelineNeeds(String name) {
        Overlay overlay = Overlay.render(name);
        Pipeline pipeline = PipelineLoader.load(PipelineLoader.BUNDLED);
        Map<String, String> expected = new TreeMap<>();
        pipeline.eventTypes().keySet().forEach(type -> expected.put(Topics.events(type), "delete"));
        pipeline.eventTypes().values().forEach(type -> type.sourceTopics().forEach(t -> expected.put(t, "delete")));
        pipeline.metrics().values().forEach(metric -> metric.sinkTopics().forEach(t -> expected.put(t, "compact")));
        expected.put(Topics.DLQ, "delete");
        expected.put(Topics.LATE, "delete");
        expected.put(Topics.DUPLICATES, "delete");
        expected.put(Topics.AGGREGATES, "compact");
        expected.put(Topics.INGEST_REQUESTS, "compact,delete");
        expected.put(Topics.UPLOADS_STATUS, "compact");

        Map<String, String> created = new TreeMap<>();
        Map<String, Integer> partitions = new TreeMap<>();
        String bootstrap = kafkaBootstrap(overlay);
        if (name.equals("dev")) {
            ObjectNode job = overlay.find("Job", "pulse-topics").orElseThrow(() -> new AssertionError("no topic Job"));
            JsonNode container = Overlay.podSpec(job).path("containers").path(0);
            JsonNode volume = named(Overlay.podSpec(job).path("volumes"), "topics");
            String mountPath = named(container.path("volumeMounts"), "topics").path("mountPath").asText();
            assertThat(container.path("args").path(0).asText()).contains(mountPath + "/topics.txt");
            String list = overlay.find("ConfigMap", volume.path("configMap").path("name").asText()).orElseThrow()
                    .path("data").path("topics.txt").asText();
            list.lines().filter(l -> !l.isBlank()).map(l -> l.trim().split("\\s+")).forEach(f -> {
                created.put(f[0], f[2]);
                partitions.put(f[0], Integer.parseInt(f[1]));
            });
            String host = bootstrap.split(":")[0];
            int port = Integer.parseInt(bootstrap.split(":")[1]);
            ObjectNode kafka = overlay.find("Service", host)
                    .orElseThrow(() -> new AssertionError("bootstrap " + bootstrap + " names no Service"));
            assertThat(stream(kafka.path("spec").path("ports")).map(p -> p.path("port").asInt())).contains(port);
        } else {
            for (ObjectNode topic : overlay.ofKind("KafkaTopic")) {
                String topicName = topic.path("spec").path("topicName").asText();
                created.put(topicName, topic.path("spec").path("config").path("cleanup.policy").asText());
                partitions.put(topicName, topic.path("spec").path("partitions").asInt());
                // Strimzi names a cluster's bootstrap Service <cluster>-kafka-bootstrap.
                String cluster = topic.path("metadata").path("labels").path("strimzi.io/cluster").asText();
                assertThat(bootstrap).startsWith(cluster + "-kafka-bootstrap:");
            }
        }
        assertThat(created).isEqualTo(expected);
        // More aggregation instances than event partitions would leave some idle.
        int instances = workload(overlay, "aggregation-service").path("spec").path("replicas").asInt();
        pipeline.eventTypes().keySet().forEach(type ->
                assertThat(partitions.get(Topics.events(type))).isGreaterThanOrEqualTo(instances));
    }

    @Test
    void devPostgresIsTheDatabaseTheQueryServiceIsGiven() {
        Overlay overlay = Overlay.render("dev");
        ObjectNode secret = overlay.ofKind("Secret").stream()
                .filter(s -> Overlay.nameOf(s).startsWith("pulse-db")).findFirst().orElseThrow();
        URI url = URI.create(decode(secret.path("data").path("url").asText()).substring("jdbc:".length()));
        ObjectNode service = overlay.find("Service", url.getHost()).orElseThrow();
        assertThat(stream(service.path("spec").path("ports")).map(p -> p.path("port").asInt())).contains(url.getPort());
        ObjectNode postgres = overlay.find("StatefulSet", url.getHost()).orElseThrow();
        assertThat(selects(service.path("spec").path("selector"),
                postgres.path("spec").path("template").path("metadata").path("labels"))).isTrue();
        JsonNode env = postgres.path("spec").path("template").path("spec").path("containers").path(0).path("env");
        assertThat(named(env, "POSTGRES_DB").path("value").asText()).isEqualTo(url.getPath().substring(1));
        assertThat(named(env, "POSTGRES_USER").path("valueFrom").path("secretKeyRef").path("key").asText())
                .isEqualTo("username");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void autoscalersAndDisruptionBudgetsCoverTheServices(String name) {
        Overlay overlay = Overlay.render(name);
        List<String> scaled = overlay.ofKind("HorizontalPodAutoscaler").stream().map(h -> {
            JsonNode target = h.path("spec").path("scaleTargetRef");
            assertThat(overlay.find(target.path("kind").asText(), target.path("name").asText())).isPresent();
            return target.path("name").asText();
        }).sorted().toList();
        assertThat(scaled).containsExactly("ingest-service", "query-service");
        for (String service : ServiceModule.NAMES) {
            JsonNode labels = workload(overlay, service).path("spec").path("template").path("metadata").path("labels");
            assertThat(overlay.ofKind("PodDisruptionBudget").stream()
                    .filter(p -> selects(p.path("spec").path("selector").path("matchLabels"), labels)))
                    .as("PodDisruptionBudget of %s", service).hasSize(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyContainerRunsHardenedWithResources(String name) {
        List<String> problems = new ArrayList<>();
        for (ObjectNode workload : Overlay.render(name).workloads()) {
            JsonNode pod = Overlay.podSpec(workload);
            for (JsonNode c : pod.path("containers")) {
                String where = Overlay.nameOf(workload) + "/" + c.path("name").asText();
                JsonNode security = c.path("securityContext");
                if (!pod.path("securityContext").path("runAsNonRoot").asBoolean()
                        && !security.path("runAsNonRoot").asBoolean()) {
                    problems.add(where + ": may run as root");
                }
                expect(problems, where + " allowPrivilegeEscalation",
                        security.path("allowPrivilegeEscalation").asText(), "false");
                expect(problems, where + " capabilities.drop", security.path("capabilities").path("drop").toString(),
                        "[\"ALL\"]");
                for (String bound : List.of("requests", "limits")) {
                    for (String resource : List.of("cpu", "memory")) {
                        if (!c.path("resources").path(bound).has(resource)) {
                            problems.add(where + ": no " + resource + " " + bound);
                        }
                    }
                }
                if (ServiceModule.NAMES.contains(c.path("name").asText())
                        && !security.path("readOnlyRootFilesystem").asBoolean()) {
                    problems.add(where + ": root file system is writable");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everySecretAndConfigMapMountedAsAVolumeExistsWithItsKeys(String name) {
        Overlay overlay = Overlay.render(name);
        List<String> problems = new ArrayList<>();
        for (ObjectNode workload : overlay.workloads()) {
            for (JsonNode volume : Overlay.podSpec(workload).path("volumes")) {
                String where = Overlay.nameOf(workload) + " volume " + volume.path("name").asText();
                for (String kind : List.of("secret", "configMap")) {
                    JsonNode source = volume.path(kind);
                    if (source.isMissingNode()) {
                        continue;
                    }
                    String objectName = source.path(kind.equals("secret") ? "secretName" : "name").asText();
                    List<String> keys = stream(source.path("items")).map(i -> i.path("key").asText()).toList();
                    String refKind = kind.equals("secret") ? "secretKeyRef" : "configMapKeyRef";
                    if (keys.isEmpty() && overlay.find(kind.equals("secret") ? "Secret" : "ConfigMap", objectName)
                            .isEmpty() && !EXTERNAL_SECRETS.get(name).containsKey(objectName)
                            && !isKafkaUserSecret(overlay, objectName)) {
                        problems.add(where + ": " + kind + " " + objectName + " does not exist");
                    }
                    for (String key : keys) {
                        ObjectNode ref = JSON.createObjectNode();
                        ref.putObject(refKind).put("name", objectName).put("key", key);
                        checkReference(overlay, name, where, ref, problems);
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    /** A Kafka client setting as Quarkus' default Kafka configuration reads it from a KAFKA_* variable. */
    static boolean isKafkaClientSetting(String variable) {
        if (!variable.startsWith("KAFKA_")) {
            return false;
        }
        String setting = variable.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
        return ProducerConfig.configNames().contains(setting)
                || ConsumerConfig.configNames().contains(setting)
                || AdminClientConfig.configNames().contains(setting);
    }

    /** A Secret Strimzi's User Operator makes for a KafkaUser of the overlay with tls authentication. */
    static boolean isKafkaUserSecret(Overlay overlay, String secretName) {
        return overlay.find("KafkaUser", secretName)
                .filter(u -> u.path("spec").path("authentication").path("type").asText().equals("tls")).isPresent();
    }

    private static void checkReference(Overlay overlay, String overlayName, String where, JsonNode valueFrom,
                                       List<String> problems) {
        for (String kind : List.of("configMapKeyRef", "secretKeyRef")) {
            JsonNode ref = valueFrom.path(kind);
            if (ref.isMissingNode()) {
                continue;
            }
            String objectName = ref.path("name").asText();
            String key = ref.path("key").asText();
            Optional<ObjectNode> object = overlay.find(kind.equals("secretKeyRef") ? "Secret" : "ConfigMap", objectName);
            Set<String> external = kind.equals("secretKeyRef") && isKafkaUserSecret(overlay, objectName)
                    ? KAFKA_USER_SECRET_KEYS
                    : kind.equals("secretKeyRef") ? EXTERNAL_SECRETS.get(overlayName).getOrDefault(objectName, Set.of())
                    : Set.of();
            if (object.isPresent() ? !object.get().path("data").has(key) : !external.contains(key)) {
                problems.add(where + ": " + kind + " " + objectName + "/" + key + " does not exist");
            }
        }
    }

    private static String kafkaBootstrap(Overlay overlay) {
        return overlay.ofKind("ConfigMap").stream().filter(c -> Overlay.nameOf(c).startsWith("pulse-kafka"))
                .findFirst().orElseThrow().path("data").path("bootstrap.servers").asText();
    }

    private static ObjectNode workload(Overlay overlay, String service) {
        return overlay.find("Deployment", service).or(() -> overlay.find("StatefulSet", service))
                .orElseThrow(() -> new AssertionError(overlay + ": no workload " + service));
    }

    private static JsonNode container(JsonNode workload, String name) {
        return named(Overlay.podSpec(workload).path("containers"), name);
    }

    private static Map<String, JsonNode> env(JsonNode container) {
        Map<String, JsonNode> env = new TreeMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e));
        return env;
    }

    private static JsonNode named(JsonNode list, String name) {
        return stream(list).filter(n -> name.equals(n.path("name").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no entry named " + name + " in " + list));
    }

    private static Stream<JsonNode> stream(JsonNode list) {
        List<JsonNode> items = new ArrayList<>();
        list.forEach(items::add);
        return items.stream();
    }

    private static boolean selects(JsonNode selector, JsonNode labels) {
        if (selector.isEmpty()) {
            return false;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = selector.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> label = it.next();
            if (!label.getValue().asText().equals(labels.path(label.getKey()).asText(null))) {
                return false;
            }
        }
        return true;
    }

    private static void expect(List<String> problems, String what, Object actual, Object expected) {
        if (!expected.equals(actual)) {
            problems.add(what + " is " + actual + ", expected " + expected);
        }
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    private static List<Path> files(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(dir::relativize).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
