package io.qmp4j.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS for a QMP monitor that QEMU serves with {@code -chardev socket,…,tls-creds=ID} (an
 * {@code -object tls-creds-x509,endpoint=server,…}): the CA that signed QEMU's server
 * certificate, and the client certificate QEMU asks for when its credentials have
 * {@code verify-peer=on}. Files are PEM; the private key must be unencrypted PKCS#8
 * ({@code BEGIN PRIVATE KEY}, as {@code openssl genpkey} writes it).
 *
 * <pre>{@code
 * QmpEndpoint ep = QmpEndpoint.tls("dst.example.org", 4445, QmpTls.fromDirectory(Path.of("/etc/pki/qemu")));
 * }</pre>
 *
 * The server certificate is checked against the CA and against the host name (its subject
 * alternative names), as HTTPS does; {@link #hostname(String)} names the host the certificate
 * must carry when it is not the one connected to.
 *
 * @param caCert the CA certificate(s) to trust
 * @param clientCert the client certificate, if QEMU asks for one
 * @param clientKey its private key
 * @param hostname the name to check the server certificate against; empty: the endpoint's host
 * @since 0.1
 */
public record QmpTls(Path caCert, Optional<Path> clientCert, Optional<Path> clientKey, Optional<String> hostname) {

    /** Checks the values. */
    public QmpTls {
        Objects.requireNonNull(caCert, "caCert");
        Objects.requireNonNull(clientCert, "clientCert");
        Objects.requireNonNull(clientKey, "clientKey");
        Objects.requireNonNull(hostname, "hostname");
        if (clientCert.isPresent() != clientKey.isPresent()) {
            throw new IllegalArgumentException("a client certificate needs its key, and a key its certificate");
        }
    }

    /**
     * QEMU's layout: {@code ca-cert.pem}, and {@code client-cert.pem} with {@code client-key.pem}
     * when both exist.
     *
     * @param dir the credentials directory
     * @return the TLS settings
     */
    public static QmpTls fromDirectory(Path dir) {
        Path cert = dir.resolve("client-cert.pem");
        Path key = dir.resolve("client-key.pem");
        boolean client = Files.exists(cert) && Files.exists(key);
        return new QmpTls(dir.resolve("ca-cert.pem"), client ? Optional.of(cert) : Optional.empty(),
                client ? Optional.of(key) : Optional.empty(), Optional.empty());
    }

    /**
     * @param name the name the server certificate must carry
     * @return a copy that checks it
     */
    public QmpTls hostname(String name) {
        return new QmpTls(caCert, clientCert, clientKey, Optional.of(name));
    }
}
