package io.pulse.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Production's connections are encrypted and authenticated: each service speaks TLS to Kafka with the cluster CA as
 * trust store and its own Kafka user's certificate as key store, and reaches PostgreSQL with verify-full against a
 * mounted CA, its credentials from a Secret.
 */
class ProdTlsTest {

    /** The intent: how each service is given the Kafka client settings (the variable before the setting's name). */
    private static final Map<String, String> KAFKA_SETTINGS_PREFIX = Map.of("ingest-service", "KAFKA_",
            "query-service", "KAFKA_", "aggregation-service", "QUARKUS_KAFKA_STREAMS_");
    /** Strimzi's Secret holding the cluster CA of the cluster "pulse", and its keys. */
    private static final String CLUSTER_CA = "pulse-cluster-ca-cert";
    /** Strimzi's tls listener. */
    private static final int TLS_PORT = 9093;

    @Test
    void everyServiceSpeaksTlsToKafkaAsItsOwnUser() {
        Overlay overlay = Overlay.render("prod");
        List<String> problems = new ArrayList<>();
        for (String service : ServiceModule.NAMES) {
            ObjectNode workload = Workloads.of(overlay, service);
            JsonNode container = Workloads.container(workload, service);
            String prefix = KAFKA_SETTINGS_PREFIX.get(service);
            String user = KafkaAclTest.USERS.get(service);
            expect(problems, service + " " + prefix + "SECURITY_PROTOCOL", value(container, prefix + "SECURITY_PROTOCOL"),
                    "SSL");
            for (String store : List.of("TRUSTSTORE", "KEYSTORE")) {
                String secret = store.equals("TRUSTSTORE") ? CLUSTER_CA : user;
                String file = store.equals("TRUSTSTORE") ? "ca.p12" : "user.p12";
                String password = store.equals("TRUSTSTORE") ? "ca.password" : "user.password";
                String variable = prefix + "SSL_" + store;
                expect(problems, service + " " + variable + "_TYPE", value(container, variable + "_TYPE"), "PKCS12");
                expect(problems, service + " " + variable + "_LOCATION",
                        mountedFrom(workload, container, value(container, variable + "_LOCATION")),
                        "secret " + secret + "/" + file);
                expect(problems, service + " " + variable + "_PASSWORD", secretRef(container, variable + "_PASSWORD"),
                        secret + "/" + password);
            }
            if (overlay.find("KafkaUser", user).isEmpty()) {
                problems.add(service + ": no KafkaUser " + user);
            }
        }
        String bootstrap = overlay.ofKind("ConfigMap").stream().filter(c -> Overlay.nameOf(c).startsWith("pulse-kafka"))
                .findFirst().orElseThrow().path("data").path("bootstrap.servers").asText();
        expect(problems, "bootstrap servers", bootstrap, "pulse-kafka-bootstrap:" + TLS_PORT);
        assertThat(problems).isEmpty();
    }

    @Test
    void theQueryServiceVerifiesPostgreSqlsCertificateAndHostName() {
        Overlay overlay = Overlay.render("prod");
        ObjectNode workload = Workloads.of(overlay, "query-service");
        JsonNode container = Workloads.container(workload, "query-service");
        JsonNode ref = Workloads.envEntry(container, "PULSE_DB_URL").orElseThrow().path("valueFrom")
                .path("configMapKeyRef");
        String url = overlay.find("ConfigMap", ref.path("name").asText()).orElseThrow().path("data")
                .path(ref.path("key").asText()).asText();
        assertThat(url).startsWith("jdbc:postgresql://");
        Map<String, String> parameters = new TreeMap<>();
        Optional.ofNullable(URI.create(url.substring("jdbc:".length())).getQuery()).ifPresent(q -> Arrays
                .stream(q.split("&")).map(p -> p.split("=", 2)).forEach(p -> parameters.put(p[0], p[1])));
        assertThat(parameters).containsEntry("sslmode", "verify-full");
        assertThat(mountedFrom(workload, container, parameters.get("sslrootcert"))).isEqualTo("secret pulse-db-ca/ca.crt");
        assertThat(secretRef(container, "PULSE_DB_USER")).isEqualTo("pulse-db/username");
        assertThat(secretRef(container, "PULSE_DB_PASSWORD")).isEqualTo("pulse-db/password");
    }

    @Test
    void noPasswordIsWrittenIntoAManifest() {
        for (String name : List.of("dev", "prod")) {
            for (ObjectNode workload : Overlay.render(name).workloads()) {
                for (JsonNode container : Overlay.podSpec(workload).path("containers")) {
                    container.path("env").forEach(e -> {
                        if (e.path("name").asText().contains("PASSWORD")) {
                            assertThat(e.has("value")).as("%s %s %s is written out", name, Overlay.nameOf(workload),
                                    e.path("name").asText()).isFalse();
                        }
                    });
                }
            }
        }
    }

    @Test
    void devSpeaksPlaintextToItsOwnKafka() {
        Overlay overlay = Overlay.render("dev");
        for (String service : ServiceModule.NAMES) {
            JsonNode container = Workloads.container(Workloads.of(overlay, service), service);
            assertThat(Workloads.env(container).keySet()).as(service).noneMatch(v -> v.endsWith("SECURITY_PROTOCOL"));
        }
    }

    private static String value(JsonNode container, String variable) {
        return Workloads.envEntry(container, variable).map(e -> e.path("value").asText(null)).orElse(null);
    }

    private static String secretRef(JsonNode container, String variable) {
        return Workloads.envEntry(container, variable).map(e -> e.path("valueFrom").path("secretKeyRef"))
                .filter(r -> !r.isMissingNode()).map(r -> r.path("name").asText() + "/" + r.path("key").asText())
                .orElse(null);
    }

    /** Where a file of the container comes from: "secret NAME/KEY" (or "configMap …"), or null. */
    static String mountedFrom(JsonNode workload, JsonNode container, String file) {
        if (file == null) {
            return null;
        }
        for (JsonNode mount : container.path("volumeMounts")) {
            String dir = mount.path("mountPath").asText();
            if (!file.startsWith(dir + "/") || mount.has("subPath")) {
                continue;
            }
            String path = file.substring(dir.length() + 1);
            JsonNode volume = Workloads.stream(Overlay.podSpec(workload).path("volumes"))
                    .filter(v -> v.path("name").asText().equals(mount.path("name").asText())).findFirst().orElseThrow();
            for (String kind : List.of("secret", "configMap")) {
                JsonNode source = volume.path(kind);
                if (source.isMissingNode()) {
                    continue;
                }
                String name = source.path(kind.equals("secret") ? "secretName" : "name").asText();
                if (source.path("items").isEmpty()) {
                    return kind + " " + name + "/" + path;
                }
                Optional<String> key = Workloads.stream(source.path("items"))
                        .filter(i -> i.path("path").asText().equals(path)).map(i -> i.path("key").asText()).findFirst();
                return key.map(k -> kind + " " + name + "/" + k).orElse(null);
            }
        }
        return null;
    }

    private static void expect(List<String> problems, String what, Object actual, Object expected) {
        if (!expected.equals(actual)) {
            problems.add(what + " is " + actual + ", expected " + expected);
        }
    }
}
