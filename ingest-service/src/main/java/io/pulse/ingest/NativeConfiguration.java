package io.pulse.ingest;

import io.pulse.common.event.CanonicalEvent;
import io.pulse.common.event.DeadLetter;
import io.pulse.common.event.FieldError;
import io.pulse.common.problem.Problem;
import io.pulse.ingest.http.IngestReport;
import io.pulse.ingest.deadletter.DeadLetterPage;
import io.pulse.ingest.deadletter.ListedDeadLetter;
import io.pulse.ingest.idempotency.StoredReply;
import io.pulse.ingest.intake.ItemCollector;
import io.pulse.ingest.upload.UploadStatus;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a native image of this service must keep for reflection: the types Jackson reads or writes through
 * reflection (events on Kafka, dead letters and their listing, answers, the replies kept under idempotency keys, upload status files and problems; common registers the
 * pipeline file's model). The bundled pipeline and its schemas are kept as resources by the parent pom's
 * {@code native} profile; the JSON Schema validator ships its own native configuration.
 */
@RegisterForReflection(
        targets = {CanonicalEvent.class, DeadLetter.class, FieldError.class, IngestReport.class,
                ItemCollector.ItemErrors.class, UploadStatus.class, UploadStatus.State.class, Problem.class,
                StoredReply.class, DeadLetterPage.class, ListedDeadLetter.class})
public final class NativeConfiguration {

    private NativeConfiguration() {
    }
}
