package io.qmp4j.migration.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.core.QmpResources;
import io.qmp4j.core.qapi.MultiFDCompression;
import io.qmp4j.migration.AutoConverge;
import io.qmp4j.migration.Compression;
import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationLimits.Origin;
import io.qmp4j.migration.MigrationUri;
import io.qmp4j.migration.Postcopy;
import io.qmp4j.migration.Storage;
import io.qmp4j.migration.TimeoutAction;
import io.qmp4j.migration.TlsCredentials;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The derivation of what goes to which QEMU: one row per option, against QEMU 7.2's real defaults. */
class SettingsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** QEMU 7.2's capabilities, all off, as query-migrate-capabilities reports them. */
    private static final List<String> CAPS_72 = List.of("xbzrle", "rdma-pin-all", "auto-converge", "zero-blocks", "compress", "events",
            "postcopy-ram", "x-colo", "release-ram", "block", "return-path", "pause-before-switchover", "multifd", "dirty-bitmaps",
            "postcopy-blocktime", "late-block-activate", "x-ignore-shared", "validate-uuid", "background-snapshot",
            "zero-copy-send", "postcopy-preempt");
    private static final String PARAMS_72 = "{\"cpu-throttle-tailslow\":false,\"xbzrle-cache-size\":67108864,\"cpu-throttle-initial\":20,"
            + "\"announce-max\":550,\"decompress-threads\":2,\"compress-threads\":8,\"compress-level\":1,\"multifd-channels\":2,"
            + "\"multifd-zstd-level\":1,\"announce-initial\":50,\"block-incremental\":false,\"compress-wait-thread\":true,"
            + "\"downtime-limit\":300,\"tls-authz\":\"\",\"multifd-compression\":\"none\",\"announce-rounds\":5,\"announce-step\":100,"
            + "\"tls-creds\":\"\",\"multifd-zlib-level\":1,\"max-cpu-throttle\":99,\"max-postcopy-bandwidth\":0,\"tls-hostname\":\"\","
            + "\"throttle-trigger-threshold\":50,\"max-bandwidth\":134217728,\"x-checkpoint-delay\":20000,\"cpu-throttle-increment\":10}";

    private QmpResources resources;
    private QmpClient a;
    private QmpClient b;
    private final Names names = new Names("0badcafe");

    @BeforeEach
    void clients() {
        resources = QmpResources.create();
        a = QmpClient.builder().endpoint(QmpEndpoint.unix(Path.of("/a"))).resources(resources).build();
        b = QmpClient.builder().endpoint(QmpEndpoint.unix(Path.of("/b"))).resources(resources).build();
    }

    @AfterEach
    void close() {
        resources.close();
    }

    /** One option, what it must set where (source parameters, destination parameters, capabilities on each side). */
    record Row(String option, UnaryOperator<Migration.Builder> apply, Map<String, Object> srcParams, Map<String, Object> dstParams,
               List<String> srcCaps, List<String> dstCaps) {
        @Override
        public String toString() {
            return option;
        }
    }

    static Stream<Arguments> rows() {
        long unlimited = Migration.UNLIMITED_BANDWIDTH;
        return Stream.of(
                new Row("nothing", b -> b, Map.of("max-bandwidth", unlimited), Map.of(), List.of("events"), List.of("events")),
                new Row("bandwidth", b -> b.bandwidthMiBps(512), Map.of("max-bandwidth", 512L << 20), Map.of(), List.of("events"),
                        List.of("events")),
                new Row("downtime", b -> b.maxDowntime(Duration.ofMillis(200)), Map.of("max-bandwidth", unlimited, "downtime-limit", 200),
                        Map.of(), List.of("events"), List.of("events")),
                new Row("multifd", b -> b.multifd(4), Map.of("multifd-channels", 4, "multifd-compression", "none"),
                        Map.of("multifd-channels", 4, "multifd-compression", "none"), List.of("events", "multifd"),
                        List.of("events", "multifd")),
                new Row("multifd zstd", b -> b.multifd(2).compression(Compression.multifd(MultiFDCompression.ZSTD, 3)),
                        Map.of("multifd-channels", 2, "multifd-compression", "zstd", "multifd-zstd-level", 3),
                        Map.of("multifd-channels", 2, "multifd-compression", "zstd"), List.of("events", "multifd"),
                        List.of("events", "multifd")),
                new Row("legacy compress", b -> b.compression(Compression.legacy(4, 6, 3)),
                        Map.of("compress-level", 4, "compress-threads", 6), Map.of("decompress-threads", 3), List.of("events", "compress"),
                        List.of("events", "compress")),
                new Row("auto-converge", b -> b.autoConverge(new AutoConverge(40, 15, 90, true)),
                        Map.of("cpu-throttle-initial", 40, "cpu-throttle-increment", 15, "max-cpu-throttle", 90, "cpu-throttle-tailslow", true),
                        Map.of(), List.of("events", "auto-converge"), List.of("events")),
                new Row("xbzrle", b -> b.xbzrle(32L << 20), Map.of("xbzrle-cache-size", 32L << 20), Map.of(),
                        List.of("events", "xbzrle"), List.of("events", "xbzrle")),
                new Row("post-copy timeout", b -> b.timeout(Duration.ofSeconds(5), TimeoutAction.POSTCOPY), Map.of(), Map.of(),
                        List.of("events", "postcopy-ram"), List.of("events", "postcopy-ram")),
                new Row("post-copy mode", b -> b.postcopy(Postcopy.afterPasses(1).withBandwidth(64L << 20)),
                        Map.of("max-postcopy-bandwidth", 64L << 20), Map.of(), List.of("events", "postcopy-ram"),
                        List.of("events", "postcopy-ram")),
                new Row("copy-storage", b -> b.storage(Storage.copyAll()), Map.of(), Map.of(), List.of("events", "pause-before-switchover"),
                        List.of("events", "late-block-activate")),
                new Row("tls", b -> b.tls(TlsCredentials.of(Path.of("/tls")).hostname("dst.example").authorize("CN=src")),
                        Map.of("tls-creds", "qmp4j-0badcafe-tls", "tls-hostname", "dst.example"),
                        Map.of("tls-creds", "qmp4j-0badcafe-tls", "tls-authz", "qmp4j-0badcafe-authz"), List.of("events"),
                        List.of("events"))).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void eachOptionGoesWhereQemuNeedsIt(Row row) throws Exception {
        Settings s = derive(row.apply(), caps(List.of()), JSON.readTree(PARAMS_72));
        for (Map.Entry<String, Object> e : row.srcParams().entrySet()) {
            assertEquals(JSON.valueToTree(e.getValue()).toString(), String.valueOf(s.sourceParameters().get(e.getKey())), "source " + e.getKey());
        }
        for (Map.Entry<String, Object> e : row.dstParams().entrySet()) {
            assertEquals(JSON.valueToTree(e.getValue()).toString(), String.valueOf(s.destinationParameters().get(e.getKey())),
                    "destination " + e.getKey());
        }
        assertFalse(s.destinationParameters().has("max-bandwidth"), "limits are the source's");
        assertEquals(on(s.sourceCapabilities()), row.srcCaps(), "source capabilities");
        assertEquals(on(s.destinationCapabilities()), row.dstCaps(), "destination capabilities");
        assertEquals(CAPS_72.size(), s.sourceCapabilities().size(), "the whole set is set");
        assertEquals(List.of(), s.problems());
    }

    @Test
    void whatAnEarlierClientLeftOnIsTurnedOff() throws Exception {
        Settings s = derive(b -> b, caps(List.of("postcopy-ram", "auto-converge", "x-ignore-shared")), JSON.readTree(PARAMS_72));
        assertEquals(Boolean.FALSE, s.sourceCapabilities().get("postcopy-ram"));
        assertEquals(Boolean.FALSE, s.sourceCapabilities().get("auto-converge"));
        assertEquals(Boolean.FALSE, s.destinationCapabilities().get("x-ignore-shared"));
    }

    @Test
    void limitsSetBeforehandHoldAndSayWhereTheyCameFrom() throws Exception {
        ObjectNode user = (ObjectNode) JSON.readTree(PARAMS_72);
        user.put("max-bandwidth", 500L << 20).put("downtime-limit", 500);
        Settings kept = derive(b -> b, caps(List.of()), user);
        assertFalse(kept.sourceParameters().has("max-bandwidth"), "the user's bandwidth is kept");
        assertFalse(kept.sourceParameters().has("downtime-limit"), "the user's downtime limit is kept");
        assertEquals(500L << 20, kept.limits().bandwidth());
        assertEquals(Origin.SOURCE_SETTING, kept.limits().bandwidthOrigin());
        assertEquals(500, kept.limits().downtimeLimitMillis());
        assertEquals(Origin.SOURCE_SETTING, kept.limits().downtimeOrigin());

        Settings lifted = derive(b -> b, caps(List.of()), JSON.readTree(PARAMS_72));
        assertEquals(Migration.UNLIMITED_BANDWIDTH, lifted.limits().bandwidth());
        assertEquals(Origin.DEFAULT_LIFTED, lifted.limits().bandwidthOrigin(), "QEMU's untouched 128 MiB/s is lifted");

        Settings asked = derive(b -> b.bandwidthMiBps(64).maxDowntime(Duration.ofMillis(100)), caps(List.of()), user);
        assertEquals(64L << 20, asked.limits().bandwidth());
        assertEquals(Origin.OPTION, asked.limits().bandwidthOrigin());
        assertEquals(Origin.OPTION, asked.limits().downtimeOrigin());
    }

    @Test
    void staleTlsCredentialsAreClearedWhenThisMigrationIsPlain() throws Exception {
        ObjectNode p = (ObjectNode) JSON.readTree(PARAMS_72);
        p.put("tls-creds", "someone-elses").put("tls-authz", "theirs");
        Settings s = derive(b -> b, caps(List.of()), p);
        assertEquals("", s.sourceParameters().path("tls-creds").asText("x"));
        assertEquals("", s.destinationParameters().path("tls-authz").asText("x"));
    }

    @Test
    void aCapabilityTheQemuLacksIsAProblemBeforeAnyChange() throws Exception {
        Map<String, Boolean> without = caps(List.of());
        without.remove("multifd");
        Settings s = Settings.derive(base().multifd(2).build(), names, without, without, JSON.readTree(PARAMS_72),
                JSON.readTree(PARAMS_72));
        assertTrue(s.problems().stream().anyMatch(x -> x.contains("'multifd'")), s.problems().toString());
    }

    private Migration.Builder base() {
        return Migration.builder().source(a).destination(b).uri(MigrationUri.tcp("127.0.0.1", 4444));
    }

    private Settings derive(UnaryOperator<Migration.Builder> opts, Map<String, Boolean> caps, JsonNode params) {
        return Settings.derive(opts.apply(base()).build(), names, caps, caps, params, params);
    }

    private static Map<String, Boolean> caps(List<String> on) {
        Map<String, Boolean> m = new LinkedHashMap<>();
        CAPS_72.forEach(c -> m.put(c, on.contains(c)));
        return m;
    }

    private static List<String> on(Map<String, Boolean> caps) {
        return caps.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).sorted((x, y) -> x.equals("events") ? -1
                : y.equals("events") ? 1 : x.compareTo(y)).toList();
    }
}
