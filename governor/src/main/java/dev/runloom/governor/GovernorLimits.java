package dev.runloom.governor;

/**
 * The limits of one provider. {@code concurrency} and {@code tokensPerMinute} hold across all
 * organizations (the provider account's limits); {@code orgConcurrency} and {@code orgTokensPerMinute}
 * per organization. 0 means unlimited. Batch calls may use all but {@code interactiveReserve} of each
 * concurrency limit (at least one), so interactive calls always find a slot.
 */
public record GovernorLimits(int concurrency, int orgConcurrency, long tokensPerMinute, long orgTokensPerMinute,
                             int interactiveReserve) {

    public GovernorLimits {
        if (concurrency < 0 || orgConcurrency < 0 || tokensPerMinute < 0 || orgTokensPerMinute < 0 || interactiveReserve < 0) {
            throw new IllegalArgumentException("governor limits must not be negative");
        }
    }

    /** The concurrency a call of this priority may use of {@code limit} (0 = unlimited). */
    static int usable(int limit, boolean batch, int reserve) {
        if (limit == 0 || !batch) {
            return limit;
        }
        return Math.max(1, limit - reserve);
    }
}
