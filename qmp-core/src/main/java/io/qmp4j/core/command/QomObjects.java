package io.qmp4j.core.command;

import io.qmp4j.core.qapi.AuthZListProperties;
import io.qmp4j.core.qapi.ObjectAdd;
import io.qmp4j.core.qapi.ObjectOptions;
import io.qmp4j.core.qapi.ObjectType;
import io.qmp4j.core.qapi.QAuthZListFormat;
import io.qmp4j.core.qapi.QAuthZListPolicy;
import io.qmp4j.core.qapi.QAuthZListRule;
import io.qmp4j.core.qapi.QCryptoSecretFormat;
import io.qmp4j.core.qapi.QCryptoTLSCredsEndpoint;
import io.qmp4j.core.qapi.SecretProperties;
import io.qmp4j.core.qapi.TlsCredsX509Properties;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * {@code object-add} for the QOM objects a migration needs: x509 TLS credentials, secrets and
 * an allow-list of TLS identities.
 *
 * @since 0.9
 */
public final class QomObjects {

    private QomObjects() {
    }

    /**
     * A {@code tls-creds-x509} object.
     *
     * @param id the object's id
     * @param dir the directory holding {@code ca-cert.pem} and the endpoint's certificate and key
     * @param endpoint {@code "server"} or {@code "client"}
     * @param verifyPeer whether the peer must present a certificate the CA signed
     * @param passwordSecretId the id of a {@code secret} holding the key's password, or {@code null}
     * @return the command
     */
    public static ObjectAdd tlsCredsX509(String id, Path dir, String endpoint, boolean verifyPeer, String passwordSecretId) {
        TlsCredsX509Properties p = TlsCredsX509Properties.builder().dir(dir.toString())
                .endpoint(QCryptoTLSCredsEndpoint.of(Objects.requireNonNull(endpoint, "endpoint")))
                .verifyPeer(verifyPeer).passwordid(passwordSecretId).build();
        return object(ObjectType.TLS_CREDS_X509, id, p);
    }

    /**
     * A {@code secret} read by QEMU from a file (the secret never crosses the monitor).
     *
     * @param id the object's id
     * @param file the file holding the secret
     * @return the command
     */
    public static ObjectAdd secretFromFile(String id, Path file) {
        return object(ObjectType.SECRET, id, SecretProperties.builder().file(file.toString()).build());
    }

    /**
     * A {@code secret} given inline, base64-encoded.
     *
     * @param id the object's id
     * @param base64 the secret, base64
     * @return the command
     */
    public static ObjectAdd secretBase64(String id, String base64) {
        SecretProperties p = SecretProperties.builder().data(base64).format(QCryptoSecretFormat.BASE64).build();
        return object(ObjectType.SECRET, id, p);
    }

    /**
     * An {@code authz-list} that denies every TLS identity except those given (matched exactly).
     *
     * @param id the object's id
     * @param identities the distinguished names to allow
     * @return the command
     */
    public static ObjectAdd authzList(String id, List<String> identities) {
        List<QAuthZListRule> rules = identities.stream()
                .map(i -> new QAuthZListRule(i, QAuthZListPolicy.ALLOW, QAuthZListFormat.EXACT)).toList();
        return object(ObjectType.AUTHZ_LIST, id, new AuthZListProperties(QAuthZListPolicy.DENY, rules));
    }

    private static ObjectAdd object(ObjectType type, String id, ObjectOptions.Branch properties) {
        return new ObjectAdd(new ObjectOptions(type, Objects.requireNonNull(id, "id"), properties));
    }
}
