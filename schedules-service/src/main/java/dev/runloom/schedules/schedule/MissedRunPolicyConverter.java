package dev.runloom.schedules.schedule;

import io.micronaut.core.convert.ConversionContext;
import io.micronaut.data.model.runtime.convert.AttributeConverter;
import jakarta.inject.Singleton;

/** Stores a {@link MissedRunPolicy} as its API spelling ({@code fire_once} / {@code skip}), which the table's CHECK allows. */
@Singleton
public class MissedRunPolicyConverter implements AttributeConverter<MissedRunPolicy, String> {

    @Override
    public String convertToPersistedValue(MissedRunPolicy policy, ConversionContext context) {
        return policy == null ? null : policy.stored();
    }

    @Override
    public MissedRunPolicy convertToEntityValue(String stored, ConversionContext context) {
        return stored == null ? null : MissedRunPolicy.fromStored(stored);
    }
}
