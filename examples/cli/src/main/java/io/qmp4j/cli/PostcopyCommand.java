package io.qmp4j.cli;

import io.qmp4j.core.qapi.MigrateStartPostcopy;
import io.qmp4j.core.qapi.MigrationCapability;
import io.qmp4j.core.qapi.MigrationCapabilityStatus;
import io.qmp4j.core.qapi.MigrationStatus;
import io.qmp4j.core.qapi.QueryMigrate;
import io.qmp4j.core.qapi.QueryMigrateCapabilities;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** virsh {@code migrate-postcopy}: switch a running migration, started with {@code --postcopy}, to post-copy. */
@Command(name = "migrate-postcopy", mixinStandardHelpOptions = true,
        description = "Switch a running migration to post-copy (it must have been started with --postcopy). From then on the VM runs"
                + " on the destination and the migration cannot be cancelled.")
final class PostcopyCommand implements Callable<Integer> {

    @Mixin
    Common.Monitor monitor;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (Common.Session s = new Common.Session(monitor)) {
            MigrationStatus status = Common.get(s.client.execute(new QueryMigrate())).status();
            if (status != MigrationStatus.ACTIVE && status != MigrationStatus.SETUP) {
                return refuse("no pre-copy migration runs on " + monitor.qmp + " (its status is '" + status + "')");
            }
            List<MigrationCapabilityStatus> caps = Common.get(s.client.execute(new QueryMigrateCapabilities()));
            boolean enabled = caps.stream().anyMatch(c -> c.capability() == MigrationCapability.POSTCOPY_RAM && c.state());
            if (!enabled) {
                return refuse("post-copy is not enabled in this migration: start it with 'qmp4j migrate --postcopy'");
            }
            Common.get(s.client.execute(new MigrateStartPostcopy()));
            spec.commandLine().getOut().println("Switching to post-copy.");
            return 0;
        }
    }

    private int refuse(String why) {
        spec.commandLine().getErr().println("qmp4j migrate-postcopy: " + why);
        return Qmp4jCli.EXIT_FAILED;
    }
}
