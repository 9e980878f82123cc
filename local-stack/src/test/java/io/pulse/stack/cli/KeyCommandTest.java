package io.pulse.stack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KeyCommandTest {

    private static final Pattern OUTPUT = Pattern.compile("key:  (pulse_[A-Za-z0-9_-]{43})\nline: (.*)\n");

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run key(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = PulseCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "key";
        System.arraycopy(args, 0, all, 1, args.length);
        return new Run(cli.execute(all), out.toString(), err.toString());
    }

    @Test
    void printsAKeyAndTheLineWithItsSha256() throws Exception {
        Path file = dir.resolve("api-keys");
        Run run = key("checkout", "ingest:translation_delivered", "query:*", "--add-to", file.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        Matcher printed = OUTPUT.matcher(run.out());
        assertThat(printed.matches()).as(run.out()).isTrue();
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(printed.group(1).getBytes(StandardCharsets.UTF_8)));
        String line = "checkout sha256:" + sha + " ingest:translation_delivered query:*";
        assertThat(printed.group(2)).isEqualTo(line);
        assertThat(Files.readAllLines(file)).containsExactly(line);
        assertThat(Files.readString(file)).doesNotContain(printed.group(1));
    }

    @Test
    void refusesUnknownScopesAndNamesUsedTwice() throws Exception {
        Run badScope = key("checkout", "write:trips");
        assertThat(badScope.exit()).isEqualTo(2);
        assertThat(badScope.err()).contains("unknown scope 'write:trips'");

        Path file = dir.resolve("api-keys");
        assertThat(key("checkout", "admin", "--add-to", file.toString()).exit()).isZero();
        Run twice = key("checkout", "query:plays", "--add-to", file.toString());
        assertThat(twice.exit()).isEqualTo(2);
        assertThat(twice.err()).contains("the name 'checkout' is used twice");
        assertThat(Files.readAllLines(file)).hasSize(1);
    }
}
