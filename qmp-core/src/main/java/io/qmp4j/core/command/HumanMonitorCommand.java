package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * {@code human-monitor-command}: runs an HMP command and returns its output text.
 *
 * @param commandLine the HMP command, e.g. {@code "xp /4wx 0x5000"}
 * @since 0.1
 */
public record HumanMonitorCommand(@JsonProperty("command-line") String commandLine) implements QmpCommand<String> {
    /** @param commandLine must not be {@code null} */
    public HumanMonitorCommand {
        Objects.requireNonNull(commandLine, "commandLine");
    }

    @Override
    public String commandName() {
        return "human-monitor-command";
    }

    @Override
    public Type resultType() {
        return String.class;
    }
}
