package dev.runloom.records.record;

import io.micronaut.core.annotation.Nullable;

/** What an internal write with an idempotency key did: the record it wrote and whether it created it. */
public record RecordWriteReceipt(@Nullable String recordId, boolean created) {
}
