package io.qmp4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.core.QmpException;
import io.qmp4j.core.QmpResources;
import io.qmp4j.core.QmpTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Option;

/** Options and helpers every subcommand shares. */
final class Common {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);

    private Common() {
    }

    /** Where libvirt keeps QEMU's x509 credentials. */
    static final String DEFAULT_TLS_DIR = "/etc/pki/qemu";

    /**
     * @param text unix:PATH, tcp:HOST:PORT or tls:HOST:PORT
     * @param tlsDir the credentials of a tls: endpoint
     * @return the endpoint
     */
    static QmpEndpoint endpoint(String text, String tlsDir) {
        if (text.startsWith("tls:")) {
            QmpEndpoint.Tcp t = (QmpEndpoint.Tcp) QmpEndpoint.parse("tcp:" + text.substring("tls:".length()));
            return QmpEndpoint.tls(t.host(), t.port(), QmpTls.fromDirectory(Path.of(tlsDir)));
        }
        return QmpEndpoint.parse(text);
    }

    /** Options of commands that talk to one monitor. */
    static class Monitor {
        @Option(names = "--qmp", required = true, paramLabel = "EP",
                description = "the QMP monitor: unix:PATH, tcp:HOST:PORT, or tls:HOST:PORT (QEMU's chardev with tls-creds)")
        String qmp;

        @Option(names = "--qmp-tls-dir", paramLabel = "DIR", defaultValue = DEFAULT_TLS_DIR,
                description = "for tls: monitors, the CA and client certificate in QEMU's layout (default: ${DEFAULT-VALUE})")
        String qmpTlsDir;

        @Option(names = "--verbose", description = "print stack traces of errors")
        boolean verbose;

        @Option(names = "--connect-timeout", paramLabel = "SECONDS", defaultValue = "10", description = "default: ${DEFAULT-VALUE}")
        int connectTimeout;
    }

    /**
     * @return resources for one run: each QEMU build's schema is kept in the user's cache
     *         ({@code ${XDG_CACHE_HOME:-~/.cache}/qmp4j/schemas}, owner-only), so that a run
     *         does not fetch it again; {@code QMP4J_SCHEMA_CACHE=0} turns that off
     */
    static QmpResources resources() {
        QmpResources.Builder b = QmpResources.builder();
        if (!"0".equals(System.getenv("QMP4J_SCHEMA_CACHE"))) {
            String xdg = System.getenv("XDG_CACHE_HOME");
            Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
            b.schemaDirectory(cache.resolve("qmp4j").resolve("schemas"));
        }
        return b.build();
    }

    /** Connects to a monitor: resources and client close together. */
    static final class Session implements AutoCloseable {
        final QmpResources resources;
        final QmpClient client;
        private final boolean ownResources;

        Session(Monitor m) throws Exception {
            this(m.qmp, m.connectTimeout, m.qmpTlsDir);
        }

        Session(String endpoint, int connectTimeoutSeconds, String tlsDir) throws Exception {
            this(endpoint, connectTimeoutSeconds, tlsDir, null);
        }

        /** @param shared resources the caller owns and closes (many sessions at once), or {@code null}: its own */
        Session(String endpoint, int connectTimeoutSeconds, String tlsDir, QmpResources shared) throws Exception {
            ownResources = shared == null;
            resources = ownResources ? resources() : shared;
            QmpEndpoint ep;
            try {
                ep = endpoint(endpoint, tlsDir);
            } catch (IllegalArgumentException e) {
                if (ownResources) {
                    resources.close();
                }
                throw e;
            }
            client = QmpClient.builder().endpoint(ep).resources(resources)
                    .connectTimeout(Duration.ofSeconds(connectTimeoutSeconds)).build();
            try {
                get(client.connect());
            } catch (Exception e) {
                close();
                throw e;
            }
        }

        @Override
        public void close() {
            client.close();
            if (ownResources) {
                resources.close();
            }
        }
    }

    static <T> T get(Future<T> f) throws Exception {
        try {
            return f.get(120, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }

    /**
     * @return whether standard output is a terminal: {@code System.console()} alone is not enough,
     *         since JDK 22 returns a console even when output is redirected ({@code isTerminal()} tells)
     */
    static boolean isTerminal() {
        java.io.Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 17-21: a console exists only for a terminal
        }
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static String describe(Throwable t) {
        if (t instanceof QmpException) {
            return t.getMessage();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
