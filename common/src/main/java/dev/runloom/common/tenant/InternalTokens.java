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
 */
@Singleton
public class InternalTokens {
    public static final String HEADER = "X-Runloom-Internal-Token";
    private static final Duration LIFETIME = Duration.ofMinutes(2);
    private static final String ISSUER = "runloom";

    private final byte[] secret;

    public InternalTokens(@Value("${runloom.internal.secret}") String secret) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        if (this.secret.length < 32) {
            throw new IllegalStateException("runloom.internal.secret must be at least 32 bytes");
        }
    }

    public String sign(Tenant tenant) {
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
            if (!jwt.verify(new MACVerifier(secret))) {
                throw ProblemException.unauthorized("Internal token signature is invalid");
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            if (claims.getExpirationTime() == null || claims.getExpirationTime().toInstant().isBefore(Instant.now())
                    || !ISSUER.equals(claims.getIssuer())) {
                throw ProblemException.unauthorized("Internal token is expired or not issued by Runloom");
            }
            List<String> scopes = claims.getStringListClaim("scopes");
            return new Tenant(claims.getStringClaim("org"), claims.getSubject(),
                    new HashSet<>(scopes == null ? List.of() : scopes));
        } catch (ParseException | JOSEException e) {
            throw ProblemException.unauthorized("Internal token is malformed");
        }
    }
}
