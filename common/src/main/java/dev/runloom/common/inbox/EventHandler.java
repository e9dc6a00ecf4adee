package dev.runloom.common.inbox;

import java.util.List;

/**
 * A consumer's state change for a batch of events it has not seen before. Runs inside the
 * inbox transaction: everything it writes commits together with the inbox rows, or not at all.
 */
@FunctionalInterface
public interface EventHandler {
    void handle(List<IncomingEvent> events) throws Exception;
}
