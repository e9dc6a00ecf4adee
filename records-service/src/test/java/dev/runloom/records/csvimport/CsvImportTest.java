package dev.runloom.records.csvimport;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.kernel.events.CloudEventCodec;
import dev.runloom.kernel.events.TopicNames;
import dev.runloom.records.events.RecordCreatedV1;
import dev.runloom.records.events.RecordEvents;
import dev.runloom.records.events.RecordUpdatedV1;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ApiClient.Reply;
import dev.runloom.testsupport.KafkaTestTopics;
import dev.runloom.testsupport.ServiceTest;
import io.cloudevents.CloudEvent;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import io.micronaut.runtime.server.EmbeddedServer;
import dev.runloom.common.tenant.InternalTokens;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.runloom.testsupport.TestTenants.ORG_A;
import static dev.runloom.testsupport.TestTenants.ORG_B;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /v1/records/upload-csv}: imports, per-row errors, whole-file failures, events, tenancy, streaming. */
@ServiceTest("records")
class CsvImportTest implements TestPropertyProvider {
    private static final int MAX_FILE_BYTES = 6 * 1024 * 1024;
    private static final int MAX_LINE_CHARS = 2 * 1024 * 1024;

    @Inject ApiClient<Tenant> api;
    @Inject JsonMapper json;
    @Inject TopicNames topics;
    @Inject KafkaTestTopics kafka;
    @Inject EmbeddedServer server;
    @Inject InternalTokens tokens;
    private CsvUploads uploads;

    @BeforeAll
    void setUp() throws Exception {
        uploads = new CsvUploads(server.getURL().toURI(), tokens, json);
    }

    private Reply upload(Tenant tenant, Map<String, String> fields, String csv) {
        return uploads.upload(tenant, fields, csv);
    }

    private Reply upload(Tenant tenant, Map<String, String> fields, byte[] csv) {
        return uploads.upload(tenant, fields, csv);
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of("runloom.records.csv-import.max-file-bytes", Integer.toString(MAX_FILE_BYTES),
                "runloom.records.csv-import.max-line-chars", Integer.toString(MAX_LINE_CHARS));
    }

    @Test
    void createsNewNamesUpdatesExistingOnesAndConvertsTypes() {
        Reply existing = api.post("/v1/records", Map.of("type", "customers", "name", "Acme",
                "metadata", Map.of("old", "gone after the import")), ORG_A);
        existing.assertStatus(201);
        String csv = """
                name,email,age,active,joined,score
                Acme,ops@acme.test,41,yes,2024-02-29,1.5
                "Beta, Inc.","b@beta.test",7,false,2025-01-01T10:00:00Z,-2e3
                Gamma,,,,,
                """;
        Reply reply = upload(ORG_A, Map.of("type", "customers",
                "types", "{\"age\":\"integer\",\"active\":\"boolean\",\"joined\":\"date\",\"score\":\"number\"}"), csv);

        reply.assertStatus(200);
        assertThat(reply.body()).containsEntry("created", 2).containsEntry("updated", 1).containsEntry("skipped", 0)
                .containsEntry("totalRows", 3).containsEntry("errorCount", 0).containsEntry("errorsTruncated", false);
        assertThat(reply.list("errors")).isEmpty();

        Map<String, Map<String, Object>> byName = recordsOfType(ORG_A, "customers");
        assertThat(byName).containsOnlyKeys("Acme", "Beta, Inc.", "Gamma");
        assertThat(byName.get("Acme")).containsEntry("id", existing.body().get("id"))
                .containsEntry("createdAt", existing.body().get("createdAt"));
        assertThat((String) byName.get("Acme").get("updatedAt")).isGreaterThan((String) existing.body().get("updatedAt"));
        assertThat(byName.get("Acme").get("metadata")).isEqualTo(Map.of("email", "ops@acme.test", "age", 41,
                "active", true, "joined", "2024-02-29", "score", 1.5));
        Map<String, Object> beta = (Map<String, Object>) byName.get("Beta, Inc.").get("metadata");
        assertThat(beta).containsEntry("age", 7).containsEntry("active", false)
                .containsEntry("joined", "2025-01-01T10:00:00Z");
        assertThat(((Number) beta.get("score")).doubleValue()).isEqualTo(-2000.0);
        assertThat(byName.get("Gamma").get("metadata")).as("empty cells set no key").isEqualTo(Map.of());
        assertThat(byName.get("Gamma")).containsEntry("organizationId", "org_a").containsEntry("userId", "user_a")
                .containsEntry("type", "customers");
        assertThat((String) byName.get("Gamma").get("id")).startsWith("record_");
    }

    @Test
    void aMappingPicksColumnsRenamesThemAndTypesThem() {
        String csv = """
                Company;Contact e-mail;Employees;Ignored
                Delta;d@delta.test;12;x
                """;
        Reply reply = upload(ORG_A, Map.of("type", "mapped", "nameColumn", "Company", "delimiter", ";",
                "mapping", "{\"Contact e-mail\":\"email\",\"Employees\":{\"key\":\"size\",\"type\":\"integer\"}}"), csv);

        reply.assertStatus(200);
        assertThat(recordsOfType(ORG_A, "mapped").get("Delta").get("metadata"))
                .isEqualTo(Map.of("email", "d@delta.test", "size", 12));
    }

    @Test
    void badRowsAreReportedWhileGoodRowsLand() {
        String longName = "n".repeat(501);
        String csv = "name,count,note\n"
                + "good one,1,fine\n"                 // row 2
                + "ragged,2\n"                        // row 3: too few fields
                + longName + ",3,long\n"              // row 4
                + ",4,no name\n"                      // row 5
                + "bad count,four,x\n"                // row 6
                + "nul,5,a\u0000b\n"                  // row 7
                + "good two,6,\"multi\nline\"\n"      // row 8
                + "twice,7,first\n"                   // row 9: superseded by row 10
                + "twice,8,second\n"                  // row 10
                + "huge,1e999999,x\n";                // row 11
        Reply reply = upload(ORG_A, Map.of("type", "mixed", "types", "{\"count\":\"number\"}"), csv);

        reply.assertStatus(200);
        assertThat(reply.body()).containsEntry("created", 3).containsEntry("updated", 0).containsEntry("totalRows", 10)
                .containsEntry("skipped", 7).containsEntry("errorCount", 7);
        assertThat(reply.list("errors")).containsExactly(
                error(3, null, "has 2 fields; the header has 3"),
                error(4, "name", "name is longer than 500 characters"),
                error(5, "name", "name is empty"),
                error(6, "count", "'four' is not a number"),
                error(7, "note", "contains a NUL character"),
                error(9, "name", "the name appears again in a later row; the last row with this name was imported"),
                error(11, "count", "'1e999999' is out of range"));
        Map<String, Map<String, Object>> byName = recordsOfType(ORG_A, "mixed");
        assertThat(byName).containsOnlyKeys("good one", "good two", "twice");
        assertThat(byName.get("good two").get("metadata")).isEqualTo(Map.of("count", 6, "note", "multi\nline"));
        assertThat(byName.get("twice").get("metadata")).isEqualTo(Map.of("count", 8, "note", "second"));
    }

    @Test
    void theErrorListIsCappedButEveryErrorIsCounted() {
        StringBuilder csv = new StringBuilder("name,n\n");
        for (int i = 0; i < 150; i++) {
            csv.append("row ").append(i).append(",x\n");
        }
        csv.append("fine,1\n");
        Reply reply = upload(ORG_A, Map.of("type", "capped", "types", "{\"n\":\"integer\"}"), csv.toString());

        reply.assertStatus(200);
        assertThat(reply.body()).containsEntry("created", 1).containsEntry("errorCount", 150)
                .containsEntry("errorsTruncated", true);
        assertThat(reply.list("errors")).hasSize(100);
    }

    @Test
    void wholeFileFaultsAre4xxProblemsAndLeaveNothingBehind() {
        Map<String, String> options = Map.of("type", "broken");
        upload(ORG_A, options, "").assertProblem(400, "csv_empty");
        upload(ORG_A, options, "\n\n").assertProblem(400, "csv_empty");
        upload(ORG_A, options, "name,email\n").assertProblem(400, "csv_no_rows");
        upload(ORG_A, options, "name;email\nA;a@x\n").assertProblem(400, "csv_wrong_delimiter");
        upload(ORG_A, options, "title,email\nA,a@x\n").assertProblem(400, "csv_name_column_missing");
        upload(ORG_A, options, "name,name\nA,B\n").assertProblem(400, "csv_invalid_header");
        upload(ORG_A, options, "name,email\nA,\"unterminated\n").assertProblem(400, "csv_malformed");
        upload(ORG_A, Map.of("type", "broken", "mapping", "{\"missing\":\"m\"}"), "name,email\nA,a\n")
                .assertProblem(400, "csv_unknown_column");
        upload(ORG_A, Map.of("type", "broken", "types", "{\"email\":\"colour\"}"), "name,email\nA,a\n")
                .assertProblem(400, "validation_failed");
        upload(ORG_A, Map.of(), "name\nA\n").assertProblem(400, "validation_failed");
        upload(ORG_A, Map.of("type", "t".repeat(256)), "name\nA\n").assertProblem(400, "validation_failed");
        upload(ORG_A, Map.of("type", "broken", "mapping", "[1]"), "name\nA\n").assertProblem(400, "validation_failed");
        upload(ORG_A, Map.of("type", "broken", "delimiter", ";;"), "name\nA\n").assertProblem(400, "validation_failed");

        // good rows first, then bytes that are not UTF-8 (Latin-1 "é"): the whole import is refused
        byte[] good = "name,city\nA,Paris\nB,Lyon\n".getBytes(StandardCharsets.UTF_8);
        byte[] latin1 = "C,Orl\u00e9ans\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] mixed = new byte[good.length + latin1.length];
        System.arraycopy(good, 0, mixed, 0, good.length);
        System.arraycopy(latin1, 0, mixed, good.length, latin1.length);
        upload(ORG_A, options, mixed).assertProblem(400, "csv_not_utf8");
        // one endless line (a huge cell) is refused before it fills the heap
        upload(ORG_A, options, "name,blob\nA," + "z".repeat(MAX_LINE_CHARS + 1) + "\n").assertProblem(400, "csv_line_too_long");
        // a quoted cell may span lines: each line counts on its own
        Reply multiline = upload(ORG_A, Map.of("type", "multiline"),
                "name,blob\nA,\"" + ("z".repeat(1000) + "\n").repeat(10) + "\"\n");
        multiline.assertStatus(200);

        // a field after the file would be ignored: refused, and the rows read before it are rolled back
        uploads.send(ORG_A, CsvUploads.PATH, CsvUploads.contentType(), CsvUploads.multipart(Map.of("type", "broken"),
                "name\nA\n".getBytes(StandardCharsets.UTF_8), Map.of("nameColumn", "other")))
                .assertProblem(400, "upload_field_after_file");
        // no file part at all
        uploads.send(ORG_A, CsvUploads.PATH, "multipart/form-data; boundary=b",
                "--b\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\nx\r\n--b--\r\n".getBytes(StandardCharsets.UTF_8))
                .assertProblem(400, "csv_file_missing");
        // JSON is not an upload
        api.post(CsvUploads.PATH, Map.of("type", "broken"), ORG_A).assertProblem(415);

        assertThat(recordsOfType(ORG_A, "broken")).isEmpty();
    }

    @Test
    void aFileOverTheLimitIs413AndImportsNothing() {
        StringBuilder csv = new StringBuilder("name,padding\n");
        String padding = "p".repeat(200);
        for (int i = 0; csv.length() <= MAX_FILE_BYTES + 100_000; i++) {
            csv.append("row ").append(i).append(',').append(padding).append('\n');
        }
        upload(ORG_A, Map.of("type", "oversized"), csv.toString()).assertProblem(413, "payload_too_large");
        assertThat(recordsOfType(ORG_A, "oversized")).isEmpty();
    }

    @Test
    void aRawCsvBodyWithQueryParametersAlsoImports() {
        Reply reply = uploads.send(ORG_A, CsvUploads.PATH + "?type=raw&nameColumn=" + URLEncoder.encode("Full name",
                StandardCharsets.UTF_8), "text/csv", "\uFEFFFull name,city\nZoë,Zürich 🏔\n".getBytes(StandardCharsets.UTF_8));
        reply.assertStatus(200);
        assertThat(reply.body()).containsEntry("created", 1);
        assertThat(recordsOfType(ORG_A, "raw").get("Zoë").get("metadata")).isEqualTo(Map.of("city", "Zürich 🏔"));
    }

    @Test
    void importsLandOnlyInTheCallersOrganization() {
        String csv = "name,tier\nShared name,gold\n";
        upload(ORG_A, Map.of("type", "tenanted"), csv).assertStatus(200);
        assertThat(recordsOfType(ORG_B, "tenanted")).isEmpty();

        Reply orgB = upload(ORG_B, Map.of("type", "tenanted"), "name,tier\nShared name,silver\n");
        orgB.assertStatus(200);
        assertThat(orgB.body()).as("org A's record of that name is not org B's to update")
                .containsEntry("created", 1).containsEntry("updated", 0);
        assertThat(recordsOfType(ORG_A, "tenanted").get("Shared name").get("metadata")).isEqualTo(Map.of("tier", "gold"));
        assertThat(recordsOfType(ORG_B, "tenanted").get("Shared name").get("metadata")).isEqualTo(Map.of("tier", "silver"));
        assertThat(recordsOfType(ORG_B, "tenanted").get("Shared name")).containsEntry("organizationId", "org_b");
    }

    @Test
    void everyImportedRowIsAnnouncedOnTheRecordsStream() throws IOException {
        Reply before = api.post("/v1/records", Map.of("type", "announced", "name", "Old", "metadata", Map.of("v", 1)), ORG_A);
        before.assertStatus(201);
        String oldId = (String) before.body().get("id");
        upload(ORG_A, Map.of("type", "announced", "types", "{\"v\":\"integer\"}"), "name,v\nOld,2\nNew,3\n")
                .assertStatus(200);
        String newId = (String) recordsOfType(ORG_A, "announced").get("New").get("id");

        CloudEvent updated = CloudEventCodec.fromRecord(kafka.awaitFirst(topics.of(RecordEvents.RECORDS),
                r -> oldId.equals(r.key()) && RecordEvents.RECORD_UPDATED.type().equals(type(r)), Duration.ofSeconds(30)));
        RecordUpdatedV1 update = json.readValue(updated.getData().toBytes(), RecordUpdatedV1.class);
        assertThat(updated.getSubject()).isEqualTo(oldId);
        assertThat(updated.getExtension(CloudEventCodec.ORGANIZATION_EXTENSION)).isEqualTo("org_a");
        assertThat(update.recordId()).isEqualTo(oldId);
        assertThat(update.organizationId()).isEqualTo("org_a");
        assertThat(update.userId()).isEqualTo("user_a");
        assertThat(update.type()).isEqualTo("announced");
        assertThat(update.name()).isEqualTo("Old");
        assertThat(update.metadata()).isEqualTo(Map.of("v", 2));
        assertThat(update.createdAt()).isEqualTo(Instant.parse((String) before.body().get("createdAt")));
        assertThat(update.updatedAt()).isAfter(update.createdAt());

        CloudEvent created = CloudEventCodec.fromRecord(kafka.awaitFirst(topics.of(RecordEvents.RECORDS),
                r -> newId.equals(r.key()), Duration.ofSeconds(30)));
        assertThat(created.getType()).isEqualTo(RecordEvents.RECORD_CREATED.type());
        assertThat((String) created.getId()).startsWith("evt_");
        RecordCreatedV1 create = json.readValue(created.getData().toBytes(), RecordCreatedV1.class);
        assertThat(create.recordId()).isEqualTo(newId);
        assertThat(create.name()).isEqualTo("New");
        assertThat(create.metadata()).isEqualTo(Map.of("v", 3));
        assertThat(create.createdAt()).isEqualTo(update.updatedAt());
        assertThat(create.createdAt()).isEqualTo(Instant.parse((String) recordsOfType(ORG_A, "announced").get("New").get("createdAt")));
    }

    @Test
    void concurrentImportsOfTheSameNamesInOppositeOrdersBothLand() throws Exception {
        StringBuilder forward = new StringBuilder("name,side\n");
        StringBuilder backward = new StringBuilder("name,side\n");
        for (int i = 0; i < 3000; i++) {
            forward.append("shared ").append(i).append(",forward\n");
            backward.append("shared ").append(2999 - i).append(",backward\n");
        }
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(2)) {
            var first = pool.submit(() -> upload(ORG_A, Map.of("type", "raced"), forward.toString()));
            var second = pool.submit(() -> upload(ORG_A, Map.of("type", "raced"), backward.toString()));
            Reply a = first.get();
            Reply b = second.get();
            a.assertStatus(200);
            b.assertStatus(200);
            assertThat(((Number) a.body().get("created")).longValue() + ((Number) b.body().get("created")).longValue())
                    .isEqualTo(3000);
            assertThat(((Number) a.body().get("updated")).longValue() + ((Number) b.body().get("updated")).longValue())
                    .isEqualTo(3000);
        }
        assertThat(recordsOfType(ORG_A, "raced")).hasSize(3000);
    }

    /**
     * 20,000 rows of 10 metadata columns (~4 MB) pass a server whose request buffer is 1 MiB: the
     * upload is read as a stream, never held whole.
     */
    @Test
    void aLargeFileStreamsThroughASmallRequestBuffer() {
        StringBuilder csv = new StringBuilder("name");
        for (int c = 0; c < 10; c++) {
            csv.append(",col").append(c);
        }
        csv.append('\n');
        for (int i = 0; i < 20_000; i++) {
            csv.append("record number ").append(i);
            for (int c = 0; c < 10; c++) {
                csv.append(",value ").append(c).append(" of row ").append(i);
            }
            csv.append('\n');
        }
        assertThat(csv.length()).isGreaterThan(3 * 1024 * 1024);

        Reply reply = upload(ORG_A, Map.of("type", "bulk"), csv.toString());

        reply.assertStatus(200);
        assertThat(reply.body()).containsEntry("created", 20_000).containsEntry("errorCount", 0);
        Reply counted = api.get("/v1/records?type=bulk&limit=1&includeCount=true", ORG_A);
        assertThat(((Number) counted.pagination().get("totalCount")).longValue()).isEqualTo(20_000);
        assertThat(counted.data().get(0).get("metadata")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .hasSize(10);
        // 20,000 rows' metadata go through the GIN index's pending list and past its limit: a
        // metadata filter finds an imported row, and only it
        String filter = URLEncoder.encode("{\"where\":[{\"field\":\"metadata.col3\",\"op\":\"eq\","
                + "\"value\":\"value 3 of row 12345\"}]}", StandardCharsets.UTF_8);
        Reply found = api.get("/v1/records?type=bulk&includeCount=true&filter=" + filter, ORG_A);
        found.assertStatus(200);
        assertThat(found.data()).extracting(record -> record.get("name")).containsExactly("record number 12345");
    }

    private static Map<String, Object> error(long row, String column, String message) {
        Map<String, Object> error = new HashMap<>();
        error.put("row", (int) row);
        error.put("column", column);
        error.put("message", message);
        return error;
    }

    private static String type(ConsumerRecord<String, byte[]> record) {
        var header = record.headers().lastHeader("ce_type");
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Every record of a type, by name, walking the list's pages. */
    private Map<String, Map<String, Object>> recordsOfType(Tenant tenant, String type) {
        Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
        String cursor = null;
        do {
            Reply page = api.get("/v1/records?limit=100&type=" + URLEncoder.encode(type, StandardCharsets.UTF_8)
                    + (cursor == null ? "" : "&cursor=" + cursor), tenant);
            page.assertStatus(200);
            for (Map<String, Object> record : page.data()) {
                byName.put((String) record.get("name"), record);
            }
            cursor = (String) page.pagination().get("nextCursor");
        } while (cursor != null);
        return byName;
    }
}
