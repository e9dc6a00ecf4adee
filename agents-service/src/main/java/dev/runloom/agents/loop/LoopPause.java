package dev.runloom.agents.loop;

import dev.runloom.models.ChatMessage;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * Everything a paused run of the loop needs to go on, stored as JSON while the execution is
 * {@code paused} (so it survives a restart): the conversation so far, the iteration whose tool calls
 * are not all done and those still to run ({@code pending}, in order), the iterations and tool calls
 * before, and how much of the wall-clock budget was used (time spent paused does not count).
 *
 * @param id       the approval id ({@code approval_…}) or await id ({@code await_…})
 * @param kind     {@link #APPROVAL}: {@code pending.get(0)} needs a person's decision; {@link #AWAIT}:
 *                 the {@code awaiting} calls are client-side tools whose outputs the client sends
 * @param textStreamed whether the paused iteration's text was already announced ({@code text_start})
 */
@Serdeable
public record LoopPause(String id, String kind, StoredIteration iteration, List<PendingToolCall> pending,
                        List<String> awaiting, List<ChatMessage> conversation, List<StoredIteration> iterations,
                        List<ToolCallRecord> toolCalls, @Nullable String lastText, long elapsedMs,
                        boolean textStreamed) {
    public static final String APPROVAL = "approval";
    public static final String AWAIT = "await";

    /** The tool call an approval is for. */
    public PendingToolCall first() {
        return pending.getFirst();
    }

    /** The pending calls the client must answer (kind {@code await}). */
    public List<PendingToolCall> awaited() {
        return pending.stream().filter(p -> awaiting.contains(p.id())).toList();
    }

    /** All iterations so far, the paused one included: what the execution has cost up to now. */
    public List<Iteration> iterationsSoFar() {
        List<Iteration> all = new java.util.ArrayList<>(iterations.stream().map(StoredIteration::toIteration).toList());
        all.add(iteration.toIteration());
        return all;
    }
}
