package io.qmp4j.examples.samples;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.core.QmpResources;
import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationResult;
import io.qmp4j.migration.MigrationUri;
import io.qmp4j.migration.TlsCredentials;
import java.nio.file.Path;

/**
 * Live-migrates a VM over TLS, on two channels. The credentials directory holds QEMU's layout
 * ({@code ca-cert.pem}, {@code server-cert.pem}, {@code server-key.pem}, {@code client-cert.pem},
 * {@code client-key.pem}); the host of the URI must be among the server certificate's names.
 *
 * <pre>java -cp qmp4j-examples-all.jar io.qmp4j.examples.samples.TlsMigration unix:/run/src.qmp unix:/run/dst.qmp tcp:127.0.0.1:4444 /etc/pki/qemu</pre>
 */
public final class TlsMigration {

    private TlsMigration() {
    }

    public static void main(String[] args) throws Exception {
        try (QmpResources io = QmpResources.create();
             QmpClient src = QmpClient.builder().endpoint(QmpEndpoint.parse(args[0])).resources(io).build();
             QmpClient dst = QmpClient.builder().endpoint(QmpEndpoint.parse(args[1])).resources(io).build()) {
            src.connect().join();
            dst.connect().join();
            MigrationResult r = Migration.builder().source(src).destination(dst)
                    .uri(new MigrationUri(args[2]))
                    .tls(TlsCredentials.of(Path.of(args[3])))   // checked before anything changes: files, chain, expiry, name
                    .multifd(2)                                // each channel does its own TLS handshake
                    .build().start().completion().join();
            System.out.println("migrated encrypted in " + r.totalTime().toMillis() + " ms, " + (r.transferredBytes() >> 20) + " MiB");
        }
    }
}
