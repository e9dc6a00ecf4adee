package dev.runloom.kernel.events;

import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link CloudEventCodec}: CloudEvents over Kafka binary mode, round-tripped through in-memory records (no broker). */
class CloudEventCodecTest {
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final OffsetDateTime TIME = OffsetDateTime.parse("2024-06-10T17:45:30.123+02:00");
    private static final byte[] JSON = "{\"recordId\":\"rec_1\",\"total\":12.5}".getBytes(StandardCharsets.UTF_8);

    private static CloudEvent event(String organizationId, String traceparent) {
        return CloudEventCodec.build("evt_1", "/records-service", "dev.runloom.records.record.created.v1",
                "records/rec_1", organizationId, traceparent, TIME, JSON);
    }

    /** What a consumer would receive for what the producer sent. */
    private static ConsumerRecord<String, byte[]> delivered(ProducerRecord<String, byte[]> sent) {
        RecordHeaders headers = new RecordHeaders();
        sent.headers().forEach(h -> headers.add(h.key(), h.value()));
        return new ConsumerRecord<>(sent.topic(), 0, 42L, 1_718_034_330_000L, TimestampType.CREATE_TIME,
                sent.key() == null ? -1 : sent.key().length(), sent.value() == null ? -1 : sent.value().length,
                sent.key(), sent.value(), headers, Optional.empty());
    }

    private static CloudEvent roundTrip(CloudEvent event) {
        return CloudEventCodec.fromRecord(delivered(CloudEventCodec.toRecord("runloom.records.v1", "rec_1", event)));
    }

    private static String header(ProducerRecord<String, byte[]> record, String key) {
        Header h = record.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void buildSetsEveryAttribute() {
        CloudEvent e = event("org_1", TRACEPARENT);
        assertThat(e.getSpecVersion()).isEqualTo(SpecVersion.V1);
        assertThat(e.getId()).isEqualTo("evt_1");
        assertThat(e.getSource()).isEqualTo(URI.create("/records-service"));
        assertThat(e.getType()).isEqualTo("dev.runloom.records.record.created.v1");
        assertThat(e.getSubject()).isEqualTo("records/rec_1");
        assertThat(e.getTime()).isEqualTo(TIME);
        assertThat(e.getDataContentType()).isEqualTo("application/json");
        assertThat(e.getExtension(CloudEventCodec.ORGANIZATION_EXTENSION)).isEqualTo("org_1");
        assertThat(e.getExtension(CloudEventCodec.TRACEPARENT_EXTENSION)).isEqualTo(TRACEPARENT);
    }

    @Test
    void recordUsesTopicKeyAndRawJsonValue() {
        ProducerRecord<String, byte[]> record = CloudEventCodec.toRecord("runloom.records.v1", "rec_1", event("org_1", null));
        assertThat(record.topic()).isEqualTo("runloom.records.v1");
        assertThat(record.key()).isEqualTo("rec_1");
        assertThat(record.value()).isEqualTo(JSON);
    }

    @Test
    void attributesTravelAsCeHeaders() {
        ProducerRecord<String, byte[]> record = CloudEventCodec.toRecord("t", "k", event("org_1", TRACEPARENT));
        assertThat(header(record, "ce_specversion")).isEqualTo("1.0");
        assertThat(header(record, "ce_id")).isEqualTo("evt_1");
        assertThat(header(record, "ce_source")).isEqualTo("/records-service");
        assertThat(header(record, "ce_type")).isEqualTo("dev.runloom.records.record.created.v1");
        assertThat(header(record, "ce_subject")).isEqualTo("records/rec_1");
        assertThat(header(record, "ce_runloomorg")).isEqualTo("org_1");
        assertThat(header(record, "ce_traceparent")).isEqualTo(TRACEPARENT);
        assertThat(header(record, "content-type")).isEqualTo("application/json");
    }

    @Test
    void roundTripKeepsCoreAttributes() {
        CloudEvent back = roundTrip(event("org_1", TRACEPARENT));
        assertThat(back.getSpecVersion()).isEqualTo(SpecVersion.V1);
        assertThat(back.getId()).isEqualTo("evt_1");
        assertThat(back.getSource()).isEqualTo(URI.create("/records-service"));
        assertThat(back.getType()).isEqualTo("dev.runloom.records.record.created.v1");
        assertThat(back.getSubject()).isEqualTo("records/rec_1");
        assertThat(back.getDataContentType()).isEqualTo("application/json");
    }

    @Test
    void roundTripKeepsTheInstantOfTime() {
        OffsetDateTime time = roundTrip(event("org_1", TRACEPARENT)).getTime();
        assertThat(time).isNotNull();
        assertThat(time.toInstant()).isEqualTo(TIME.toInstant());
    }

    @Test
    void roundTripKeepsDataByteForByte() {
        CloudEvent back = roundTrip(event("org_1", TRACEPARENT));
        assertThat(back.getData()).isNotNull();
        assertThat(back.getData().toBytes()).isEqualTo(JSON);
    }

    @Test
    void roundTripKeepsOrganizationAndTraceparentExtensions() {
        CloudEvent back = roundTrip(event("org_1", TRACEPARENT));
        assertThat(back.getExtension(CloudEventCodec.ORGANIZATION_EXTENSION)).isEqualTo("org_1");
        assertThat(back.getExtension(CloudEventCodec.TRACEPARENT_EXTENSION)).isEqualTo(TRACEPARENT);
    }

    @Test
    void roundTripEqualsTheOriginalEvent() {
        CloudEvent original = event("org_1", TRACEPARENT);
        assertThat(roundTrip(original)).isEqualTo(original);
    }

    @Test
    void absentExtensionsStayAbsent() {
        ProducerRecord<String, byte[]> record = CloudEventCodec.toRecord("t", "k", event(null, null));
        assertThat(record.headers().lastHeader("ce_runloomorg")).isNull();
        assertThat(record.headers().lastHeader("ce_traceparent")).isNull();
        CloudEvent back = CloudEventCodec.fromRecord(delivered(record));
        assertThat(back.getExtension(CloudEventCodec.ORGANIZATION_EXTENSION)).isNull();
        assertThat(back.getExtension(CloudEventCodec.TRACEPARENT_EXTENSION)).isNull();
        assertThat(back.getExtensionNames()).isEmpty();
    }

    @Test
    void producerExtensionsTravelAsCeHeadersAndRoundTrip() {
        CloudEvent e = CloudEventCodec.build("evt_1", "/svc", "t.v1", "s", "org_1", TRACEPARENT,
                Map.of(CloudEventCodec.SCHEDULE_RUN_EXTENSION, "run_1"), TIME, JSON);
        ProducerRecord<String, byte[]> record = CloudEventCodec.toRecord("t", "k", e);
        assertThat(header(record, "ce_runloomschedulerun")).isEqualTo("run_1");
        CloudEvent back = CloudEventCodec.fromRecord(delivered(record));
        assertThat(back.getExtension(CloudEventCodec.SCHEDULE_RUN_EXTENSION)).isEqualTo("run_1");
        assertThat(back.getExtension(CloudEventCodec.ORGANIZATION_EXTENSION)).isEqualTo("org_1");
        assertThat(back.getExtensionNames()).containsExactlyInAnyOrder("runloomorg", "traceparent", "runloomschedulerun");
        assertThat(back).isEqualTo(e);
    }

    @Test
    void extensionsWithInvalidOrReservedNamesAreRefused() {
        assertThatThrownBy(() -> CloudEventCodec.build("e", "/svc", "t", "s", null, null, Map.of("Bad-Name", "v"), TIME, JSON))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CloudEventCodec.build("e", "/svc", "t", "s", "org_1", null,
                Map.of(CloudEventCodec.ORGANIZATION_EXTENSION, "org_2"), TIME, JSON))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(CloudEventCodec.isValidExtensionName("runloomschedulerun")).isTrue();
        assertThat(CloudEventCodec.isValidExtensionName("runloom_schedule_run")).isFalse();
        assertThat(CloudEventCodec.isValidExtensionName("a".repeat(21))).isFalse();
        assertThat(CloudEventCodec.isValidExtensionName(null)).isFalse();
    }

    @Test
    void nonAsciiDataSurvives() {
        byte[] json = "{\"name\":\"Zoë – 東京 🚀\"}".getBytes(StandardCharsets.UTF_8);
        CloudEvent e = CloudEventCodec.build("evt_2", "/svc", "t.v1", "s", "org_1", null, TIME, json);
        assertThat(roundTrip(e).getData().toBytes()).isEqualTo(json);
    }

    @Test
    void recordWithoutCeHeadersIsRejected() {
        ConsumerRecord<String, byte[]> plain = new ConsumerRecord<>("runloom.records.v1", 0, 1L, "k", JSON);
        assertThatThrownBy(() -> CloudEventCodec.fromRecord(plain)).isInstanceOf(RuntimeException.class);
    }

    @Test
    void recordWithOnlyAContentTypeIsRejected() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>("t", 0, 1L, 0L, TimestampType.CREATE_TIME,
                1, JSON.length, "k", JSON, headers, Optional.empty());
        assertThatThrownBy(() -> CloudEventCodec.fromRecord(record)).isInstanceOf(RuntimeException.class);
    }

    @Test
    void recordMissingARequiredAttributeIsRejected() {
        ProducerRecord<String, byte[]> sent = CloudEventCodec.toRecord("t", "k", event("org_1", TRACEPARENT));
        sent.headers().remove("ce_id");
        assertThatThrownBy(() -> CloudEventCodec.fromRecord(delivered(sent))).isInstanceOf(RuntimeException.class);
    }

    @Test
    void sourceMustBeAUri() {
        assertThatThrownBy(() -> CloudEventCodec.build("e", "not a uri", "t", "s", null, null, TIME, JSON))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
