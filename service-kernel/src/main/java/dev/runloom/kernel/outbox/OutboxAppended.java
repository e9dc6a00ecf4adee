package dev.runloom.kernel.outbox;

/** Published inside the writing transaction; the relay hears it after commit and wakes at once. */
public record OutboxAppended(int count) {
}
