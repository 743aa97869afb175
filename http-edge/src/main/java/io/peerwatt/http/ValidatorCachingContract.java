package io.peerwatt.http;

import io.vertx.core.file.FileSystem;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.SchemaException;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIVersion;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Path;
import io.vertx.openapi.contract.SecurityRequirement;
import io.vertx.openapi.contract.SecurityScheme;
import io.vertx.openapi.contract.Server;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The contract as the request validator sees it, with one change: the schema validators it asks for
 * are made once per schema and reused. Vert.x's validator asks its schema repository for a new
 * validator for every parameter and body of every request, and each new one copies the repository's
 * whole lookup table of the document's schemas; under load that copying was the API's largest
 * single cost. A validator holds only final, read-only state, so one instance serves all threads.
 */
public final class ValidatorCachingContract implements OpenAPIContract {
  /**
   * The contract's schemas are a fixed set; beyond this many the cache stops growing (a safety
   * bound).
   */
  static final int MAX_CACHED = 4_096;

  private final OpenAPIContract contract;
  private final SchemaRepository repository;

  public ValidatorCachingContract(OpenAPIContract contract) {
    this.contract = contract;
    this.repository = new CachingRepository(contract.getSchemaRepository());
  }

  @Override
  public Operation operation(String operationId) {
    return contract.operation(operationId);
  }

  @Override
  public List<Operation> operations() {
    return contract.operations();
  }

  @Override
  public List<Path> getPaths() {
    return contract.getPaths();
  }

  @Override
  public JsonObject getRawContract() {
    return contract.getRawContract();
  }

  @Override
  public OpenAPIVersion getVersion() {
    return contract.getVersion();
  }

  @Override
  public SchemaRepository getSchemaRepository() {
    return repository;
  }

  @Override
  public List<Server> getServers() {
    return contract.getServers();
  }

  @Override
  public Path findPath(String urlPath) {
    return contract.findPath(urlPath);
  }

  @Override
  public Operation findOperation(String urlPath, HttpMethod method) {
    return contract.findOperation(urlPath, method);
  }

  @Override
  public List<SecurityRequirement> getSecurityRequirements() {
    return contract.getSecurityRequirements();
  }

  @Override
  public SecurityScheme securityScheme(String name) {
    return contract.securityScheme(name);
  }

  /**
   * The contract's repository, remembering the validator of each schema instance it was asked for.
   */
  public static final class CachingRepository implements SchemaRepository {
    private final SchemaRepository repository;
    private final Map<JsonSchema, Validator> validators =
        Collections.synchronizedMap(new IdentityHashMap<>());

    CachingRepository(SchemaRepository repository) {
      this.repository = repository;
    }

    @Override
    public Validator validator(JsonSchema schema) {
      Validator cached = validators.get(schema);
      if (cached != null) {
        return cached;
      }
      Validator made = repository.validator(schema);
      if (validators.size() < MAX_CACHED) {
        validators.putIfAbsent(schema, made);
      }
      return made;
    }

    public int cachedValidators() {
      return validators.size();
    }

    @Override
    public SchemaRepository dereference(JsonSchema schema) throws SchemaException {
      repository.dereference(schema);
      return forgetValidators();
    }

    @Override
    public SchemaRepository dereference(String uri, JsonSchema schema) throws SchemaException {
      repository.dereference(uri, schema);
      return forgetValidators();
    }

    @Override
    public SchemaRepository preloadMetaSchema(FileSystem fs) {
      repository.preloadMetaSchema(fs);
      return forgetValidators();
    }

    @Override
    public SchemaRepository preloadMetaSchema(FileSystem fs, Draft draft) {
      repository.preloadMetaSchema(fs, draft);
      return forgetValidators();
    }

    /** Validators copy the lookup table: ones made before it grew would miss the new schemas. */
    private SchemaRepository forgetValidators() {
      validators.clear();
      return this;
    }

    @Override
    public Validator validator(String ref) {
      return repository.validator(ref);
    }

    @Override
    public Validator validator(String ref, JsonSchemaOptions options) {
      return repository.validator(ref, options);
    }

    @Override
    public Validator validator(JsonSchema schema, JsonSchemaOptions options, boolean dereference) {
      return repository.validator(schema, options, dereference);
    }

    @Override
    public JsonObject resolve(JsonObject schema) {
      return repository.resolve(schema);
    }

    @Override
    public JsonSchema find(String pointer) {
      return repository.find(pointer);
    }
  }
}
