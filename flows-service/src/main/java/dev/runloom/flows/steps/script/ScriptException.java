package dev.runloom.flows.steps.script;

/** A script that does not parse, throws, or was stopped for using too much CPU time or memory. */
public class ScriptException extends RuntimeException {
    public ScriptException(String message) {
        super(message);
    }
}
