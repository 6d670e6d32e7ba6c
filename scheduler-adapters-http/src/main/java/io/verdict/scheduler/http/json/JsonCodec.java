package io.verdict.scheduler.http.json;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.verdict.scheduler.errors.ValidationException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The one JSON configuration of the API. Output: keys sorted, nulls omitted, ISO-8601 UTC instants (SPEC §3
 * canonical form). Input: strict — unknown fields, duplicate keys, trailing tokens, scalars of the wrong type
 * and nulls for required primitives are rejected with a 400 that names the field.
 */
public final class JsonCodec {
    private final ObjectMapper mapper;

    public JsonCodec() {
        JsonMapper m = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .build();
        // Numbers and booleans are not strings: {"name": 5} is a client bug, not a name.
        m.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        m.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64).maxStringLength(1 << 20).maxNumberLength(64).build());
        this.mapper = m;
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public byte[] write(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String writeString(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a request body into {@code type}; every failure is a {@link ValidationException} naming the field. */
    public <T> T read(byte[] body, Class<T> type) {
        if (body == null || body.length == 0 || isBlank(body)) {
            throw ValidationException.of("body", "a JSON object is required");
        }
        try {
            T value = mapper.readValue(body, type);
            if (value == null) throw ValidationException.of("body", "a JSON object is required, not null");
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw ValidationException.of(path(e), "unknown field");
        } catch (StreamConstraintsException e) {
            throw ValidationException.of("body", "too deeply nested or too long: " + firstLine(e.getOriginalMessage()));
        } catch (JsonParseException e) {
            throw ValidationException.of("body", "malformed JSON at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr());
        } catch (JsonMappingException e) {
            String field = path(e);
            return rethrow(field.isEmpty() ? "body" : field, e);
        } catch (IOException e) {
            throw ValidationException.of("body", "unreadable body");
        }
    }

    private static <T> T rethrow(String field, JsonMappingException e) {
        String msg = e.getOriginalMessage() == null ? "invalid value" : firstLine(e.getOriginalMessage());
        // Jackson messages name Java types; keep the gist a client can act on.
        if (msg.contains("Cannot coerce") || msg.contains("Cannot deserialize value of type")
                || msg.contains("Unexpected token") || msg.contains("from Array value")
                || msg.contains("from Object value")) {
            msg = "wrong type of value";
        } else if (msg.contains("Duplicate field")) {
            msg = "duplicate field";
        } else if (msg.contains("null")) {
            msg = "must not be null";
        }
        throw new ValidationException(List.of(new ValidationException.FieldError(field, msg)));
    }

    /** JSON path of the failing field, e.g. {@code selection.namespaces[0]}. */
    static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (!sb.isEmpty()) sb.append('.');
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) if (b != ' ' && b != '\n' && b != '\r' && b != '\t') return false;
        return true;
    }
}
