package dev.runloom.flows.steps;

/** A Liquid template that does not parse or does not render. */
public class TemplateException extends RuntimeException {
    public TemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
