package dev.runloom.records.record;

import dev.runloom.common.id.Ids;
import dev.runloom.common.jdbc.JsonColumns;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.kernel.events.OutgoingEvent;
import dev.runloom.kernel.outbox.Outbox;
import dev.runloom.records.events.RecordCreatedV1;
import dev.runloom.records.events.RecordDeletedV1;
import dev.runloom.records.events.RecordEvents;
import dev.runloom.records.events.RecordUpdatedV1;
import dev.runloom.records.filter.RecordFilter;
import dev.runloom.records.results.RecordResultRepository;
import dev.runloom.records.stepresults.RecordStepResultRepository;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;

/**
 * The record use cases. Every change announces itself on the records stream through the outbox, in
 * the transaction that makes it; deleting a record deletes its own record results here and tells
 * flows-service (through {@code RecordDeleted}) to drop its step results.
 */
@Singleton
public class RecordService {
    /** Filtered counts stop here (the answer says so with {@code countCapped}); unfiltered ones are exact. */
    public static final long COUNT_CAP = 10_000;
    /** Bulk operations write this many records per statement. */
    static final int CHUNK = 1000;

    private final RecordRepository records;
    private final RecordResultRepository results;
    private final RecordStepResultRepository stepResults;
    private final Outbox outbox;
    private final JsonColumns json;

    public RecordService(RecordRepository records, RecordResultRepository results, RecordStepResultRepository stepResults,
                         Outbox outbox, JsonColumns json) {
        this.records = records;
        this.results = results;
        this.stepResults = stepResults;
        this.outbox = outbox;
        this.json = json;
    }

    /** @throws ProblemException 409 {@code record_exists} when the organization already has this type + name */
    @Transactional
    public Record create(Tenant tenant, NewRecord request) {
        Instant now = now();
        Record record = new Record(Ids.newId("record"), tenant.organizationId(), tenant.userId(), request.type(),
                request.name(), request.metadata(), request.messages(), request.metadataSchema(),
                request.metadataLabels(), now, now);
        if (!records.insertIfAbsent(record)) {
            throw exists(record.type(), record.name());
        }
        outbox.append(OutgoingEvent.of(RecordEvents.RECORD_CREATED, record.id(), record.id(), record.organizationId(),
                new RecordCreatedV1(record.id(), record.organizationId(), record.userId(), record.type(), record.name(),
                        record.metadata(), record.createdAt())));
        return record;
    }

    /** @throws ProblemException 404 when the record does not exist in the tenant's organization */
    @Transactional(readOnly = true)
    public Record get(Tenant tenant, String id) {
        return records.findByOrganizationIdAndId(tenant.organizationId(), id)
                .orElseThrow(() -> ProblemException.notFound("Record", id));
    }

    /** @throws ProblemException 404 when the record does not exist in the tenant's organization */
    @Transactional(readOnly = true)
    public void requireExists(Tenant tenant, String id) {
        if (!records.existsByOrganizationIdAndId(tenant.organizationId(), id)) {
            throw ProblemException.notFound("Record", id);
        }
    }

    /**
     * Partial update; {@code metadata}, when given, replaces the stored metadata (reference §5 Q19).
     *
     * @throws ProblemException 404 unknown record, 409 {@code record_exists} when the new type + name is taken
     */
    @Transactional
    public Record update(Tenant tenant, String id, RecordPatch patch) {
        Record current = records.findForUpdate(tenant.organizationId(), id)
                .orElseThrow(() -> ProblemException.notFound("Record", id));
        Record updated = patch.applyTo(current, now());
        try {
            records.update(updated);
        } catch (RuntimeException e) {
            if (isUniqueViolation(e)) {
                throw exists(updated.type(), updated.name());
            }
            throw e;
        }
        outbox.append(updatedEvent(updated));
        return updated;
    }

    /** Deletes the record and its record results; flows-service drops its step results on {@code RecordDeleted}. */
    @Transactional
    public void delete(Tenant tenant, String id) {
        String type = records.deleteOne(tenant.organizationId(), id)
                .orElseThrow(() -> ProblemException.notFound("Record", id));
        deleted(tenant.organizationId(), List.of(new RecordRepository.Deleted(id, type)));
    }

    /**
     * Deletes the given records ({@code ids}, unknown ones skipped) or every record the query matches,
     * {@link #CHUNK} per statement, in one transaction.
     *
     * @return how many were deleted
     */
    @Transactional
    public long bulkDelete(Tenant tenant, @Nullable String[] ids, RecordQuery query) {
        String org = tenant.organizationId();
        long total = 0;
        if (ids != null) {
            for (int from = 0; from < ids.length; from += CHUNK) {
                List<RecordRepository.Deleted> gone = records.deleteIds(org,
                        Arrays.copyOfRange(ids, from, Math.min(ids.length, from + CHUNK)));
                deleted(org, gone);
                total += gone.size();
            }
            return total;
        }
        List<RecordRepository.Deleted> gone;
        do {
            gone = records.deleteMatching(org, query, CHUNK);
            deleted(org, gone);
            total += gone.size();
        } while (gone.size() == CHUNK);
        return total;
    }

    /**
     * Patches the metadata of the given records or of every record the query matches, {@link #CHUNK}
     * per statement, in one transaction; each changed record is announced with {@code RecordUpdated}.
     *
     * @return how many were updated
     */
    @Transactional
    public long bulkEdit(Tenant tenant, BulkEdit edit) {
        String org = tenant.organizationId();
        JsonColumns.Json patch = json.param(edit.patch());
        String expression = edit.strategy().sql;
        Instant now = now();
        long total = 0;
        if (edit.ids() != null) {
            String[] ids = edit.ids();
            for (int from = 0; from < ids.length; from += CHUNK) {
                List<Record> changed = records.editIds(org, Arrays.copyOfRange(ids, from, Math.min(ids.length, from + CHUNK)),
                        expression, patch, now);
                outbox.appendAll(changed.stream().map(RecordService::updatedEvent).toList());
                total += changed.size();
            }
            return total;
        }
        String after = null;
        List<Record> changed;
        do {
            changed = records.editMatching(org, edit.query(), after, CHUNK, expression, patch, now);
            outbox.appendAll(changed.stream().map(RecordService::updatedEvent).toList());
            total += changed.size();
            after = changed.stream().map(Record::id).max(String::compareTo).orElse(null);
        } while (changed.size() == CHUNK);
        return total;
    }

    /**
     * A page of records in {@code sort} order from the cursor's position ({@code null}: the first
     * page). Reads one row more than asked to know whether more follow (or, walking back, precede).
     */
    @Transactional(readOnly = true)
    public RecordSlice list(Tenant tenant, RecordQuery query, RecordSort sort, @Nullable RecordCursor cursor,
                            int limit, boolean includeCount) {
        List<Record> rows = records.page(tenant.organizationId(), query, sort, cursor, limit + 1);
        boolean previous = cursor != null && cursor.previous();
        boolean extra = rows.size() > limit;
        List<Record> page;
        boolean hasMore;
        boolean hasPrev;
        int offset;
        if (previous) {
            page = extra ? rows.subList(1, rows.size()) : rows;
            hasMore = true;
            hasPrev = extra;
            offset = extra ? Math.max(1, cursor.offset() - page.size()) : 0;
        } else {
            page = extra ? rows.subList(0, limit) : rows;
            hasMore = extra;
            hasPrev = cursor != null;
            offset = cursor == null ? 0 : cursor.offset();
        }
        Long total = null;
        boolean capped = false;
        if (includeCount) {
            if (query.isCountable()) {
                total = records.countExact(tenant.organizationId(), query.countedType());
            } else {
                long counted = records.countUpTo(tenant.organizationId(), query, COUNT_CAP);
                capped = counted > COUNT_CAP;
                total = Math.min(counted, COUNT_CAP);
            }
        }
        return new RecordSlice(page, hasMore, hasPrev, offset, total, capped);
    }

    /** How many records match, exact without filters, else capped at {@link #COUNT_CAP} (then {@code capped}). */
    @Transactional(readOnly = true)
    public Count count(Tenant tenant, RecordQuery query) {
        if (query.isCountable()) {
            return new Count(records.countExact(tenant.organizationId(), query.countedType()), false);
        }
        long counted = records.countUpTo(tenant.organizationId(), query, COUNT_CAP);
        return new Count(Math.min(counted, COUNT_CAP), counted > COUNT_CAP);
    }

    @Transactional(readOnly = true)
    public List<Record> newest(Tenant tenant, RecordQuery query, int limit) {
        return records.newest(tenant.organizationId(), query, limit);
    }

    /** The metadata columns of an export: every leaf path of the matching records, dotted. */
    @Transactional(readOnly = true)
    public List<String> metadataPaths(Tenant tenant, RecordQuery query, int max) {
        return records.metadataPaths(tenant.organizationId(), query, max);
    }

    /** Streams every matching record to {@code each}, in one read transaction, with constant memory. */
    @Transactional(readOnly = true)
    public long forEach(Tenant tenant, RecordQuery query, RecordSort sort, RecordRepository.RecordRowConsumer each) {
        return records.forEach(tenant.organizationId(), query, sort, each);
    }

    @Transactional(readOnly = true)
    public List<RecordRepository.ValueCount> fieldValues(Tenant tenant, RecordQuery query, List<String> path, int limit,
                                                         int scan) {
        return records.fieldValues(tenant.organizationId(), query, path.toArray(String[]::new), limit, scan);
    }

    /** Records of a type in id order, for batch fan-out; fetches one extra row to know if more follow. */
    @Transactional(readOnly = true)
    public RecordRefPage listByType(Tenant tenant, String type, @Nullable String afterId, int limit) {
        return listMatching(tenant, type, RecordFilter.none(type), afterId, limit);
    }

    /** As {@link #listByType}, of the records matching a chip filter; {@code type} null: of any type. */
    @Transactional(readOnly = true)
    public RecordRefPage listMatching(Tenant tenant, @Nullable String type, RecordFilter filter,
                                      @Nullable String afterId, int limit) {
        List<RecordRef> rows = records.listAfter(tenant.organizationId(), type, filter, afterId, limit + 1).stream()
                .map(r -> new RecordRef(r.id(), r.name(), r.type(), r.metadata())).toList();
        boolean hasMore = rows.size() > limit;
        List<RecordRef> page = hasMore ? rows.subList(0, limit) : rows;
        return new RecordRefPage(page, hasMore ? page.get(page.size() - 1).id() : null);
    }

    /** A count and whether it stopped at {@link #COUNT_CAP}. */
    public record Count(long count, boolean capped) {
    }

    private void deleted(String organizationId, List<RecordRepository.Deleted> gone) {
        if (gone.isEmpty()) {
            return;
        }
        String[] ids = gone.stream().map(RecordRepository.Deleted::id).toArray(String[]::new);
        // the record's projections go with it (reference §5 Q18); flows-service drops its own on RecordDeleted
        results.deleteForRecords(organizationId, ids);
        stepResults.deleteForRecords(organizationId, ids);
        Instant now = now();
        outbox.appendAll(gone.stream().map(d -> OutgoingEvent.of(RecordEvents.RECORD_DELETED, d.id(), d.id(),
                organizationId, new RecordDeletedV1(d.id(), organizationId, d.type(), now))).toList());
    }

    private static OutgoingEvent updatedEvent(Record r) {
        return OutgoingEvent.of(RecordEvents.RECORD_UPDATED, r.id(), r.id(), r.organizationId(),
                new RecordUpdatedV1(r.id(), r.organizationId(), r.userId(), r.type(), r.name(), r.metadata(),
                        r.createdAt(), r.updatedAt()));
    }

    private static ProblemException exists(String type, String name) {
        return ProblemException.conflict("record_exists",
                "A record of type '" + type + "' named '" + name + "' already exists");
    }

    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
