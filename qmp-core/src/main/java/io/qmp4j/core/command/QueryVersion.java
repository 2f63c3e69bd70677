package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import io.qmp4j.core.VersionInfo;
import java.lang.reflect.Type;

/**
 * {@code query-version}: the QEMU version.
 *
 * @since 0.1
 */
public record QueryVersion() implements QmpCommand<VersionInfo> {
    @Override
    public String commandName() {
        return "query-version";
    }

    @Override
    public Type resultType() {
        return VersionInfo.class;
    }
}
