package dev.runloom.flows.costs;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.time.LocalDate;
import java.util.List;

/** Reads of the cost ledger ({@code GET /v1/costs/ledger}); it is written by {@link CostLedgerSubscriber}. */
@Singleton
public class CostLedger {
    private final CostLedgerRepository ledger;

    public CostLedger(CostLedgerRepository ledger) {
        this.ledger = ledger;
    }

    @Transactional(readOnly = true)
    public List<CostLedgerRepository.Line> read(String organizationId, LocalDate from, LocalDate to, List<String> groupBy,
                                                @Nullable String source, @Nullable String model) {
        return ledger.read(organizationId, from, to, groupBy, source, model);
    }
}
