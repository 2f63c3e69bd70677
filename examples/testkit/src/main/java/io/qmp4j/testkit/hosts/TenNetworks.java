package io.qmp4j.testkit.hosts;

import io.qmp4j.testkit.qemu.HostTools;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Which 10.N.0.0/16 a topology may take on this machine. */
final class TenNetworks {

    private static final Pattern TEN = Pattern.compile("\\b10\\.(\\d{1,3})\\.\\d{1,3}\\.\\d{1,3}(?:/(\\d{1,2}))?");

    private TenNetworks() {
    }

    /**
     * A second octet N such that no address of this machine, and no route narrower than a /15
     * (e.g. a CI runner's own 10.x network), is in 10.N.0.0/16: the management links' routes live
     * in the root namespace and must not shadow those. A broad route (10.0.0.0/8) loses only the
     * topology's /24s while it exists.
     */
    static int free(SecureRandom r) throws IOException {
        String used;
        try {
            used = HostTools.run("ip", "-4", "-o", "addr", "show") + HostTools.run("ip", "-4", "route", "show", "table", "all");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        Set<Integer> taken = taken(used);
        for (int attempt = 0; attempt < 500; attempt++) {
            int n = 100 + r.nextInt(150);
            if (!taken.contains(n)) {
                return n;
            }
        }
        throw new IOException("no free 10.N.0.0/16 for the hosts topology: 10.100-249 are all in use here");
    }

    /**
     * @param ipOutput what {@code ip -4 -o addr show} and {@code ip -4 route show table all} print
     * @return the second octets of every 10.x address, and of every 10.x route of /16 or narrower, in it
     */
    static Set<Integer> taken(String ipOutput) {
        Set<Integer> taken = new HashSet<>();
        Matcher m = TEN.matcher(ipOutput);
        while (m.find()) {
            int len = m.group(2) == null ? 32 : Integer.parseInt(m.group(2));
            if (len >= 16) {
                taken.add(Integer.parseInt(m.group(1)));
            }
        }
        return taken;
    }
}
