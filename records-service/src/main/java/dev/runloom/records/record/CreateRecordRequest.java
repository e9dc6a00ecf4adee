package dev.runloom.records.record;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * Body of {@code POST /v1/records}. Fields are read as plain JSON values and checked by
 * {@link CreateRecordRequestValidator}, so a wrong-typed field (e.g. {@code metadata: "x"}) gets a
 * 400 that names the field instead of a generic decoding error.
 */
@Serdeable
public record CreateRecordRequest(@Nullable Object type,
                                  @Nullable Object name,
                                  @Nullable Object metadata,
                                  @Nullable Object messages,
                                  @Nullable Object metadataSchema,
                                  @Nullable Object metadataLabels) {
}
