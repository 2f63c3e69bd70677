package io.qmp4j.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader on a small schema written in QAPI's own syntax, with every construct the real ones use. */
class QapiReaderTest {

    @TempDir
    Path dir;

    private Model.Schema read(String main, String included) throws IOException {
        Path qapi = Files.createDirectories(dir.resolve("qapi"));
        Files.writeString(qapi.resolve("qapi-schema.json"), main);
        Files.writeString(qapi.resolve("sub.json"), included);
        return QapiReader.read(qapi, "9.9", "a test", "v9.9.0");
    }

    @Test
    void readsEveryKindWithItsFactsAndNoDocumentation() throws Exception {
        Model.Schema s = read("""
                # -*- Mode: Python -*-
                { 'pragma': { 'doc-required': true } }
                { 'include': 'sub.json' }
                { 'include': 'sub.json' }
                ##
                # @Base:
                #
                # Text that is not kept.
                #
                # Since: 2.5
                ##
                { 'struct': 'Base', 'data': { 'id': 'str', '*count': 'size' } }
                { 'struct': 'Thing', 'base': 'Base',
                  'data': { '*opts': { 'type': ['Color'], 'if': { 'all': [ 'CONFIG_A', 'CONFIG_B' ] },
                                       'features': [ 'deprecated' ] } },
                  'if': 'CONFIG_THING' }
                { 'union': 'Shape', 'base': { 'kind': 'Color', '*name': 'str' }, 'discriminator': 'kind',
                  'data': { 'red': 'Thing', 'blue': { 'type': 'Base', 'if': 'CONFIG_BLUE' } } }
                { 'alternate': 'ThingOrName', 'data': { 'thing': 'Thing', 'name': 'str' } }
                ##
                # @make-thing:
                #
                # Since: 8.2
                ##
                { 'command': 'make-thing', 'data': { 'id': 'str' }, 'returns': [ 'Thing' ], 'allow-oob': true,
                  'features': [ 'unstable' ] }
                { 'command': 'add-shape', 'data': 'Shape', 'boxed': true }
                { 'event': 'THING_MADE', 'data': 'Base' }
                """, """
                { 'enum': 'Color', 'prefix': 'COL', 'data': [ 'red', { 'name': 'blue', 'if': 'CONFIG_BLUE' } ] }
                """);
        assertEquals(List.of("Color", "Base", "Thing", "Shape", "ThingOrName", "make-thing", "add-shape", "THING_MADE"),
                s.definitions().stream().map(Model.Definition::name).toList(), "an include is read once, where it first is");
        Model.Enum color = assertInstanceOf(Model.Enum.class, s.definitions().get(0));
        assertEquals("COL", color.prefix());
        assertEquals("CONFIG_BLUE", color.values().get(1).condition());
        Model.Struct base = assertInstanceOf(Model.Struct.class, s.definitions().get(1));
        assertEquals("2.5", base.since());
        assertEquals("qapi/qapi-schema.json:12", base.at());
        assertTrue(base.members().get(1).optional());
        assertEquals(new Model.TypeRef("size", false), base.members().get(1).type());
        Model.Struct thing = assertInstanceOf(Model.Struct.class, s.definitions().get(2));
        assertEquals("Base", thing.base());
        assertEquals("CONFIG_THING", thing.condition());
        Model.Member opts = thing.members().get(0);
        assertEquals(new Model.TypeRef("Color", true), opts.type());
        assertEquals("all(CONFIG_A, CONFIG_B)", opts.condition());
        assertEquals(List.of("deprecated"), opts.features());
        assertNull(thing.since(), "no doc block, no since");
        Model.Union shape = assertInstanceOf(Model.Union.class, s.definitions().get(3));
        assertEquals("kind", shape.discriminator());
        assertEquals(List.of("kind", "name"), shape.baseMembers().stream().map(Model.Member::name).toList());
        assertEquals("CONFIG_BLUE", shape.branches().get(1).condition());
        Model.Command make = assertInstanceOf(Model.Command.class, s.definitions().get(5));
        assertEquals("8.2", make.since());
        assertEquals(new Model.TypeRef("Thing", true), make.returns());
        assertTrue(make.allowOob());
        assertEquals(List.of("unstable"), make.features());
        Model.Command add = assertInstanceOf(Model.Command.class, s.definitions().get(6));
        assertTrue(add.boxed());
        assertEquals("Shape", add.data());
        assertFalse(ModelFiles.text(s).contains("not kept"));
    }

    @Test
    void theModelReadsBackAsWritten() throws Exception {
        Model.Schema s = read("{ 'include': 'sub.json' }\n{ 'command': 'c', 'data': { '*a': 'E' } }\n",
                "{ 'enum': 'E', 'data': [ 'x' ] }\n");
        Path f = dir.resolve("model.json");
        ModelFiles.write(s, f);
        assertEquals(s, ModelFiles.read(f));
    }

    @Test
    void anExpressionOfNoKnownKindIsRefusedNamingWhere() throws Exception {
        IOException e = assertThrows(IOException.class, () -> read("{ 'include': 'sub.json' }\n", "{ 'strukt': 'X' }\n"));
        assertTrue(e.getMessage().contains("qapi/sub.json:1"), e.getMessage());
    }
}
