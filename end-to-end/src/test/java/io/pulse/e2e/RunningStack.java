package io.pulse.e2e;

import io.pulse.stack.LocalStack;
import io.pulse.stack.client.PulseClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The whole platform for one test class, registered as a static {@code @RegisterExtension} field: started before
 * the class's {@code @BeforeAll} methods, in a data directory of its own, and stopped, with every instance started
 * on it, after its last test.
 */
final class RunningStack implements BeforeAllCallback, AfterAllCallback {

    private final String pipeline;
    private final int partitions;
    private Path data;
    private LocalStack stack;
    private PulseClient client;

    /**
     * @param pipeline   the pipeline file
     * @param partitions partitions of each event topic
     */
    RunningStack(String pipeline, int partitions) {
        this.pipeline = pipeline;
        this.partitions = partitions;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        data = Files.createTempDirectory("pulse-" + context.getRequiredTestClass().getSimpleName() + "-");
        stack = TestStacks.start(data, pipeline, partitions);
        client = TestStacks.client(stack);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (stack != null) {
            stack.close();
        }
        if (data != null) {
            try (Stream<Path> files = Files.walk(data)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    LocalStack stack() {
        return stack;
    }

    /** A client of the stack's ingest and query services. */
    PulseClient client() {
        return client;
    }

    /** The stack's data directory, also for the files a test writes. */
    Path data() {
        return data;
    }
}
