package dev.runloom.flows.steps;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The variables a Liquid template reads, by their first name ({@code _record} for
 * {@code {{_record.metadata.x}}}), minus those the template defines itself ({@code assign},
 * {@code capture}, {@code for … in}, {@code increment}). Lexical, not a full parse: enough to refuse a
 * strict template that names a variable no earlier step defines when the flow is saved.
 */
final class TemplateVariables {
    private static final Pattern OUTPUT = Pattern.compile("\\{\\{-?(.*?)-?}}", Pattern.DOTALL);
    private static final Pattern TAG = Pattern.compile("\\{%-?\\s*(\\w+)(.*?)-?%}", Pattern.DOTALL);
    private static final Pattern STRINGS = Pattern.compile("\"[^\"]*\"|'[^']*'");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.\\]|:-])([A-Za-z_][\\w-]*)");
    private static final Pattern DEFINED = Pattern.compile(
            "\\{%-?\\s*(?:assign|capture|increment|decrement)\\s+([A-Za-z_][\\w-]*)|\\{%-?\\s*for\\s+([A-Za-z_][\\w-]*)\\s+in");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "contains", "in", "true", "false", "nil", "null",
            "empty", "blank", "forloop", "tablerowloop", "reversed", "with", "as", "by");
    private static final Set<String> EXPRESSION_TAGS = Set.of("if", "elsif", "unless", "case", "when", "for", "assign",
            "tablerow", "cycle");

    private TemplateVariables() {
    }

    static Set<String> read(String template) {
        Set<String> defined = new LinkedHashSet<>();
        Matcher d = DEFINED.matcher(template);
        while (d.find()) {
            defined.add(d.group(1) != null ? d.group(1) : d.group(2));
        }
        Set<String> read = new LinkedHashSet<>();
        Matcher output = OUTPUT.matcher(template);
        while (output.find()) {
            collect(output.group(1), read);
        }
        Matcher tag = TAG.matcher(template);
        while (tag.find()) {
            String name = tag.group(1);
            if (!EXPRESSION_TAGS.contains(name)) {
                continue;
            }
            String expression = tag.group(2);
            if (name.equals("assign")) {
                int eq = expression.indexOf('=');
                expression = eq < 0 ? "" : expression.substring(eq + 1);
            } else if (name.equals("for") || name.equals("tablerow")) {
                int in = expression.indexOf(" in ");
                expression = in < 0 ? "" : expression.substring(in + 4);
            }
            collect(expression, read);
        }
        read.removeAll(defined);
        return read;
    }

    private static void collect(String expression, Set<String> into) {
        String withoutStrings = STRINGS.matcher(expression).replaceAll(" ");
        // filters: "x | append: y" — the filter name after '|' is not a variable, its arguments are
        String withoutFilterNames = withoutStrings.replaceAll("\\|\\s*[A-Za-z_][\\w-]*", "| ")
                // named parameters ("limit: 5", "offset: n") are not variables, their values may be
                .replaceAll("[A-Za-z_][\\w-]*\\s*:", " ");
        Matcher m = IDENTIFIER.matcher(withoutFilterNames);
        while (m.find()) {
            String name = m.group(1);
            if (!KEYWORDS.contains(name)) {
                into.add(name);
            }
        }
    }
}
