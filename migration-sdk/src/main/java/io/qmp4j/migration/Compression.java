package io.qmp4j.migration;

import io.qmp4j.core.qapi.MultiFDCompression;
import java.util.Objects;

/**
 * How the migration stream is compressed.
 *
 * @since 0.1
 */
public sealed interface Compression permits Compression.Legacy, Compression.Multifd {

    /**
     * The {@code compress} capability (QEMU up to 9.0): zlib by compression threads. Slow on few
     * cores; cannot be combined with multifd.
     *
     * @param level zlib level 0-9
     * @param threads compression threads on the source
     * @param decompressThreads decompression threads on the destination
     * @return the compression
     */
    static Compression legacy(int level, int threads, int decompressThreads) {
        return new Legacy(level, threads, decompressThreads, null, null);
    }

    /**
     * Compression of multifd channels (needs {@code multifd}).
     *
     * @param method {@code ZLIB} or {@code ZSTD}
     * @param level zlib 0-9 or zstd 0-20
     * @return the compression
     */
    static Compression multifd(MultiFDCompression method, int level) {
        return new Multifd(method, level);
    }

    /**
     * The legacy {@code compress} capability.
     *
     * @param level zlib level 0-9
     * @param threads compression threads (source)
     * @param decompressThreads decompression threads (destination)
     * @param waitThread wait for a free thread instead of sending uncompressed, or {@code null}
     * @param method openEuler's {@code compress-method} ({@code zlib}/{@code zstd}) on QEMUs that have it, or {@code null}
     */
    record Legacy(int level, int threads, int decompressThreads, Boolean waitThread, String method) implements Compression {
        /** Checks the ranges. */
        public Legacy {
            if (level < 0 || level > 9) {
                throw new IllegalArgumentException("compress level " + level + " is not in 0..9");
            }
            if (threads < 1 || threads > 255 || decompressThreads < 1 || decompressThreads > 255) {
                throw new IllegalArgumentException("compress threads must be in 1..255");
            }
        }

        /**
         * @param wait wait for a free compression thread
         * @return a copy with that setting
         */
        public Legacy withWaitThread(boolean wait) {
            return new Legacy(level, threads, decompressThreads, wait, method);
        }

        /**
         * @param m {@code zlib} or {@code zstd}; only QEMUs with openEuler's extension take it
         * @return a copy with that method
         */
        public Legacy withMethod(String m) {
            return new Legacy(level, threads, decompressThreads, waitThread, Objects.requireNonNull(m, "method"));
        }
    }

    /**
     * Multifd channel compression.
     *
     * @param method the method
     * @param level its level
     */
    record Multifd(MultiFDCompression method, int level) implements Compression {
        /** Checks the method and level. */
        public Multifd {
            Objects.requireNonNull(method, "method");
            if (!method.equals(MultiFDCompression.ZLIB) && !method.equals(MultiFDCompression.ZSTD)) {
                throw new IllegalArgumentException("multifd compression must be ZLIB or ZSTD");
            }
            int max = method.equals(MultiFDCompression.ZLIB) ? 9 : 20;
            if (level < 0 || level > max) {
                throw new IllegalArgumentException(method + " level " + level + " is not in 0.." + max);
            }
        }
    }
}
