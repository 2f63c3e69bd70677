package io.qmp4j.core.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * {@code object-add}: creates a QOM object, e.g. TLS credentials or a secret.
 *
 * @param qomType the object's type, e.g. {@code tls-creds-x509}
 * @param id the object's id
 * @param properties its properties, as QAPI names them
 * @since 0.1
 */
public record ObjectAdd(String qomType, String id, ObjectNode properties) implements QmpCommand<Void> {

    /** Checks the mandatory members and copies the properties. */
    public ObjectAdd {
        Objects.requireNonNull(qomType, "qomType");
        Objects.requireNonNull(id, "id");
        properties = properties == null ? JsonNodeFactory.instance.objectNode() : properties.deepCopy();
    }

    /**
     * x509 TLS credentials from a directory in QEMU's layout ({@code ca-cert.pem},
     * {@code server-cert.pem}/{@code server-key.pem}, {@code client-cert.pem}/{@code client-key.pem}).
     *
     * @param id the object's id
     * @param dir the directory
     * @param endpoint {@code server} (migration destination, NBD server) or {@code client}
     * @param verifyPeer whether to require and check the peer's certificate
     * @param passwordSecretId id of a {@code secret} holding the private key's password, or {@code null}
     * @return the command
     */
    public static ObjectAdd tlsCredsX509(String id, Path dir, String endpoint, boolean verifyPeer, String passwordSecretId) {
        ObjectNode p = JsonNodeFactory.instance.objectNode()
                .put("dir", dir.toString()).put("endpoint", endpoint).put("verify-peer", verifyPeer);
        if (passwordSecretId != null) {
            p.put("passwordid", passwordSecretId);
        }
        return new ObjectAdd("tls-creds-x509", id, p);
    }

    /**
     * A secret read by QEMU from a file, so that it appears on no command line and in no log.
     *
     * @param id the object's id
     * @param file the file holding the secret
     * @return the command
     */
    public static ObjectAdd secretFromFile(String id, Path file) {
        return new ObjectAdd("secret", id, JsonNodeFactory.instance.objectNode().put("file", file.toString()));
    }

    /**
     * A secret given inline in base64 (so that it is not printed as text in QMP traces).
     *
     * @param id the object's id
     * @param base64 the secret, base64-encoded
     * @return the command
     */
    public static ObjectAdd secretBase64(String id, String base64) {
        return new ObjectAdd("secret", id, JsonNodeFactory.instance.objectNode().put("data", base64).put("format", "base64"));
    }

    /**
     * An authorization list that allows exactly the given identities (x509 distinguished names)
     * and denies everything else: for {@code tls-authz}.
     *
     * @param id the object's id
     * @param identities the allowed client certificate names
     * @return the command
     */
    public static ObjectAdd authzList(String id, List<String> identities) {
        ObjectNode p = JsonNodeFactory.instance.objectNode().put("policy", "deny");
        ArrayNode rules = p.putArray("rules");
        for (String identity : identities) {
            rules.addObject().put("match", identity).put("policy", "allow").put("format", "exact");
        }
        return new ObjectAdd("authz-list", id, p);
    }

    @Override
    public Object arguments() {
        ObjectNode n = JsonNodeFactory.instance.objectNode().put("qom-type", qomType).put("id", id);
        n.setAll(properties);
        return n;
    }

    @Override
    public String commandName() {
        return "object-add";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
