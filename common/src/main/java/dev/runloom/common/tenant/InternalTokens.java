package dev.runloom.common.tenant;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.runloom.common.problem.ProblemException;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;

/**
 * The short-lived signed token the gateway (or a service calling another) attaches to every
 * internal request. HMAC-SHA256 over a secret shared by the platform's services; a service never
 * trusts a tenant it did not find in a valid token.
 *
 * <p>A token is accepted only when it is complete and fresh: algorithm HS256, issuer {@code runloom},
 * a non-blank organization ({@code org}), user ({@code sub}) and a {@code scopes} list, an issue time
 * and an expiry no more than {@link #LIFETIME} apart (a token signed with a longer life is refused
 * even if its signature is good) and not in the future beyond {@link #CLOCK_SKEW}.
 */
@Singleton
public class InternalTokens {
    public static final String HEADER = "X-Runloom-Internal-Token";
    /** Long enough for one internal call, short enough that a leaked token is soon worthless. */
    public static final Duration LIFETIME = Duration.ofSeconds(60);
    /** Replicas' clocks may disagree this much. */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(5);
    private static final String ISSUER = "runloom";

    private final byte[] secret;

    public InternalTokens(@Value("${runloom.internal.secret}") String secret) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        if (this.secret.length < 32) {
            throw new IllegalStateException("runloom.internal.secret must be at least 32 bytes");
        }
    }

    public String sign(Tenant tenant) {
        if (blank(tenant.organizationId()) || blank(tenant.userId()) || tenant.scopes() == null) {
            throw new IllegalArgumentException("an internal token needs an organization, a user and scopes");
        }
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(tenant.userId())
                .claim("org", tenant.organizationId())
                .claim("scopes", List.copyOf(tenant.scopes()))
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(LIFETIME)))
                .build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign internal token", e);
        }
    }

    public Tenant verify(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(new MACVerifier(secret))) {
                throw ProblemException.unauthorized("Internal token signature is invalid");
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Instant now = Instant.now();
            Date expires = claims.getExpirationTime();
            Date issued = claims.getIssueTime();
            if (expires == null || issued == null || !ISSUER.equals(claims.getIssuer())
                    || expires.toInstant().isBefore(now)
                    || issued.toInstant().isAfter(now.plus(CLOCK_SKEW))
                    || Duration.between(issued.toInstant(), expires.toInstant()).compareTo(LIFETIME) > 0) {
                throw ProblemException.unauthorized("Internal token is expired, too long-lived or not issued by Runloom");
            }
            String org = claims.getStringClaim("org");
            String user = claims.getSubject();
            List<String> scopes = claims.getStringListClaim("scopes");
            if (blank(org) || blank(user) || scopes == null) {
                throw ProblemException.unauthorized("Internal token lacks a required claim (org, sub, scopes)");
            }
            return new Tenant(org, user, new HashSet<>(scopes));
        } catch (ParseException | JOSEException e) {
            throw ProblemException.unauthorized("Internal token is malformed");
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
