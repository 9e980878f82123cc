package io.pulse.stack.services;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * Each instance's output in its own file, {@code <dir>/<instance>.log}. A stack's first start of an instance
 * replaces the file of an earlier run; a restart within the same stack appends, so a crash and what followed it
 * read in one place. Every line is flushed, so {@code tail -f} follows a service as it runs.
 */
public final class LogFiles implements ServiceLogs {

    private final Path dir;
    private final Set<String> opened = new HashSet<>();

    public LogFiles(Path dir) {
        this.dir = dir;
    }

    /** The file that holds an instance's output. */
    public Path file(String instance) {
        return dir.resolve(instance + ".log");
    }

    @Override
    public LineSink open(String instance) throws IOException {
        Files.createDirectories(dir);
        boolean first;
        synchronized (opened) {
            first = opened.add(instance);
        }
        BufferedWriter writer = Files.newBufferedWriter(file(instance), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                first ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND);
        return new LineSink() {
            @Override
            public void line(String line) throws IOException {
                writer.write(line);
                writer.newLine();
                writer.flush();
            }

            @Override
            public void close() throws IOException {
                writer.close();
            }
        };
    }
}
