package dev.runloom.records.record;

import dev.runloom.kernel.events.OutgoingEvent;
import dev.runloom.records.events.RecordEvents;
import dev.runloom.records.events.RecordCreatedV1;
import dev.runloom.common.id.Ids;
import dev.runloom.kernel.outbox.Outbox;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Creating and reading records; creation announces itself on the records stream via the outbox. */
@Singleton
public class RecordService {
    private final RecordRepository records;
    private final Outbox outbox;

    public RecordService(RecordRepository records, Outbox outbox) {
        this.records = records;
        this.outbox = outbox;
    }

    /** @throws ProblemException 409 {@code record_exists} when the organization already has this type + name */
    @Transactional
    public Record create(Tenant tenant, NewRecord request) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Record record = new Record(Ids.newId("record"), tenant.organizationId(), tenant.userId(), request.type(),
                request.name(), request.metadata(), request.messages(), now, now);
        if (!records.insertIfAbsent(record)) {
            throw ProblemException.conflict("record_exists",
                    "A record of type '" + record.type() + "' named '" + record.name() + "' already exists");
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
     * A page of records, newest first, after the keyset position ({@code afterAt}, {@code afterId})
     * of the previous page's last row. Reads one row more than asked to know whether more follow.
     */
    @Transactional(readOnly = true)
    public RecordSlice list(Tenant tenant, @Nullable String type, @Nullable Instant afterAt, @Nullable String afterId,
                            int limit, boolean includeCount) {
        List<Record> rows = records.listNewestFirst(tenant.organizationId(), type, afterAt, afterId, limit + 1);
        boolean hasMore = rows.size() > limit;
        Long total = !includeCount ? null : type == null ? records.countByOrganizationId(tenant.organizationId())
                : records.countByOrganizationIdAndType(tenant.organizationId(), type);
        return new RecordSlice(hasMore ? rows.subList(0, limit) : rows, hasMore, total);
    }

    /** Records of a type in id order, for batch fan-out; fetches one extra row to know if more follow. */
    @Transactional(readOnly = true)
    public RecordRefPage listByType(Tenant tenant, String type, @Nullable String afterId, int limit) {
        List<RecordRef> rows = records.listByTypeAfter(tenant.organizationId(), type, afterId, limit + 1).stream()
                .map(r -> new RecordRef(r.id(), r.name(), r.type(), r.metadata())).toList();
        boolean hasMore = rows.size() > limit;
        List<RecordRef> page = hasMore ? rows.subList(0, limit) : rows;
        return new RecordRefPage(page, hasMore ? page.get(page.size() - 1).id() : null);
    }
}
