package dev.runloom.records.record;

import dev.runloom.common.pagination.Cursor;
import dev.runloom.common.pagination.CursorPagination;
import dev.runloom.common.pagination.Paged;
import dev.runloom.common.pagination.QueryParams;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.Status;

import java.util.List;

/** {@code /v1/records}: create, get and list records (reference §3.2 R1, R2, R10). */
@Controller("/v1/records")
public class RecordController {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 100;

    private final RecordService service;

    public RecordController(RecordService service) {
        this.service = service;
    }

    @Post
    @Status(HttpStatus.CREATED)
    public RecordResponse create(Tenant tenant, @Body CreateRecordRequest body) {
        return RecordResponse.of(service.create(tenant, CreateRecordRequestValidator.validate(body)));
    }

    @Get("/{id}")
    public RecordResponse get(Tenant tenant, @PathVariable String id) {
        return RecordResponse.of(service.get(tenant, id));
    }

    /**
     * Newest first, cursor pagination (style C). {@code prevCursor} is always null: pages are walked
     * forward with {@code nextCursor}; {@code hasPrev} and {@code currentOffset} say where the page is.
     */
    @Get
    public Paged<RecordResponse, CursorPagination> list(Tenant tenant,
                                                        @Nullable @QueryValue String type,
                                                        @Nullable @QueryValue String limit,
                                                        @Nullable @QueryValue String cursor,
                                                        @Nullable @QueryValue String includeCount) {
        int pageSize = QueryParams.intParam(limit, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        boolean count = QueryParams.boolParam(includeCount, "includeCount", false);
        Cursor after = cursor == null || cursor.isBlank() ? null : Cursor.decode(cursor.trim(), "cursor");
        if (after != null && after.offset() < 0) {
            throw ProblemException.invalidParameter("cursor", "is not a cursor this API issued");
        }
        int offset = after == null ? 0 : after.offset();
        String typeFilter = type == null || type.isEmpty() ? null : type;

        RecordSlice slice = service.list(tenant, typeFilter, after == null ? null : after.at(),
                after == null ? null : after.id(), pageSize, count);
        List<Record> rows = slice.records();
        String nextCursor = null;
        if (slice.hasMore()) {
            Record last = rows.get(rows.size() - 1);
            nextCursor = new Cursor(last.createdAt(), last.id(), offset + rows.size()).encode();
        }
        CursorPagination pagination = new CursorPagination(nextCursor, null, slice.hasMore(), offset > 0,
                pageSize, offset, null, null, null);
        if (slice.total() != null) {
            pagination = pagination.withCount(slice.total());
        }
        return new Paged<>(rows.stream().map(RecordResponse::of).toList(), pagination);
    }
}
