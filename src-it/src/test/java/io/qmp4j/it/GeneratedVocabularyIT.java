package io.qmp4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpCommandException;
import io.qmp4j.core.QmpCommand;
import io.qmp4j.core.QmpJson;
import io.qmp4j.core.QmpUnsupportedException;
import io.qmp4j.core.VersionInfo;
import io.qmp4j.core.qapi.MigrationThreadInfo;
import io.qmp4j.core.qapi.QueryMigrationthreads;
import io.qmp4j.core.qapi.Qapi;
import io.qmp4j.core.qapi.QapiAlternate;
import io.qmp4j.core.qapi.QapiEncoder;
import io.qmp4j.core.qapi.QapiEnum;
import io.qmp4j.core.qapi.QapiIndex;
import io.qmp4j.core.qapi.QapiObject;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The generated vocabulary ({@code io.qmp4j.core.qapi}) against the connected QEMU's own schema:
 * every command and event it has is typed, and every {@code query-*} command that needs no
 * arguments decodes on a plain VM without loss.
 */
@Timeout(300)
class GeneratedVocabularyIT extends RealQemuCase {

    /** Numbers equal by value: QEMU's small integers parse as ints, the encoder writes longs. */
    private static final Comparator<JsonNode> NUMBERS = (a, b) -> a.equals(b) || a.isNumber() && b.isNumber()
            && a.decimalValue().compareTo(b.decimalValue()) == 0 ? 0 : 1;

    private QmpClient connect() throws Exception {
        // A balloon and a generation id: two more queries that have something to say.
        QmpClient c = client(qemus.start(qemus.qemu("vm").memoryMiB(128).args("-device", "virtio-balloon-pci", "-device", "vmgenid"))
                .qmp(), QmpClient.builder().name("vm"));
        c.connect().get(10, TimeUnit.SECONDS);
        return c;
    }

    private static String version(QmpClient c) {
        VersionInfo.Triple v = c.greeting().orElseThrow().version().qemu();
        return v.major() + "." + v.minor();
    }

    private static JsonNode schema(QmpClient c) throws Exception {
        return c.executeRaw("query-qmp-schema", null).get(20, TimeUnit.SECONDS);
    }

    @Test
    void everyCommandAndEventOfThisQemuIsGeneratedAndSaysItIsInThisVersion() throws Exception {
        QmpClient c = connect();
        String version = version(c);
        assertTrue(QapiIndex.versions().contains(version), "generated from " + QapiIndex.versions() + ", QEMU is " + version);
        Set<String> commands = new TreeSet<>();
        Set<String> events = new TreeSet<>();
        for (JsonNode e : schema(c)) {
            String meta = e.path("meta-type").asText();
            if (meta.equals("command")) {
                commands.add(e.get("name").asText());
            } else if (meta.equals("event")) {
                events.add(e.get("name").asText());
            }
        }
        List<String> missing = new ArrayList<>();
        for (String n : commands) {
            check(n, QapiIndex.commands().get(n), version, missing);
        }
        for (String n : events) {
            check(n, QapiIndex.events().get(n), version, missing);
        }
        System.out.printf("QEMU %s: %d commands and %d events, all generated and marked as in %s%n", version, commands.size(),
                events.size(), version);
        assertEquals(List.of(), missing);
        // And the other way: what the generated types say is in this version without a build condition, it has.
        List<String> absent = new ArrayList<>();
        unconditional(QapiIndex.commands(), version).stream().filter(n -> !commands.contains(n)).forEach(absent::add);
        unconditional(QapiIndex.events(), version).stream().filter(n -> !events.contains(n)).forEach(absent::add);
        assertEquals(List.of(), absent, "generated as in " + version + " (no condition) but not in its schema");
    }

    private static void check(String name, Class<?> type, String version, List<String> missing) {
        if (type == null) {
            missing.add(name + ": no generated type");
        } else if (!Arrays.asList(type.getAnnotation(Qapi.class).in()).contains(version)) {
            missing.add(name + ": " + type.getSimpleName() + " says it is in " + Arrays.toString(type.getAnnotation(Qapi.class).in()));
        }
    }

    private static List<String> unconditional(Map<String, ? extends Class<?>> types, String version) {
        List<String> out = new ArrayList<>();
        types.forEach((n, t) -> {
            Qapi q = t.getAnnotation(Qapi.class);
            if (Arrays.asList(q.in()).contains(version) && q.condition().isEmpty()) {
                out.add(n);
            }
        });
        return out;
    }

    @Test
    void everyQueryWithoutArgumentsDecodesWithoutLoss() throws Exception {
        QmpClient c = connect();
        JsonNode schema = schema(c);
        Map<String, JsonNode> byName = new HashMap<>();
        schema.forEach(e -> byName.put(e.get("name").asText(), e));
        List<String> decoded = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        List<String> lost = new ArrayList<>();
        for (JsonNode e : schema) {
            String name = e.get("name").asText();
            if (!e.path("meta-type").asText().equals("command") || !name.startsWith("query-") || needsArguments(byName.get(
                    e.get("arg-type").asText()))) {
                continue;
            }
            JsonNode reply;
            try {
                reply = c.executeRaw(name, null).get(20, TimeUnit.SECONDS);
            } catch (ExecutionException x) {
                if (x.getCause() instanceof QmpCommandException q) {
                    refused.add(name + " (" + q.errorClass() + ")");
                    continue;
                }
                throw x;
            }
            Object value = QmpJson.read(reply, instance(QapiIndex.commands().get(name)).resultType());
            JsonNode again = QapiEncoder.encode(value, false);
            if (!reply.equals(NUMBERS, again)) {
                lost.add(name + ": sent " + reply + ", re-encoded " + again);
            }
            List<String> unknown = new ArrayList<>();
            unknown(name, value, unknown);
            lost.addAll(unknown);
            decoded.add(name);
        }
        System.out.printf("QEMU %s: %d queries decoded and re-encoded as sent; %d refused on this VM: %s%n", version(c),
                decoded.size(), refused.size(), refused);
        assertEquals(List.of(), lost);
        assertTrue(decoded.size() > 40, "queries decoded: " + decoded);
    }

    @Test
    void aCommandOnlyInANewerQemuIsRefusedBeforeItIsSentOnAnOlderOne() throws Exception {
        QmpClient c = connect();
        CompletableFuture<List<MigrationThreadInfo>> threads = c.execute(new QueryMigrationthreads());
        if (version(c).equals("7.2")) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> threads.get(20, TimeUnit.SECONDS));
            QmpUnsupportedException u = assertInstanceOf(QmpUnsupportedException.class, e.getCause());
            System.out.println("QEMU 7.2, query-migrationthreads (generated from 10.0's schema): " + u.getMessage());
            assertTrue(u.getMessage().contains("query-migrationthreads"), u.getMessage());
        } else {
            assertEquals(List.of(), threads.get(20, TimeUnit.SECONDS), "no migration, no migration threads");
        }
    }

    private static boolean needsArguments(JsonNode argType) {
        for (JsonNode m : argType.path("members")) {
            if (!m.has("default")) {
                return true; // a member without "default" is mandatory (introspection)
            }
        }
        return false;
    }

    /** A command's record with every member absent: to ask it its result type. */
    private static QmpCommand<?> instance(Class<? extends QmpCommand<?>> type) throws Exception {
        RecordComponent[] rc = type.getRecordComponents();
        Constructor<?> k = type.getDeclaredConstructor(Arrays.stream(rc).map(RecordComponent::getType).toArray(Class[]::new));
        return (QmpCommand<?>) k.newInstance(new Object[rc.length]);
    }

    /** Members or enum values anywhere in {@code value} that the generated types did not know. */
    private static void unknown(String path, Object value, List<String> out) throws Exception {
        if (value instanceof QapiObject o) {
            if (!o.extra().isEmpty()) {
                out.add(path + ": members not generated " + o.extra().keySet());
            }
            for (RecordComponent rc : o.getClass().getRecordComponents()) {
                if (!rc.getName().equals("extra")) {
                    unknown(path + "." + rc.getName(), rc.getAccessor().invoke(o), out);
                }
            }
        } else if (value instanceof QapiAlternate a) {
            for (RecordComponent rc : a.getClass().getRecordComponents()) {
                Object v = rc.getAccessor().invoke(a);
                if (rc.getName().equals("other") && v != null) {
                    out.add(path + ": an alternative not generated " + v);
                } else {
                    unknown(path, v, out);
                }
            }
        } else if (value instanceof QapiEnum e && !e.isKnown()) {
            out.add(path + ": enum value not generated '" + e.value() + "'");
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                unknown(path + "[" + i + "]", list.get(i), out);
            }
        }
    }
}
