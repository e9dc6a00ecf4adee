package dev.runloom.common.inbox;

import java.util.List;

/**
 * A consumer whose work must not hold a database transaction — model calls, requests to other
 * services — split in two: {@link #prepare} runs for each event not seen before, outside any
 * transaction; {@link #apply} writes the prepared results inside the inbox transaction, so the
 * state change and the inbox rows still commit together.
 */
public interface PreparingHandler<R> {

    /** Outside any transaction. May run for an event that turns out to be a duplicate (then it is not applied). */
    R prepare(IncomingEvent event) throws Exception;

    /** Inside the inbox transaction, for the events claimed by it, in delivery order. */
    void apply(List<Prepared<R>> prepared) throws Exception;

    record Prepared<R>(IncomingEvent event, R result) {
    }
}
