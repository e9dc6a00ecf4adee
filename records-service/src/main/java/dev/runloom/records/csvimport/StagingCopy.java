package dev.runloom.records.csvimport;

import dev.runloom.common.id.Ids;
import org.postgresql.copy.CopyIn;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;

/**
 * Rows on their way into the staging table through one {@code COPY ... FROM STDIN} (text format),
 * sent in chunks of about 256 KB: memory stays flat whatever the file's size. Each row gets the
 * record id it will have if it creates a record.
 */
final class StagingCopy {
    private static final int FLUSH_BYTES = 256 * 1024;

    private final CopyIn copy;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(FLUSH_BYTES + 64 * 1024);
    private final StringBuilder line = new StringBuilder(512);
    private long rows;

    StagingCopy(CopyIn copy) {
        this.copy = copy;
    }

    void add(StagedRow row) {
        line.setLength(0);
        line.append(row.row()).append('\t')
                .append(Ids.newId("record")).append('\t');
        escape(row.name(), line);
        line.append('\t');
        escape(row.metadataJson(), line);
        line.append('\n');
        byte[] bytes = line.toString().getBytes(StandardCharsets.UTF_8);
        buffer.write(bytes, 0, bytes.length);
        rows++;
        if (buffer.size() >= FLUSH_BYTES) {
            flush();
        }
    }

    long rows() {
        return rows;
    }

    /** @return the rows copied */
    long finish() {
        flush();
        try {
            return copy.endCopy();
        } catch (SQLException e) {
            throw new StagingException(e);
        }
    }

    /** Abandons the COPY (the transaction rolls back anyway); never throws. */
    void cancel() {
        try {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        } catch (SQLException ignored) {
            // the connection is going back to the pool after a rollback either way
        }
    }

    private void flush() {
        if (buffer.size() == 0) {
            return;
        }
        try {
            copy.writeToCopy(buffer.toByteArray(), 0, buffer.size());
        } catch (SQLException e) {
            throw new StagingException(e);
        }
        buffer.reset();
    }

    /** COPY text format: backslash, tab and line breaks are escaped; NUL never gets here (rows with it are refused). */
    private static void escape(String value, StringBuilder out) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
    }

    /** The database refused the staged rows. */
    static final class StagingException extends RuntimeException {
        StagingException(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
