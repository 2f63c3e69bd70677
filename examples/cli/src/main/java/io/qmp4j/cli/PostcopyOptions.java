package io.qmp4j.cli;

import io.qmp4j.migration.Postcopy;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/** virsh's post-copy options of {@code migrate}, and how long to wait for a broken link. */
final class PostcopyOptions {

    @Option(names = "--postcopy", description = "enable post-copy: switch with 'qmp4j migrate-postcopy' (or a policy below)")
    boolean postcopy;

    @Option(names = "--postcopy-after-precopy", description = "switch to post-copy after the first full pre-copy pass")
    boolean afterPrecopy;

    @Option(names = "--postcopy-bandwidth", paramLabel = "MiB/s", description = "bandwidth limit in post-copy (0: unlimited;"
            + " default: the source's own)")
    Long bandwidth;

    @Option(names = "--postcopy-wait", paramLabel = "SECONDS", description = "how long to wait for a link that broke in post-copy"
            + " before giving up, the VM paused on both hosts (default 120)")
    Long linkWait;

    @Option(names = "--postcopy-resume", description = "resume a post-copy migration that a broken link left paused"
            + " (same --source, --dest and --uri as the migration)")
    boolean resume;

    /** @return the post-copy mode asked for, if any */
    Optional<Postcopy> postcopy() {
        if (!postcopy && !afterPrecopy) {
            if (bandwidth != null || linkWait != null && !resume) {
                throw new IllegalArgumentException("--postcopy-bandwidth/--postcopy-wait need --postcopy or --postcopy-after-precopy");
            }
            return Optional.empty();
        }
        Postcopy p = afterPrecopy ? Postcopy.afterPasses(1) : Postcopy.onDemand();
        if (bandwidth != null) {
            p = p.withBandwidth(bandwidth << 20);
        }
        return Optional.of(p.withLinkWait(linkWait()));
    }

    /** @return how long to wait for a broken link */
    Duration linkWait() {
        return linkWait == null ? Postcopy.DEFAULT_LINK_WAIT : Duration.ofSeconds(linkWait);
    }
}
