package io.qmp4j.migration;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * CPU isolation during a migration, as the openEuler guide advises for multi-channel TLS
 * migrations: QEMU's migration threads pinned to one CPU set and the VM's vCPU threads to
 * another for the migration's duration, so that the migration's CPU cost does not land on the
 * guest's CPUs; each thread's affinity is restored after, also on failure (through the job's
 * journal). It needs qmp4j on the source host (the source's monitor a UNIX socket) and
 * {@code taskset} (util-linux). The migration threads are found with {@code query-migrationthreads}
 * where QEMU has it (10.0 does), otherwise by their names, which QEMU gives its threads only when
 * started with {@code -name NAME,debug-threads=on} (7.2); without either the pre-flight check
 * refuses, saying so.
 *
 * @param migrationCpus the CPUs for QEMU's migration threads, in {@code taskset}'s list format
 *                      ({@code "2,3"}, {@code "2-5"}); empty: not pinned
 * @param vcpuCpus the CPUs for the VM's vCPU threads; empty: not pinned
 * @since 0.2
 */
public record CpuIsolation(Optional<String> migrationCpus, Optional<String> vcpuCpus) {

    private static final Pattern LIST = Pattern.compile("\\d+(-\\d+)?(,\\d+(-\\d+)?)*");

    /** Checks the lists. */
    public CpuIsolation {
        Objects.requireNonNull(migrationCpus, "migrationCpus");
        Objects.requireNonNull(vcpuCpus, "vcpuCpus");
        migrationCpus.ifPresent(l -> check("migration", l));
        vcpuCpus.ifPresent(l -> check("vCPU", l));
        if (migrationCpus.isEmpty() && vcpuCpus.isEmpty()) {
            throw new IllegalArgumentException("CPU isolation with neither a migration nor a vCPU CPU list");
        }
    }

    /**
     * @param migrationCpus the migration threads' CPUs ({@code "1"}, {@code "2-3"}), or {@code null}
     * @param vcpuCpus the vCPU threads' CPUs, or {@code null}
     * @return the isolation
     */
    public static CpuIsolation of(String migrationCpus, String vcpuCpus) {
        return new CpuIsolation(Optional.ofNullable(migrationCpus), Optional.ofNullable(vcpuCpus));
    }

    private static void check(String what, String list) {
        if (!LIST.matcher(list).matches()) {
            throw new IllegalArgumentException("the " + what + " CPU list '" + list + "' is not a list of CPUs such as 0,2 or 2-5");
        }
    }
}
