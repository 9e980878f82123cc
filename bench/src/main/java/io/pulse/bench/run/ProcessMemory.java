package io.pulse.bench.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** A process's resident memory from {@code /proc/<pid>/status}: peak (VmHWM) and current (VmRSS), in kB. */
public record ProcessMemory(long peakKb, long currentKb) {

    public static ProcessMemory of(long pid) {
        try {
            long peak = 0;
            long current = 0;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    peak = kilobytes(line);
                } else if (line.startsWith("VmRSS:")) {
                    current = kilobytes(line);
                }
            }
            return new ProcessMemory(peak, current);
        } catch (IOException e) {
            return new ProcessMemory(0, 0); // the process has gone
        }
    }

    /** A process and its children together, e.g. PostgreSQL's postmaster and its backends and workers. */
    public static ProcessMemory ofTree(long pid) {
        ProcessMemory total = of(pid);
        for (long child : children(pid)) {
            ProcessMemory m = of(child);
            total = new ProcessMemory(total.peakKb + m.peakKb, total.currentKb + m.currentKb);
        }
        return total;
    }

    private static List<Long> children(long parent) {
        List<Long> children = new ArrayList<>();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    // pid (comm) state ppid …: the command may hold spaces, so read after its closing parenthesis
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (Long.parseLong(fields[1]) == parent) {
                        children.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException e) {
                    // the process ended while we looked
                }
            });
        } catch (IOException e) {
            return children;
        }
        return children;
    }

    private static long kilobytes(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    public double peakMb() {
        return peakKb / 1024.0;
    }

    public double currentMb() {
        return currentKb / 1024.0;
    }
}
