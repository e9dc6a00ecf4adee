package dev.runloom.flows.recordsource;

/** records-service refused a filter (400): the caller's input, not an outage. The message is its problem body. */
public class InvalidRecordFilterException extends RuntimeException {
    public InvalidRecordFilterException(String problemBody) {
        super(problemBody);
    }
}
