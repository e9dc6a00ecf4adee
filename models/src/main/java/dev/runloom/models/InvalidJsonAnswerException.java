package dev.runloom.models;

/** JSON was asked for and the reply does not parse as JSON. */
public class InvalidJsonAnswerException extends RuntimeException {
    public InvalidJsonAnswerException(String message) {
        super(message);
    }
}
