package io.pulse.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every object of every overlay against the Kubernetes API schema, offline: types, enums and required fields with
 * the OpenAPI schemas of npm's kubernetes-models, and unknown (misspelt, misplaced) fields with fabric8's typed
 * models, which keep what they do not know in {@code additionalProperties}.
 */
class KubernetesSchemaTest {

    private static final Path VALIDATOR = Overlay.K8S.resolve("validate");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final KubernetesSerialization FABRIC8 = new KubernetesSerialization();
    /** Custom resources: fabric8's client API has no typed model for them; kubernetes-models checks them. */
    private static final Set<String> CUSTOM_KINDS = Set.of("monitoring.coreos.com/v1/ServiceMonitor",
            "monitoring.coreos.com/v1/PrometheusRule", "kafka.strimzi.io/v1beta2/KafkaTopic",
            "kafka.strimzi.io/v1beta2/KafkaUser");

    @TempDir
    Path temp;

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyObjectMatchesItsOpenApiSchema(String overlay) throws IOException {
        String output = validateWithNode(Overlay.render(overlay).objects());
        assertThat(output).contains("objects valid");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void noObjectHasAFieldTheApiDoesNotKnow(String overlay) {
        List<String> unknown = new ArrayList<>();
        for (ObjectNode object : Overlay.render(overlay).objects()) {
            unknown.addAll(unknownFields(object));
        }
        assertThat(unknown).as("fields the Kubernetes API would reject or drop").isEmpty();
    }

    @Test
    void theSchemaCheckFailsOnAWrongType() throws IOException {
        ObjectNode broken = deploymentWithContainer("{\"name\": \"a\", \"image\": 3}");
        assertThatThrownBy(() -> validateWithNode(List.of(broken)))
                .hasMessageContaining("FAIL apps/v1/Deployment broken")
                .hasMessageContaining("image must be string");
    }

    @Test
    void theSchemaCheckFailsOnAnApiVersionItHasNoSchemaFor() throws IOException {
        ObjectNode typo = (ObjectNode) JSON.readTree("{\"apiVersion\": \"app/v1\", \"kind\": \"Deployment\","
                + " \"metadata\": {\"name\": \"typo\"}}");
        assertThatThrownBy(() -> validateWithNode(List.of(typo))).hasMessageContaining("no schema for apiVersion app/v1");
    }

    @Test
    void theUnknownFieldWalkFindsAMisspeltField() throws IOException {
        ObjectNode broken = deploymentWithContainer("{\"name\": \"a\", \"image\": \"x\", \"imagePullPolicyy\": \"Always\"}");
        assertThat(unknownFields(broken))
                .containsExactly("Deployment broken: spec.template.spec.containers[0].imagePullPolicyy");
    }

    private ObjectNode deploymentWithContainer(String container) throws IOException {
        return (ObjectNode) JSON.readTree("{\"apiVersion\": \"apps/v1\", \"kind\": \"Deployment\", \"metadata\":"
                + " {\"name\": \"broken\"}, \"spec\": {\"selector\": {}, \"template\": {\"spec\": {\"containers\": ["
                + container + "]}}}}");
    }

    /** Runs validate.mjs with kubernetes-models; installs its locked dependencies first if they are missing. */
    private String validateWithNode(List<ObjectNode> objects) throws IOException {
        String node = "Node.js 20+ is needed to validate the manifests (apt-get install nodejs npm)";
        if (!Files.isDirectory(VALIDATOR.resolve("node_modules"))) {
            Overlay.Processes.run(VALIDATOR, node, "npm", "ci", "--no-audit", "--no-fund");
        }
        Path file = temp.resolve("objects.json");
        JSON.writeValue(file.toFile(), objects);
        return Overlay.Processes.run(VALIDATOR, node, "node", "validate.mjs", file.toString());
    }

    private static List<String> unknownFields(ObjectNode object) {
        String apiVersion = object.path("apiVersion").asText();
        String kind = object.path("kind").asText();
        String where = kind + " " + Overlay.nameOf(object);
        KubernetesResource typed = FABRIC8.unmarshal(object.toString());
        if (typed instanceof GenericKubernetesResource) {
            assertThat(CUSTOM_KINDS).as("fabric8 knows no type for %s %s", apiVersion, where)
                    .contains(apiVersion + "/" + kind);
            return List.of();
        }
        List<String> found = new ArrayList<>();
        walk(typed, "", where, found);
        return found;
    }

    /** Visits every fabric8 model object reachable through getters and collects the fields it did not know. */
    private static void walk(Object value, String path, String where, List<String> found) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                walk(item, path + "[" + i++ + "]", where, found);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "[" + k + "]", where, found));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            Object child = invoke(getter, value);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra) {
                    extra.keySet().forEach(k -> found.add(where + ": " + (path.isEmpty() ? "" : path + ".") + k));
                }
            } else {
                String property = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
                walk(child, path.isEmpty() ? property : path + "." + property, where, found);
            }
        }
    }

    private static Object invoke(Method getter, Object target) {
        try {
            return getter.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + getter, e);
        }
    }
}
