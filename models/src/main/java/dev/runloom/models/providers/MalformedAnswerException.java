package dev.runloom.models.providers;

/** The provider answered 2xx with something that is not a usable answer. */
public class MalformedAnswerException extends RuntimeException {
    public MalformedAnswerException(String message) {
        super(message);
    }
}
