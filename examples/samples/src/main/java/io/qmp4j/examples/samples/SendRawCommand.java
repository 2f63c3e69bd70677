package io.qmp4j.examples.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpCommand;
import io.qmp4j.core.QmpCommandException;
import io.qmp4j.core.QmpEndpoint;

/**
 * Sends a command the typed vocabulary does not cover, by name and JSON arguments.
 *
 * <pre>java -cp qmp4j-examples-all.jar io.qmp4j.examples.samples.SendRawCommand unix:/run/vm.qmp qom-list '{"path":"/machine"}'</pre>
 */
public final class SendRawCommand {

    private SendRawCommand() {
    }

    public static void main(String[] args) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode arguments = args.length > 2 ? (ObjectNode) json.readTree(args[2]) : null;
        try (QmpClient qmp = QmpClient.builder().endpoint(QmpEndpoint.parse(args[0])).build()) {
            qmp.connect().join();
            try {
                JsonNode reply = qmp.execute(QmpCommand.raw(args[1], arguments)).join();
                System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(reply));
            } catch (java.util.concurrent.CompletionException e) {
                // QEMU's error keeps its class: CommandNotFound, GenericError, DeviceNotFound, ...
                if (e.getCause() instanceof QmpCommandException q) {
                    System.out.println("QEMU refused " + args[1] + ": " + q.errorClass() + ": " + q.getMessage());
                } else {
                    throw e;
                }
            }
        }
    }
}
