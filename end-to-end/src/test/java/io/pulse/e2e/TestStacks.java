package io.pulse.e2e;

import io.pulse.stack.LocalStack;
import io.pulse.stack.Ports;
import io.pulse.stack.StackConfig;
import io.pulse.stack.client.PulseClient;
import io.pulse.stack.services.Service;
import java.nio.file.Path;
import java.util.Set;

/** The whole platform for a test: started on free ports by the same code as {@code ./pulse up}. */
final class TestStacks {

    /** The repository root, where the packaged services are. */
    static final Path HOME = Path.of(System.getProperty("pulse.home", "..")).toAbsolutePath().normalize();

    private TestStacks() {
    }

    static LocalStack start(Path data, String pipeline, int partitions) {
        int kafka = Ports.free();
        while (!Ports.isFree(kafka + 1)) { // the KRaft controller takes the next port
            kafka = Ports.free();
        }
        // PostgreSQL, the three API ports and the three management ports, all different
        int[] p = Ports.free(7, kafka, kafka + 1);
        return LocalStack.start(new StackConfig(HOME, data, pipeline, partitions, kafka, p[0], p[1], p[2], p[3], p[4],
                p[5], p[6], Set.of()), System.out);
    }

    static PulseClient client(LocalStack stack) {
        return new PulseClient(stack.url(Service.INGEST), stack.url(Service.QUERY));
    }
}
