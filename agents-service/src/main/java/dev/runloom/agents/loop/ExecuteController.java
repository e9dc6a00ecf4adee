package dev.runloom.agents.loop;

import dev.runloom.agents.stream.ExecutionStreamer;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.json.JsonMapper;
import jakarta.validation.Valid;

/**
 * {@code POST /v1/agents/:id/execute} (A16). With {@code options.streamResponse} true (the default)
 * the answer is a {@code text/event-stream} of {@code ExecutionStreamEvent} frames (see
 * {@code ExecutionFrames}); false answers one JSON object (200) with the terminal result. Bad
 * requests and unknown agents are problems either way, before anything runs. A failed run is still
 * 200, with {@code status: "failed"} and an {@code error} (or an {@code execution_error} frame). A run
 * that pauses for an approval or client-side tools answers {@code status: "paused"} (or ends its stream
 * with {@code approval_start} / {@code await}); {@code ApprovalsController} goes on with it.
 */
@Controller("/v1/agents")
public class ExecuteController {
    private final AgentExecutor executor;
    private final ExecutionStreamer streamer;
    private final JsonMapper json;

    public ExecuteController(AgentExecutor executor, ExecutionStreamer streamer, JsonMapper json) {
        this.executor = executor;
        this.streamer = streamer;
        this.json = json;
    }

    @Post("/{id}/execute")
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    HttpResponse<?> execute(Tenant tenant, String id, @Valid @Body ExecuteRequest body) {
        if (body.streams()) {
            return HttpResponse.ok(streamer.execute(tenant, id, body.chatMessages(), body.surfaceType()))
                    .contentType(MediaType.TEXT_EVENT_STREAM_TYPE);
        }
        return HttpResponse.ok(ExecuteResponse.of(
                        executor.execute(tenant, id, body.chatMessages(), body.surfaceType(), true), json))
                .contentType(MediaType.APPLICATION_JSON_TYPE);
    }
}
