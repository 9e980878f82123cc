package io.pulse.ingest.upload;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.EventType;
import io.pulse.common.pipeline.Pipeline;
import io.pulse.common.problem.Problem;
import io.pulse.common.problem.Problems;
import io.pulse.ingest.intake.BodyReader;
import io.pulse.ingest.intake.CsvReader;
import io.pulse.ingest.intake.ItemCollector;
import io.pulse.ingest.routing.DeliveryException;
import io.pulse.ingest.routing.EventRouter;
import io.pulse.ingest.validation.EventValidator;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Receives uploads, spools each to disk, then reads it in the background, row by row, into Kafka. Memory stays flat
 * whatever the file's size: the body streams to disk, rows stream from it, and the producer's bounded buffer holds
 * back reading when Kafka is slower. One upload is read at a time, in the order received.
 *
 * <p>Statuses go to {@code uploads.status}, so every replica answers for every upload ({@link UploadView}); the same
 * bytes uploaded again as the same type are answered with the earlier upload instead of being counted again. The file
 * stays on the replica that received it, with a claim beside it: a process restarted on the same directory reports
 * each upload it finds claimed as failed, never as done; a replica that never comes back leaves its uploads to be
 * reported failed by the view once their status stops coming.
 */
@ApplicationScoped
public class Uploads {

    private static final Logger LOG = Logger.getLogger(Uploads.class);
    static final String INTERRUPTED = "the ingest replica reading this upload stopped before its end; rows counted as "
            + "accepted are on Kafka, rows after them may be too";
    private static final String CLAIM = ".claim";
    /** How long a stopping service waits for the last rows' acknowledgements, within its shutdown's grace. */
    private static final Duration STOPPING_SETTLE = Duration.ofSeconds(5);

    @Inject
    UploadConfig config;

    @Inject
    Pipeline pipeline;

    @Inject
    EventValidator validator;

    @Inject
    EventRouter router;

    @Inject
    MeterRegistry registry;

    @Inject
    UploadView view;

    @Inject
    StatusPublisher publisher;

    private final Map<String, Upload> inFlight = new ConcurrentHashMap<>();
    private final ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "pulse-upload-reader");
        thread.setDaemon(true);
        return thread;
    });
    private final ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "pulse-upload-progress");
        thread.setDaemon(true);
        return thread;
    });
    /** The last status published of each upload being read, and when, so unchanged progress is not sent again. */
    private final Map<String, Published> published = new ConcurrentHashMap<>();
    /** The upload read last, or being read: its bytes read are the progress gauge's. */
    private volatile Upload reading;
    private Path directory;
    private Spool spool;

    private record Published(UploadStatus status, long atNanos) {
    }

    /** A received upload: new, or an earlier upload of the same bytes. */
    public record Received(UploadStatus status, boolean repeat) {
    }

    /**
     * Loads the view of every upload, reports the uploads an earlier process on this directory left unfinished as
     * failed, and drops their spooled files.
     */
    void start(@Observes StartupEvent started) throws IOException {
        directory = Path.of(config.directory());
        Files.createDirectories(directory);
        spool = new Spool(directory, config.maxBytes(), config.maxSpoolBytes());
        registry.gaugeMapSize("pulse.ingest.uploads.in.flight", List.of(), inFlight);
        // Progress of the upload being read, in bytes of its file: together with its size, how far it has come.
        registry.gauge("pulse.ingest.uploads.bytes.read", List.of(), this, Uploads::bytesRead);
        registry.gauge("pulse.ingest.uploads.spool.bytes", List.of(), this, u -> u.spool.used());
        view.open();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".spool")) {
                    Files.delete(file);
                } else if (name.endsWith(CLAIM)) {
                    UploadStatus claimed = Json.read(Files.readAllBytes(file), UploadStatus.class);
                    UploadStatus last = view.status(claimed.uploadId()).orElse(claimed);
                    if (!last.state().isFinal()) {
                        publisher.stored(last.failed(INTERRUPTED, Instant.now()));
                    }
                    Files.delete(file);
                }
            }
        }
        long every = config.progressInterval().toNanos();
        progress.scheduleWithFixedDelay(this::publishProgress, every, every, TimeUnit.NANOSECONDS);
    }

    /** Lets the upload being read end as failed and publish it, so no replica goes on reporting it in progress. */
    void stop(@Observes ShutdownEvent stopping) throws InterruptedException {
        reader.shutdownNow();
        reader.awaitTermination(10, TimeUnit.SECONDS);
        progress.shutdownNow();
        view.close();
    }

    /**
     * Spools the body to disk and queues it for reading, unless the same bytes were uploaded as this type before
     * and that upload is done or being read.
     *
     * @param charset       the body's declared charset (CSV only; NDJSON is UTF-8)
     * @param declaredBytes the body's Content-Length, if sent
     * @param repeat        read the file even if the same bytes were uploaded before
     */
    public Received receive(EventType type, String format, Charset charset, InputStream body, Long declaredBytes,
                            boolean repeat) throws IOException {
        String id = UUID.randomUUID().toString();
        Spool.Spooled spooled = spool.write(id, body, declaredBytes);
        try {
            if (spooled.bytes() == 0) {
                throw Problem.of(400, "empty-body", "Empty body", "the uploaded file is empty").exception();
            }
            synchronized (this) {
                // serialised here so two uploads of one file to this replica cannot both miss each other
                Optional<UploadStatus> earlier = repeat ? Optional.empty() : view.earlier(type.name(), spooled.sha256());
                if (earlier.isPresent()) {
                    spool.release(spooled);
                    return new Received(earlier.get(), true);
                }
                Upload upload = new Upload(id, type.name(), format, spooled.bytes(), spooled.sha256(), Instant.now());
                UploadStatus received = upload.status();
                claim(received);
                publisher.stored(received);
                view.put(received);
                inFlight.put(id, upload);
                reader.execute(() -> read(upload, type, charset, spooled));
                return new Received(received, false);
            }
        } catch (IOException | RuntimeException e) {
            if (!inFlight.containsKey(id)) {
                spool.release(spooled);
                Files.deleteIfExists(directory.resolve(id + CLAIM));
            }
            throw e;
        }
    }

    /** Marks an upload as read here, so that a restart on this directory reports it failed if it did not end. */
    private void claim(UploadStatus received) {
        try {
            Files.write(directory.resolve(received.uploadId() + CLAIM), Json.write(received));
        } catch (IOException e) {
            throw Spool.unwritable(e).exception();
        }
    }

    static Problem tooLarge(long limit) {
        return Problems.tooLarge("upload", limit, "the file is larger than " + limit
                + " bytes (pulse.ingest.uploads.max-bytes); split it");
    }

    /** The upload's status as every replica reads it; the one being read here is published every progress interval. */
    public Optional<UploadStatus> status(String id) {
        return view.status(id);
    }

    private void read(Upload upload, EventType type, Charset charset, Spool.Spooled spooled) {
        ItemCollector collector = new ItemCollector(type, pipeline.metricsOf(type.name()), validator, router.upload(type), registry,
                upload.receivedAt(),
                "POST /v1/uploads/" + upload.id() + " line", config.maxReportedErrors());
        upload.reading(collector);
        reading = upload;
        try (InputStream in = counting(Files.newInputStream(spooled.file()), upload)) {
            if (upload.format().equals(UploadResource.CSV_FORMAT)) {
                Reader text = new InputStreamReader(in, charset.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
                CsvReader.read(text, type, collector);
            } else {
                BodyReader.readNdjson(in, collector);
            }
            collector.delivery().commit(config.ackTimeout());
            upload.done(Instant.now());
        } catch (CsvReader.MalformedCsvException e) {
            settle(collector, config.ackTimeout());
            upload.failed(e.getMessage() + "; rows before it stand", Instant.now());
        } catch (CharacterCodingException e) {
            settle(collector, config.ackTimeout());
            upload.failed("the file holds bytes that are not valid " + charset.name() + " after row "
                    + (collector.accepted() + collector.rejected()) + "; rows before them stand", Instant.now());
        } catch (DeliveryException e) {
            upload.failed("Kafka did not store every row: " + e.getMessage(), Instant.now());
        } catch (InterruptedException | InterruptedIOException e) {
            // the service is stopping: the rows sent get a moment to be acknowledged, then the upload ends failed
            Thread.interrupted();
            settle(collector, STOPPING_SETTLE);
            upload.failed(INTERRUPTED, Instant.now());
        } catch (IOException | RuntimeException e) {
            LOG.errorf(e, "upload %s failed", upload.id());
            upload.failed("the upload could not be read: " + e.getMessage(), Instant.now());
        } finally {
            collector.delivery().close();
            DistributionSummary.builder("pulse.ingest.batch.size").description("Items per request or upload")
                    .tag("type", type.name()).tag("endpoint", "uploads").register(registry)
                    .record(collector.accepted() + collector.rejected());
            UploadStatus last = upload.status();
            inFlight.remove(upload.id());
            published.remove(upload.id());
            registry.counter("pulse.ingest.uploads", "type", type.name(), "state", last.state().name().toLowerCase())
                    .increment();
            finish(last, spooled);
        }
    }

    private double bytesRead() {
        Upload upload = reading;
        return upload == null ? 0 : upload.bytesRead();
    }

    private static InputStream counting(InputStream in, Upload upload) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                stopping();
                int b = super.read();
                if (b >= 0) {
                    upload.read(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                stopping();
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    upload.read(n);
                }
                return n;
            }

            /** Reading a file does not notice an interrupt by itself: the stopping service's is checked here. */
            private void stopping() throws InterruptedIOException {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedIOException("the ingest service is stopping");
                }
            }
        };
    }

    /** Waits for what was sent before a failure, so the counts reported with it are acknowledged ones. */
    private void settle(ItemCollector collector, Duration timeout) {
        try {
            collector.delivery().commit(timeout);
        } catch (DeliveryException e) {
            LOG.warn("records of a failed upload were not stored", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Publishes the final state, then drops the claim and the file: a restart before that reports the upload failed. */
    private void finish(UploadStatus last, Spool.Spooled spooled) {
        Thread.interrupted(); // a stopping service still publishes how its last upload ended
        try {
            publisher.stored(last);
            Files.deleteIfExists(directory.resolve(last.uploadId() + CLAIM));
        } catch (IOException | RuntimeException e) {
            LOG.errorf(e, "the final state of upload %s was not published; it is reported failed at the next start "
                    + "on this directory", last.uploadId());
        }
        try {
            spool.release(spooled);
        } catch (IOException e) {
            LOG.warnf(e, "cannot delete %s", spooled.file());
        }
    }

    /**
     * Publishes the progress of the uploads being read when it changed, and at least every sixth of the stall limit
     * when it did not, so every replica can tell a slow upload from one whose replica is gone.
     */
    private void publishProgress() {
        long now = System.nanoTime();
        long heartbeat = config.stalledAfter().toNanos() / 6;
        for (Upload upload : inFlight.values()) {
            UploadStatus status = upload.status();
            Published last = published.get(upload.id());
            if (status.state().isFinal()) {
                continue; // the reader publishes the final state once it is stored
            }
            if (last == null || !last.status().equals(status) || now - last.atNanos() > heartbeat) {
                try {
                    publisher.progress(status);
                    published.put(upload.id(), new Published(status, now));
                } catch (RuntimeException e) {
                    LOG.warnf("the progress of upload %s was not published: %s", upload.id(), e.getMessage());
                }
            }
        }
    }
}
