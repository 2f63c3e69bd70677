package io.qmp4j.core.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.qmp4j.core.QmpCommand;
import io.qmp4j.core.internal.Json;
import io.qmp4j.core.qapi.MigrationCapability;
import io.qmp4j.core.qapi.MigrationParameters;
import io.qmp4j.core.qapi.SocketAddress;
import io.qmp4j.core.qapi.SocketAddressType;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The companions build the generated commands with what QEMU receives, and nothing else. */
class CompanionsTest {

    private static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text.replace('\'', '"'));
    }

    /** As QEMU reads it (numbers compared by value, not by the node type that holds them). */
    private static JsonNode sent(QmpCommand<?> command) throws Exception {
        return Json.MAPPER.readTree(Json.arguments(command).toString());
    }

    @Test
    void blockNodesAreTheFlatBlockdevAddArguments() throws Exception {
        assertEquals(json("{'driver':'nbd','node-name':'n0','server':{'type':'inet','host':'10.0.0.2','port':'10809'},"
                + "'export':'vda','tls-creds':'tls0'}"), sent(BlockNodes.nbd("n0", Sockets.inet("10.0.0.2", 10809), "vda", "tls0")));
        assertEquals(json("{'driver':'file','node-name':'f0','filename':'/d.img'}"), sent(BlockNodes.file("f0", "/d.img")));
        assertEquals(json("{'driver':'qcow2','node-name':'q0','file':'f0'}"), sent(BlockNodes.qcow2("q0", "f0")));
        assertEquals(json("{'driver':'raw','node-name':'r0','file':'f0'}"), sent(BlockNodes.raw("r0", "f0")));
        assertEquals(json("{'type':'nbd','id':'e0','node-name':'q0','writable':true,'name':'vda'}"),
                sent(BlockNodes.nbdExport("e0", "q0", "vda", true)));
        assertEquals(BlockNodes.file("f0", "/d.img"), BlockNodes.file("f0", "/d.img"), "plain values");
        assertThrows(NullPointerException.class, () -> BlockNodes.qcow2(null, "f0"));
    }

    @Test
    void socketsHaveAFlatAndALegacyForm() throws Exception {
        SocketAddress unix = Sockets.unix("/run/nbd.sock");
        assertEquals(SocketAddressType.UNIX, unix.type());
        assertEquals(json("{'type':'unix','data':{'path':'/run/nbd.sock'}}"), Json.MAPPER.valueToTree(Sockets.legacy(unix)));
        assertEquals(json("{'type':'inet','data':{'host':'h','port':'1'}}"),
                Json.MAPPER.valueToTree(Sockets.legacy(Sockets.inet("h", 1))));
        assertThrows(IllegalArgumentException.class, () -> Sockets.legacy(SocketAddress.fromJson(json("{'type':'fd','str':'3'}"))));
    }

    @Test
    void qomObjectsCarryTheirPropertiesFlat() throws Exception {
        assertEquals(json("{'qom-type':'tls-creds-x509','id':'tls0','verify-peer':true,'dir':'/pki','endpoint':'client'}"),
                sent(QomObjects.tlsCredsX509("tls0", Path.of("/pki"), "client", true, null)));
        assertEquals(json("{'qom-type':'secret','id':'s0','format':'base64','data':'eA=='}"), sent(QomObjects.secretBase64("s0", "eA==")));
        assertEquals(json("{'qom-type':'secret','id':'s1','file':'/k'}"), sent(QomObjects.secretFromFile("s1", Path.of("/k"))));
        assertEquals(json("{'qom-type':'authz-list','id':'a0','policy':'deny','rules':[{'match':'CN=b','policy':'allow','format':'exact'}]}"),
                sent(QomObjects.authzList("a0", List.of("CN=b"))));
    }

    @Test
    void migrationHelpers() throws Exception {
        assertEquals(64L << 20, Migrations.mebibytesPerSecond(64));
        assertEquals(125_000_000L, Migrations.megabitsPerSecond(1000));
        assertThrows(ArithmeticException.class, () -> Migrations.mebibytesPerSecond(Long.MAX_VALUE));
        Map<MigrationCapability, Boolean> caps = new LinkedHashMap<>();
        caps.put(MigrationCapability.MULTIFD, true);
        caps.put(MigrationCapability.XBZRLE, false);
        assertEquals(json("{'capabilities':[{'capability':'multifd','state':true},{'capability':'xbzrle','state':false}]}"),
                sent(Migrations.capabilities(caps)));
        MigrationParameters read = MigrationParameters.fromJson(json("{'tls-creds':'','max-bandwidth':5,'compress-method':'zstd'}"));
        assertEquals(json("{'tls-creds':'','max-bandwidth':5,'compress-method':'zstd'}"), sent(Migrations.set(read)),
                "what was read is set back, members this library does not know included");
    }

    @Test
    void yanks() throws Exception {
        assertEquals(json("{'instances':[{'type':'migration'},{'type':'block-node','node-name':'n0'},{'type':'chardev','id':'c0'}]}"),
                sent(Yanks.of(Yanks.migration(), Yanks.blockNode("n0"), Yanks.chardev("c0"))));
    }
}
