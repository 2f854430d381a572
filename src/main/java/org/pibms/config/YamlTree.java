package org.pibms.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pibms.config.ConfigNode.Entry;
import org.pibms.config.ConfigNode.Mapping;
import org.pibms.config.ConfigNode.Position;
import org.pibms.config.ConfigNode.Scalar;
import org.pibms.config.ConfigNode.Sequence;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Turns YAML text into a {@link ConfigNode} tree with positions, using Jackson's YAML parser.
 *
 * <p>Jackson's data binding stops at the first error and forgets positions once values are
 * bound; reading tokens into our own tree lets the binder report every problem of a file at
 * once, each at its line and column. Anchors and aliases, duplicate keys and multiple documents
 * are refused: in a safety configuration each value is written once, where it applies.
 */
final class YamlTree {

    /** A YAML problem at a position. */
    static final class SyntaxError extends Exception {
        private final Position position;

        SyntaxError(Position position, String message) {
            super(message);
            this.position = position;
        }

        Position position() {
            return position;
        }
    }

    private static final YAMLFactory FACTORY = new YAMLFactory();

    private final JsonParser parser;

    private YamlTree(JsonParser parser) {
        this.parser = parser;
    }

    /** The document's root, or null for an empty document. */
    static ConfigNode parse(String text) throws SyntaxError {
        try (JsonParser parser = FACTORY.createParser(text)) {
            YamlTree tree = new YamlTree(parser);
            JsonToken first = parser.nextToken();
            if (first == null) {
                return null;
            }
            ConfigNode root = tree.node(first);
            JsonToken extra = parser.nextToken();
            if (extra != null) {
                throw new SyntaxError(tree.position(), "the file holds more than one YAML document (a second '---')");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw syntaxError(e);
        } catch (IOException e) {
            throw new SyntaxError(Position.START, "cannot parse: " + e.getMessage());
        }
    }

    private ConfigNode node(JsonToken token) throws IOException, SyntaxError {
        Position position = position();
        if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
            throw new SyntaxError(position, "aliases (*" + parser.getText()
                    + ") are not supported: write the value out where it applies");
        }
        switch (token) {
            case START_OBJECT:
                return mapping(position);
            case START_ARRAY:
                return sequence(position);
            case VALUE_STRING:
                return new Scalar(position, Scalar.Kind.TEXT, parser.getText());
            case VALUE_NUMBER_INT:
                return new Scalar(position, Scalar.Kind.INTEGER, parser.getText());
            case VALUE_NUMBER_FLOAT:
                return new Scalar(position, Scalar.Kind.DECIMAL, parser.getText());
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new Scalar(position, Scalar.Kind.BOOLEAN, parser.getText());
            case VALUE_NULL:
                return new Scalar(position, Scalar.Kind.EMPTY, "");
            default:
                throw new SyntaxError(position, "unexpected " + token);
        }
    }

    private Mapping mapping(Position position) throws IOException, SyntaxError {
        Map<String, Entry> entries = new LinkedHashMap<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_OBJECT) {
            if (token != JsonToken.FIELD_NAME) {
                throw new SyntaxError(position(), "expected a key, found " + token);
            }
            String key = parser.currentName();
            Position keyPosition = position();
            ConfigNode value = node(parser.nextToken());
            Entry earlier = entries.putIfAbsent(key, new Entry(keyPosition, value));
            if (earlier != null) {
                throw new SyntaxError(keyPosition, "duplicate key '" + key + "' (first at line "
                        + earlier.keyPosition().line() + ")");
            }
        }
        return new Mapping(position, entries);
    }

    private Sequence sequence(Position position) throws IOException, SyntaxError {
        List<ConfigNode> items = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            items.add(node(token));
        }
        return new Sequence(position, items);
    }

    private Position position() {
        JsonLocation location = parser.currentTokenLocation();
        return new Position(Math.max(1, location.getLineNr()), Math.max(1, location.getColumnNr()));
    }

    /**
     * SnakeYAML knows where the problem is (its "problem mark"); Jackson's own location is where
     * its parser stood, which can be a line earlier.
     */
    private static SyntaxError syntaxError(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
            Position position = new Position(marked.getProblemMark().getLine() + 1,
                    marked.getProblemMark().getColumn() + 1);
            String context = marked.getContext();
            String problem = marked.getProblem();
            return new SyntaxError(position, "YAML syntax: " + (context != null ? context + "; " : "") + problem);
        }
        JsonLocation location = e.getLocation();
        Position position = location == null ? Position.START
                : new Position(Math.max(1, location.getLineNr()), Math.max(1, location.getColumnNr()));
        return new SyntaxError(position, "YAML syntax: " + e.getOriginalMessage().lines().findFirst().orElse("?"));
    }
}
