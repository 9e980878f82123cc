package io.pulse.stack.upload;

import com.fasterxml.jackson.databind.JsonNode;
import io.pulse.common.http.MediaTypes;
import io.pulse.common.json.Json;
import io.pulse.stack.client.Credentials;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Uploads a file to a running ingest service ({@code POST /v1/uploads/{type}}) and follows its progress on the
 * server-sent events of {@code GET /v1/uploads/{id}/events} until it is done or failed.
 */
public final class FileUploader {

    /**
     * How an uploaded file is written, and the media type it is sent as. A JSON file is NDJSON, a JSON array or
     * objects over several lines; uploads take NDJSON, so the latter two are written one item per line first.
     */
    public enum Format {
        CSV(MediaTypes.CSV), NDJSON(MediaTypes.NDJSON), JSON(MediaTypes.NDJSON);

        final String mediaType;

        Format(String mediaType) {
            this.mediaType = mediaType;
        }

        /** The format a file name says: {@code .csv}, {@code .ndjson} or {@code .jsonl}, {@code .json}. */
        public static Format of(Path file) {
            String name = file.getFileName().toString().toLowerCase();
            if (name.endsWith(".csv")) {
                return CSV;
            }
            if (name.endsWith(".ndjson") || name.endsWith(".jsonl")) {
                return NDJSON;
            }
            if (name.endsWith(".json")) {
                return JSON;
            }
            throw new IllegalArgumentException("cannot tell the format of " + file.getFileName()
                    + " from its extension; add --format csv, --format ndjson or --format json");
        }
    }

    private static final long PROGRESS_EVERY_BYTES = 1 << 20;

    // HTTP/1.1: the upload is streamed, with no upgrade round trip
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI ingest;
    private final Optional<String> apiKey;

    /**
     * @param ingest the ingest service, e.g. {@code http://127.0.0.1:8081}
     * @param apiKey the bearer token of the upload and of following it
     */
    public FileUploader(URI ingest, Optional<String> apiKey) {
        this.ingest = ingest;
        this.apiKey = apiKey;
    }

    /** Sends the file, follows its reading and answers the final status ({@code state} done or failed). */
    public JsonNode upload(Path file, String type, Format format, UploadProgress progress) throws UploadException, IOException {
        long size = Files.size(file);
        CountingInput counted = new CountingInput(Files.newInputStream(file), size, progress);
        HttpRequest post = Credentials.authorize(HttpRequest.newBuilder(ingest.resolve("/v1/uploads/" + type)), apiKey)
                .header("Content-Type", format.mediaType)
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> counted), size))
                .build();
        HttpResponse<String> answer = send(post, HttpResponse.BodyHandlers.ofString());
        // 200: the same file was uploaded before as this type; its earlier upload answers, and is followed instead
        if (answer.statusCode() != 202 && answer.statusCode() != 200) {
            throw new UploadException("the upload was refused: " + problem(answer) + hint(answer.statusCode()));
        }
        long expectedRows = counted.lines() - (format == Format.CSV ? 1 : 0);
        String id = Json.read(answer.body(), JsonNode.class).path("upload_id").asText();
        HttpRequest events = Credentials.authorize(HttpRequest.newBuilder(ingest.resolve("/v1/uploads/" + id + "/events")), apiKey)
                .header("Accept", "text/event-stream").GET().build();
        HttpResponse<Stream<String>> stream = send(events, HttpResponse.BodyHandlers.ofLines());
        if (stream.statusCode() != 200) {
            throw new UploadException("the progress of upload " + id + " cannot be followed: HTTP " + stream.statusCode());
        }
        JsonNode last = null;
        try (Stream<String> lines = stream.body()) {
            Iterator<String> it = lines.iterator();
            while (it.hasNext()) {
                String line = it.next();
                if (line.startsWith("data:")) {
                    last = Json.read(line.substring(5).trim(), JsonNode.class);
                    progress.status(last, expectedRows);
                }
            }
        } catch (java.io.UncheckedIOException e) {
            throw new UploadException("the ingest service went away while reading upload " + id, e);
        }
        if (last == null || last.path("state").asText().equals("processing")) {
            throw new UploadException("the ingest service stopped reporting upload " + id + " before it ended; "
                    + "ask again with: curl " + ingest.resolve("/v1/uploads/" + id));
        }
        return last;
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws UploadException, IOException {
        try {
            return http.send(request, handler);
        } catch (ConnectException e) {
            throw new UploadException("no ingest service answers at " + ingest + "; start the stack with ./pulse up "
                    + "or point --ingest at it", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UploadException("interrupted", e);
        }
    }

    /** The problem+json detail of a refusal, or the raw answer when there is none. */
    private static String problem(HttpResponse<String> answer) {
        try {
            JsonNode problem = Json.read(answer.body(), JsonNode.class);
            if (problem.hasNonNull("detail")) {
                return problem.path("title").asText() + " (HTTP " + answer.statusCode() + "): " + problem.path("detail").asText();
            }
        } catch (RuntimeException e) {
            // not JSON: shown as it came
        }
        return "HTTP " + answer.statusCode() + " " + answer.body();
    }

    private static String hint(int status) {
        return status == 401 ? "; " + Credentials.HINT : "";
    }

    /** Counts the bytes sent, reporting them, and the lines, for the number of rows to expect. */
    private static final class CountingInput extends FilterInputStream {

        private final long size;
        private final UploadProgress progress;
        private long bytes;
        private long lines;
        private long reported;
        private int lastByte = '\n';

        CountingInput(InputStream in, long size, UploadProgress progress) {
            super(in);
            this.size = size;
            this.progress = progress;
        }

        long lines() {
            return lines + (lastByte == '\n' ? 0 : 1);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            for (int i = offset; i < offset + n; i++) {
                if (buffer[i] == '\n') {
                    lines++;
                }
            }
            if (n > 0) {
                bytes += n;
                lastByte = buffer[offset + n - 1];
            }
            if (bytes != reported && (bytes - reported >= PROGRESS_EVERY_BYTES || bytes == size)) {
                reported = bytes;
                progress.sent(bytes, size);
            }
            return n;
        }
    }
}
