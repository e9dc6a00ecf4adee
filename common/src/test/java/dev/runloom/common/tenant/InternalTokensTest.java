package dev.runloom.common.tenant;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.runloom.common.problem.Problem;
import dev.runloom.common.problem.ProblemException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@link InternalTokens}: sign/verify round trip and every token a service must refuse (401). */
class InternalTokensTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef-test";
    private static final String OTHER_SECRET = "fedcba9876543210fedcba9876543210-other";
    private static final Tenant TENANT = new Tenant("org_1", "usr_1", Set.of("flows:read", "flows:write"));

    private final InternalTokens tokens = new InternalTokens(SECRET);

    /** A token built by hand: same format as {@link InternalTokens#sign}, with the claims chosen by the test. */
    private static String craft(String secret, JWSAlgorithm alg, String issuer, Instant expires) throws Exception {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject("usr_1")
                .claim("org", "org_1")
                .claim("scopes", List.of("flows:read"))
                .issueTime(new Date());
        if (issuer != null) {
            claims.issuer(issuer);
        }
        if (expires != null) {
            claims.expirationTime(Date.from(expires));
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(alg), claims.build());
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private static Problem assertUnauthorized(ThrowingCallable call) {
        ProblemException e = catchThrowableOfType(ProblemException.class, call);
        assertThat(e).as("expected a ProblemException").isNotNull();
        assertThat(e.problem().status()).isEqualTo(401);
        assertThat(e.problem().code()).isEqualTo("unauthorized");
        assertThat(e.problem().retryable()).isFalse();
        return e.problem();
    }

    @Test
    void roundTripKeepsOrganizationUserAndScopes() {
        assertThat(tokens.verify(tokens.sign(TENANT))).isEqualTo(TENANT);
    }

    @Test
    void roundTripWithoutScopes() {
        Tenant tenant = new Tenant("org_2", "key_9", Set.of());
        assertThat(tokens.verify(tokens.sign(tenant))).isEqualTo(tenant);
    }

    @Test
    void anotherInstanceWithTheSameSecretAccepts() {
        assertThat(new InternalTokens(SECRET).verify(tokens.sign(TENANT))).isEqualTo(TENANT);
    }

    @Test
    void signedTokenIsShortLivedHs256FromRunloom() throws Exception {
        Instant before = Instant.now();
        SignedJWT jwt = SignedJWT.parse(tokens.sign(TENANT));
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.HS256);
        assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo("runloom");
        Instant expires = jwt.getJWTClaimsSet().getExpirationTime().toInstant();
        // JWT times are whole seconds
        assertThat(expires).isBetween(before.plus(Duration.ofSeconds(59)), Instant.now().plus(Duration.ofSeconds(61)));
    }

    /** A token must carry every claim: org, sub and scopes; without the org it is no tenant at all. */
    @Test
    void tokenMissingAClaimIsRejected() throws Exception {
        for (String missing : List.of("org", "sub", "scopes", "iat")) {
            JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer("runloom")
                    .expirationTime(Date.from(Instant.now().plusSeconds(30)));
            if (!missing.equals("org")) claims.claim("org", "org_1");
            if (!missing.equals("sub")) claims.subject("usr_1");
            if (!missing.equals("scopes")) claims.claim("scopes", List.of("*"));
            if (!missing.equals("iat")) claims.issueTime(new Date());
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
            jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
            assertUnauthorized(() -> tokens.verify(jwt.serialize()));
        }
        JWTClaimsSet blankOrg = new JWTClaimsSet.Builder().issuer("runloom").subject("usr_1").claim("org", " ")
                .claim("scopes", List.of("*")).issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(30))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), blankOrg);
        jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        assertThat(assertUnauthorized(() -> tokens.verify(jwt.serialize())).detail()).contains("claim");
        assertThatThrownBy(() -> tokens.sign(new Tenant(null, "u", Set.of()))).isInstanceOf(IllegalArgumentException.class);
    }

    /** Signed with the right secret but valid for an hour: more than an internal call needs, refused. */
    @Test
    void longLivedTokenIsRejected() throws Exception {
        String token = craft(SECRET, JWSAlgorithm.HS256, "runloom", Instant.now().plus(Duration.ofHours(1)));
        assertThat(assertUnauthorized(() -> tokens.verify(token)).detail()).contains("too long-lived");
    }

    @Test
    void handCraftedValidTokenIsAccepted() throws Exception {
        String token = craft(SECRET, JWSAlgorithm.HS256, "runloom", Instant.now().plusSeconds(30));
        assertThat(tokens.verify(token)).isEqualTo(new Tenant("org_1", "usr_1", Set.of("flows:read")));
    }

    @Test
    void expiredTokenIsRejected() throws Exception {
        String token = craft(SECRET, JWSAlgorithm.HS256, "runloom", Instant.now().minusSeconds(5));
        assertThat(assertUnauthorized(() -> tokens.verify(token)).detail()).contains("expired");
    }

    @Test
    void tokenWithoutExpiryIsRejected() throws Exception {
        String token = craft(SECRET, JWSAlgorithm.HS256, "runloom", null);
        assertUnauthorized(() -> tokens.verify(token));
    }

    @Test
    void wrongIssuerIsRejected() throws Exception {
        String token = craft(SECRET, JWSAlgorithm.HS256, "someone-else", Instant.now().plusSeconds(60));
        assertThat(assertUnauthorized(() -> tokens.verify(token)).detail()).contains("not issued by Runloom");
    }

    @Test
    void missingIssuerIsRejected() throws Exception {
        String token = craft(SECRET, JWSAlgorithm.HS256, null, Instant.now().plusSeconds(60));
        assertUnauthorized(() -> tokens.verify(token));
    }

    @Test
    void tokenSignedWithAnotherSecretIsRejected() {
        String token = new InternalTokens(OTHER_SECRET).sign(TENANT);
        assertThat(assertUnauthorized(() -> tokens.verify(token)).detail()).contains("signature");
    }

    @Test
    void tamperedPayloadIsRejected() throws Exception {
        String[] parts = tokens.sign(TENANT).split("\\.");
        String forgedPayload = SignedJWT.parse(craft(OTHER_SECRET, JWSAlgorithm.HS256, "runloom",
                Instant.now().plusSeconds(60))).getPayload().toBase64URL().toString();
        String forged = parts[0] + "." + forgedPayload + "." + parts[2];
        assertThat(forged).isNotEqualTo(String.join(".", parts));
        assertThat(assertUnauthorized(() -> tokens.verify(forged)).detail()).contains("signature");
    }

    @Test
    void tamperedSignatureIsRejected() {
        String token = tokens.sign(TENANT);
        int dot = token.lastIndexOf('.');
        int i = dot + 5; // well inside the signature, where every bit counts
        String forged = token.substring(0, i) + (token.charAt(i) == 'A' ? 'B' : 'A') + token.substring(i + 1);
        assertUnauthorized(() -> tokens.verify(forged));
    }

    @Test
    void strippedSignatureIsRejected() {
        String token = tokens.sign(TENANT);
        String unsigned = token.substring(0, token.lastIndexOf('.') + 1);
        assertUnauthorized(() -> tokens.verify(unsigned));
    }

    @Test
    void unsecuredAlgNoneTokenIsRejected() {
        String none = new PlainJWT(new JWTClaimsSet.Builder().issuer("runloom").subject("usr_1").claim("org", "org_1")
                .expirationTime(Date.from(Instant.now().plusSeconds(60))).build()).serialize();
        assertUnauthorized(() -> tokens.verify(none));
    }

    @Test
    void garbageIsRejectedAsMalformed() {
        for (String garbage : List.of("", "garbage", "a.b.c", "a.b", "....")) {
            assertThat(assertUnauthorized(() -> tokens.verify(garbage)).detail()).as(garbage).contains("malformed");
        }
    }

    @Test
    void secretShorterThan32BytesIsRefused() {
        assertThatThrownBy(() -> new InternalTokens("a".repeat(31)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("32 bytes");
    }

    @Test
    void secretLengthIsMeasuredInBytes() {
        // 16 characters but 32 UTF-8 bytes
        InternalTokens multiByte = new InternalTokens("é".repeat(16));
        assertThat(multiByte.verify(multiByte.sign(TENANT))).isEqualTo(TENANT);
        assertThatThrownBy(() -> new InternalTokens("é".repeat(15) + "a")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void secretOfExactly32BytesIsAccepted() {
        InternalTokens minimal = new InternalTokens("b".repeat(32));
        assertThat(minimal.verify(minimal.sign(TENANT))).isEqualTo(TENANT);
    }
}
