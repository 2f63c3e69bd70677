package io.qmp4j.examples.samples;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.core.QmpResources;
import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationResult;
import io.qmp4j.migration.MigrationUri;
import io.qmp4j.migration.Storage;
import java.time.Duration;

/**
 * Live-migrates a VM whose disks both hosts see (NFS, Ceph, one host). The destination QEMU runs
 * the same command line plus {@code -incoming defer}.
 *
 * <pre>java -cp qmp4j-examples-all.jar io.qmp4j.examples.samples.SharedStorageMigration unix:/run/src.qmp unix:/run/dst.qmp tcp:127.0.0.1:4444</pre>
 */
public final class SharedStorageMigration {

    private SharedStorageMigration() {
    }

    public static void main(String[] args) throws Exception {
        // Two clients sharing one set of I/O threads.
        try (QmpResources io = QmpResources.create();
             QmpClient src = QmpClient.builder().endpoint(QmpEndpoint.parse(args[0])).resources(io).build();
             QmpClient dst = QmpClient.builder().endpoint(QmpEndpoint.parse(args[1])).resources(io).build()) {
            src.connect().join();
            dst.connect().join();
            MigrationResult r = Migration.builder().source(src).destination(dst)
                    .uri(new MigrationUri(args[2]))
                    .storage(Storage.shared())
                    .maxDowntime(Duration.ofMillis(300))
                    .progressListener(p -> System.out.printf("%s %.0f %%%n", p.phase(), p.percent()))
                    .build()            // checks the options; no I/O yet
                    .start()            // pre-flight checks, then the migration, on a thread of its own
                    .completion().join();   // fails with MigrationException (what was rolled back) or PreflightException
            System.out.println("migrated in " + r.totalTime().toMillis() + " ms, downtime " + r.downtime().toMillis() + " ms");
        }
    }
}
