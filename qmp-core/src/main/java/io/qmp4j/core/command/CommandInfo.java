package io.qmp4j.core.command;

/**
 * An element of the reply to {@code query-commands}.
 *
 * @param name the command's name
 * @since 0.1
 */
public record CommandInfo(String name) {
}
