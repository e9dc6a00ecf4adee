package dev.runloom.flows.steps;

import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.safety.Safelist;

import java.util.Locale;
import java.util.Optional;

/**
 * What a {@code template} step does with its rendered text ({@code config.outputFormat}):
 * <ul>
 *   <li>{@code text} (default): the text as rendered.</li>
 *   <li>{@code markdown}: the text is Markdown, rendered to HTML (CommonMark); raw HTML inside it is
 *       escaped and unsafe link targets ({@code javascript:} …) are dropped, so record data cannot
 *       inject markup.</li>
 *   <li>{@code html} and {@code email-html}: the text is HTML, cleaned to a safe subset (jsoup's relaxed
 *       safelist: no scripts, event handlers, iframes or {@code javascript:} URLs), because templates
 *       interpolate record data that nobody escaped.</li>
 * </ul>
 */
public enum OutputFormat {
    TEXT("text"), MARKDOWN("markdown"), HTML("html"), EMAIL_HTML("email-html");

    private static final Parser MARKDOWN_PARSER = Parser.builder().build();
    private static final HtmlRenderer MARKDOWN_RENDERER = HtmlRenderer.builder().escapeHtml(true).sanitizeUrls(true).build();
    private static final Safelist HTML_SAFELIST = Safelist.relaxed().addAttributes(":all", "style", "class");

    private final String value;

    OutputFormat(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    public static Optional<OutputFormat> of(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (OutputFormat format : values()) {
            if (format.value.equals(v)) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }

    public String apply(String rendered) {
        return switch (this) {
            case TEXT -> rendered;
            case MARKDOWN -> MARKDOWN_RENDERER.render(MARKDOWN_PARSER.parse(rendered));
            case HTML, EMAIL_HTML -> clean(rendered);
        };
    }

    private static String clean(String html) {
        Document.OutputSettings settings = new Document.OutputSettings().prettyPrint(false);
        return Jsoup.clean(html, "", HTML_SAFELIST, settings);
    }
}
