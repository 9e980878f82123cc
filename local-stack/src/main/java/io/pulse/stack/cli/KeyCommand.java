package io.pulse.stack.cli;

import io.pulse.common.access.ApiKeys;
import io.pulse.common.access.Scopes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./pulse key}: a new API key and the line of the key file that grants it its scopes. The key is shown once
 * and kept nowhere; the file stores only its hash.
 */
@Command(name = "key", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Make an API key: print it, and the key-file line (name, SHA-256 of the key, scopes) that grants "
                + "it. The services read the key file again when it changes: add the line to create the key, delete "
                + "it to revoke the key (docs/security.md)."})
class KeyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "Who the key is for, e.g. checkout-team; in logs and per-caller limits.")
    String name;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "SCOPE", description = "admin, ingest:<type>, upload:<type>, "
            + "query:<metric>, or <kind>:* for every name of a kind.")
    List<String> scopes;

    @Option(names = "--add-to", paramLabel = "FILE", description = "Also append the line to this key file, e.g. .pulse/api-keys.")
    Path keyFile;

    @Override
    public Integer call() throws IOException {
        for (String scope : scopes) {
            if (!Scopes.isValid(scope)) {
                throw new ParameterException(spec.commandLine(), "unknown scope '" + scope
                        + "': use admin, ingest:<type>, upload:<type>, query:<metric>, or <kind>:*");
            }
        }
        String key = ApiKeys.newKey();
        String line = ApiKeys.line(name, key, scopes);
        if (keyFile != null) {
            // Checked as the services will read it, so a name used twice is refused here rather than there.
            List<String> lines = Files.exists(keyFile) ? Files.readAllLines(keyFile) : List.of();
            List<String> after = new ArrayList<>(lines);
            after.add(line);
            try {
                ApiKeys.parse(after);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), keyFile + ": " + e.getMessage());
            }
            Files.writeString(keyFile, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("key:  " + key);
        out.println("line: " + line);
        return 0;
    }
}
