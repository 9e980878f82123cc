package io.pulse.ingest.routing;

import io.pulse.common.pipeline.Pipeline;
import io.pulse.ingest.IngestConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The transactional producers of this instance. A producer runs one transaction at a time, so a request or an upload
 * chunk borrows one for its transaction and gives it back after the commit or abort. Each slot keeps its
 * transactional id for the life of the instance and across restarts ({@code <prefix>-<slot>}): opening a slot's
 * producer aborts what a crashed predecessor left open under the same id, and waits for a commit it had begun.
 *
 * <p>Each event type read from Kafka sources adds one slot: its consumer loop holds at most one producer at a time,
 * so requests and uploads keep {@code pulse.ingest.producer-pool-size} slots however busy the sources are.
 */
@ApplicationScoped
public class ProducerPool {

    private static final Logger LOG = Logger.getLogger(ProducerPool.class);

    @Inject
    KafkaProducerFactory factory;

    @Inject
    IngestConfig config;

    @Inject
    Pipeline pipeline;

    @ConfigProperty(name = "quarkus.http.port")
    int httpPort;

    private final List<Slot> slots = new ArrayList<>();
    private BlockingQueue<Slot> free;

    private synchronized BlockingQueue<Slot> free() {
        if (free == null) {
            String prefix = config.transactionalIdPrefix().orElseGet(() -> "pulse-ingest-" + hostName() + "-" + httpPort);
            free = new ArrayBlockingQueue<>(size());
            for (int i = 0; i < size(); i++) {
                Slot slot = new Slot(prefix + "-" + i);
                slots.add(slot);
                free.add(slot);
            }
        }
        return free;
    }

    private int size() {
        long sourced = pipeline.eventTypes().values().stream().filter(type -> !type.sourceTopics().isEmpty()).count();
        return config.producerPoolSize() + (int) sourced;
    }

    private static String hostName() {
        String fromEnvironment = System.getenv("HOSTNAME");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /**
     * Opens every slot's producer, each retried until Kafka answers: this settles the transactions a predecessor of
     * this instance left behind, so what is committed can be read before the first request is served.
     */
    public void openAll() throws InterruptedException {
        int size = size();
        List<Slot> opened = new ArrayList<>();
        try {
            while (opened.size() < size) {
                try {
                    opened.add(borrow(Duration.ofDays(1)));
                } catch (DeliveryException e) {
                    LOG.warnf("cannot open a transactional producer yet, retrying: %s", e.getMessage());
                    Thread.sleep(1000);
                }
            }
        } finally {
            opened.forEach(this::release);
        }
    }

    /** A free slot with its producer open, waiting up to {@code timeout} for one. */
    Slot borrow(Duration timeout) throws DeliveryException, InterruptedException {
        Slot slot = free().poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (slot == null) {
            throw new DeliveryException("no Kafka producer was free within " + timeout.toSeconds() + " s ("
                    + size() + " transactions are being written)", null);
        }
        try {
            slot.producer();
            return slot;
        } catch (KafkaException e) {
            release(slot);
            throw new DeliveryException("cannot open a Kafka transaction: " + e.getMessage(), e);
        }
    }

    void release(Slot slot) {
        free().add(slot);
    }

    @PreDestroy
    synchronized void close() {
        slots.forEach(Slot::discard);
    }

    /** One transactional id and, once opened, its producer. */
    final class Slot {

        private final String transactionalId;
        private Producer<String, byte[]> producer;

        private Slot(String transactionalId) {
            this.transactionalId = transactionalId;
        }

        /** The slot's producer, opened (and its id's earlier transactions settled) on first use or after a discard. */
        Producer<String, byte[]> producer() {
            if (producer == null) {
                Producer<String, byte[]> opened = factory.transactional(transactionalId);
                try {
                    opened.initTransactions();
                } catch (RuntimeException e) {
                    opened.close(Duration.ZERO);
                    throw e;
                }
                producer = opened;
            }
            return producer;
        }

        /** Closes a producer left in a state it cannot leave (fenced, or a commit whose outcome is unknown). */
        void discard() {
            if (producer != null) {
                producer.close(Duration.ZERO);
                producer = null;
            }
        }
    }
}
