package dev.runloom.flows.steps;

import jakarta.inject.Singleton;
import liqp.Template;
import liqp.TemplateParser;
import liqp.parser.Flavor;

import java.util.Map;

/**
 * The Liquid engine (liqp) with guard rails: standard Liquid flavor, strict parsing (a broken tag
 * is an error when the flow is saved, not a silent blank later), bounded loops and output so a
 * template cannot run away with a worker. Unknown variables render as blanks, as in Liquid.
 */
@Singleton
public class Liquid {
    private static final int MAX_ITERATIONS = 100_000;
    private static final int MAX_RENDERED_CHARS = 1_000_000;

    private final TemplateParser parser = new TemplateParser.Builder()
            .withFlavor(Flavor.LIQUID)
            .withErrorMode(TemplateParser.ErrorMode.STRICT)
            .withMaxIterations(MAX_ITERATIONS)
            .withMaxSizeRenderedString(MAX_RENDERED_CHARS)
            .build();

    /** Parses once; the returned template is immutable and safe to render from many threads. */
    public Template parse(String source) {
        try {
            return parser.parse(source);
        } catch (RuntimeException e) {
            throw new TemplateException("invalid Liquid template: " + describe(e), e);
        }
    }

    public String render(Template template, Map<String, Object> context) {
        try {
            return template.render(context);
        } catch (RuntimeException e) {
            throw new TemplateException("Liquid rendering failed: " + describe(e), e);
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
