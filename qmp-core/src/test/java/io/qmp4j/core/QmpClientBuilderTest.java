package io.qmp4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class QmpClientBuilderTest {

    @Test
    void endpointIsRequired() {
        assertTrue(assertThrows(IllegalStateException.class, () -> QmpClient.builder().build()).getMessage().contains("endpoint"));
    }

    @Test
    void invalidOptionsAreRefusedWithTheirName() {
        QmpClient.Builder b = QmpClient.builder();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.connectTimeout(Duration.ZERO)).getMessage().contains("connectTimeout"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.commandTimeout(Duration.ofSeconds(-1))).getMessage().contains("commandTimeout"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.inBandWindow(9)).getMessage().contains("1..8"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.maxFrameBytes(10)).getMessage().contains("maxFrameBytes"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.eventHistory(-1)).getMessage().contains("eventHistory"));
        assertThrows(NullPointerException.class, () -> b.endpoint(null));
    }

    @Test
    void newBuilderKeepsTheOptionsAndMakesAnIndependentClient() {
        try (QmpResources r = QmpResources.create()) {
            QmpClient a = QmpClient.builder().endpoint(QmpEndpoint.unix(Path.of("/x"))).resources(r).build();
            QmpClient b = a.newBuilder().build();
            assertEquals(a.endpoint(), b.endpoint());
            assertEquals(QmpState.IDLE, b.state());
            a.close();
            assertEquals(QmpState.CLOSED, a.state());
            assertEquals(QmpState.IDLE, b.state(), "closing one client does not touch the other");
        }
    }

    @Test
    void closedResourcesAreRefused() {
        QmpResources r = QmpResources.create();
        r.close();
        assertThrows(IllegalStateException.class,
                () -> QmpClient.builder().endpoint(QmpEndpoint.unix(Path.of("/x"))).resources(r).build());
    }
}
