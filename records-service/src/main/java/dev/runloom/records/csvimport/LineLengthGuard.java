package dev.runloom.records.csvimport;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;

/**
 * Fails a read once more than {@code maxLineChars} characters pass without a line break: the CSV
 * parser holds a whole row in memory, so a file that is one endless line (or one huge cell) would
 * otherwise grow the heap up to the file's size before any limit applies.
 */
final class LineLengthGuard extends FilterReader {
    private final int maxLineChars;
    private long run;

    LineLengthGuard(Reader in, int maxLineChars) {
        super(in);
        this.maxLineChars = maxLineChars;
    }

    @Override
    public int read() throws IOException {
        int c = super.read();
        if (c >= 0) {
            advance(c == '\n' ? -1 : 1);
        }
        return c;
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        for (int i = offset; i < offset + n; i++) {
            advance(buffer[i] == '\n' ? -1 : 1);
        }
        return n;
    }

    private void advance(int step) throws LineTooLongException {
        if (step < 0) {
            run = 0;
        } else if (++run > maxLineChars) {
            throw new LineTooLongException(maxLineChars);
        }
    }

    /** A line longer than the guard allows. */
    static final class LineTooLongException extends IOException {
        LineTooLongException(int max) {
            super("a line is longer than " + max + " characters", null);
        }
    }
}
