package dev.runloom.models.providers;

import dev.langchain4j.exception.HttpException;

import java.net.http.HttpHeaders;
import java.util.Optional;

/**
 * A provider's non-2xx answer with its response headers, which LangChain4j's own {@link HttpException}
 * drops: {@code Retry-After} (and OpenAI's {@code retry-after-ms}) on a 429 or 503 is read from here.
 * LangChain4j keeps it as the cause of the exception it maps the status to.
 */
public class ProviderHttpException extends HttpException {
    private final transient HttpHeaders headers;

    public ProviderHttpException(int statusCode, String body, HttpHeaders headers) {
        super(statusCode, body);
        this.headers = headers;
    }

    public HttpHeaders headers() {
        return headers;
    }

    public Optional<String> header(String name) {
        return headers.firstValue(name);
    }
}
