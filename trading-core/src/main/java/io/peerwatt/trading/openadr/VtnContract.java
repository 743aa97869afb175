package io.peerwatt.trading.openadr;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The OpenADR 3.1.0 document ({@code openadr3/openadr3.yaml}, as published) as the VTN validates
 * requests by, changed in memory only where Vert.x's validator cannot take it as it is: the form
 * body of {@code /auth/token} is dropped (the token route parses its form itself), {@code servers}
 * names the VTN's own path, and {@code nullable: true} (OpenAPI 3.0, which the validator ignores)
 * becomes {@code anyOf [T, null]}.
 */
public final class VtnContract {
  /** Class-path location of the published document. */
  public static final String RESOURCE = "openadr3/openadr3.yaml";

  /** Where the VTN lives, beside {@code /api/v1}. */
  public static final String BASE_PATH = "/openadr3/3.1.0";

  private VtnContract() {}

  /** The document as published, parsed (blocking: reads the class path). */
  public static JsonObject published() {
    try (InputStream in = VtnContract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> raw = new ObjectMapper(new YAMLFactory()).readValue(in, Map.class);
      return new JsonObject(raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The document with the three in-memory changes, ready for {@link OpenAPIContract#from}. */
  public static JsonObject forValidation() {
    JsonObject doc = published();
    doc.getJsonObject("paths")
        .getJsonObject("/auth/token")
        .getJsonObject("post")
        .remove("requestBody");
    // only the path matters to findOperation, but the contract wants an absolute URL
    doc.put("servers", new JsonArray().add(new JsonObject().put("url", "http://vtn" + BASE_PATH)));
    inlineParameterSchemas(doc);
    return (JsonObject) acceptNulls(doc);
  }

  /**
   * Puts the component schemas that parameters name by {@code $ref} (objectID, target) in place:
   * Vert.x converts a query value by its schema's declared type, and without one it takes {@code
   * programID=42} for the number 42, which then fails the string schema. The items of array
   * parameters ({@code targets}, {@code objects}) it converts by the array's type whatever the
   * items' (a target {@code 42} would fail as a number, {@code true} as a boolean): their items are
   * left unchecked here, and {@link VtnRoutes} reads and checks them as the strings they are.
   */
  private static void inlineParameterSchemas(JsonObject doc) {
    JsonObject schemas = doc.getJsonObject("components").getJsonObject("schemas");
    for (Map.Entry<String, Object> path : doc.getJsonObject("paths")) {
      JsonObject item = (JsonObject) path.getValue();
      inlineAll(item.getJsonArray("parameters"), schemas);
      for (Map.Entry<String, Object> method : item) {
        if (method.getValue() instanceof JsonObject operation) {
          inlineAll(operation.getJsonArray("parameters"), schemas);
        }
      }
    }
  }

  private static void inlineAll(JsonArray parameters, JsonObject schemas) {
    if (parameters == null) {
      return;
    }
    for (Object p : parameters) {
      JsonObject parameter = (JsonObject) p;
      JsonObject schema = parameter.getJsonObject("schema");
      if (schema != null) {
        JsonObject inlined = inline(schema, schemas);
        if (inlined.getValue("items") instanceof JsonObject) {
          inlined = inlined.copy().put("items", new JsonObject());
        }
        parameter.put("schema", inlined);
      }
    }
  }

  private static JsonObject inline(JsonObject schema, JsonObject schemas) {
    String ref = schema.getString("$ref");
    String prefix = "#/components/schemas/";
    return ref != null && ref.startsWith(prefix)
        ? schemas.getJsonObject(ref.substring(prefix.length())).copy()
        : schema;
  }

  /** Loads the contract. */
  public static Future<OpenAPIContract> load(Vertx vertx) {
    return vertx
        .executeBlocking(VtnContract::forValidation, false)
        .compose(doc -> OpenAPIContract.from(vertx, doc));
  }

  /**
   * {@code {type: T, nullable: true, ...}} becomes {@code {anyOf: [{type: T, ...}, {enum:
   * [null]}]}} (eclipse-vertx/vertx-json-schema#62); a default of null says nothing a validator
   * checks, so it goes.
   */
  static Object acceptNulls(Object node) {
    if (node instanceof JsonObject o) {
      JsonObject out = new JsonObject();
      for (Map.Entry<String, Object> e : o) {
        out.put(e.getKey(), acceptNulls(e.getValue()));
      }
      if (Boolean.TRUE.equals(out.remove("nullable"))) {
        out.remove("default");
        Object description = out.remove("description");
        JsonObject wrapped =
            new JsonObject()
                .put(
                    "anyOf",
                    new JsonArray()
                        .add(out)
                        .add(new JsonObject().put("enum", new JsonArray().addNull())));
        if (description != null) {
          wrapped.put("description", description);
        }
        return wrapped;
      }
      return out;
    }
    if (node instanceof JsonArray a) {
      JsonArray out = new JsonArray();
      a.forEach(v -> out.add(acceptNulls(v)));
      return out;
    }
    return node;
  }
}
