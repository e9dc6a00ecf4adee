package dev.runloom.records.record;

import dev.runloom.common.problem.ProblemException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * An opaque keyset position in the records list: the sort value and id of a boundary row, which
 * way to walk from it, the sort it belongs to, and the offset of the page it leads to (so
 * {@code currentOffset} is reported without counting). URL-safe base64, so clients cannot depend on
 * its inside; a cursor from another sort is refused.
 *
 * @param offset for {@code next}: the offset of the first row after the boundary; for {@code prev}:
 *               the offset of the boundary row itself
 */
public record RecordCursor(RecordSort sort, boolean previous, String value, String id, int offset) {
    private static final String VERSION = "r1";

    public String encode() {
        String raw = String.join("|", VERSION, sort.by().name(), sort.ascending() ? "a" : "d", previous ? "p" : "n",
                Integer.toString(offset), id, value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    public Instant instant() {
        return Instant.parse(value);
    }

    static RecordCursor of(RecordSort sort, boolean previous, Record row, int offset) {
        String value = switch (sort.by()) {
            case CREATED_AT -> row.createdAt().toString();
            case UPDATED_AT -> row.updatedAt().toString();
            case NAME -> row.name();
        };
        return new RecordCursor(sort, previous, value, row.id(), offset);
    }

    /** @throws ProblemException 400 naming {@code cursor} when it is not one this API issued for {@code sort} */
    public static RecordCursor decode(String encoded, RecordSort sort) {
        RecordCursor cursor;
        try {
            String raw = new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
            String[] parts = raw.split("\\|", 7);
            if (parts.length != 7 || !parts[0].equals(VERSION) || parts[5].isEmpty()) {
                throw new IllegalArgumentException("shape");
            }
            RecordSort.By by = RecordSort.By.valueOf(parts[1]);
            boolean ascending = switch (parts[2]) {
                case "a" -> true;
                case "d" -> false;
                default -> throw new IllegalArgumentException("order");
            };
            boolean previous = switch (parts[3]) {
                case "p" -> true;
                case "n" -> false;
                default -> throw new IllegalArgumentException("direction");
            };
            int offset = Integer.parseInt(parts[4]);
            if (offset < 0) {
                throw new IllegalArgumentException("offset");
            }
            cursor = new RecordCursor(new RecordSort(by, ascending), previous, parts[6], parts[5], offset);
            if (by.isTime()) {
                cursor.instant();
            }
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw ProblemException.invalidParameter("cursor", "is not a cursor this API issued");
        }
        if (!cursor.sort().equals(sort)) {
            throw ProblemException.invalidParameter("cursor", "belongs to another sortBy/sortOrder; start again without a cursor");
        }
        return cursor;
    }
}
