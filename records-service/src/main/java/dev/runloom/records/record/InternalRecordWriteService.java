package dev.runloom.records.record;

import dev.runloom.common.id.Ids;
import dev.runloom.common.jdbc.JsonColumns;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.kernel.events.OutgoingEvent;
import dev.runloom.kernel.outbox.Outbox;
import dev.runloom.records.events.RecordCreatedV1;
import dev.runloom.records.events.RecordEvents;
import dev.runloom.records.events.RecordUpdatedV1;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Record reads and writes made by flow steps ({@code retrieve-record}, {@code upsert-record},
 * {@code update-record}). Every write carries an idempotency key (flow execution id + step id) claimed
 * in the write's own transaction: a retried step finds its claim and gets the record it wrote, and
 * nothing is written twice.
 */
@Singleton
public class InternalRecordWriteService {
    public static final String MERGE = "merge";
    public static final String REPLACE = "replace";
    public static final String DEEP_MERGE = "deep-merge";

    private final RecordRepository records;
    private final Outbox outbox;
    private final JsonColumns json;

    public InternalRecordWriteService(RecordRepository records, Outbox outbox, JsonColumns json) {
        this.records = records;
        this.outbox = outbox;
        this.json = json;
    }

    @Transactional(readOnly = true)
    public Optional<Record> find(Tenant tenant, @Nullable String type, @Nullable String name, @Nullable RecordCondition where) {
        return records.findFirstMatching(tenant.organizationId(), type, name, where == null ? null : where.toFilter());
    }

    /** Creates the (type, name) record or merges the metadata into it. */
    @Transactional
    public Written upsert(Tenant tenant, String key, String type, @Nullable String name, Map<String, Object> metadata) {
        Instant now = now();
        if (!records.claimWriteReceipt(tenant.organizationId(), key, now)) {
            return replay(tenant, key);
        }
        String recordName = name != null ? name : now.toString(); // the reference's timestamp-named record
        Optional<Record> existing = records.findByName(tenant.organizationId(), type, recordName);
        Record written;
        boolean created;
        if (existing.isPresent()) {
            Record r = existing.get();
            Map<String, Object> merged = merge(r.metadata(), metadata, MERGE);
            records.updateMetadata(tenant.organizationId(), r.id(), merged, now, json);
            written = withMetadata(r, merged, now);
            outbox.append(updatedEvent(written));
            created = false;
        } else {
            Record record = new Record(Ids.newId("record"), tenant.organizationId(), tenant.userId(), type, recordName,
                    metadata, null, null, null, now, now);
            if (!records.insertIfAbsent(record)) {
                // created by someone else between the read and the insert: the caller's step retries
                throw ProblemException.conflict("record_exists", "The record was created concurrently; retry the write");
            }
            outbox.append(OutgoingEvent.of(RecordEvents.RECORD_CREATED, record.id(), record.id(), record.organizationId(),
                    new RecordCreatedV1(record.id(), record.organizationId(), record.userId(), record.type(),
                            record.name(), record.metadata(), record.createdAt())));
            written = record;
            created = true;
        }
        records.completeWriteReceipt(tenant.organizationId(), key, written.id(), created);
        return new Written(written, created, false);
    }

    /** @throws ProblemException 404 when the record is not the organization's */
    @Transactional
    public Written update(Tenant tenant, String key, String id, Map<String, Object> updates, String strategy) {
        Instant now = now();
        if (!records.claimWriteReceipt(tenant.organizationId(), key, now)) {
            return replay(tenant, key);
        }
        Record r = records.findForUpdate(tenant.organizationId(), id).orElseThrow(() -> ProblemException.notFound("Record", id));
        Map<String, Object> metadata = merge(r.metadata(), updates, strategy);
        records.updateMetadata(tenant.organizationId(), r.id(), metadata, now, json);
        records.completeWriteReceipt(tenant.organizationId(), key, r.id(), false);
        Record written = withMetadata(r, metadata, now);
        outbox.append(updatedEvent(written));
        return new Written(written, false, false);
    }

    private Written replay(Tenant tenant, String key) {
        RecordWriteReceipt receipt = records.findWriteReceipt(tenant.organizationId(), key)
                .orElseThrow(() -> new IllegalStateException("write receipt " + key + " vanished"));
        Record record = receipt.recordId() == null ? null
                : records.findByOrganizationIdAndId(tenant.organizationId(), receipt.recordId()).orElse(null);
        if (record == null) {
            throw ProblemException.conflict("record_gone", "The record this write made earlier no longer exists");
        }
        return new Written(record, receipt.created(), true);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> merge(Map<String, Object> current, Map<String, Object> updates, String strategy) {
        if (REPLACE.equals(strategy)) {
            return new LinkedHashMap<>(updates);
        }
        Map<String, Object> merged = new LinkedHashMap<>(current == null ? Map.of() : current);
        updates.forEach((k, v) -> {
            if (DEEP_MERGE.equals(strategy) && v instanceof Map<?, ?> inner && merged.get(k) instanceof Map<?, ?> existing) {
                merged.put(k, merge((Map<String, Object>) existing, (Map<String, Object>) inner, DEEP_MERGE));
            } else {
                merged.put(k, v);
            }
        });
        return merged;
    }

    private static Record withMetadata(Record r, Map<String, Object> metadata, Instant at) {
        return new Record(r.id(), r.organizationId(), r.userId(), r.type(), r.name(), metadata, r.messages(),
                r.metadataSchema(), r.metadataLabels(), r.createdAt(), at);
    }

    private static OutgoingEvent updatedEvent(Record r) {
        return OutgoingEvent.of(RecordEvents.RECORD_UPDATED, r.id(), r.id(), r.organizationId(),
                new RecordUpdatedV1(r.id(), r.organizationId(), r.userId(), r.type(), r.name(), r.metadata(),
                        r.createdAt(), r.updatedAt()));
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    /** The record after the write; {@code replayed} when the key had been used and nothing was written now. */
    public record Written(Record record, boolean created, boolean replayed) {
    }
}
