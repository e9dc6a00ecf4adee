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
            if (offset < 0 || parts[1].isEmpty()) {
                throw new IllegalArgumentException("position");
            }
            return new Cursor(Instant.parse(parts[0]), parts[1], offset);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw ProblemException.invalidParameter(parameterName, "is not a cursor this API issued");
        }
    }
}
