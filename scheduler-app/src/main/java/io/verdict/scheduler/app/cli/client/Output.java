package io.verdict.scheduler.app.cli.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.verdict.scheduler.app.cli.UsageException;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * {@code -o table|wide|json|jsonl|name}: a table for people (the default on a terminal), JSON for scripts (the
 * default otherwise; the API's own document, unchanged), JSON Lines (one item per line), names (IDs only).
 */
public final class Output {
    public enum Format { TABLE, WIDE, JSON, JSONL, NAME }

    /** A column of a table: header, the value of one item, and whether only {@code wide} shows it. */
    public record Column(String header, Function<JsonNode, String> value, boolean wideOnly) {
        public static Column of(String header, String pointer) {
            return new Column(header, n -> text(n.at(pointer)), false);
        }

        public static Column wide(String header, String pointer) {
            return new Column(header, n -> text(n.at(pointer)), true);
        }
    }

    /** How one kind of item is shown: its columns and the field that names it. */
    public record View(List<Column> columns, String namePointer) {}

    private final Format format;
    private final PrintStream out;

    public Output(Format format, PrintStream out) {
        this.format = format;
        this.out = out;
    }

    public static Format parse(String value, boolean terminal) {
        if (value == null) return terminal ? Format.TABLE : Format.JSON;
        return switch (value) {
            case "table" -> Format.TABLE;
            case "wide" -> Format.WIDE;
            case "json" -> Format.JSON;
            case "jsonl" -> Format.JSONL;
            case "name" -> Format.NAME;
            default -> throw new UsageException("-o must be one of table, wide, json, jsonl, name (got '" + value + "')");
        };
    }

    public Format format() {
        return format;
    }

    /** A list answer ({@code {"items": [...]}}) or a single object. */
    public void print(JsonNode answer, View view) {
        List<JsonNode> items = new ArrayList<>();
        boolean list = answer.has("items") && answer.get("items").isArray();
        if (list) answer.get("items").forEach(items::add);
        else items.add(answer);
        switch (format) {
            case JSON -> out.println(pretty(answer));
            case JSONL -> items.forEach(i -> out.println(i.toString()));
            case NAME -> items.forEach(i -> out.println(text(i.at(view.namePointer()))));
            case TABLE, WIDE -> table(items, view.columns().stream().filter(c -> format == Format.WIDE || !c.wideOnly()).toList());
        }
        if (list && answer.hasNonNull("nextCursor") && (format == Format.TABLE || format == Format.WIDE)) {
            out.println("(more: --cursor " + answer.get("nextCursor").asText() + ")");
        }
    }

    private void table(List<JsonNode> items, List<Column> cols) {
        List<String[]> rows = new ArrayList<>();
        rows.add(cols.stream().map(Column::header).toArray(String[]::new));
        for (JsonNode i : items) rows.add(cols.stream().map(c -> c.value().apply(i)).toArray(String[]::new));
        int[] width = new int[cols.size()];
        for (String[] r : rows) for (int c = 0; c < r.length; c++) width[c] = Math.max(width[c], r[c].length());
        for (String[] r : rows) {
            StringBuilder b = new StringBuilder();
            for (int c = 0; c < r.length; c++) {
                b.append(r[c]);
                if (c < r.length - 1) b.append(" ".repeat(width[c] - r[c].length() + 2));
            }
            out.println(b.toString().stripTrailing());
        }
    }

    static String text(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) return "";
        if (n.isValueNode()) return n.asText();
        return n.toString();
    }

    static String pretty(JsonNode n) {
        try {
            return ApiClient.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(n);
        } catch (JsonProcessingException e) {
            return n.toString();
        }
    }
}
