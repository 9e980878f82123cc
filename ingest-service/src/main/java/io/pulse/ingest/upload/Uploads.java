package io.pulse.ingest.upload;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.pulse.common.event.FieldError;
import io.pulse.common.json.Json;
import io.pulse.common.pipeline.EventType;
import io.pulse.common.pipeline.Pipeline;
import io.pulse.common.problem.Problem;
import io.pulse.common.problem.Problems;
import io.pulse.ingest.intake.BodyReader;
import io.pulse.ingest.intake.CsvReader;
import io.pulse.ingest.intake.ItemCollector;
import io.pulse.ingest.intake.ItemHandler;
import io.pulse.ingest.intake.LimitedInputStream;
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
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Receives uploads, spools each to disk, then reads it in the background, row by row, into Kafka. Memory stays flat
 * whatever the file's size: the body streams to disk, rows stream from it, and the producer's bounded buffer holds
 * back reading when Kafka is slower. One upload is read at a time, in the order received.
 *
 * <p>Uploads survive nothing more than this process: their state is saved in a small file beside the spool, and a
 * restarted process reports every upload that was in flight as failed, never as done.
 */
@ApplicationScoped
public class Uploads {

    private static final Logger LOG = Logger.getLogger(Uploads.class);
    static final String INTERRUPTED = "the ingest service stopped before this upload was fully read; rows counted as "
            + "accepted are on Kafka, the rest were not sent";

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

    private final Map<String, Upload> inFlight = new ConcurrentHashMap<>();
    private final ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "pulse-upload-reader");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicLong bytesRead = new AtomicLong();
    private Path directory;

    /** Reports the uploads an earlier process left unfinished as failed, and drops their spooled files. */
    void start(@Observes StartupEvent started) throws IOException {
        directory = Path.of(config.directory());
        Files.createDirectories(directory);
        registry.gaugeMapSize("pulse.ingest.uploads.in.flight", List.of(), inFlight);
        // Progress of the upload being read, in bytes of its file: together with its size, how far it has come.
        registry.gauge("pulse.ingest.uploads.bytes.read", List.of(), this, Uploads::bytesRead);
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".spool")) {
                    Files.delete(file);
                } else if (name.endsWith(".json")) {
                    UploadStatus status = Json.read(Files.readAllBytes(file), UploadStatus.class);
                    if (!status.state().isFinal()) {
                        save(status.failed(INTERRUPTED, Instant.now()));
                    }
                }
            }
        }
    }

    void stop(@Observes ShutdownEvent stopping) {
        reader.shutdownNow();
    }

    /**
     * Spools the body to disk and queues it for reading.
     *
     * @param charset the body's declared charset (CSV only; NDJSON is UTF-8)
     * @return the new upload's id
     */
    public String receive(EventType type, String format, Charset charset, InputStream body) throws IOException {
        String id = UUID.randomUUID().toString();
        Path spool = directory.resolve(id + ".spool");
        try {
            Files.copy(new LimitedInputStream(body, config.maxBytes()), spool);
        } catch (LimitedInputStream.BodyTooLargeException e) {
            Files.deleteIfExists(spool);
            throw tooLarge(config.maxBytes()).exception();
        } catch (IOException e) {
            Files.deleteIfExists(spool);
            throw e;
        }
        if (Files.size(spool) == 0) {
            Files.delete(spool);
            throw Problem.of(400, "empty-body", "Empty body", "the uploaded file is empty").exception();
        }
        Upload upload = new Upload(id, type.name(), format, Files.size(spool), Instant.now());
        inFlight.put(id, upload);
        save(upload.status());
        reader.execute(() -> read(upload, type, charset, spool));
        return id;
    }

    static Problem tooLarge(long limit) {
        return Problems.tooLarge("upload", limit, "the file is larger than " + limit
                + " bytes (pulse.ingest.uploads.max-bytes); split it");
    }

    /** The upload's status, live while it is in flight, else as saved. */
    public Optional<UploadStatus> status(String id) {
        Upload upload = inFlight.get(id);
        if (upload != null) {
            return Optional.of(upload.status());
        }
        if (!id.matches("[0-9a-f-]{36}")) {
            return Optional.empty();
        }
        Path file = directory.resolve(id + ".json");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.read(Files.readAllBytes(file), UploadStatus.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void read(Upload upload, EventType type, Charset charset, Path spool) {
        ItemCollector collector = new ItemCollector(type, pipeline.metricsOf(type.name()), validator, router, registry,
                upload.receivedAt(),
                "POST /v1/uploads/" + upload.id() + " line", config.maxReportedErrors());
        upload.reading(collector);
        bytesRead.set(0);
        try (InputStream in = counting(Files.newInputStream(spool))) {
            ItemHandler saving = savingProgress(upload, collector);
            if (upload.format().equals(UploadResource.CSV_FORMAT)) {
                Reader text = new InputStreamReader(in, charset.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
                CsvReader.read(text, type, saving);
            } else {
                BodyReader.readNdjson(in, saving);
            }
            collector.delivery().await(config.ackTimeout());
            upload.done(Instant.now());
        } catch (CsvReader.MalformedCsvException e) {
            settle(collector);
            upload.failed(e.getMessage() + "; rows before it stand", Instant.now());
        } catch (CharacterCodingException e) {
            settle(collector);
            upload.failed("the file holds bytes that are not valid " + charset.name() + " after row "
                    + (collector.accepted() + collector.rejected()) + "; rows before them stand", Instant.now());
        } catch (DeliveryException e) {
            upload.failed("Kafka did not store every row: " + e.getMessage(), Instant.now());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            upload.failed(INTERRUPTED, Instant.now());
        } catch (IOException | RuntimeException e) {
            LOG.errorf(e, "upload %s failed", upload.id());
            upload.failed("the upload could not be read: " + e.getMessage(), Instant.now());
        } finally {
            DistributionSummary.builder("pulse.ingest.batch.size").description("Items per request or upload")
                    .tag("type", type.name()).tag("endpoint", "uploads").register(registry)
                    .record(collector.accepted() + collector.rejected());
            UploadStatus last = upload.status();
            save(last);
            inFlight.remove(upload.id());
            registry.counter("pulse.ingest.uploads", "type", type.name(), "state", last.state().name().toLowerCase())
                    .increment();
            try {
                Files.deleteIfExists(spool);
            } catch (IOException e) {
                LOG.warnf(e, "cannot delete %s", spool);
            }
        }
    }

    private double bytesRead() {
        return bytesRead.get();
    }

    private InputStream counting(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    bytesRead.incrementAndGet();
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    bytesRead.addAndGet(n);
                }
                return n;
            }
        };
    }

    /** Waits for what was sent before a failure, so the counts reported with it are acknowledged ones. */
    private void settle(ItemCollector collector) {
        try {
            collector.delivery().await(config.ackTimeout());
        } catch (DeliveryException e) {
            LOG.warn("records of a failed upload were not stored", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Passes rows on to the collector and saves the upload's progress to disk every progress interval. */
    private ItemHandler savingProgress(Upload upload, ItemCollector collector) {
        long interval = config.progressInterval().toNanos();
        return new ItemHandler() {
            private long next = System.nanoTime() + interval;

            @Override
            public void item(long line, Supplier<String> raw, JsonNode item) {
                collector.item(line, raw, item);
                tick();
            }

            @Override
            public void malformed(long line, String raw, List<FieldError> errors) {
                collector.malformed(line, raw, errors);
                tick();
            }

            private void tick() {
                if (System.nanoTime() > next) {
                    save(upload.status());
                    next = System.nanoTime() + interval;
                }
            }
        };
    }

    private void save(UploadStatus status) {
        Path file = directory.resolve(status.uploadId() + ".json");
        Path next = directory.resolve(status.uploadId() + ".json.next");
        try {
            Files.write(next, Json.write(status));
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the state of upload " + status.uploadId(), e);
        }
    }
}
