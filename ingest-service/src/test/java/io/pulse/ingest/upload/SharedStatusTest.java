package io.pulse.ingest.upload;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.pulse.common.Topics;
import io.pulse.stack.testing.KafkaResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Statuses come from {@code uploads.status}, whichever replica wrote them: here another replica's are written to the
 * topic as that replica would, and this one answers for them.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
class SharedStatusTest {

    private static final String HEADER = "timestamp,translation_id,source_language,target_language,client_name,"
            + "event_name,nr_words,duration\n";

    /** Writes a status as the replica reading the upload does, its record stamped with the given time. */
    private static void publishedElsewhere(String id, String state, String sha256, Instant at) throws Exception {
        String status = "{\"upload_id\":\"" + id + "\",\"type\":\"translation_delivered\",\"format\":\"csv\","
                + "\"state\":\"" + state + "\",\"bytes\":100,\"sha256\":\"" + sha256 + "\",\"rows_read\":7,"
                + "\"accepted\":7,\"rejected\":0,\"backfill\":0,\"errors\":[],\"received_at\":\"" + at + "\"}";
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaResource.broker().bootstrapServers());
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.UPLOADS_STATUS, null, at.toEpochMilli(), id, status)).get();
        }
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anUploadAnotherReplicaIsReadingIsAnsweredHere() throws Exception {
        String id = UUID.randomUUID().toString();
        publishedElsewhere(id, "processing", "00", Instant.now());
        // asked right after it was published: this replica reads the topic up to now before it says 404
        given().when().get("/v1/uploads/" + id).then().statusCode(200)
                .body("upload_id", equalTo(id)).body("state", equalTo("processing")).body("accepted", equalTo(7));
    }

    @Test
    void anUploadWhoseReplicaStoppedPublishingIsReportedFailedAndMayBeSentAgain() throws Exception {
        String csv = HEADER + "2018-12-26 18:11:08,z-1,en,fr,client-" + UUID.randomUUID()
                + ",translation_delivered,30,20\n";
        String id = UUID.randomUUID().toString();
        // its last status is older than pulse.ingest.uploads.stalled-after (2m by default)
        publishedElsewhere(id, "processing", sha256(csv), Instant.now().minus(Duration.ofMinutes(3)));

        given().when().get("/v1/uploads/" + id).then().statusCode(200)
                .body("state", equalTo("failed"))
                .body("failure", containsString("stopped publishing its progress"))
                .body("accepted", equalTo(7));
        given().accept("text/event-stream").when().get("/v1/uploads/" + id + "/events").then().statusCode(200)
                .body(containsString("\"state\":\"failed\""));
        given().contentType("text/csv").body(csv.getBytes(StandardCharsets.UTF_8))
                .when().post("/v1/uploads/translation_delivered")
                .then().statusCode(202).body("upload_id", not(equalTo(id)));
    }

    @Test
    void aFileAnotherReplicaIsReadingIsNotReadAgainHere() throws Exception {
        String csv = HEADER + "2018-12-26 18:11:08,y-1,en,fr,client-" + UUID.randomUUID()
                + ",translation_delivered,30,20\n";
        String id = UUID.randomUUID().toString();
        publishedElsewhere(id, "processing", sha256(csv), Instant.now());

        given().contentType("text/csv").body(csv.getBytes(StandardCharsets.UTF_8))
                .when().post("/v1/uploads/translation_delivered")
                .then().statusCode(200).body("upload_id", equalTo(id)).body("status.state", equalTo("processing"));
    }
}
