package dev.runloom.schedules.stats;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.schedules.runs.ScheduleRunRepository;
import dev.runloom.schedules.runs.ScheduleRunRepository.DayOutcomes;
import dev.runloom.schedules.runs.ScheduleRunRepository.RunStats;
import dev.runloom.schedules.schedule.Schedule;
import dev.runloom.schedules.schedule.ScheduleRepository;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Statistics and sparklines, computed from the runs table at read time (one aggregate query each). */
@Singleton
public class ScheduleStatsService {
    private final ScheduleRepository schedules;
    private final ScheduleRunRepository runs;
    private final Clock clock;

    public ScheduleStatsService(ScheduleRepository schedules, ScheduleRunRepository runs, Clock clock) {
        this.schedules = schedules;
        this.runs = runs;
        this.clock = clock;
    }

    /** @throws ProblemException 404 for an unknown schedule or another organization's */
    @Transactional(readOnly = true)
    public ScheduleStats stats(String organizationId, String scheduleId) {
        Schedule schedule = schedules.findByOrganizationIdAndId(organizationId, scheduleId)
                .orElseThrow(() -> ProblemException.notFound("Schedule", scheduleId));
        RunStats stats = runs.stats(organizationId, scheduleId);
        long finished = stats.successfulRuns() + stats.failedRuns();
        Double successRate = finished == 0 ? null : BigDecimal.valueOf(stats.successfulRuns() * 100L)
                .divide(BigDecimal.valueOf(finished), 2, RoundingMode.HALF_UP).doubleValue();
        return new ScheduleStats(stats.totalRuns(), stats.successfulRuns(), stats.failedRuns(), successRate,
                stats.avgDurationMs(), schedule.lastRunAt(), schedule.nextRunAt());
    }

    /**
     * The last {@code days} UTC days, today included, for the organization's schedules (only those
     * of {@code scheduleIds} when given; ids it does not have are left out, like a filter), in the
     * order of {@code scheduleIds} or else of creation.
     */
    @Transactional(readOnly = true)
    public Sparklines sparklines(String organizationId, int days, @Nullable List<String> scheduleIds) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDate first = today.minusDays(days - 1L);
        List<String> known = schedules.ids(organizationId, scheduleIds);
        List<String> ordered = scheduleIds == null ? known : scheduleIds.stream().filter(known::contains).toList();
        Map<String, Map<String, DayOutcomes>> outcomes = new HashMap<>();
        if (!ordered.isEmpty()) {
            for (DayOutcomes day : runs.dailyOutcomes(organizationId, scheduleIds,
                    first.atStartOfDay(ZoneOffset.UTC).toInstant())) {
                outcomes.computeIfAbsent(day.scheduleId(), id -> new HashMap<>()).put(day.date(), day);
            }
        }
        Map<String, List<Sparklines.Day>> data = new LinkedHashMap<>();
        for (String id : ordered) {
            Map<String, DayOutcomes> byDay = outcomes.getOrDefault(id, Map.of());
            List<Sparklines.Day> line = new ArrayList<>(days);
            for (LocalDate date = first; !date.isAfter(today); date = date.plusDays(1)) {
                DayOutcomes day = byDay.get(date.toString());
                line.add(new Sparklines.Day(date.toString(), day == null ? 0 : day.success(),
                        day == null ? 0 : day.failed()));
            }
            data.put(id, line);
        }
        return new Sparklines(data);
    }
}
