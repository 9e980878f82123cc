package io.pulse.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Shared look-ups of a service's workload and container in a rendered overlay. */
final class Workloads {

    private Workloads() {
    }

    static ObjectNode of(Overlay overlay, String service) {
        return overlay.find("Deployment", service).or(() -> overlay.find("StatefulSet", service))
                .orElseThrow(() -> new AssertionError(overlay + ": no workload " + service));
    }

    static JsonNode container(JsonNode workload, String name) {
        return stream(Overlay.podSpec(workload).path("containers"))
                .filter(c -> c.path("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name));
    }

    /** Plain values of the container's environment; a variable set from a reference maps to "". */
    static Map<String, String> env(JsonNode container) {
        Map<String, String> env = new TreeMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText("")));
        return env;
    }

    static Optional<JsonNode> envEntry(JsonNode container, String name) {
        return stream(container.path("env")).filter(e -> e.path("name").asText().equals(name)).findFirst();
    }

    static Stream<JsonNode> stream(JsonNode list) {
        List<JsonNode> items = new ArrayList<>();
        list.forEach(items::add);
        return items.stream();
    }
}
