package dev.runloom.common.input;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.runloom.common.problem.Problem;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.ServerHttpRequest;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.body.ByteBody;
import io.micronaut.http.body.CloseableAvailableByteBody;
import io.micronaut.http.filter.HttpServerFilter;
import io.micronaut.http.filter.ServerFilterChain;
import io.micronaut.http.filter.ServerFilterPhase;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.CharConversionException;
import java.io.IOException;
import java.util.Optional;

/**
 * Strict, safe input in one place, for the gateway and every service ({@code /v1/**} and
 * {@code /internal/**}), before any controller or database sees it:
 * <ul>
 *   <li>path segments and query parameters must be UTF-8 without NUL or lone surrogates → else 400
 *       {@code invalid_text} naming the parameter;</li>
 *   <li>a body needs a Content-Type → else 415 {@code unsupported_media_type};</li>
 *   <li>a JSON body must be exactly one JSON document (no trailing content, no second document),
 *       without duplicate keys and without NUL or lone surrogates in any string or key → else 400
 *       ({@code malformed_json} / {@code invalid_json} / {@code invalid_text}) naming the field.</li>
 * </ul>
 * Messages name the field, never a parser class or feature. Numbers are not coerced to strings:
 * see {@link StrictStringDeserializer}.
 */
@Filter({"/v1/**", "/internal/**"})
public class StrictInputFilter implements HttpServerFilter {
    /** Detects duplicate keys while reading; everything else is Jackson's strict default. */
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /**
     * Before authentication, while the request is still on its Netty event loop: the body's shared
     * buffer must be split there (a split from the blocking pool, where an {@code @ExecuteOn} filter
     * leaves the request, trips Micronaut's buffer). Costs an anonymous caller a parse of at most
     * {@code max-request-size} bytes.
     */
    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.before();
    }

    @Override
    public Publisher<MutableHttpResponse<?>> doFilter(HttpRequest<?> request, ServerFilterChain chain) {
        Problem urlProblem = urlProblem(request.getUri().getRawPath(), request.getUri().getRawQuery());
        if (urlProblem != null) {
            return Publishers.just(respond(urlProblem));
        }
        if (!(request instanceof ServerHttpRequest<?> serverRequest) || !mayHaveBody(request)) {
            return chain.proceed(request);
        }
        Optional<MediaType> contentType = request.getContentType();
        boolean json = contentType.map(StrictInputFilter::isJson).orElse(false);
        long length = request.getContentLength();
        if (length == 0 || contentType.isPresent() && !json) {
            return chain.proceed(request); // no body, or one a route that accepts that type checks itself
        }
        return Mono.fromFuture(() -> serverRequest.byteBody().split(ByteBody.SplitBackpressureMode.FASTEST).buffer())
                .map(StrictInputFilter::bytes)
                .map(Optional::of)
                // a body too large to receive is answered here: a second reader would find it half-consumed
                .onErrorResume(error -> tooLarge(error) ? Mono.error(error) : Mono.just(Optional.empty()))
                .flatMapMany(body -> {
                    if (body.isEmpty() || body.get().length == 0) {
                        return chain.proceed(request);
                    }
                    if (contentType.isEmpty()) {
                        return Flux.just(respond(Problem.of(415, "Unsupported Media Type", "unsupported_media_type",
                                "A request body needs a Content-Type header (application/json)", false)));
                    }
                    Problem bodyProblem = jsonProblem(body.get());
                    return bodyProblem == null ? chain.proceed(request) : Flux.just(respond(bodyProblem));
                })
                .onErrorResume(StrictInputFilter::tooLarge, error -> Flux.just(respond(Problem.of(413, "Payload Too Large",
                        "payload_too_large", "The request body is larger than this server accepts", false))));
    }

    private static boolean tooLarge(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof io.micronaut.http.exceptions.ContentLengthExceededException
                    || t instanceof io.micronaut.http.exceptions.BufferLengthExceededException
                    || t instanceof io.micronaut.http.exceptions.HttpStatusException status
                    && status.getStatus() == HttpStatus.REQUEST_ENTITY_TOO_LARGE) {
                return true;
            }
        }
        return false;
    }

    private static boolean mayHaveBody(HttpRequest<?> request) {
        HttpMethod method = request.getMethod();
        return method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH
                || method == HttpMethod.DELETE;
    }

    /** Whether a body of this type is JSON (so this filter has received and checked it whole). */
    public static boolean isJson(MediaType type) {
        String subtype = type.getSubtype().toLowerCase(java.util.Locale.ROOT);
        return "application".equalsIgnoreCase(type.getType()) && (subtype.equals("json") || subtype.endsWith("+json"));
    }

    /** The first thing wrong with the path or query, or null. */
    static @Nullable Problem urlProblem(String rawPath, @Nullable String rawQuery) {
        if (rawPath != null) {
            for (String segment : rawPath.split("/")) {
                String decoded = TextRules.decode(segment, false);
                String why = decoded == null ? "is not valid UTF-8 percent-encoding" : TextRules.problemWith(decoded);
                if (why != null) {
                    return invalidText("A path segment " + why);
                }
            }
        }
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String rawName = eq < 0 ? pair : pair.substring(0, eq);
                String name = TextRules.decode(rawName, true);
                if (name == null || TextRules.problemWith(name) != null) {
                    return invalidText("A query parameter name is not valid text");
                }
                String value = eq < 0 ? "" : TextRules.decode(pair.substring(eq + 1), true);
                String why = value == null ? "is not valid UTF-8 percent-encoding" : TextRules.problemWith(value);
                if (why != null) {
                    return invalidText("Parameter '" + printable(name) + "' " + why);
                }
            }
        }
        return null;
    }

    /** The first thing wrong with a JSON body, or null when it is one well-formed document of valid text. */
    static @Nullable Problem jsonProblem(byte[] body) {
        try (JsonParser parser = JSON.createParser(body)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                return Problem.of(400, "Bad Request", "malformed_json", "The body is empty or not JSON", false);
            }
            int depth = 0;
            do {
                if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                    depth++;
                } else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                    depth--;
                } else if (token == JsonToken.FIELD_NAME || token == JsonToken.VALUE_STRING) {
                    String why = TextRules.problemWith(parser.getText());
                    if (why != null) {
                        return Problem.of(400, "Bad Request", "invalid_text",
                                field(parser, token) + ": " + (token == JsonToken.FIELD_NAME ? "key " : "") + why, false);
                    }
                }
                if (depth == 0) {
                    break;
                }
                token = parser.nextToken();
            } while (token != null);
            if (depth != 0) {
                return Problem.of(400, "Bad Request", "malformed_json", "The JSON body ends before it is complete", false);
            }
            if (parser.nextToken() != null) {
                return Problem.of(400, "Bad Request", "malformed_json",
                        "The body holds more than one JSON document (content after the first value)", false);
            }
            return null;
        } catch (JsonParseException e) {
            String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
            if (message.startsWith("Duplicate field")) {
                String name = message.replaceAll("^Duplicate field '(.*)'$", "$1");
                return Problem.of(400, "Bad Request", "invalid_json", printable(name) + ": appears twice in one object", false);
            }
            return Problem.of(400, "Bad Request", "malformed_json", "The body is not well-formed JSON (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")", false);
        } catch (StreamConstraintsException e) {
            return Problem.of(400, "Bad Request", "malformed_json", "The JSON body is nested or sized beyond the limits", false);
        } catch (CharConversionException e) {
            return Problem.of(400, "Bad Request", "invalid_text", "The body is not valid UTF-8", false);
        } catch (IOException e) {
            return Problem.of(400, "Bad Request", "malformed_json", "The body is not well-formed JSON", false);
        }
    }

    /** "metadata.tags[2]" for the value (or key) the parser stands on; "body" at the top. */
    private static String field(JsonParser parser, JsonToken token) {
        com.fasterxml.jackson.core.JsonStreamContext context = parser.getParsingContext();
        StringBuilder path = new StringBuilder();
        java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        for (com.fasterxml.jackson.core.JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.push("[" + c.getCurrentIndex() + "]");
            } else if (c.getCurrentName() != null) {
                String name = TextRules.problemWith(c.getCurrentName()) == null ? c.getCurrentName() : "?";
                parts.push("." + name);
            }
        }
        parts.forEach(path::append);
        String result = path.length() > 0 && path.charAt(0) == '.' ? path.substring(1) : path.toString();
        return result.isEmpty() ? "body" : printable(result);
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(100).forEach(cp -> {
            if (cp < 0x20 || Character.getType(cp) == Character.SURROGATE) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }

    private static Problem invalidText(String detail) {
        return Problem.of(400, "Bad Request", "invalid_text", detail, false);
    }

    private static MutableHttpResponse<Problem> respond(Problem problem) {
        return HttpResponse.<Problem>status(HttpStatus.valueOf(problem.status())).contentType(Problem.MEDIA_TYPE).body(problem);
    }

    private static byte[] bytes(CloseableAvailableByteBody body) {
        try (body) {
            return body.toByteArray();
        }
    }
}
