package io.qmp4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.testkit.qemu.QemuProcess;
import io.qmp4j.testkit.tls.Certificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the launcher and the certificate maker leave on disk is their owner's only: whoever can
 * connect to a QMP socket owns the VM, and a private key is a credential. The modes are set
 * explicitly, so they do not depend on the umask (022 here, as on most hosts).
 */
@Timeout(60)
class PermissionsIT extends RealQemuCase {

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void theLaunchersDirectorySocketAndLogAreOwnerOnly() throws Exception {
        Path dir = qemus.dir().resolve("fresh").resolve("vm");
        QemuProcess vm = qemus.start(QemuProcess.builder().name("perm").workDir(dir).machine("none").memoryMiB(16));
        Path socket = ((QmpEndpoint.Unix) vm.qmp()).path();
        assertEquals("rwx------", mode(dir), "work directory");
        assertEquals("rwx------", mode(dir.getParent()), "the directories it created on the way");
        assertEquals("rw-------", mode(socket), "QMP socket");
        assertEquals("rw-------", mode(dir.resolve("perm.log")), "QEMU's output");
    }

    @Test
    void certificatesAndKeysAreOwnerOnly() throws Exception {
        Certificates.Authority ca = Certificates.authority(qemus.dir().resolve("new-ca"), "perm CA");
        Path tls = ca.issueAll(qemus.dir().resolve("new-tls"), List.of("localhost"));
        assertEquals("rwx------", mode(ca.dir()));
        assertEquals("rw-------", mode(ca.dir().resolve("ca-key.pem")));
        assertEquals("rwx------", mode(tls));
        for (String key : List.of("server-key.pem", "client-key.pem")) {
            assertEquals("rw-------", mode(tls.resolve(key)), key);
        }
    }
}
