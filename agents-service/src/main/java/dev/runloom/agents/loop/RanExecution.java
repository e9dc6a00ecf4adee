package dev.runloom.agents.loop;

import dev.runloom.agents.executions.NewExecution;

/** An execution whose loop has run but which is not recorded yet (a scheduled run, recorded in its inbox transaction). */
public record RanExecution(NewExecution execution, LoopOutcome outcome) {
}
