package io.pulse.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** One overlay of {@code k8s/overlays} as {@code kubectl kustomize} renders it: the objects a deploy would apply. */
final class Overlay {

    static final Path HOME = Path.of(System.getProperty("pulse.home", "..")).toAbsolutePath().normalize();
    static final Path K8S = HOME.resolve("k8s");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final String name;
    private final List<ObjectNode> objects;

    private Overlay(String name, List<ObjectNode> objects) {
        this.name = name;
        this.objects = objects;
    }

    static Overlay render(String name) {
        String yaml = Processes.run(K8S, "kubectl is needed to render the overlays (it is on the build machine; "
                + "install it from https://kubernetes.io/docs/tasks/tools/)", "kubectl", "kustomize",
                K8S.resolve("overlays").resolve(name).toString());
        return new Overlay(name, parse(yaml));
    }

    static List<ObjectNode> parse(String yaml) {
        List<ObjectNode> objects = new ArrayList<>();
        try (YAMLParser parser = (YAMLParser) YAML.getFactory().createParser(yaml)) {
            for (var it = YAML.readValues(parser, ObjectNode.class); it.hasNext(); ) {
                ObjectNode object = it.next();
                if (object != null) {
                    objects.add(object);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("kubectl kustomize wrote YAML that does not parse", e);
        }
        return objects;
    }

    String name() {
        return name;
    }

    List<ObjectNode> objects() {
        return objects;
    }

    List<ObjectNode> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    Optional<ObjectNode> find(String kind, String objectName) {
        return ofKind(kind).stream().filter(o -> objectName.equals(o.path("metadata").path("name").asText()))
                .findFirst();
    }

    /** Deployments, StatefulSets and Jobs: everything that runs pods. */
    List<ObjectNode> workloads() {
        return objects.stream().filter(o -> o.has("spec") && o.path("spec").path("template").has("spec")).toList();
    }

    static JsonNode podSpec(JsonNode workload) {
        return workload.path("spec").path("template").path("spec");
    }

    static String nameOf(JsonNode object) {
        return object.path("metadata").path("name").asText();
    }

    @Override
    public String toString() {
        return name;
    }

    /** Runs the tools the checks need, failing with what to install when one is missing. */
    static final class Processes {

        private Processes() {
        }

        static String run(Path dir, String whenMissing, String... command) {
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot run " + command[0] + ": " + whenMissing, e);
            }
            try {
                byte[] out = process.getInputStream().readAllBytes();
                if (!process.waitFor(5, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + " did not finish in 5 minutes");
                }
                String text = new String(out, StandardCharsets.UTF_8);
                if (process.exitValue() != 0) {
                    throw new AssertionError(String.join(" ", command) + " failed (exit " + process.exitValue()
                            + "):\n" + text);
                }
                return text;
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the output of " + command[0], e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }
}
