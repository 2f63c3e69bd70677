package io.qmp4j.migration.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmp4j.core.command.QomObjects;
import io.qmp4j.core.qapi.Migrate;
import io.qmp4j.core.qapi.MigrateIncoming;
import io.qmp4j.core.qapi.MigrationCapabilityStatus;
import io.qmp4j.core.qapi.QueryMigrateCapabilities;
import io.qmp4j.migration.TlsCredentials;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The changes that prepare a migration, each journalled before it is made: on the destination
 * the capabilities, TLS objects and parameters that must match and the NBD server; on the source
 * the same plus its limits, and the mirrors; then the destination listens and the source starts.
 * The destination's {@code migrate-incoming} comes last, so that any failure before it leaves the
 * destination waiting exactly as it was.
 */
final class Setup {

    private final JobContext ctx;
    private final Qmp qmp;

    Setup(JobContext ctx) {
        this.ctx = ctx;
        this.qmp = ctx.qmp;
    }

    void destination() throws Failure {
        Settings s = ctx.settings;
        capabilities(Side.DESTINATION, s.destinationCapabilities());
        tlsObjects(Side.DESTINATION);
        parameters(Side.DESTINATION, s.destinationParameters());
        if (ctx.storage != null) {
            ctx.storage.prepareDestination(qmp.hasCommand(Side.DESTINATION, "block-export-add", true));
        }
    }

    void source() throws Failure {
        Settings s = ctx.settings;
        capabilities(Side.SOURCE, s.sourceCapabilities());
        tlsObjects(Side.SOURCE);
        parameters(Side.SOURCE, s.sourceParameters());
    }

    /** The destination listens; then the source connects. */
    void start() throws Failure {
        Boolean exitOnError = null;
        if (qmp.takesArgument(Side.DESTINATION, "migrate-incoming", "exit-on-error", false)) {
            // QEMU 9.1+: a failed incoming migration leaves the destination running, its reason readable.
            exitOnError = false;
            ctx.destinationStaysOnError = true;
        }
        ctx.incomingAttempted = true;
        qmp.call(Side.DESTINATION, new MigrateIncoming(ctx.plan.listenUri().uri(), null, exitOnError));
        ctx.incomingStarted = true;
        ctx.store.destinationFlags(ctx.sourceWasRunning, true);
        if (ctx.pinning != null) {
            ctx.pinning.pinVcpus();
        }
        qmp.call(Side.SOURCE, Migrate.builder().uri(ctx.plan.uri().uri()).build());
        ctx.migrateSent = true;
    }

    /** Sets the capabilities that differ from what the QEMU has; the journal keeps their old states. */
    private void capabilities(Side side, Map<String, Boolean> target) throws Failure {
        Map<String, Boolean> now = new LinkedHashMap<>();
        for (MigrationCapabilityStatus c : qmp.call(side, new QueryMigrateCapabilities())) {
            now.put(c.capability().value(), c.state());
        }
        ObjectNode set = JsonNodeFactory.instance.objectNode();
        ObjectNode old = JsonNodeFactory.instance.objectNode();
        ArrayNode setList = set.putArray("capabilities");
        ArrayNode oldList = old.putArray("capabilities");
        StringBuilder names = new StringBuilder();
        target.forEach((name, on) -> {
            Boolean was = now.get(name);
            if (was != null && !was.equals(on)) {
                setList.addObject().put("capability", name).put("state", on);
                oldList.addObject().put("capability", name).put("state", was);
                names.append(names.length() == 0 ? "" : ", ").append(name);
            }
        });
        if (!setList.isEmpty()) {
            ctx.journal.perform(Undo.capabilities(side, old, names.toString()),
                    () -> qmp.raw(side, "migrate-set-capabilities", set));
        }
    }

    /** Sets the parameters that differ from what the QEMU has; the journal keeps their old values. */
    private void parameters(Side side, ObjectNode target) throws Failure {
        if (target.isEmpty()) {
            return;
        }
        JsonNode now = qmp.raw(side, "query-migrate-parameters", null);
        ObjectNode set = JsonNodeFactory.instance.objectNode();
        ObjectNode old = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = target.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode was = now.get(e.getKey());
            if (was == null || !was.equals(e.getValue())) {
                set.set(e.getKey(), e.getValue());
                if (was != null) {
                    old.set(e.getKey(), was);
                }
            }
        }
        if (set.isEmpty()) {
            return;
        }
        if (old.isEmpty()) {
            qmp.raw(side, "migrate-set-parameters", set);
            return;
        }
        ctx.journal.perform(Undo.parameters(side, old), () -> qmp.raw(side, "migrate-set-parameters", set));
    }

    /** The TLS objects of one side: the key password's secret, the credentials, the destination's authz list. */
    private void tlsObjects(Side side) throws Failure {
        if (ctx.plan.tls().isEmpty()) {
            return;
        }
        TlsCredentials t = ctx.plan.tls().get();
        Names n = ctx.names;
        String secret = null;
        if (t.keyPasswordFile().isPresent()) {
            ctx.journal.perform(Undo.object(side, n.secret(), "TLS object"),
                    () -> qmp.call(side, QomObjects.secretFromFile(n.secret(), t.keyPasswordFile().get())));
            secret = n.secret();
        }
        boolean server = side == Side.DESTINATION;
        Path dir = server ? t.destinationDirectory() : t.sourceDirectory();
        String pw = secret;
        ctx.journal.perform(Undo.object(side, n.tls(), "TLS object"),
                () -> qmp.call(side, QomObjects.tlsCredsX509(n.tls(), dir, server ? "server" : "client", t.verifyPeer(), pw)));
        if (server && !t.authorizedClients().isEmpty()) {
            ctx.journal.perform(Undo.object(side, n.authz(), "TLS object"),
                    () -> qmp.call(side, QomObjects.authzList(n.authz(), t.authorizedClients())));
        }
    }
}
