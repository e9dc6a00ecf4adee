package dev.runloom.flows.stepresults;

import dev.runloom.kernel.consumer.EventSubscriber;
import dev.runloom.kernel.consumer.Received;
import dev.runloom.kernel.consumer.Subscription;
import dev.runloom.records.events.RecordDeletedV1;
import dev.runloom.records.events.RecordEvents;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Deleting a record deletes its step results (reference §5 Q18). records-service owns records and
 * cannot reach this service's tables, so it announces {@code RecordDeleted}; this drops the step
 * results of a poll's deleted records with one statement per organization, inside the inbox
 * transaction. Other record events on the stream are not ours to act on (counted by the kernel).
 */
@Singleton
public class RecordDeletionSubscriber implements EventSubscriber {
    private static final Logger LOG = LoggerFactory.getLogger(RecordDeletionSubscriber.class);

    private final StepResultRepository stepResults;

    public RecordDeletionSubscriber(StepResultRepository stepResults) {
        this.stepResults = stepResults;
    }

    @Override
    public Subscription subscription() {
        return Subscription.consumer("flows-service.record-deletions")
                .on(RecordEvents.RECORD_DELETED, this::dropStepResults)
                .build();
    }

    void dropStepResults(List<Received<RecordDeletedV1>> events) {
        Map<String, Set<String>> byOrganization = new LinkedHashMap<>();
        for (Received<RecordDeletedV1> event : events) {
            RecordDeletedV1 deleted = event.payload();
            if (deleted.organizationId() == null || deleted.recordId() == null) {
                throw new IllegalArgumentException("event " + event.id() + " has no organizationId or recordId");
            }
            byOrganization.computeIfAbsent(deleted.organizationId(), k -> new LinkedHashSet<>()).add(deleted.recordId());
        }
        byOrganization.forEach((organizationId, recordIds) -> {
            int removed = stepResults.deleteForRecords(organizationId, recordIds.toArray(String[]::new));
            LOG.debug("{} step results of {} deleted records of {} removed", removed, recordIds.size(), organizationId);
        });
    }
}
