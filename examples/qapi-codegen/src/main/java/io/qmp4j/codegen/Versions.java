package io.qmp4j.codegen;

/** QEMU versions as dotted numbers. */
final class Versions {

    private Versions() {
    }

    /** Compares {@code 7.2} and {@code 10.0} as numbers, part by part. */
    static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int p = i < x.length ? Integer.parseInt(x[i]) : 0;
            int q = i < y.length ? Integer.parseInt(y[i]) : 0;
            if (p != q) {
                return Integer.compare(p, q);
            }
        }
        return 0;
    }
}
