package dev.runloom.agents.loop;

import dev.runloom.agents.executions.NewExecution;

/** A paused execution claimed to go on: the execution, the agent it runs, its loop state and the answer. */
public record PausedRun(NewExecution execution, AgentSpec spec, LoopPause pause, PauseAnswer answer) {
}
