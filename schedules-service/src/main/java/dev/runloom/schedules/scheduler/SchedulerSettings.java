package dev.runloom.schedules.scheduler;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * {@code runloom.scheduler.*} as {@link SchedulerLoop} ({@code batchSize}, handed to each
 * {@link ScheduleFirer#fireDue} call) and {@link ScheduleFirer} ({@code stuckRunTimeout}, {@code missedRunGrace}) use it.
 * The other two keys are read where they act: {@code enabled} by {@link SchedulerLoop}'s
 * {@code @Requires}, {@code poll-interval} by its {@code @Scheduled} placeholder.
 *
 * @param batchSize       schedules the background loop claims per transaction
 * @param stuckRunTimeout a pending or running run older than this no longer blocks the next fire:
 *                        a lost completion event must not stall a schedule forever
 * @param missedRunGrace  a fire time found due later than this is "missed": a schedule whose
 *                        {@code missedRunPolicy} is {@code skip} does not run it. Keep it well above
 *                        the scheduler's normal delay (poll interval plus a backlog's drain time)
 */
@ConfigurationProperties("runloom.scheduler")
public record SchedulerSettings(@Bindable(defaultValue = "500") int batchSize,
                                @Bindable(defaultValue = "6h") Duration stuckRunTimeout,
                                @Bindable(defaultValue = "60s") Duration missedRunGrace) {
}
