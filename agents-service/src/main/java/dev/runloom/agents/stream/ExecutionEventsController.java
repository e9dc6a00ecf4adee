package dev.runloom.agents.stream;

import dev.runloom.agents.executions.ExecutionListing;
import dev.runloom.agents.executions.ExecutionStatus;
import dev.runloom.common.pagination.QueryParams;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.sse.Event;
import io.micronaut.scheduling.TaskExecutors;
import jakarta.inject.Named;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * A20 {@code GET /v1/agents/:agentId/executions/:executionId/events?after=<seq>}: replays the stored
 * frames with a seq greater than {@code after} (all when absent), then live-tails the execution while
 * it runs (polling the log every {@link #POLL}), and ends after the terminal frame — or at once
 * for an execution that ended without frames (a scheduled run), or after the pause frame
 * ({@code approval_start}/{@code await}) of a paused one; replaying after approve/resume goes on from there. {@code conversationId} is accepted
 * and ignored (agents have no conversations here).
 */
@Controller("/v1/agents")
public class ExecutionEventsController {
    static final Duration POLL = Duration.ofMillis(200);
    static final Duration MAX_TAIL = Duration.ofMinutes(15);
    private static final int BATCH = 500;
    private static final Set<String> TERMINAL = Set.of(ExecutionFrames.EXECUTION_COMPLETE, ExecutionFrames.EXECUTION_ERROR);

    private final ExecutionListing listing;
    private final ExecutionEventStore store;
    private final Scheduler blocking;

    public ExecutionEventsController(ExecutionListing listing, ExecutionEventStore store,
                                     @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        this.listing = listing;
        this.store = store;
        this.blocking = Schedulers.fromExecutorService(blocking);
    }

    @Get("/{agentId}/executions/{executionId}/events")
    @Produces(MediaType.TEXT_EVENT_STREAM)
    HttpResponse<Flux<Event<String>>> events(Tenant tenant, String agentId, String executionId,
                                             @Nullable @QueryValue String after,
                                             @Nullable @QueryValue String conversationId) {
        int from = QueryParams.intParam(after, "after", -1, -1, Integer.MAX_VALUE);
        listing.detail(tenant, agentId, executionId); // 404 for unknown or another organization's
        String org = tenant.organizationId();
        int[] last = {from};
        boolean[] done = {false};
        Flux<Event<String>> frames = Flux.interval(Duration.ZERO, POLL, Schedulers.parallel())
                .take(MAX_TAIL.toMillis() / POLL.toMillis())
                .onBackpressureDrop() // a slow reader skips polls, never errors
                .concatMap(tick -> Mono.fromCallable(() -> {
                    List<ExecutionEventStore.StoredFrame> batch = store.after(org, executionId, last[0], BATCH);
                    if (batch.isEmpty() && !ExecutionStatus.RUNNING.equals(store.status(org, executionId))) {
                        // ended; a frame written just before the status changed is read on this last look
                        batch = store.after(org, executionId, last[0], BATCH);
                        if (batch.isEmpty()) {
                            done[0] = true;
                        }
                    }
                    if (!batch.isEmpty()) {
                        last[0] = batch.getLast().seq();
                    }
                    return batch;
                }).subscribeOn(blocking))
                .takeUntil(batch -> done[0] || batch.stream().anyMatch(f -> TERMINAL.contains(f.type())))
                .concatMapIterable(batch -> batch)
                .takeUntil(f -> TERMINAL.contains(f.type()))
                .map(f -> ExecutionStreamer.event(f.seq(), f.json()));
        return HttpResponse.ok(frames).contentType(MediaType.TEXT_EVENT_STREAM_TYPE);
    }
}
