package dev.runloom.records.csvimport;

import java.io.IOException;

/** The upload passed its size limit while being read. */
final class UploadTooLargeException extends IOException {
    UploadTooLargeException(long limit) {
        super("upload exceeds " + limit + " bytes", null);
    }
}
