package dev.runloom.records.export;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A byte pipe between a producer thread and the HTTP server reading the response body, holding at
 * most {@code chunks × chunkSize} bytes: a slow client slows the producer instead of filling the
 * heap. Unlike {@code PipedInputStream} it does not care which (pooled or virtual) threads read and
 * write. The reader closing early (client gone) makes the producer's next write fail, which ends
 * its query.
 */
final class BoundedPipe {
    private static final byte[] END = new byte[0];

    private final BlockingQueue<byte[]> chunks;
    private final int chunkSize;
    private volatile boolean readerClosed;
    private volatile IOException failure;

    BoundedPipe(int chunks, int chunkSize) {
        this.chunks = new ArrayBlockingQueue<>(chunks);
        this.chunkSize = chunkSize;
    }

    /** The producer's end; {@link OutputStream#close()} ends the body. */
    OutputStream sink() {
        return new OutputStream() {
            private byte[] buffer = new byte[chunkSize];
            private int used;
            private boolean closed;

            @Override
            public void write(int b) throws IOException {
                write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                while (length > 0) {
                    int n = Math.min(length, chunkSize - used);
                    System.arraycopy(bytes, offset, buffer, used, n);
                    used += n;
                    offset += n;
                    length -= n;
                    if (used == chunkSize) {
                        flush();
                    }
                }
            }

            @Override
            public void flush() throws IOException {
                if (used > 0) {
                    byte[] chunk = used == chunkSize ? buffer : java.util.Arrays.copyOf(buffer, used);
                    put(chunk);
                    buffer = new byte[chunkSize];
                    used = 0;
                }
            }

            @Override
            public void close() throws IOException {
                if (!closed) {
                    closed = true;
                    flush();
                    put(END);
                }
            }
        };
    }

    /** Ends the body with an error: the reader fails instead of seeing a normal end. */
    void fail(IOException error) {
        failure = error;
        chunks.clear();
        chunks.offer(END);
    }

    private void put(byte[] chunk) throws IOException {
        try {
            while (!chunks.offer(chunk, 200, TimeUnit.MILLISECONDS)) {
                if (readerClosed) {
                    throw new IOException("the client stopped reading the export");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("export interrupted");
        }
    }

    /** The HTTP server's end. */
    InputStream source() {
        return new InputStream() {
            private byte[] current = new byte[0];
            private int position;
            private boolean ended;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] target, int offset, int length) throws IOException {
                if (length == 0) {
                    return 0;
                }
                while (position == current.length) {
                    if (ended) {
                        return -1;
                    }
                    try {
                        current = chunks.take();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("export interrupted");
                    }
                    position = 0;
                    if (current == END) {
                        ended = true;
                        if (failure != null) {
                            throw failure;
                        }
                        return -1;
                    }
                }
                int n = Math.min(length, current.length - position);
                System.arraycopy(current, position, target, offset, n);
                position += n;
                return n;
            }

            @Override
            public void close() {
                readerClosed = true;
                chunks.clear();
            }
        };
    }
}
