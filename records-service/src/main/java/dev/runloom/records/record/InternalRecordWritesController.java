package dev.runloom.records.record;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.Map;

/**
 * Service-to-service record reads and writes for flow steps (flows-service's {@code retrieve-record},
 * {@code upsert-record}, {@code update-record}). Writes require an {@code idempotencyKey}: the same key
 * twice writes once and answers the first write's record ({@code replayed: true}). Not public: the
 * gateway does not route {@code /internal}.
 */
@Controller("/internal/records")
public class InternalRecordWritesController {
    static final int MAX_KEY_LENGTH = 300;
    private static final int MAX_TYPE_LENGTH = 255;
    private static final int MAX_NAME_LENGTH = 500;

    private final InternalRecordWriteService service;

    public InternalRecordWritesController(InternalRecordWriteService service) {
        this.service = service;
    }

    /** {@code POST /internal/records/find}: the newest matching record, or {@code record: null}. */
    @Post("/find")
    public Found find(Tenant tenant, @Nullable @Body FindRequest body) {
        if (body == null || (blank(body.type()) && blank(body.name()) && body.where() == null)) {
            throw ProblemException.validation("type, name or where is required");
        }
        checkLength(body.type(), "type", MAX_TYPE_LENGTH);
        checkLength(body.name(), "name", MAX_NAME_LENGTH);
        if (body.where() != null) {
            if (blank(body.where().field())) {
                throw ProblemException.validation("where.field is required");
            }
            if (body.where().op() != null && !RecordCondition.OPS.contains(body.where().op())) {
                throw ProblemException.validation("where.op must be one of " + String.join(", ", RecordCondition.OPS.stream().sorted().toList()));
            }
        }
        return new Found(service.find(tenant, emptyToNull(body.type()), emptyToNull(body.name()), body.where())
                .map(WrittenRecord::of).orElse(null));
    }

    /** {@code POST /internal/records/upsert}: creates the (type, name) record or merges metadata into it. */
    @Post("/upsert")
    public WriteResult upsert(Tenant tenant, @Nullable @Body UpsertRequest body) {
        if (body == null) {
            throw ProblemException.validation("A JSON body is required");
        }
        String key = key(body.idempotencyKey());
        if (blank(body.type())) {
            throw ProblemException.validation("type is required");
        }
        checkLength(body.type(), "type", MAX_TYPE_LENGTH);
        checkLength(body.name(), "name", MAX_NAME_LENGTH);
        if (body.metadata() == null) {
            throw ProblemException.validation("metadata is required and must be an object");
        }
        return WriteResult.of(service.upsert(tenant, key, body.type(), emptyToNull(body.name()), body.metadata()));
    }

    /** {@code POST /internal/records/{id}/update}: applies {@code updates} to the metadata by {@code mergeStrategy}. */
    @Post("/{id}/update")
    public WriteResult update(Tenant tenant, @PathVariable String id, @Nullable @Body UpdateRequest body) {
        if (body == null) {
            throw ProblemException.validation("A JSON body is required");
        }
        String key = key(body.idempotencyKey());
        if (body.updates() == null) {
            throw ProblemException.validation("updates is required and must be an object");
        }
        String strategy = body.mergeStrategy() == null ? InternalRecordWriteService.MERGE : body.mergeStrategy();
        if (!strategy.equals(InternalRecordWriteService.MERGE) && !strategy.equals(InternalRecordWriteService.REPLACE)
                && !strategy.equals(InternalRecordWriteService.DEEP_MERGE)) {
            throw ProblemException.validation("mergeStrategy must be merge, replace or deep-merge");
        }
        return WriteResult.of(service.update(tenant, key, id, body.updates(), strategy));
    }

    private static String key(@Nullable String key) {
        if (blank(key)) {
            throw ProblemException.validation("idempotencyKey is required");
        }
        checkLength(key, "idempotencyKey", MAX_KEY_LENGTH);
        return key;
    }

    private static void checkLength(@Nullable String value, String field, int max) {
        if (value != null && value.length() > max) {
            throw ProblemException.validation(field + " is longer than " + max + " characters");
        }
    }

    private static boolean blank(@Nullable String s) {
        return s == null || s.isBlank();
    }

    private static @Nullable String emptyToNull(@Nullable String s) {
        return blank(s) ? null : s;
    }

    @Serdeable
    public record FindRequest(@Nullable String type, @Nullable String name, @Nullable RecordCondition where) {
    }

    @Serdeable
    public record UpsertRequest(@Nullable String idempotencyKey, @Nullable String type, @Nullable String name,
                                @Nullable Map<String, Object> metadata) {
    }

    @Serdeable
    public record UpdateRequest(@Nullable String idempotencyKey, @Nullable Map<String, Object> updates,
                                @Nullable String mergeStrategy) {
    }

    @Serdeable
    public record Found(@Nullable WrittenRecord record) {
    }

    @Serdeable
    public record WriteResult(WrittenRecord record, boolean created, boolean replayed) {
        static WriteResult of(InternalRecordWriteService.Written written) {
            return new WriteResult(WrittenRecord.of(written.record()), written.created(), written.replayed());
        }
    }

    @Serdeable
    public record WrittenRecord(String id, String type, String name, Map<String, Object> metadata, Instant createdAt,
                                Instant updatedAt) {
        static WrittenRecord of(Record r) {
            return new WrittenRecord(r.id(), r.type(), r.name(), r.metadata(), r.createdAt(), r.updatedAt());
        }
    }
}
