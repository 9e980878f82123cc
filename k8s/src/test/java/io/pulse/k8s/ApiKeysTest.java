package io.pulse.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The API keys of ingest and query: a Secret made outside git, mounted as a directory so that Kubernetes replaces the
 * file when the Secret changes (the services reload it), and no key in the manifests.
 */
class ApiKeysTest {

    /** The intent: which services authenticate callers, where the file is, what it comes from. */
    private static final List<String> AUTHENTICATING = List.of("ingest-service", "query-service");
    private static final String SECRET = "pulse-api-keys";
    private static final String KEY = "api-keys";
    private static final String DIRECTORY = "/etc/pulse/keys";
    private static final String FILE = DIRECTORY + "/api-keys";
    /** A line of the keys file: name, then sha256:<64 hex digits>. */
    private static final Pattern KEY_LINE = Pattern.compile("(?m)^\\s*\\S+\\s+sha256:[0-9a-fA-F]{64}\\b");

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void ingestAndQueryReadTheKeysFromTheMountedSecret(String name) {
        Overlay overlay = Overlay.render(name);
        List<String> problems = new ArrayList<>();
        for (String service : AUTHENTICATING) {
            ObjectNode workload = Workloads.of(overlay, service);
            JsonNode container = Workloads.container(workload, service);
            String file = Workloads.env(container).getOrDefault("PULSE_SECURITY_KEYS_FILE", "");
            if (!file.equals(FILE)) {
                problems.add(service + ": PULSE_SECURITY_KEYS_FILE is '" + file + "', expected " + FILE);
            }
            Optional<JsonNode> mount = Workloads.stream(container.path("volumeMounts"))
                    .filter(m -> m.path("mountPath").asText().equals(DIRECTORY)).findFirst();
            if (mount.isEmpty()) {
                problems.add(service + ": nothing is mounted at " + DIRECTORY);
                continue;
            }
            if (mount.get().has("subPath") || mount.get().has("subPathExpr")) {
                problems.add(service + ": the keys are mounted with a subPath, which Kubernetes never updates");
            }
            if (!mount.get().path("readOnly").asBoolean()) {
                problems.add(service + ": the keys are mounted writable");
            }
            JsonNode volume = Workloads.stream(Overlay.podSpec(workload).path("volumes"))
                    .filter(v -> v.path("name").asText().equals(mount.get().path("name").asText())).findFirst()
                    .orElseThrow();
            JsonNode secret = volume.path("secret");
            if (!secret.path("secretName").asText().equals(SECRET)) {
                problems.add(service + ": " + DIRECTORY + " is not the Secret " + SECRET + ": " + volume);
                continue;
            }
            // The file is the Secret's key, under the name the variable gives.
            String fileName = FILE.substring(DIRECTORY.length() + 1);
            boolean mapped = secret.path("items").isEmpty() ? fileName.equals(KEY) : Workloads.stream(secret.path("items"))
                    .anyMatch(i -> i.path("key").asText().equals(KEY) && i.path("path").asText().equals(fileName));
            if (!mapped) {
                problems.add(service + ": the Secret's key " + KEY + " is not the file " + FILE);
            }
        }
        // The aggregation serves no caller: it gets no keys.
        JsonNode aggregation = Workloads.container(Workloads.of(overlay, "aggregation-service"), "aggregation-service");
        if (Workloads.env(aggregation).containsKey("PULSE_SECURITY_KEYS_FILE")) {
            problems.add("aggregation-service: is given API keys");
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void noOverlayShipsTheKeysSecret(String name) {
        Overlay overlay = Overlay.render(name);
        assertThat(overlay.ofKind("Secret").stream().map(Overlay::nameOf))
                .as("the keys are made outside git").noneMatch(n -> n.startsWith(SECRET));
        assertThat(OverlayMatchesServicesTest.EXTERNAL_SECRETS.get(name)).containsKey(SECRET);
    }

    @Test
    void noKeysFileIsCommittedWithTheManifests() {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Overlay.K8S)) {
            files.filter(Files::isRegularFile)
                    .filter(f -> !f.toString().contains("node_modules") && !f.toString().contains("/target/"))
                    .filter(f -> f.toString().matches(".*\\.(ya?ml|txt|md|env|properties|json)$"))
                    .forEach(f -> {
                        try {
                            if (KEY_LINE.matcher(Files.readString(f)).find()) {
                                found.add(Overlay.HOME.relativize(f).toString());
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(found).as("files under k8s/ holding an API key line: default credentials").isEmpty();
    }
}
