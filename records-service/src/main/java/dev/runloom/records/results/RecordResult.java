package dev.runloom.records.results;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.model.DataType;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * What one prompt step (or a flow's last step) produced for one record in one flow execution
 * (table {@code record_results}). {@code createdAt} is the execution's completion time, not when
 * this service received it.
 */
@MappedEntity("record_results")
public record RecordResult(@Id String id,
                           String organizationId,
                           String recordId,
                           String executionId,
                           @Nullable String batchId,
                           @Nullable String scheduleRunId,
                           String flowId,
                           @Nullable String flowName,
                           @Nullable String promptId,
                           @Nullable String promptName,
                           String status,
                           @Nullable @TypeDef(type = DataType.JSON) Object result,
                           @Nullable String model,
                           long promptTokens,
                           long completionTokens,
                           BigDecimal cost,
                           Instant createdAt) {
}
