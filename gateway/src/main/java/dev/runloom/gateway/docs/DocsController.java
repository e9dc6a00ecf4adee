package dev.runloom.gateway.docs;

import dev.runloom.common.problem.ProblemException;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * {@code /docs}: Swagger UI over {@code GET /v1/openapi.json}, from the swagger-ui webjar the gateway
 * ships (no CDN: the people reading the docs may have no internet access). Only the UI's own files are
 * served from the webjar, by exact name. Public, like the document.
 */
@Controller("/docs")
public class DocsController {
    private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
    private static final Map<String, MediaType> ASSETS = Map.of(
            "swagger-ui.css", MediaType.of("text/css"),
            "swagger-ui-bundle.js", MediaType.of("text/javascript"),
            "swagger-ui-standalone-preset.js", MediaType.of("text/javascript"),
            "favicon-32x32.png", MediaType.IMAGE_PNG_TYPE,
            "favicon-16x16.png", MediaType.IMAGE_PNG_TYPE);

    private final String webjarDirectory = WEBJAR + webjarVersion() + "/";

    @Get(produces = MediaType.TEXT_HTML)
    public HttpResponse<byte[]> page() {
        return HttpResponse.ok(read("docs/index.html")).contentType(MediaType.TEXT_HTML_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, "no-cache");
    }

    @Get("/assets/{file}")
    public HttpResponse<byte[]> asset(@PathVariable String file) {
        MediaType type = ASSETS.get(file);
        if (type == null) {
            throw ProblemException.notFound("Documentation file", file);
        }
        return HttpResponse.ok(read(webjarDirectory + file)).contentType(type)
                .header(HttpHeaders.CACHE_CONTROL, "public, max-age=86400");
    }

    private static byte[] read(String resource) {
        try (InputStream in = DocsController.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the gateway's classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The webjar's version, from its Maven metadata: the dependency can be upgraded without touching code. */
    private static String webjarVersion() {
        try (InputStream in = DocsController.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the swagger-ui webjar is missing from the gateway's classpath");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
