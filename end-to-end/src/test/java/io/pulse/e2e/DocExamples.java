package io.pulse.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The example requests of a Markdown guide with the answers it documents. An example is a run of command lines in a
 * {@code ```bash} block that calls a local service ({@code http://127.0.0.1:}), followed by the comment lines
 * ({@code # …}) that show its output. In an output, {@code …} stands for any text (ids, times).
 */
record DocExamples(List<Example> examples) {

    private static final String FENCE = "```";

    /** One command with the output the guide shows for it, and the line of the guide it starts on. */
    record Example(int line, String command, String output) {

        /** Whether a command run twice answers the same: it asks, it does not send. */
        boolean isRead() {
            return !command.contains("-X POST");
        }

        /** Whether {@code actual} is the documented output, {@code …} matching any text. */
        boolean matches(String actual) {
            StringBuilder regex = new StringBuilder();
            for (String literal : output.split("…", -1)) {
                if (!regex.isEmpty()) {
                    regex.append(".*?");
                }
                regex.append(Pattern.quote(literal));
            }
            return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(normalized(actual)).matches();
        }

        static String normalized(String text) {
            return text.replace("\r\n", "\n").strip();
        }
    }

    static DocExamples parse(String markdown) {
        List<Example> examples = new ArrayList<>();
        String[] lines = markdown.split("\n", -1);
        boolean inBash = false;
        List<String> command = new ArrayList<>();
        List<String> output = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.startsWith(FENCE)) {
                inBash = !inBash && line.equals(FENCE + "bash");
                command.clear();
                output.clear();
                continue;
            }
            if (!inBash) {
                continue;
            }
            boolean comment = line.startsWith("#");
            if (!comment && !output.isEmpty()) {
                command.clear();
                output.clear();
            }
            if (comment) {
                if (!command.isEmpty()) {
                    output.add(line.equals("#") ? "" : line.substring(2));
                }
            } else if (!line.isBlank()) {
                if (command.isEmpty()) {
                    start = i + 1;
                }
                command.add(line);
            }
            boolean outputEnds = i + 1 >= lines.length || !lines[i + 1].startsWith("#");
            if (comment && outputEnds && !output.isEmpty()) {
                String text = String.join("\n", command);
                if (text.contains("http://127.0.0.1:")) {
                    examples.add(new Example(start, text, String.join("\n", output)));
                }
            }
        }
        return new DocExamples(List.copyOf(examples));
    }
}
