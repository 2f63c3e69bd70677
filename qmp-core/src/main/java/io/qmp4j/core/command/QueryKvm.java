package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;

/**
 * {@code query-kvm}: whether KVM is present and enabled.
 *
 * @since 0.1
 */
public record QueryKvm() implements QmpCommand<KvmInfo> {
    @Override
    public String commandName() {
        return "query-kvm";
    }

    @Override
    public Type resultType() {
        return KvmInfo.class;
    }
}
