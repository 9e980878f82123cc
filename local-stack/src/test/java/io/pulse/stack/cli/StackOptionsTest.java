package io.pulse.stack.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pulse.stack.StackConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The ports of {@code ./pulse up}: each service's API port and, apart from it, its management port. */
class StackOptionsTest {

    private static StackConfig config(String... args) {
        return CommandLine.populateCommand(new StackOptions(), args).config(Path.of("."));
    }

    @Test
    void eachServiceHasAManagementPortOneThousandAboveItsApiPort() {
        StackConfig config = config();
        assertThat(config.ingestPort()).isEqualTo(8081);
        assertThat(config.aggregationPort()).isEqualTo(8082);
        assertThat(config.queryPort()).isEqualTo(8083);
        assertThat(config.ingestManagementPort()).isEqualTo(9081);
        assertThat(config.aggregationManagementPort()).isEqualTo(9082);
        assertThat(config.queryManagementPort()).isEqualTo(9083);
    }

    @Test
    void everyManagementPortHasItsFlag() {
        StackConfig config = config("--ingest-management-port", "19081", "--aggregation-management-port", "19082",
                "--query-management-port", "19083");
        assertThat(config.ingestManagementPort()).isEqualTo(19081);
        assertThat(config.aggregationManagementPort()).isEqualTo(19082);
        assertThat(config.queryManagementPort()).isEqualTo(19083);
        assertThat(config.queryPort()).isEqualTo(8083);
    }

    @Test
    void aManagementPortOutOfRangeIsRefused() {
        assertThatThrownBy(() -> config("--query-management-port", "70000"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("70000 is out of range");
    }
}
