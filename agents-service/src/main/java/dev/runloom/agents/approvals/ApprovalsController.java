package dev.runloom.agents.approvals;

import dev.runloom.agents.loop.AgentExecutor;
import dev.runloom.agents.loop.ExecuteResponse;
import dev.runloom.agents.loop.PausedRun;
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
 * A17 {@code POST /v1/agents/:id/approve} and A18 {@code POST /v1/agents/:id/resume}: go on with a
 * paused execution. The body is checked and the pause claimed first (4xx problems: unknown or another
 * organization's execution or approval 404, an approval already decided or an execution not paused
 * for this 409); then the continuation answers like execute (A16): a {@code text/event-stream} whose
 * frames continue the execution's seq when {@code streamResponse} is true (the default), else one
 * JSON object. The continuation may pause again.
 */
@Controller("/v1/agents")
public class ApprovalsController {
    private final PausedExecutions pauses;
    private final AgentExecutor executor;
    private final ExecutionStreamer streamer;
    private final JsonMapper json;

    public ApprovalsController(PausedExecutions pauses, AgentExecutor executor, ExecutionStreamer streamer,
                               JsonMapper json) {
        this.pauses = pauses;
        this.executor = executor;
        this.streamer = streamer;
        this.json = json;
    }

    /** Approves or denies the tool call a paused execution waits on. */
    @Post("/{id}/approve")
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    HttpResponse<?> approve(Tenant tenant, String id, @Valid @Body ApproveRequest body) {
        boolean stream = body.streams();
        PausedRun paused = pauses.approve(tenant, id, body.executionId(), body.approvalId(), body.approved());
        return proceed(tenant, paused, stream);
    }

    /** Gives a paused execution the outputs of the client-side tool calls it awaits. */
    @Post("/{id}/resume")
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    HttpResponse<?> resume(Tenant tenant, String id, @Valid @Body ResumeRequest body) {
        boolean stream = body.streams();
        PausedRun paused = pauses.resume(tenant, id, body.executionId(), body.toolOutputs(), body.chatMessages());
        return proceed(tenant, paused, stream);
    }

    private HttpResponse<?> proceed(Tenant tenant, PausedRun paused, boolean stream) {
        if (stream) {
            return HttpResponse.ok(streamer.proceed(tenant, paused)).contentType(MediaType.TEXT_EVENT_STREAM_TYPE);
        }
        return HttpResponse.ok(ExecuteResponse.of(executor.proceed(tenant, paused), json))
                .contentType(MediaType.APPLICATION_JSON_TYPE);
    }
}
