package dev.runloom.records.filter;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/** ISO-8601 dates as filters and schema inference accept them: an instant, an offset date-time or a plain date (UTC). */
public final class Dates {
    private static final Pattern LOOKS_LIKE_DATE = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}([Tt ].*)?$");

    private Dates() {
    }

    public static @Nullable Instant parse(@Nullable String text) {
        if (text == null || !LOOKS_LIKE_DATE.matcher(text).matches()) {
            return null;
        }
        try {
            if (text.length() == 10) {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(text.replace(' ', 'T')).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException again) {
                return null;
            }
        }
    }
}
