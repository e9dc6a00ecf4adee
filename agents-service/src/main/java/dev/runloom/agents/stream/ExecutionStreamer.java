package dev.runloom.agents.stream;

import dev.runloom.agents.executions.NewExecution;
import dev.runloom.agents.loop.AgentExecutor;
import dev.runloom.agents.loop.PausedRun;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.models.ChatMessage;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.sse.Event;
import io.micronaut.json.JsonMapper;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A16 streaming: the execution runs on a worker thread of its own, not on the request's, so a client
 * that disconnects does not orphan it — it runs to its end, is recorded, and its frames stay
 * replayable (A20). The response is a Flux of SSE events whose {@code id} is the frame's 0-based seq;
 * frames are buffered until the client reads them.
 */
@Singleton
public class ExecutionStreamer {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutionStreamer.class);

    private final AgentExecutor executor;
    private final ExecutionEventStore store;
    private final JsonMapper json;
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("agent-execution-", 0).factory());

    public ExecutionStreamer(AgentExecutor executor, ExecutionEventStore store, JsonMapper json) {
        this.executor = executor;
        this.store = store;
        this.json = json;
    }

    /** Validates and records the execution (4xx problems are thrown here), then streams it. */
    public Flux<Event<String>> execute(Tenant tenant, String agentId, List<ChatMessage> messages,
                                       @Nullable String surfaceType) {
        AgentExecutor.Prepared prepared = executor.prepare(tenant, agentId, messages, surfaceType);
        return stream(prepared.execution(), frames -> executor.run(prepared, frames), frames -> frames);
    }

    /**
     * Streams the continuation of a paused execution claimed by approve or resume (A17/A18): its seq
     * continues the stored log.
     */
    public Flux<Event<String>> proceed(Tenant tenant, PausedRun paused) {
        int next = store.nextSeq(paused.execution().organizationId(), paused.execution().id());
        return stream(paused.execution(), frames -> executor.proceed(tenant, paused, frames),
                frames -> frames.continuingAt(next, paused.pause().textStreamed()));
    }

    private Flux<Event<String>> stream(NewExecution execution, Consumer<ExecutionFrames> work,
                                       UnaryOperator<ExecutionFrames> setUp) {
        Sinks.Many<Event<String>> sink = Sinks.many().unicast().onBackpressureBuffer();
        ExecutionFrames frames = setUp.apply(new ExecutionFrames(execution, store, json,
                frame -> sink.tryEmitNext(event(frame.seq(), frame.json())), true).pausable());
        workers.submit(() -> {
            try {
                work.accept(frames);
            } catch (RuntimeException e) {
                LOG.error("execution {} failed outside its loop", execution.id(), e);
            } finally {
                sink.tryEmitComplete();
            }
        });
        return sink.asFlux();
    }

    static Event<String> event(int seq, String json) {
        return Event.of(json).id(Integer.toString(seq));
    }

    @PreDestroy
    void stop() {
        workers.shutdown();
    }
}
