package io.qmp4j.migration;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * x509 credentials for an encrypted migration, in QEMU's directory layout: {@code ca-cert.pem},
 * {@code server-cert.pem} and {@code server-key.pem} on the destination (the TLS server),
 * {@code ca-cert.pem}, {@code client-cert.pem} and {@code client-key.pem} on the source (the
 * client). One directory holding all five serves both ends, as libvirt's {@code /etc/pki/qemu}.
 *
 * <pre>{@code
 * Migration.builder()...
 *         .tls(TlsCredentials.of(Path.of("/etc/pki/qemu"))
 *                 .hostname("dst.example.org")                        // when the certificate's name is not the URI's host
 *                 .authorize("CN=src.example.org,O=Example")           // tls-authz: only this client certificate
 *                 .keyPasswordFile(Path.of("/etc/pki/qemu/key.pass")))  // the private keys are encrypted
 * }</pre>
 *
 * The key password reaches QEMU as a {@code secret} object that reads the file itself, so it is
 * on no command line, in no QMP message and in no log.
 *
 * @param sourceDirectory the directory on the source's host (client certificate and key)
 * @param destinationDirectory the directory on the destination's host (server certificate and key)
 * @param verifyPeer whether each end checks the other's certificate (QEMU's {@code verify-peer});
 *                   turning it off leaves the stream encrypted but unauthenticated
 * @param hostname the name the destination's certificate must carry ({@code tls-hostname}); empty:
 *                 the host of the migration URI (a UNIX-socket URI needs one)
 * @param keyPasswordFile a file, readable by both QEMUs, holding the password of the private keys
 * @param authorizedClients the client certificate distinguished names the destination accepts
 *                          ({@code tls-authz}); empty: any certificate the CA signed
 * @since 0.1
 */
public record TlsCredentials(Path sourceDirectory, Path destinationDirectory, boolean verifyPeer, Optional<String> hostname,
                             Optional<Path> keyPasswordFile, List<String> authorizedClients) {

    /** Checks the values; copies the list. */
    public TlsCredentials {
        Objects.requireNonNull(sourceDirectory, "sourceDirectory");
        Objects.requireNonNull(destinationDirectory, "destinationDirectory");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(keyPasswordFile, "keyPasswordFile");
        authorizedClients = List.copyOf(authorizedClients);
        if (hostname.isPresent() && hostname.get().isBlank()) {
            throw new IllegalArgumentException("the TLS host name is empty");
        }
    }

    /**
     * @param directory a directory with all five files, the same path on both hosts
     * @return credentials that verify the peer
     */
    public static TlsCredentials of(Path directory) {
        return new TlsCredentials(directory, directory, true, Optional.empty(), Optional.empty(), List.of());
    }

    /**
     * @param source the directory on the source's host
     * @param destination the directory on the destination's host
     * @return a copy with those directories
     */
    public TlsCredentials directories(Path source, Path destination) {
        return new TlsCredentials(source, destination, verifyPeer, hostname, keyPasswordFile, authorizedClients);
    }

    /**
     * @param name the name the destination's certificate carries
     * @return a copy that checks it
     */
    public TlsCredentials hostname(String name) {
        return new TlsCredentials(sourceDirectory, destinationDirectory, verifyPeer, Optional.of(name), keyPasswordFile, authorizedClients);
    }

    /**
     * @param file the file holding the private keys' password
     * @return a copy that uses it
     */
    public TlsCredentials keyPasswordFile(Path file) {
        return new TlsCredentials(sourceDirectory, destinationDirectory, verifyPeer, hostname, Optional.of(file), authorizedClients);
    }

    /**
     * @param distinguishedNames the client certificates the destination accepts, e.g. {@code CN=src,O=Example}
     * @return a copy with that list
     */
    public TlsCredentials authorize(String... distinguishedNames) {
        return new TlsCredentials(sourceDirectory, destinationDirectory, verifyPeer, hostname, keyPasswordFile,
                List.of(distinguishedNames));
    }

    /**
     * @param on whether the ends check each other's certificates
     * @return a copy with that setting
     */
    public TlsCredentials verifyPeer(boolean on) {
        return new TlsCredentials(sourceDirectory, destinationDirectory, on, hostname, keyPasswordFile, authorizedClients);
    }

    /**
     * Checks the credentials where this process can read them: the files exist and are
     * readable, each certificate is within its validity period and signed by the CA, the
     * server certificate carries {@code host}. A directory this process cannot see (on another
     * host) is not checked; QEMU's TLS handshake then reports what is wrong.
     *
     * @param host the name the server certificate must match (the {@link #hostname()} or the migration host)
     * @param bothLocal whether both QEMUs run on this host (then a missing directory is an error)
     * @return what is wrong, one sentence each; empty when nothing is
     */
    public List<String> check(String host, boolean bothLocal) {
        List<String> problems = new ArrayList<>();
        checkSide(problems, destinationDirectory, "server", host, bothLocal);
        checkSide(problems, sourceDirectory, "client", null, bothLocal);
        if (problems.isEmpty()) {
            // Each end must trust the CA that signed the other's certificate.
            crossCheck(problems, destinationDirectory, "server", sourceDirectory, "source");
            if (verifyPeer) {
                crossCheck(problems, sourceDirectory, "client", destinationDirectory, "destination");
            }
        }
        keyPasswordFile.ifPresent(f -> {
            if (bothLocal && !Files.isReadable(f)) {
                problems.add("the key password file " + f + " is missing or unreadable");
            }
        });
        return problems;
    }

    private void checkSide(List<String> problems, Path dir, String role, String host, boolean bothLocal) {
        if (!Files.isDirectory(dir)) {
            if (bothLocal) {
                problems.add("the TLS directory " + dir + " does not exist");
            }
            return;
        }
        boolean needCert = role.equals("server") || verifyPeer;
        List<String> missing = new ArrayList<>();
        for (String f : needCert ? List.of("ca-cert.pem", role + "-cert.pem", role + "-key.pem") : List.of("ca-cert.pem")) {
            if (!Files.isReadable(dir.resolve(f))) {
                missing.add(f);
            }
        }
        if (!missing.isEmpty()) {
            problems.add("TLS " + role + " credentials in " + dir + ": " + String.join(", ", missing) + " missing or unreadable"
                    + " (QEMU's layout: ca-cert.pem, " + role + "-cert.pem, " + role + "-key.pem)");
            return;
        }
        if (!needCert) {
            return;
        }
        try {
            List<X509Certificate> cas = read(dir.resolve("ca-cert.pem"));
            List<X509Certificate> certs = read(dir.resolve(role + "-cert.pem"));
            if (cas.isEmpty() || certs.isEmpty()) {
                problems.add("TLS " + role + " credentials in " + dir + ": no certificate in " + (cas.isEmpty() ? "ca-cert.pem" : role + "-cert.pem"));
                return;
            }
            X509Certificate cert = certs.get(0);
            String what = role + "-cert.pem in " + dir + " (" + cert.getSubjectX500Principal().getName() + ")";
            try {
                cert.checkValidity();
            } catch (CertificateExpiredException e) {
                problems.add(what + " expired on " + cert.getNotAfter().toInstant());
            } catch (CertificateNotYetValidException e) {
                problems.add(what + " is not valid before " + cert.getNotBefore().toInstant());
            }
            if (!signedByOneOf(cert, cas)) {
                problems.add(what + " is not signed by the CA in ca-cert.pem (" + cas.get(0).getSubjectX500Principal().getName() + ")");
            }
            for (X509Certificate ca : cas) {
                try {
                    ca.checkValidity();
                } catch (GeneralSecurityException e) {
                    problems.add("the CA certificate in " + dir + " (" + ca.getSubjectX500Principal().getName() + ") is not valid now");
                }
            }
            if (host != null && !matchesHost(cert, host)) {
                problems.add(what + " does not carry the host name '" + host + "' (its names: " + names(cert)
                        + "): set the TLS host name to one of them (TlsCredentials.hostname(…); CLI: --tls-hostname), or reissue the certificate");
            }
        } catch (IOException | GeneralSecurityException e) {
            problems.add("TLS " + role + " credentials in " + dir + " cannot be read: " + e.getMessage());
        }
    }

    private static void crossCheck(List<String> problems, Path certDir, String role, Path trustDir, String truster) {
        Path cert = certDir.resolve(role + "-cert.pem");
        Path ca = trustDir.resolve("ca-cert.pem");
        if (!Files.isReadable(cert) || !Files.isReadable(ca)) {
            return;
        }
        try {
            List<X509Certificate> certs = read(cert);
            if (!certs.isEmpty() && !signedByOneOf(certs.get(0), read(ca))) {
                problems.add(role + "-cert.pem in " + certDir + " (" + certs.get(0).getSubjectX500Principal().getName()
                        + ") is not signed by a CA the " + truster + " trusts (" + ca + "): the TLS handshake would fail");
            }
        } catch (IOException | GeneralSecurityException e) {
            problems.add("cannot read " + cert + " or " + ca + ": " + e.getMessage());
        }
    }

    private static List<X509Certificate> read(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends java.security.cert.Certificate> c = CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> l = new ArrayList<>();
            c.forEach(x -> l.add((X509Certificate) x));
            return l;
        }
    }

    private static boolean signedByOneOf(X509Certificate cert, List<X509Certificate> cas) {
        for (X509Certificate ca : cas) {
            try {
                cert.verify(ca.getPublicKey());
                return true;
            } catch (GeneralSecurityException e) {
                // not this one
            }
        }
        return false;
    }

    /** RFC 6125: the DNS or IP subject alternative names, else the CN; one leading wildcard label. */
    static boolean matchesHost(X509Certificate cert, String host) {
        String h = host.toLowerCase(Locale.ROOT);
        boolean ip = h.matches("[0-9.]+") || h.contains(":");
        List<String> dns = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    String v = String.valueOf(san.get(1)).toLowerCase(Locale.ROOT);
                    if (type == 7 && ip && sameAddress(v, h)) {
                        return true;
                    }
                    if (type == 2) {
                        dns.add(v);
                    }
                }
            }
        } catch (GeneralSecurityException e) {
            return false;
        }
        if (ip) {
            return false;
        }
        if (dns.isEmpty()) {
            String cn = cn(cert);
            if (cn != null) {
                dns.add(cn.toLowerCase(Locale.ROOT));
            }
        }
        for (String d : dns) {
            if (d.equals(h) || (d.startsWith("*.") && h.indexOf('.') > 0 && h.substring(h.indexOf('.')).equals(d.substring(1)))) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameAddress(String a, String b) {
        try {
            return InetAddress.getByName(a).equals(InetAddress.getByName(b));
        } catch (IOException e) {
            return a.equals(b);
        }
    }

    private static String cn(X509Certificate cert) {
        for (String part : cert.getSubjectX500Principal().getName().split(",")) {
            if (part.trim().startsWith("CN=")) {
                return part.trim().substring(3);
            }
        }
        return null;
    }

    private static String names(X509Certificate cert) {
        List<String> n = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                sans.forEach(s -> n.add(String.valueOf(s.get(1))));
            }
        } catch (GeneralSecurityException e) {
            // none
        }
        if (n.isEmpty() && cn(cert) != null) {
            n.add(cn(cert));
        }
        return n.isEmpty() ? "none" : String.join(", ", n);
    }
}
