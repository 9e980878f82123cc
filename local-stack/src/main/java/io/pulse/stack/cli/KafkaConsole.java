package io.pulse.stack.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.tools.ConsoleProducer;
import org.apache.kafka.tools.consumer.ConsoleConsumer;

/**
 * {@code ./pulse kafka-console-producer} and {@code ./pulse kafka-console-consumer}: Kafka's own console tools, with
 * their own options, pointed at the local stack's broker unless {@code --bootstrap-server} says otherwise. They run
 * from the launcher's Maven artifacts, so no Kafka distribution needs installing to feed a source topic or read a
 * sink topic.
 */
public final class KafkaConsole {

    static final String PRODUCER = "kafka-console-producer";
    static final String CONSUMER = "kafka-console-consumer";
    private static final String BOOTSTRAP = "--bootstrap-server";

    private KafkaConsole() {
    }

    public static void main(String[] args) throws Exception {
        PulseCli.quietLibraryLogging();
        if (args.length == 0 || !(args[0].equals(PRODUCER) || args[0].equals(CONSUMER))) {
            System.err.println("pulse: name the tool: " + PRODUCER + " or " + CONSUMER);
            System.exit(2);
        }
        String[] options = withBroker(Arrays.copyOfRange(args, 1, args.length));
        if (args[0].equals(PRODUCER)) {
            ConsoleProducer.main(options);
        } else {
            ConsoleConsumer.main(options);
        }
    }

    /** The tool's options, with the local stack's default broker first when none is named. */
    static String[] withBroker(String[] options) {
        if (Arrays.asList(options).contains(BOOTSTRAP)) {
            return options;
        }
        List<String> all = new ArrayList<>(List.of(BOOTSTRAP, "localhost:" + StackOptions.DEFAULT_KAFKA_PORT));
        all.addAll(Arrays.asList(options));
        return all.toArray(String[]::new);
    }
}
