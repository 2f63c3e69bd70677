package io.qmp4j.examples.samples;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.core.QmpResources;
import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationProgress;
import io.qmp4j.migration.MigrationResult;
import io.qmp4j.migration.MigrationUri;
import io.qmp4j.migration.Storage;

/**
 * Live-migrates a VM together with its disks (virsh {@code --copy-storage-all}). The destination
 * QEMU runs the same command line plus {@code -incoming defer}, its disks on empty images of the
 * same format and size ({@code qemu-img create -f qcow2 PATH SIZE}, or {@code ImageCreator}).
 *
 * <pre>java -cp qmp4j-examples-all.jar io.qmp4j.examples.samples.CopyStorageMigration unix:/run/src.qmp unix:/run/dst.qmp tcp:127.0.0.1:4444 [DISK…]</pre>
 */
public final class CopyStorageMigration {

    private CopyStorageMigration() {
    }

    public static void main(String[] args) throws Exception {
        // No disk named: every writable, unshared disk; else the named ones (device id, QOM path or node name).
        Storage.Copy storage = args.length > 3 ? Storage.copy(java.util.Arrays.copyOfRange(args, 3, args.length)) : Storage.copyAll();
        try (QmpResources io = QmpResources.create();
             QmpClient src = QmpClient.builder().endpoint(QmpEndpoint.parse(args[0])).resources(io).build();
             QmpClient dst = QmpClient.builder().endpoint(QmpEndpoint.parse(args[1])).resources(io).build()) {
            src.connect().join();
            dst.connect().join();
            MigrationResult r = Migration.builder().source(src).destination(dst)
                    .uri(new MigrationUri(args[2]))        // the NBD server listens on its port + 1
                    .storage(storage)
                    .progressListener(p -> {
                        if (p.phase() == MigrationProgress.Phase.STORAGE) {
                            System.out.printf("disks %.0f %% in sync%n", p.storagePercent());
                        }
                    })
                    .build().start().completion().join();
            r.disks().forEach(d -> System.out.println(d.disk() + ": " + (d.copiedBytes() >> 20) + " MiB copied in "
                    + d.elapsed().toMillis() + " ms"));
            System.out.println("migrated; RAM downtime " + r.downtime().toMillis() + " ms");
        }
    }
}
