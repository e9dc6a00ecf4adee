package dev.runloom.common.pagination;

import dev.runloom.common.problem.ProblemException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * An opaque keyset position: the sort timestamp and id of a row, plus how many rows precede it
 * (so {@code currentOffset} can be reported without counting). Encoded as URL-safe base64 so
 * clients cannot depend on its inside.
 */
public record Cursor(Instant at, String id, int offset) {
    /** No listing pages this deep; far from Integer.MAX_VALUE, so offset + limit cannot overflow. */
    public static final int MAX_OFFSET = 100_000_000;

    public String encode() {
        String raw = at.toString() + "|" + id + "|" + offset;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    public static Cursor decode(String encoded, String parameterName) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
            String[] parts = raw.split("\\|", 3);
            if (parts.length != 3) {
                throw new IllegalArgumentException("parts");
            }
            int offset = Integer.parseInt(parts[2]);
            // bounded so offset + limit can never overflow, and the id must be text PostgreSQL can compare
            if (offset < 0 || offset > MAX_OFFSET || parts[1].isEmpty() || parts[1].length() > 255
                    || dev.runloom.common.input.TextRules.problemWith(parts[1]) != null) {
                throw new IllegalArgumentException("position");
            }
            Instant at = Instant.parse(parts[0]);
            if (!QueryParams.withinStorableRange(at)) {
                throw new IllegalArgumentException("time");
            }
            return new Cursor(at, parts[1], offset);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw ProblemException.invalidParameter(parameterName, "is not a cursor this API issued");
        }
    }
}
