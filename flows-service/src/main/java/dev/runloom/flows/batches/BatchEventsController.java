package dev.runloom.flows.batches;

import dev.runloom.common.tenant.Tenant;
import io.micronaut.context.annotation.Value;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.sse.Event;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code GET /v1/batch/:id/events}: a batch's live progress as Server-Sent Events — the reference's
 * WebSocket updates ({@code /v1/batch/:id/ws}) for clients without WebSocket (a Runloom extension).
 *
 * <p>Frames carry B2's status object ({@code id:} a 0-based sequence number): {@code progress}
 * whenever the counters or status changed (and at least every {@code keepalive} so idle proxies keep
 * the stream), then exactly one {@code complete} frame when the batch finished (completed, partial,
 * failed or cancelled), and the stream ends. The counters are read from the database every
 * {@code poll} (they change once per worker poll, in one transaction), so any replica can serve it.
 * An unknown batch is a 404 problem before the stream starts.
 */
@Controller("/v1/batch")
public class BatchEventsController {
    private final BatchService batches;
    private final Duration poll;
    private final Duration keepalive;

    public BatchEventsController(BatchService batches,
                                 @Value("${runloom.flows.batch-events.poll:500ms}") Duration poll,
                                 @Value("${runloom.flows.batch-events.keepalive:15s}") Duration keepalive) {
        this.batches = batches;
        this.poll = poll;
        this.keepalive = keepalive;
    }

    @Get(value = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM)
    public Publisher<Event<BatchController.BatchStatusResponse>> events(Tenant tenant, @PathVariable String id) {
        Batch first = batches.status(tenant, id); // 404 here, as a problem, not inside the stream
        AtomicReference<String> lastState = new AtomicReference<>();
        AtomicLong lastSentAt = new AtomicLong();
        AtomicLong seq = new AtomicLong();
        long keepaliveNanos = keepalive.toNanos();
        return Flux.interval(Duration.ZERO, poll, Schedulers.boundedElastic())
                .map(tick -> tick == 0 ? first : batches.status(tenant, first.id()))
                .filter(b -> {
                    String state = b.status() + '|' + b.processedRecords() + '|' + b.failedRecords();
                    long now = System.nanoTime();
                    if (b.finished() || !state.equals(lastState.get()) || now - lastSentAt.get() >= keepaliveNanos) {
                        lastState.set(state);
                        lastSentAt.set(now);
                        return true;
                    }
                    return false;
                })
                .takeUntil(Batch::finished)
                .map(b -> Event.of(BatchController.BatchStatusResponse.of(b, null))
                        .name(b.finished() ? "complete" : "progress")
                        .id(String.valueOf(seq.getAndIncrement())));
    }
}
