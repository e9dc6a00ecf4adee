package dev.runloom.kernel.web;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.MicronautTestInfra;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static dev.runloom.testsupport.TestTenants.ORG_A;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service refuses (401) every internal token that is not complete and fresh: no organization, no
 * user, no scopes, too long-lived, expired, or signed with another secret — over real HTTP.
 */
@ServiceTest("kernel")
@Property(name = "internal-auth-test.controller", value = "true")
class InternalAuthFilterTest {
    @Inject ApiClient<Tenant> api;

    @Controller("/v1/internal-auth-test")
    @Requires(property = "internal-auth-test.controller", value = "true")
    static class WhoAmIController {
        @Get
        Map<String, String> who(Tenant tenant) {
            return Map.of("org", tenant.organizationId(), "user", tenant.userId());
        }
    }

    private static String token(String secret, Map<String, Object> claims, Instant expires) throws Exception {
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder().issuer("runloom").issueTime(new Date())
                .expirationTime(Date.from(expires));
        claims.forEach(builder::claim);
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), builder.build());
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private ApiClient.Reply call(String token) {
        return api.send(HttpRequest.GET("/v1/internal-auth-test").header(InternalTokens.HEADER, token));
    }

    @Test
    void onlyCompleteFreshTokensGetIn() throws Exception {
        String secret = MicronautTestInfra.TEST_INTERNAL_SECRET;
        Instant soon = Instant.now().plusSeconds(30);
        Map<String, Object> all = Map.of("org", "org_a", "sub", "user_a", "scopes", List.of("*"));
        assertThat(call(token(secret, all, soon)).status()).isEqualTo(200);
        assertThat(api.get("/v1/internal-auth-test", ORG_A).raw()).contains("org_a");

        call(token(secret, Map.of("sub", "user_a", "scopes", List.of("*")), soon)).assertProblem(401, "unauthorized");
        call(token(secret, Map.of("org", "org_a", "scopes", List.of("*")), soon)).assertProblem(401, "unauthorized");
        call(token(secret, Map.of("org", "org_a", "sub", "user_a"), soon)).assertProblem(401, "unauthorized");
        call(token(secret, all, Instant.now().plusSeconds(3600))).assertProblem(401, "unauthorized");
        call(token(secret, all, Instant.now().minusSeconds(5))).assertProblem(401, "unauthorized");
        call(token("another-secret-of-at-least-32-bytes!!", all, soon)).assertProblem(401, "unauthorized");
        api.send(HttpRequest.GET("/v1/internal-auth-test")).assertProblem(401, "unauthorized");
    }
}
