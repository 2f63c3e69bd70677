package io.qmp4j.testkit.tls;

import io.qmp4j.testkit.qemu.HostTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Makes x509 certificates in QEMU's layout with {@code openssl} (Debian's {@code openssl}
 * package), on the spot: nothing that expires is committed. For tests and the demo; production
 * certificates come from the site's own CA.
 *
 * <pre>{@code
 * Certificates.Authority ca = Certificates.authority(dir.resolve("ca"), "qmp4j demo CA");
 * ca.issueAll(dir.resolve("tls"), List.of("localhost", "127.0.0.1"));   // ca-cert, server-*, client-*
 * }</pre>
 */
public final class Certificates {

    private static final DateTimeFormatter ASN1 = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

    private Certificates() {
    }

    /**
     * Creates a CA: {@code ca-key.pem} and {@code ca-cert.pem} in {@code dir}, valid for a day.
     *
     * @param dir where the CA lives (created)
     * @param name the CA's common name
     * @return the CA
     */
    public static Authority authority(Path dir, String name) {
        try {
            HostTools.ownerOnlyDirectory(dir);
            Files.writeString(dir.resolve("ca.cnf"), """
                    [ ca ]
                    default_ca = CA_default
                    [ CA_default ]
                    database = index.txt
                    new_certs_dir = .
                    serial = serial
                    default_md = sha256
                    policy = policy_any
                    unique_subject = no
                    [ policy_any ]
                    commonName = supplied
                    organizationName = optional
                    """);
            Files.writeString(dir.resolve("index.txt"), "");
            Files.writeString(dir.resolve("serial"), "01\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca-key.pem", "-out", "ca-cert.pem",
                "-subj", "/O=qmp4j test/CN=" + name, "-days", "1",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        HostTools.ownerOnly(dir.resolve("ca-key.pem"));
        return new Authority(dir);
    }

    /** A certificate authority made by {@link #authority}. */
    public record Authority(Path dir) {

        /** @return the CA certificate */
        public Path cert() {
            return dir.resolve("ca-cert.pem");
        }

        /**
         * Writes the full layout into {@code target}: {@code ca-cert.pem}, {@code server-cert.pem},
         * {@code server-key.pem}, {@code client-cert.pem}, {@code client-key.pem}, valid from an
         * hour ago for a day.
         *
         * @param target the credentials directory (created)
         * @param serverNames the server certificate's DNS names and IP addresses; the first is its CN
         * @return {@code target}
         */
        public Path issueAll(Path target, List<String> serverNames) {
            copyCa(target);
            issue(target, "server", serverNames, validFrom(), validTo(), Optional.empty());
            issue(target, "client", List.of("qmp4j-client"), validFrom(), validTo(), Optional.empty());
            return target;
        }

        /**
         * Copies {@code ca-cert.pem} into a credentials directory.
         *
         * @param target the credentials directory (created)
         */
        public void copyCa(Path target) {
            try {
                HostTools.ownerOnlyDirectory(target);
                Files.copy(cert(), target.resolve("ca-cert.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * Issues one certificate and key into a credentials directory.
         *
         * @param target the credentials directory (created)
         * @param role {@code server} or {@code client}: the file names and the extended key usage
         * @param names DNS names and IP addresses (subject alternative names); the first is the CN
         * @param notBefore start of validity
         * @param notAfter end of validity (in the past for an expired certificate)
         * @param keyPasswordFile when present, the key is encrypted (PKCS#8, AES-256) with the password in this file
         */
        public void issue(Path target, String role, List<String> names, Instant notBefore, Instant notAfter,
                          Optional<Path> keyPasswordFile) {
            HostTools.ownerOnlyDirectory(target);
            Path key = target.resolve(role + "-key.pem").toAbsolutePath();
            Path csr = dir.resolve(role + "-" + System.nanoTime() + ".csr").toAbsolutePath();
            Path ext = dir.resolve(role + ".ext").toAbsolutePath();
            List<String> gen = new ArrayList<>(List.of("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out",
                    key.toString()));
            keyPasswordFile.ifPresent(f -> gen.addAll(List.of("-aes-256-cbc", "-pass", "file:" + f.toAbsolutePath())));
            openssl(dir, gen.toArray(String[]::new));
            HostTools.ownerOnly(key);
            List<String> req = new ArrayList<>(List.of("req", "-new", "-key", key.toString(), "-subj",
                    "/O=qmp4j test/CN=" + names.get(0), "-out", csr.toString()));
            keyPasswordFile.ifPresent(f -> req.addAll(List.of("-passin", "file:" + f.toAbsolutePath())));
            openssl(dir, req.toArray(String[]::new));
            List<String> san = new ArrayList<>();
            for (String n : names) {
                san.add((n.matches("[0-9.]+") || n.contains(":") ? "IP:" : "DNS:") + n);
            }
            try {
                Files.writeString(ext, "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                        + "extendedKeyUsage=" + (role.equals("server") ? "serverAuth" : "clientAuth") + "\n"
                        + "subjectAltName=" + String.join(",", san) + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            openssl(dir, "ca", "-batch", "-config", "ca.cnf", "-cert", "ca-cert.pem", "-keyfile", "ca-key.pem", "-in", csr.toString(),
                    "-out", target.resolve(role + "-cert.pem").toAbsolutePath().toString(), "-startdate", ASN1.format(notBefore),
                    "-enddate", ASN1.format(notAfter), "-extfile", ext.toString(), "-notext");
        }
    }

    /** @return an hour ago */
    public static Instant validFrom() {
        return Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    }

    /** @return a day from now */
    public static Instant validTo() {
        return Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    }

    private static void openssl(Path dir, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        try {
            io.qmp4j.testkit.qemu.HostTools.Result r = io.qmp4j.testkit.qemu.HostTools.exec(java.time.Duration.ofSeconds(60), dir,
                    cmd.toArray(String[]::new));
            if (r.exit() != 0) {
                throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + r.output().strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run openssl (apt-get install openssl): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
