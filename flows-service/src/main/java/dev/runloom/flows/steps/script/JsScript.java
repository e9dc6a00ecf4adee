package dev.runloom.flows.steps.script;

import org.graalvm.polyglot.Source;

/**
 * A parsed (syntax-checked) script, ready to run any number of times: the shared engine caches its
 * parse, so each run pays only for a fresh context. {@code expression} says whether the author's text
 * was an expression (its value is the result) or a function body (its {@code return} is).
 */
public record JsScript(Source source, boolean expression) {
}
