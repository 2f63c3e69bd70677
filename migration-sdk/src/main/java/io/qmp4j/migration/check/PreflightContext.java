package io.qmp4j.migration.check;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpCommand;
import io.qmp4j.migration.MigrationUri;
import io.qmp4j.migration.Storage;
import io.qmp4j.migration.TlsCredentials;
import java.util.Optional;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What a check may look at: both QEMUs and the planned storage mode.
 *
 * @param source the source's client
 * @param destination the destination's client
 * @param storage the planned storage mode
 * @param uri where the migration stream goes
 * @param tls the TLS credentials, when the migration is encrypted
 * @param timeout the deadline of each query
 * @since 0.1
 */
public record PreflightContext(QmpClient source, QmpClient destination, Storage storage, MigrationUri uri,
                               Optional<TlsCredentials> tls, Duration timeout) {

    /**
     * Runs a query and waits for it.
     *
     * @param client which QEMU
     * @param command the query
     * @param <R> its result type
     * @return the result
     * @throws Exception what the query failed with
     */
    public <R> R query(QmpClient client, QmpCommand<R> command) throws Exception {
        try {
            return client.execute(command, timeout).get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        } catch (TimeoutException e) {
            throw new IllegalStateException(command.commandName() + " did not answer within " + timeout, e);
        }
    }
}
