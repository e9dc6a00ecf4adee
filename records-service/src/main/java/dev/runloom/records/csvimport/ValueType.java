package dev.runloom.records.csvimport;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * How a CSV cell becomes a metadata value. Cells are text; a column declared {@code number},
 * {@code integer}, {@code boolean} or {@code date} is converted, and a cell that does not convert is
 * a per-row error naming the column (the row is skipped, the others still land).
 */
enum ValueType {
    STRING, NUMBER, INTEGER, BOOLEAN, DATE;

    /** jsonb stores numbers as PostgreSQL numeric; beyond this exponent a value would overflow it. */
    private static final int MAX_DECIMAL_EXPONENT = 1000;

    static ValueType fromParameter(String value) {
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown type '" + value + "' (string, number, integer, boolean, date)");
        }
    }

    /**
     * Appends the cell as a JSON value.
     *
     * @throws IllegalArgumentException with a message for the user when the cell does not convert
     */
    void appendJson(String cell, StringBuilder out) {
        switch (this) {
            case STRING -> JsonText.appendString(cell, out);
            case NUMBER -> out.append(number(cell).toString());
            case INTEGER -> out.append(integer(cell));
            case BOOLEAN -> out.append(bool(cell));
            case DATE -> JsonText.appendString(date(cell), out);
        }
    }

    private static BigDecimal number(String cell) {
        BigDecimal value;
        try {
            value = new BigDecimal(cell.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + abbreviate(cell) + "' is not a number");
        }
        if (Math.abs((long) value.precision() - value.scale()) > MAX_DECIMAL_EXPONENT
                || Math.abs((long) value.scale()) > MAX_DECIMAL_EXPONENT) {
            throw new IllegalArgumentException("'" + abbreviate(cell) + "' is out of range");
        }
        return value;
    }

    private static long integer(String cell) {
        try {
            return Long.parseLong(cell.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + abbreviate(cell) + "' is not an integer (64-bit)");
        }
    }

    private static boolean bool(String cell) {
        return switch (cell.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "y", "1" -> true;
            case "false", "no", "n", "0" -> false;
            default -> throw new IllegalArgumentException("'" + abbreviate(cell) + "' is not a boolean (true/false, yes/no, 1/0)");
        };
    }

    /** An ISO-8601 date ({@code 2026-12-01}) or date-time with an offset; stored as given, trimmed. */
    private static String date(String cell) {
        String text = cell.trim();
        try {
            if (text.length() <= 10) {
                LocalDate.parse(text);
            } else {
                OffsetDateTime.parse(text);
            }
            return text;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + abbreviate(cell) + "' is not an ISO-8601 date or date-time with offset");
        }
    }

    static String abbreviate(String cell) {
        return cell.length() <= 40 ? cell : cell.substring(0, 40) + "…";
    }
}
