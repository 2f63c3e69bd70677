package io.qmp4j.examples;

import io.qmp4j.core.Greeting;
import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpResources;
import io.qmp4j.core.command.Cont;
import io.qmp4j.core.command.QueryStatus;
import io.qmp4j.core.command.QueryVersion;
import io.qmp4j.core.command.Quit;
import io.qmp4j.core.command.StatusInfo;
import io.qmp4j.core.command.Stop;
import io.qmp4j.core.event.EventSubscription;
import io.qmp4j.core.event.QmpEvent;
import io.qmp4j.examples.qemu.QemuProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The README's main job, until the migration demo lands: starts a local QEMU, connects over
 * QMP, prints its version and status, drives it through stop / cont / quit and prints the
 * events each step produces.
 */
public final class Demo {

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("qmp4j-demo");
        try (QemuProcess qemu = QemuProcess.builder().name("demo").workDir(work).start();
             QmpResources resources = QmpResources.create();
             QmpClient qmp = QmpClient.builder().endpoint(qemu.qmp()).resources(resources).build()) {
            System.out.println("started " + qemu + " with QMP at " + qemu.qmp());
            EventSubscription events = qmp.events().subscription().names(Set.of()).open();
            Greeting greeting = qmp.connect().get(10, TimeUnit.SECONDS);
            System.out.println("greeting: QEMU " + greeting.version() + ", capabilities " + greeting.capabilities()
                    + ", oob " + (qmp.isOobEnabled() ? "on" : "off"));
            System.out.println("query-version: " + qmp.execute(new QueryVersion()).get(5, TimeUnit.SECONDS));
            print("query-status", qmp.execute(new QueryStatus()).get(5, TimeUnit.SECONDS));

            System.out.println("cont ...");
            qmp.executeAndAwait(new Cont(), e -> e.is("RESUME"), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
            print("query-status", qmp.execute(new QueryStatus()).get(5, TimeUnit.SECONDS));
            System.out.println("stop ...");
            qmp.executeAndAwait(new Stop(), e -> e.is("STOP"), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
            print("query-status", qmp.execute(new QueryStatus()).get(5, TimeUnit.SECONDS));
            System.out.println("quit ...");
            qmp.execute(new Quit()).get(5, TimeUnit.SECONDS);
            qmp.whenClosed().get(5, TimeUnit.SECONDS);
            System.out.println("QEMU exited: " + qemu.awaitExit(Duration.ofSeconds(5)));

            System.out.println("events seen:");
            QmpEvent e;
            while ((e = events.poll().orElse(null)) != null) {
                System.out.println("  " + e.timestamp() + "  " + e.name() + " " + e.data());
            }
        }
    }

    private static void print(String what, StatusInfo status) {
        System.out.println(what + ": " + status.status() + (status.running() ? " (running)" : " (paused)"));
    }
}
