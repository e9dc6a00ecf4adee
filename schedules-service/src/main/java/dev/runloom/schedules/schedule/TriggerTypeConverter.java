package dev.runloom.schedules.schedule;

import io.micronaut.core.convert.ConversionContext;
import io.micronaut.data.model.runtime.convert.AttributeConverter;
import jakarta.inject.Singleton;

/** Stores a {@link TriggerType} as its API spelling ({@code cron} / {@code once}), which the table's CHECK allows. */
@Singleton
public class TriggerTypeConverter implements AttributeConverter<TriggerType, String> {

    @Override
    public String convertToPersistedValue(TriggerType type, ConversionContext context) {
        return type == null ? null : type.stored();
    }

    @Override
    public TriggerType convertToEntityValue(String stored, ConversionContext context) {
        return stored == null ? null : TriggerType.fromStored(stored);
    }
}
