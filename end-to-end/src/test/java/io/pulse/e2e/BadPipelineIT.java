package io.pulse.e2e;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pulse.stack.Ports;
import io.pulse.stack.services.Service;
import io.pulse.stack.services.ServiceProcess;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The packaged ingest service refuses to start on a pipeline whose schema is not valid JSON Schema 2020-12. */
class BadPipelineIT {

    private static final Path HOME = Path.of(System.getProperty("pulse.home", "..")).toAbsolutePath().normalize();

    @Test
    void ingestRefusesToStartNamingTheFileThePathAndTheFix() throws Exception {
        Path pipeline = Path.of(BadPipelineIT.class.getResource("/bad-pipeline/pulse.yaml").toURI());
        try (ServiceProcess ingest = ServiceProcess.start(Service.INGEST,
                HOME.resolve("ingest-service/target/quarkus-app/quarkus-run.jar"), Ports.free(),
                Map.of("pulse.pipeline.file", pipeline.toString(), "kafka.bootstrap.servers", "127.0.0.1:" + Ports.free()),
                List.of(), new PrintStream(OutputStream.nullOutputStream()))) {
            assertThatThrownBy(() -> ingest.awaitReady(Duration.ofSeconds(60)))
                    .hasMessageContaining("exited with code")
                    .hasMessageContaining("Invalid pipeline file " + pipeline)
                    .hasMessageContaining("event-types.translation_delivered.schema/properties/translation_id/maxLength")
                    .hasMessageContaining("Fix: correct the schema");
        }
    }
}
