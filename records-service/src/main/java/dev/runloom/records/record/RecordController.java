package dev.runloom.records.record;

import dev.runloom.common.pagination.Paged;
import dev.runloom.common.pagination.QueryParams;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.Status;
import io.micronaut.serde.annotation.Serdeable;

import java.util.Locale;
import java.util.Map;

/**
 * {@code /v1/records}: list, create, get, update, delete (reference §3.2 R1, R2, R10–R12). The
 * static routes ({@code /schema}, {@code /export} …) live in their own controllers; Micronaut
 * prefers a literal segment over {@code {id}}, so they are never taken for an id.
 */
@Controller("/v1/records")
public class RecordController {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 100;

    private final RecordService service;
    private final RecordQueryParams queries;

    public RecordController(RecordService service, RecordQueryParams queries) {
        this.service = service;
        this.queries = queries;
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

    /** Partial update; {@code metadata}, when given, replaces the stored metadata (reference §5 Q19). */
    @Put("/{id}")
    public RecordResponse update(Tenant tenant, @PathVariable String id, @Body Map<String, Object> body) {
        return RecordResponse.of(service.update(tenant, id, CreateRecordRequestValidator.validatePatch(body)));
    }

    /** Deletes the record with its results and step results (reference §5 Q18). */
    @Delete("/{id}")
    public Success delete(Tenant tenant, @PathVariable String id) {
        service.delete(tenant, id);
        return new Success(true);
    }

    /**
     * Keyset pagination (style C) in {@code sortBy}/{@code sortOrder} order, both ways: a page's
     * {@code nextCursor} continues forward, its {@code prevCursor} (non-null when rows precede it)
     * walks back; the cursor knows its way, {@code direction} may say it explicitly. With
     * {@code includeCount=true} an unfiltered list reads the per-type counter (exact, as cheap as the
     * page); a searched or filtered one counts up to {@link RecordService#COUNT_CAP} and says
     * {@code countCapped}.
     */
    @Get
    public Paged<RecordResponse, RecordPagination> list(Tenant tenant,
                                                        @Nullable @QueryValue String type,
                                                        @Nullable @QueryValue String search,
                                                        @Nullable @QueryValue String filter,
                                                        @Nullable @QueryValue String sortBy,
                                                        @Nullable @QueryValue String sortOrder,
                                                        @Nullable @QueryValue String limit,
                                                        @Nullable @QueryValue String cursor,
                                                        @Nullable @QueryValue String direction,
                                                        @Nullable @QueryValue String includeCount) {
        int pageSize = QueryParams.intParam(limit, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        boolean count = QueryParams.boolParam(includeCount, "includeCount", false);
        RecordSort sort = RecordSort.parse(sortBy, sortOrder);
        RecordQuery query = queries.fromQuery(type, search, filter);
        Boolean previous = direction(direction);
        RecordCursor position = null;
        if (cursor != null && !cursor.isBlank()) {
            position = RecordCursor.decode(cursor.trim(), sort);
            if (previous != null && previous != position.previous()) {
                position = new RecordCursor(position.sort(), previous, position.value(), position.id(), position.offset());
            }
        }
        RecordSlice slice = service.list(tenant, query, sort, position, pageSize, count);
        return new Paged<>(slice.records().stream().map(RecordResponse::of).toList(),
                RecordPagination.of(slice, sort, pageSize));
    }

    private static @Nullable Boolean direction(@Nullable String direction) {
        if (direction == null || direction.isBlank()) {
            return null;
        }
        return switch (direction.trim().toLowerCase(Locale.ROOT)) {
            case "next" -> false;
            case "prev", "previous" -> true;
            default -> throw ProblemException.invalidParameter("direction", "must be next or prev");
        };
    }

    @Serdeable
    public record Success(boolean success) {
    }
}
