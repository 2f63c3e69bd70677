package io.qmp4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qmp4j.testkit.qemu.HostTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A user's Maven project outside this reactor (src/test/resources/consumer): it imports the BOM,
 * takes qmp4j-core, qmp4j-migration and qmp4j-testkit without versions, and runs its own test
 * against the test kit's fake QEMU, built offline from the artifacts this build installed.
 */
@Timeout(300)
class ConsumerProjectIT {

    @Test
    void aProjectOutsideTheReactorBuildsAndItsTestPasses() throws Exception {
        Path from = Path.of(ConsumerProjectIT.class.getResource("/consumer").toURI());
        Path base = Path.of(System.getProperty("qmp4j.it.workdir", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(base);
        Path project = Files.createTempDirectory(base, "consumer");
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path to = project.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        String version = System.getProperty("qmp4j.it.version", "0.1.0-SNAPSHOT");
        String repo = System.getProperty("qmp4j.it.repository", System.getProperty("user.home") + "/.m2/repository");
        HostTools.Result r = HostTools.exec(Duration.ofMinutes(4), project, "mvn", "-o", "-B", "-ntp", "verify",
                "-Dqmp4j.version=" + version, "-Dmaven.repo.local=" + repo);
        String out = r.output();
        System.out.println(out.lines().filter(l -> l.contains("Tests run:") || l.contains("BUILD")).reduce((a, b) -> a + "\n" + b).orElse(out));
        assertEquals(0, r.exit(), "the consumer project builds offline against the installed artifacts:\n" + out);
        assertEquals(true, out.contains("Tests run: 1, Failures: 0, Errors: 0, Skipped: 0"), "its test ran and passed:\n" + out);
    }
}
