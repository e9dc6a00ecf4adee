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

    private final TemplateParser parser = parser(false);
    /** For templates that asked for {@code strictVariables}: an unknown variable fails the render instead of blanking. */
    private final TemplateParser strictParser = parser(true);

    private static TemplateParser parser(boolean strictVariables) {
        return new TemplateParser.Builder()
                .withFlavor(Flavor.LIQUID)
                .withErrorMode(TemplateParser.ErrorMode.STRICT)
                .withStrictVariables(strictVariables)
                .withMaxIterations(MAX_ITERATIONS)
                .withMaxSizeRenderedString(MAX_RENDERED_CHARS)
                .build();
    }

    /**
     * Parses (and so validates) once. A liqp {@code Template} is not safe to render from two threads
     * at once (each render replaces its internal context: liqp issue #287), and batch workers render
     * the same cached template concurrently, so each thread renders its own parsed copy.
     */
    public ParsedTemplate parse(String source) {
        return parse(source, false);
    }

    public ParsedTemplate parse(String source, boolean strictVariables) {
        TemplateParser chosen = strictVariables ? strictParser : parser;
        Template first = parseOrThrow(chosen, source);
        return new ParsedTemplate(source, ThreadLocal.withInitial(() -> parseOrThrow(chosen, source)), first);
    }

    public String render(ParsedTemplate template, Map<String, Object> context) {
        try {
            return template.forThisThread().render(context);
        } catch (RuntimeException e) {
            throw new TemplateException("Liquid rendering failed: " + describe(e), e);
        }
    }

    private static Template parseOrThrow(TemplateParser parser, String source) {
        try {
            return parser.parse(source);
        } catch (RuntimeException e) {
            throw new TemplateException("invalid Liquid template: " + describe(e), e);
        }
    }

    /** A validated template; renders on a copy of the calling thread's own. */
    public static final class ParsedTemplate {
        private final String source;
        private final ThreadLocal<Template> perThread;

        private ParsedTemplate(String source, ThreadLocal<Template> perThread, Template first) {
            this.source = source;
            this.perThread = perThread;
            this.perThread.set(first);
        }

        Template forThisThread() {
            return perThread.get();
        }

        public String source() {
            return source;
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
