package io.qmp4j.migration.internal;

import io.qmp4j.core.command.MigrationInfo;
import io.qmp4j.core.command.QueryMigrate;

/** QEMU's reason for a failed migration, with what qmp4j can add to it. */
final class Diagnosis {

    private final JobContext ctx;

    Diagnosis(JobContext ctx) {
        this.ctx = ctx;
    }

    String errorDesc() {
        try {
            MigrationInfo i = ctx.qmp.call(Side.SOURCE, new QueryMigrate());
            String desc = i.errorDesc() != null ? i.errorDesc() : "(no reason given)";
            if (ctx.plan.tls().isPresent() && desc.contains("TLS channel")) {
                // What the source sees when the destination drops the handshake says nothing of why.
                desc += " (the destination refused the TLS handshake: it does not trust the source's client certificate,"
                        + " or tls-authz does not allow it; check the destination's ca-cert.pem)";
            }
            return desc;
        } catch (Failure e) {
            return "(" + e.getMessage() + ")";
        }
    }
}
