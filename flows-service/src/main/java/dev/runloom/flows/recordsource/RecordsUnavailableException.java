package dev.runloom.flows.recordsource;

/** records-service could not be reached or did not answer as expected; worth retrying later. */
public class RecordsUnavailableException extends RuntimeException {
    public RecordsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
