package io.pulse.stack;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pulse.common.pipeline.PipelineLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stack checks every port it needs, the management ports included, before it starts anything. */
class PortCheckTest {

    @TempDir
    Path dir;

    private StackConfig config(int ingestManagement, int queryPort, int queryManagement) {
        int[] p = Ports.free(5, ingestManagement, queryPort, queryManagement);
        return new StackConfig(dir, dir, PipelineLoader.BUNDLED, 1, p[0], p[1], p[2], p[3], queryPort, ingestManagement,
                p[4], queryManagement, Set.of());
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }

    @Test
    void aTakenManagementPortIsNamedByItsFlag() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            int[] free = Ports.free(2, taken.getLocalPort());
            assertThatThrownBy(() -> LocalStack.start(config(taken.getLocalPort(), free[0], free[1]), quiet()))
                    .isInstanceOf(LocalStack.PortTakenException.class)
                    .hasMessage("port " + taken.getLocalPort() + " is taken; choose another with --ingest-management-port");
        }
    }

    @Test
    void aPortGivenToAnApiAndAManagementInterfaceIsRefused() {
        int[] free = Ports.free(2);
        int port = free[1];
        assertThatThrownBy(() -> LocalStack.start(config(free[0], port, port), quiet()))
                .isInstanceOf(LocalStack.PortTakenException.class)
                .hasMessage("port " + port + " is given twice, to --query-port and to --query-management-port;"
                        + " choose another with one of them");
    }
}
