package dev.runloom.common.pagination;

import dev.runloom.common.problem.ProblemException;
import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;

/**
 * Query parameters arrive as strings (the reference documents even {@code limit} as a string);
 * these parse them leniently and answer a 400 problem that names the parameter when they can't.
 */
public final class QueryParams {
    private QueryParams() {
    }

    public static int intParam(@Nullable String raw, String name, int defaultValue, int min, int max) {
        if (raw == null || raw.isBlank()) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value < min || value > max) {
                throw ProblemException.invalidParameter(name, "must be between " + min + " and " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw ProblemException.invalidParameter(name, "must be an integer");
        }
    }

    public static boolean boolParam(@Nullable String raw, String name, boolean defaultValue) {
        if (raw == null || raw.isBlank()) {
            return defaultValue;
        }
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw ProblemException.invalidParameter(name, "must be true or false");
        };
    }

    /** ISO-8601 instant ({@code 2024-06-10T15:45:30Z}) or a plain date (start of that day, UTC). */
    public static @Nullable Instant instantParam(@Nullable String raw, String name) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        Instant parsed;
        try {
            parsed = Instant.parse(raw.trim());
        } catch (DateTimeParseException e) {
            try {
                parsed = LocalDate.parse(raw.trim()).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e2) {
                throw ProblemException.invalidParameter(name, "must be an ISO-8601 timestamp such as 2024-06-10T15:45:30Z");
            }
        }
        if (!withinStorableRange(parsed)) {
            throw ProblemException.invalidParameter(name, "must be between 0001-01-01 and 9999-12-31");
        }
        return parsed;
    }

    /** Years 1 to 9999: what a client can mean, and well inside what PostgreSQL's timestamptz holds. */
    public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    public static boolean withinStorableRange(Instant instant) {
        return !instant.isBefore(EARLIEST) && !instant.isAfter(LATEST);
    }

    public static String enumParam(@Nullable String raw, String name, Set<String> allowed, String defaultValue) {
        if (raw == null || raw.isBlank()) {
            return defaultValue;
        }
        String value = raw.trim();
        if (!allowed.contains(value)) {
            throw ProblemException.invalidParameter(name, "must be one of " + String.join(", ", allowed.stream().sorted().toList()));
        }
        return value;
    }

    /** {@code asc} or {@code desc} (case-insensitive); {@code desc} when absent. */
    public static boolean ascending(@Nullable String raw, String name) {
        String value = raw == null ? null : raw.trim().toLowerCase(Locale.ROOT);
        return "asc".equals(enumParam(value, name, Set.of("asc", "desc"), "desc"));
    }
}
