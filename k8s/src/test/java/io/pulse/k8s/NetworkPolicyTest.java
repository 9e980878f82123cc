package io.pulse.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The NetworkPolicies of each overlay, evaluated as Kubernetes does for ingress: every connection from every pod of
 * the overlay and from pods standing for the ingress controller, Prometheus and strangers (inside the namespace and
 * outside it), to every port of every pod of the overlay, must be allowed exactly when the intent below says so.
 */
class NetworkPolicyTest {

    private static final String NAMESPACE = "pulse";
    private static final List<String> SERVICES = List.of("ingest-service", "aggregation-service", "query-service");
    private static final Pod INGRESS_CONTROLLER = new Pod("ingress controller", "ingress-nginx",
            Map.of("app.kubernetes.io/name", "ingress-nginx"), Set.of());
    private static final Pod PROMETHEUS = new Pod("Prometheus", "monitoring",
            Map.of("app.kubernetes.io/name", "prometheus"), Set.of());
    private static final Pod STRANGER = new Pod("a pod of another namespace", "elsewhere",
            Map.of("app.kubernetes.io/name", "ingest-service"), Set.of());
    private static final Pod NEIGHBOUR = new Pod("another pod of the namespace", NAMESPACE,
            Map.of("app.kubernetes.io/name", "neighbour"), Set.of());
    /** A broker of the Strimzi cluster "pulse" as its operator labels it, with its plain and tls listeners. */
    private static final Pod BROKER = new Pod("kafka broker", NAMESPACE, Map.of("strimzi.io/cluster", "pulse",
            "strimzi.io/kind", "Kafka", "strimzi.io/name", "pulse-kafka", "strimzi.io/broker-role", "true"),
            Set.of(9092, 9093));

    /** The intent: the only connections each overlay lets in, as "source -> destination:port". */
    private static Set<String> intended(String overlay) {
        Set<String> flows = new TreeSet<>();
        flows.add(INGRESS_CONTROLLER.name() + " -> ingest-service:8081");
        flows.add(INGRESS_CONTROLLER.name() + " -> query-service:8083");
        SERVICES.forEach(s -> flows.add(PROMETHEUS.name() + " -> " + s + ":9000"));
        if (overlay.equals("dev")) {
            // The dev overlay's own Kafka (plaintext 9092; its controller port 9093 is its own) and PostgreSQL.
            SERVICES.forEach(s -> flows.add(s + " -> kafka:9092"));
            flows.add("pulse-topics -> kafka:9092");
            flows.add("query-service -> postgres:5432");
        } else {
            // Strimzi's brokers: the services on the tls listener only.
            SERVICES.forEach(s -> flows.add(s + " -> " + BROKER.name() + ":9093"));
        }
        return flows;
    }

    record Pod(String name, String namespace, Map<String, String> labels, Set<Integer> ports) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyPodIsDeniedIngressByDefault(String name) {
        Overlay overlay = Overlay.render(name);
        List<ObjectNode> denyAll = overlay.ofKind("NetworkPolicy").stream()
                .filter(p -> p.path("spec").path("podSelector").isEmpty()
                        && types(p).contains("Ingress") && p.path("spec").path("ingress").isEmpty())
                .toList();
        assertThat(denyAll).as("a policy selecting every pod and letting nothing in").isNotEmpty();
        for (ObjectNode policy : overlay.ofKind("NetworkPolicy")) {
            assertThat(policy.path("metadata").path("namespace").asText()).as(Overlay.nameOf(policy))
                    .isEqualTo(NAMESPACE);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void exactlyTheIntendedConnectionsAreAllowed(String name) {
        Overlay overlay = Overlay.render(name);
        List<Pod> pods = pods(overlay);
        if (name.equals("prod")) {
            pods.add(BROKER);
        }
        List<Pod> sources = new ArrayList<>(pods);
        sources.addAll(List.of(INGRESS_CONTROLLER, PROMETHEUS, STRANGER, NEIGHBOUR));
        Set<String> allowed = new TreeSet<>();
        for (Pod destination : pods) {
            for (int port : destination.ports()) {
                for (Pod source : sources) {
                    // A pod reaching itself goes through its loopback, which no policy governs.
                    if (source != destination && allows(overlay.ofKind("NetworkPolicy"), source, destination, port)) {
                        allowed.add(source.name() + " -> " + destination.name() + ":" + port);
                    }
                }
            }
        }
        assertThat(allowed).isEqualTo(intended(name));
    }

    private static List<Pod> pods(Overlay overlay) {
        List<Pod> pods = new ArrayList<>();
        for (ObjectNode workload : overlay.workloads()) {
            Map<String, String> labels = new TreeMap<>();
            workload.path("spec").path("template").path("metadata").path("labels").fields()
                    .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            Set<Integer> ports = new TreeSet<>();
            Overlay.podSpec(workload).path("containers").forEach(c -> c.path("ports")
                    .forEach(p -> ports.add(p.path("containerPort").asInt())));
            pods.add(new Pod(Overlay.nameOf(workload), NAMESPACE, labels, ports));
        }
        return pods;
    }

    /** Kubernetes' rule: not isolated for ingress, or some selecting policy has a rule matching source and port. */
    static boolean allows(List<ObjectNode> policies, Pod source, Pod destination, int port) {
        List<ObjectNode> selecting = policies.stream()
                .filter(p -> p.path("metadata").path("namespace").asText(NAMESPACE).equals(destination.namespace()))
                .filter(p -> selects(p.path("spec").path("podSelector"), destination.labels()))
                .filter(p -> types(p).contains("Ingress")).toList();
        if (selecting.isEmpty()) {
            return true;
        }
        for (ObjectNode policy : selecting) {
            for (JsonNode rule : policy.path("spec").path("ingress")) {
                if (fromMatches(rule.path("from"), destination.namespace(), source) && portMatches(rule.path("ports"), port)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Set<String> types(JsonNode policy) {
        Set<String> types = new TreeSet<>();
        policy.path("spec").path("policyTypes").forEach(t -> types.add(t.asText()));
        if (types.isEmpty()) {
            types.add("Ingress");
            if (policy.path("spec").has("egress")) {
                types.add("Egress");
            }
        }
        return types;
    }

    private static boolean fromMatches(JsonNode from, String policyNamespace, Pod source) {
        if (from.isMissingNode() || from.isEmpty()) {
            return true;
        }
        for (JsonNode peer : from) {
            if (peer.has("ipBlock")) {
                throw new AssertionError("an ipBlock peer lets in addresses, not pods: not part of the intent: " + peer);
            }
            boolean namespaceOk = peer.has("namespaceSelector")
                    ? selects(peer.path("namespaceSelector"), Map.of("kubernetes.io/metadata.name", source.namespace()))
                    : source.namespace().equals(policyNamespace);
            boolean podOk = !peer.has("podSelector") || selects(peer.path("podSelector"), source.labels());
            if (namespaceOk && podOk) {
                return true;
            }
        }
        return false;
    }

    private static boolean portMatches(JsonNode ports, int port) {
        if (ports.isMissingNode() || ports.isEmpty()) {
            return true;
        }
        for (JsonNode entry : ports) {
            if (!entry.path("protocol").asText("TCP").equals("TCP")) {
                continue;
            }
            if (!entry.has("port")) {
                return true;
            }
            if (!entry.path("port").isInt()) {
                throw new AssertionError("named port in a NetworkPolicy, give the number: " + entry);
            }
            int first = entry.path("port").asInt();
            int last = entry.path("endPort").asInt(first);
            if (port >= first && port <= last) {
                return true;
            }
        }
        return false;
    }

    /** A label selector: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist); empty selects all. */
    static boolean selects(JsonNode selector, Map<String, String> labels) {
        for (Iterator<Map.Entry<String, JsonNode>> it = selector.path("matchLabels").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> label = it.next();
            if (!label.getValue().asText().equals(labels.get(label.getKey()))) {
                return false;
            }
        }
        for (JsonNode expression : selector.path("matchExpressions")) {
            String value = labels.get(expression.path("key").asText());
            Set<String> values = new TreeSet<>();
            expression.path("values").forEach(v -> values.add(v.asText()));
            boolean ok = switch (expression.path("operator").asText()) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> throw new AssertionError("unknown operator in " + expression);
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
