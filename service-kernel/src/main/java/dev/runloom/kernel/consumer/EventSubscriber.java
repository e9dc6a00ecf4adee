package dev.runloom.kernel.consumer;

/**
 * A bean that consumes events: it says, once, which event types it handles with which methods.
 * The kernel runs the consumer threads, the idempotent inbox, dead letters and retries for it.
 *
 * <pre>{@code
 * @Singleton
 * class RecordResultsProjector implements EventSubscriber {
 *     public Subscription subscription() {
 *         return Subscription.consumer("records-service.flow-results")
 *                 .on(FlowEvents.RECORD_EXECUTION_COMPLETED, this::project)
 *                 .build();
 *     }
 *     void project(List<Received<RecordExecutionCompletedV1>> events) { ... } // inside the inbox transaction
 * }
 * }</pre>
 */
public interface EventSubscriber {
    Subscription subscription();
}
