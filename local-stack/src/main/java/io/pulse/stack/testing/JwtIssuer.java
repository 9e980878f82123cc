package io.pulse.stack.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * An identity provider for tests: the service verifies JWTs against this issuer's public key, and tests sign
 * tokens with its private key, or forge them with another one. The key pair is made once per JVM and kept in a
 * system property, because Quarkus loads the resource and the test class in different class loaders.
 */
public class JwtIssuer implements QuarkusTestResourceLifecycleManager {

    public static final String ISSUER = "https://login.pulse.test";
    private static final String KEY_PROPERTY = "pulse.test.jwt-issuer-key";

    @Override
    public Map<String, String> start() {
        try {
            RSAPrivateCrtKey key = (RSAPrivateCrtKey) signingKey();
            byte[] publicKey = KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent())).getEncoded();
            String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(publicKey)
                    + "\n-----END PUBLIC KEY-----\n";
            return Map.of("mp.jwt.verify.publickey", pem, "mp.jwt.verify.issuer", ISSUER);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
    }

    /** A valid token of {@code subject} holding {@code scopes}, for five minutes. */
    public static String token(String subject, String... scopes) {
        return claims(subject, scopes).expiresIn(300).sign(signingKey());
    }

    /** The same token signed by a key the service does not trust. */
    public static String forged(String subject, String... scopes) {
        return claims(subject, scopes).expiresIn(300).sign(newKeyPair().getPrivate());
    }

    /** A token signed by the trusted key that expired an hour ago. */
    public static String expired(String subject, String... scopes) {
        Instant hourAgo = Instant.now().minusSeconds(3600);
        return claims(subject, scopes).issuedAt(hourAgo.minusSeconds(300)).expiresAt(hourAgo).sign(signingKey());
    }

    private static JwtClaimsBuilder claims(String subject, String... scopes) {
        return Jwt.issuer(ISSUER).subject(subject).claim("scope", String.join(" ", scopes));
    }

    private static synchronized PrivateKey signingKey() {
        try {
            String kept = System.getProperty(KEY_PROPERTY);
            if (kept == null) {
                kept = Base64.getEncoder().encodeToString(newKeyPair().getPrivate().getEncoded());
                System.setProperty(KEY_PROPERTY, kept);
            }
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(kept)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
