package org.pibms.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pibms.core.ControlCommand.ChangeProtection;
import org.pibms.core.ControlCommand.SetProtection;
import org.pibms.core.FaultId;
import org.pibms.core.settings.ConfigListing;
import org.pibms.core.settings.ProtectionRules;
import org.pibms.core.settings.ProtectionSettings;

/**
 * The settings page's data: every setting in force, and which of them change at run time (the
 * protection table, as {@code pibms set} changes it). A change is checked here first so that
 * each refused value gets its reason next to its field; the control loop checks it again when
 * it applies it, against the table in force at that moment.
 */
final class SettingsView {

    static final String PROTECTION = "protection.";
    static final String SECRET_SET = "********";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** The units protection keys end with: {@code trip_mV}, {@code delay_ms}, {@code retry_s}, … */
    private static final Set<String> UNITS = Set.of("mV", "A", "C", "pct", "ticks", "errors", "ms", "s");

    private final ConfigListing listing;
    private final ProtectionSettings.Pack pack;
    private final Map<String, ConfigListing.Entry> byKey = new LinkedHashMap<>();

    SettingsView(ConfigListing listing, ProtectionSettings.Pack pack) {
        this.listing = listing;
        this.pack = pack;
        listing.entries().forEach(entry -> byKey.put(entry.key(), entry));
    }

    /** The change checked: either errors per key, or the command that makes it. */
    record Plan(Map<String, String> errors, ChangeProtection command) {
    }

    /**
     * {@code {"settings":[{"key","value","source","editable"[,"config_value","type"[,"unit"][,"choices"]]}, …]}},
     * in config order.
     */
    ObjectNode write(ProtectionSettings inForce) {
        ObjectNode json = NODES.objectNode();
        ArrayNode settings = json.putArray("settings");
        for (ConfigListing.Entry entry : listing.entries()) {
            ObjectNode item = settings.addObject();
            item.put("key", entry.key());
            boolean editable = isEditable(entry.key());
            if (entry.secret()) {
                item.put("value", entry.value() == null ? null : SECRET_SET);
            } else {
                item.set("value", value(editable ? ProtectionRules.value(inForce, protectionKey(entry.key()))
                        : entry.value()));
            }
            item.put("source", entry.fromFile() ? "file" : "default");
            item.put("editable", editable);
            if (editable) {
                item.set("config_value", value(entry.value()));
                describe(item, protectionKey(entry.key()), ProtectionRules.value(inForce, protectionKey(entry.key())));
            }
        }
        return json;
    }

    /**
     * Checks a change, {@code {"protection.cell_overvoltage.trip_mV": 3600, …}}: every key must be
     * a run-time setting, every value of its type, and the table they make must pass the rules
     * the config file must pass.
     *
     * @param inForce the protection table the change starts from
     */
    Plan plan(JsonNode body, ProtectionSettings inForce) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (body == null || !body.isObject() || body.isEmpty()) {
            errors.put("", "expected an object of setting keys and their new values, e.g."
                    + " {\"protection.cell_overvoltage.trip_mV\": 3600}");
            return new Plan(errors, null);
        }
        List<SetProtection> changes = new ArrayList<>();
        ProtectionSettings next = inForce;
        Iterator<Map.Entry<String, JsonNode>> fields = body.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = field.getKey();
            if (!byKey.containsKey(key)) {
                errors.put(key, "no such setting");
                continue;
            }
            if (!isEditable(key)) {
                errors.put(key, "changes only in the config file, and takes effect when pibms restarts");
                continue;
            }
            Object current = ProtectionRules.value(inForce, protectionKey(key));
            String text = text(field.getValue(), current);
            if (text == null) {
                errors.put(key, current instanceof Boolean ? "expected true or false"
                        : current instanceof String ? "expected one of the words the config takes"
                        : "expected a number");
                continue;
            }
            try {
                next = ProtectionRules.apply(next, protectionKey(key), text);
                changes.add(new SetProtection(protectionKey(key), text));
            } catch (IllegalArgumentException e) {
                errors.put(key, e.getMessage());
            }
        }
        if (errors.isEmpty()) {
            for (ProtectionRules.Problem problem : ProtectionRules.check(next, pack)) {
                errors.merge(PROTECTION + problem.fault().id() + "." + problem.key(), problem.message(),
                        (a, b) -> a + "; " + b);
            }
        }
        return errors.isEmpty() ? new Plan(Map.of(), new ChangeProtection(changes)) : new Plan(errors, null);
    }

    /**
     * What the page needs to draw a field that takes only what the daemon accepts: {@code type}
     * ({@code integer}, {@code number}, {@code boolean} or {@code choice}), the {@code unit} at
     * the end of the key if it has one, and a choice's {@code choices}.
     */
    private static void describe(ObjectNode item, String protectionKey, Object value) {
        String field = protectionKey.substring(protectionKey.indexOf('.') + 1);
        if (value instanceof Boolean) {
            item.put("type", "boolean");
        } else if (value instanceof Integer) {
            item.put("type", "integer");
        } else if (value instanceof Number) {
            item.put("type", "number");
        } else {
            item.put("type", "choice");
            ArrayNode choices = item.putArray("choices");
            FaultId id = FaultId.fromId(protectionKey.substring(0, protectionKey.indexOf('.'))).orElseThrow();
            ProtectionRules.recoveries(id).forEach(choices::add);
        }
        String suffix = field.substring(field.lastIndexOf('_') + 1);
        if (field.contains("_") && UNITS.contains(suffix)) {
            item.put("unit", suffix);
        }
    }

    /** A key of the protection table, which {@code pibms set} changes at run time too. */
    private boolean isEditable(String key) {
        if (!key.startsWith(PROTECTION) || !byKey.containsKey(key)) {
            return false;
        }
        String rest = protectionKey(key);
        int dot = rest.indexOf('.');
        return dot > 0 && FaultId.fromId(rest.substring(0, dot))
                .map(id -> ProtectionRules.keys(id).contains(rest.substring(dot + 1)))
                .orElse(false);
    }

    private static String protectionKey(String key) {
        return key.substring(PROTECTION.length());
    }

    /** The value as {@code pibms set} takes it, or null if its JSON type is not the setting's. */
    private static String text(JsonNode value, Object current) {
        if (current instanceof Boolean) {
            return value.isBoolean() ? value.asText() : null;
        }
        if (current instanceof String) {
            return value.isTextual() ? value.asText() : null;
        }
        return value.isNumber() ? value.decimalValue().toPlainString() : null;
    }

    private static JsonNode value(Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (value instanceof Integer i) {
            return NODES.numberNode(i);
        }
        if (value instanceof Long l) {
            return NODES.numberNode(l);
        }
        if (value instanceof Double d) {
            return NODES.numberNode(d);
        }
        if (value instanceof List<?> list) {
            ArrayNode array = NODES.arrayNode();
            list.forEach(item -> array.add(value(item)));
            return array;
        }
        return NODES.textNode(value.toString());
    }
}
