package io.qmp4j.testkit.hosts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class TenNetworksTest {

    @Test
    void theMachinesOwnTenNetworksAreAvoidedButABroadRouteIsNot() {
        String ip = """
                2: eth0    inet 10.150.3.7/24 brd 10.150.3.255 scope global eth0
                default via 10.150.3.1 dev eth0
                10.0.0.0/8 via 10.150.3.1 dev eth0
                10.201.0.0/16 via 10.150.3.1 dev eth0
                10.77.4.0/24 dev docker0 proto kernel scope link src 10.77.4.1
                192.0.2.0/24 dev eth1 proto kernel scope link src 192.0.2.2
                local 110.5.1.1 dev lo table local
                """;
        assertEquals(Set.of(150, 201, 77), TenNetworks.taken(ip));
    }
}
