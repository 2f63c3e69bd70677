package io.qmp4j.migration;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmp4j.core.QmpClient;
import io.qmp4j.core.command.BlockNodes;
import io.qmp4j.core.qapi.BlockdevCreate;
import io.qmp4j.core.qapi.BlockdevCreateOptions;
import io.qmp4j.core.qapi.BlockdevDel;
import io.qmp4j.core.qapi.JobDismiss;
import io.qmp4j.core.qapi.JobInfo;
import io.qmp4j.core.qapi.JobStatus;
import io.qmp4j.core.qapi.QueryJobs;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Creates disk images through QMP, on the host of the QEMU it talks to: no ssh, no
 * {@code qemu-img} there. A copy-storage migration needs, on the destination host, an image of
 * the source's format and virtual size for each copied disk before the destination QEMU starts
 * (its command line opens them); any QEMU already running on that host can make them, e.g. one
 * started with {@code -machine none -nodefaults}:
 *
 * <pre>{@code
 * for (Disk d : Disk.of(source.execute(new QueryBlock()).join())) {
 *     ImageCreator.createLike(helper, d, d.file()).join();   // the same path on the destination host
 * }
 * }</pre>
 *
 * It runs {@code blockdev-create} of a {@code file} (the empty file), {@code blockdev-add} of a
 * {@code file} node on it, {@code blockdev-create} of the format on that node, and
 * {@code blockdev-del}; each job is waited for and dismissed. An existing file is truncated, as
 * {@code qemu-img create} does.
 *
 * @since 0.1
 */
public final class ImageCreator {

    private static final AtomicLong IDS = new AtomicLong();
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(2);

    private ImageCreator() {
    }

    /**
     * Creates an image of a disk's format and virtual size.
     *
     * @param client a QEMU on the host where the image is made
     * @param like the disk to match (as {@link Disk#of} lists the source's disks)
     * @param path the new image's path on that host
     * @return completes when the image exists
     */
    public static CompletableFuture<Void> createLike(QmpClient client, Disk like, String path) {
        return create(client, path, like.format(), like.virtualSize());
    }

    /**
     * Creates an empty image.
     *
     * @param client a QEMU on the host where the image is made
     * @param path the image's path on that host
     * @param format {@code qcow2} or {@code raw}
     * @param virtualSize the size the guest will see, bytes (a multiple of 512)
     * @return completes when the image exists; fails with the QMP error of the step that failed
     */
    public static CompletableFuture<Void> create(QmpClient client, String path, String format, long virtualSize) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(format, "format");
        if (!format.equals("qcow2") && !format.equals("raw")) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("cannot create a '" + format
                    + "' image; qcow2 and raw are supported"));
        }
        if (virtualSize <= 0 || virtualSize % 512 != 0) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("image size " + virtualSize
                    + " is not a positive multiple of 512"));
        }
        long n = IDS.incrementAndGet();
        String node = "qmp4j-create-" + n;
        ObjectNode file = JsonNodeFactory.instance.objectNode().put("driver", "file").put("filename", path)
                .put("size", format.equals("raw") ? virtualSize : 0);
        CompletableFuture<Void> created = job(client, node + "-file", file);
        if (format.equals("raw")) {
            return created;
        }
        return created
                .thenCompose(v -> client.execute(BlockNodes.file(node, path)))
                .thenCompose(v -> job(client, node + "-fmt", JsonNodeFactory.instance.objectNode().put("driver", format)
                        .put("file", node).put("size", virtualSize))
                        .handle((ok, err) -> err)
                        .thenCompose(err -> client.execute(new BlockdevDel(node))
                                .thenCompose(d -> err == null ? CompletableFuture.<Void>completedFuture(null)
                                        : CompletableFuture.failedFuture(err))));
    }

    /** Runs a blockdev-create job to its end and dismisses it. */
    private static CompletableFuture<Void> job(QmpClient client, String id, ObjectNode options) {
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        return client.execute(new BlockdevCreate(id, BlockdevCreateOptions.fromJson(options))).thenCompose(v -> awaitJob(client, id, deadline));
    }

    private static CompletableFuture<Void> awaitJob(QmpClient client, String id, long deadline) {
        return client.execute(new QueryJobs()).thenCompose(jobs -> {
            JobInfo job = jobs.stream().filter(j -> j.id().equals(id)).findFirst().orElse(null);
            if (job == null) {
                return CompletableFuture.failedFuture(new IllegalStateException("job " + id + " vanished"));
            }
            if (job.status() == JobStatus.CONCLUDED) {
                return client.execute(new JobDismiss(id)).thenCompose(v -> job.error() == null
                        ? CompletableFuture.<Void>completedFuture(null)
                        : CompletableFuture.failedFuture(new IllegalStateException("creating the image failed: " + job.error())));
            }
            if (System.nanoTime() > deadline) {
                return CompletableFuture.failedFuture(new IllegalStateException("job " + id + " did not end within " + JOB_TIMEOUT));
            }
            Executor later = CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS);
            return CompletableFuture.supplyAsync(() -> null, later).thenCompose(x -> awaitJob(client, id, deadline));
        });
    }
}
