package dev.runloom.flows.flow;

import dev.runloom.common.pagination.Cursor;
import dev.runloom.common.pagination.CursorPagination;
import dev.runloom.common.pagination.Paged;
import dev.runloom.common.pagination.QueryParams;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.flows.steps.StepDefinition;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code /v1/flows} (reference 3.3, F1–F5, F7, F9): list, create, read, edit (a new draft version),
 * delete, publish and export flows. Run-on-record-type and step results have controllers of their own.
 */
@Controller("/v1/flows")
public class FlowController {
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;
    private static final int MAX_SEARCH_LENGTH = 255;
    /** Beyond it a cursor's offset is not one this API issued (and offset + page would overflow). */
    private static final int MAX_CURSOR_OFFSET = 1_000_000_000;

    private final FlowService flows;
    private final FlowDeletion deletion;

    public FlowController(FlowService flows, FlowDeletion deletion) {
        this.flows = flows;
        this.deletion = deletion;
    }

    /**
     * F1: newest first, cursor pagination (style C). {@code direction=next} (default) reads the page
     * after {@code cursor} (a {@code nextCursor}); {@code direction=prev} the page before it (a
     * {@code prevCursor}). {@code search}: name contains, any case.
     */
    @Get
    public Paged<FlowListItem, CursorPagination> list(Tenant tenant,
                                                      @Nullable @QueryValue String limit,
                                                      @Nullable @QueryValue String cursor,
                                                      @Nullable @QueryValue String direction,
                                                      @Nullable @QueryValue String includeCount,
                                                      @Nullable @QueryValue String search) {
        int pageSize = QueryParams.intParam(limit, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        Cursor position = cursor == null || cursor.isBlank() ? null : Cursor.decode(cursor.trim(), "cursor");
        if (position != null && position.offset() > MAX_CURSOR_OFFSET) {
            throw ProblemException.invalidParameter("cursor", "is not a cursor this API issued");
        }
        boolean backwards = "prev".equals(QueryParams.enumParam(direction == null ? null : direction.trim()
                .toLowerCase(Locale.ROOT), "direction", Set.of("next", "prev"), "next"));
        String term = search == null || search.isBlank() ? null : search.strip();
        if (term != null && term.length() > MAX_SEARCH_LENGTH) {
            throw ProblemException.invalidParameter("search", "is longer than " + MAX_SEARCH_LENGTH + " characters");
        }
        if (term != null && term.indexOf(0) >= 0) {
            throw ProblemException.invalidParameter("search", "must not contain NUL characters");
        }
        FlowPage page = flows.list(tenant, new FlowListQuery(term, pageSize, position, backwards,
                QueryParams.boolParam(includeCount, "includeCount", false)));
        CursorPagination pagination = new CursorPagination(page.nextCursor(), page.prevCursor(), page.hasMore(),
                page.hasPrev(), page.limit(), page.currentOffset(), null, null, null);
        return new Paged<>(page.flows().stream().map(FlowListItem::of).toList(),
                page.totalCount() == null ? pagination : pagination.withCount(page.totalCount()));
    }

    /** F2: the flow and its first version, a draft that runs until the flow is first published. */
    @Post
    public HttpResponse<FlowResponse> create(Tenant tenant, @Nullable @Body FlowRequest body) {
        if (body == null) {
            throw ProblemException.validation("A JSON body with at least a name is required");
        }
        List<NewStep> steps = body.newSteps();
        return HttpResponse.created(FlowResponse.of(flows.create(tenant, body.name(), body.description(),
                steps == null ? List.of() : steps)));
    }

    /** F3: the flow with its newest version's steps (the draft when there is one). */
    @Get("/{id}")
    public FlowResponse get(Tenant tenant, @PathVariable String id) {
        return FlowResponse.of(flows.get(tenant, id));
    }

    /** F4: every field optional; a new draft version, while the published version keeps running until published. */
    @Put("/{id}")
    public FlowResponse update(Tenant tenant, @PathVariable String id, @Nullable @Body FlowRequest body) {
        if (body == null) {
            throw ProblemException.validation("A JSON body is required (name, description, flowSteps or steps)");
        }
        return FlowResponse.of(flows.update(tenant, id, new FlowEdit(body.name(), body.description(), body.newSteps())));
    }

    /** F5: 409 while a schedule, an agent or an unfinished batch uses the flow; its results stay as history. */
    @Delete("/{id}")
    public DeletedResponse delete(Tenant tenant, @PathVariable String id) {
        deletion.delete(tenant, id);
        return new DeletedResponse(true);
    }

    /** F7: the newest version becomes the published one (body {@code {}}, optionally a {@code label} and {@code notes}). */
    @Post("/{id}/publish")
    public PublishResponse publish(Tenant tenant, @PathVariable String id, @Nullable @Body PublishRequest body) {
        FlowService.Published published = flows.publishCurrent(tenant, id, body == null ? null : body.label(),
                body == null ? null : body.notes());
        return new PublishResponse(true, published.versionId(), published.alreadyPublished()
                ? "Version " + published.versionId() + " was already published"
                : "Flow published: version " + published.versionId() + " now runs");
    }

    /** F9: what a runtime needs to run the flow — the version that runs, with every step's config resolved. */
    @Get("/{id}/export-runtime")
    public RuntimeExport export(Tenant tenant, @PathVariable String id) {
        FlowWithSteps running = flows.getRunning(tenant, id);
        Flow flow = running.flow();
        FlowVersion version = running.version();
        return new RuntimeExport(flow.id(), version.name(), flow.description(), version.id(), version.versionNumber(),
                version.versionType(flow), version.steps(), Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    /** {@code flowSteps} and {@code steps} are synonyms; {@code flowSteps} wins when both are sent. */
    @Serdeable
    public record FlowRequest(@Nullable String name, @Nullable String description,
                              @Nullable List<StepBody> flowSteps, @Nullable List<StepBody> steps) {

        /** The steps given, or null when neither list was sent. */
        @Nullable List<NewStep> newSteps() {
            List<StepBody> given = flowSteps != null ? flowSteps : steps;
            return given == null ? null : given.stream().map(s -> s == null ? null : s.toNewStep()).toList();
        }
    }

    @Serdeable
    public record StepBody(@Nullable String id, @Nullable String type, @Nullable String name, @Nullable Integer order,
                           @Nullable Boolean enabled, @Nullable Map<String, Object> config, @Nullable String when) {
        NewStep toNewStep() {
            return new NewStep(id, type, name, order, enabled, config, when);
        }
    }

    @Serdeable
    public record PublishRequest(@Nullable String label, @Nullable String notes) {
    }

    /** A flow (reference 2.4) with the newest version's steps and where its draft and published versions are. */
    @Serdeable
    public record FlowResponse(String id, String name, @Nullable String description, List<StepDefinition> flowSteps,
                               @Nullable String userId, String organizationId, Instant createdAt, Instant updatedAt,
                               @Nullable Instant lastRunAt, int stepCount, String status,
                               @Nullable String draftVersionId, @Nullable String publishedVersionId) {

        static FlowResponse of(FlowWithSteps f) {
            Flow flow = f.flow();
            List<StepDefinition> steps = f.version().steps();
            return new FlowResponse(flow.id(), flow.name(), flow.description(), steps, flow.userId(),
                    flow.organizationId(), flow.createdAt(), flow.updatedAt(), flow.lastRunAt(), steps.size(),
                    flow.status(), flow.draftVersionId(), flow.publishedVersionId());
        }
    }

    /** F1's items: exactly the reference's six fields. */
    @Serdeable
    public record FlowListItem(String id, String name, String status, Instant createdAt, Instant updatedAt,
                               @Nullable Instant lastRunAt) {
        static FlowListItem of(Flow f) {
            return new FlowListItem(f.id(), f.name(), f.status(), f.createdAt(), f.updatedAt(), f.lastRunAt());
        }
    }

    @Serdeable
    public record DeletedResponse(boolean success) {
    }

    @Serdeable
    public record PublishResponse(boolean success, String publishedVersionId, String message) {
    }

    /** F9: self-contained — nothing in it refers to anything the runtime would have to fetch. */
    @Serdeable
    public record RuntimeExport(String id, String name, @Nullable String description, String versionId,
                                int versionNumber, String versionType, List<StepDefinition> flowSteps,
                                Instant exportedAt) {
    }
}
