package io.qmp4j.core;

import io.qmp4j.core.event.QmpEvent;

/**
 * The outcome of {@link QmpClient#executeAndAwait}: a command's result and the first event
 * that matched after it was sent.
 *
 * @param reply the command's result ({@code null} for commands without one)
 * @param event the matching event
 * @param <R> the result type
 * @since 0.1
 */
public record ReplyAndEvent<R>(R reply, QmpEvent event) {
}
