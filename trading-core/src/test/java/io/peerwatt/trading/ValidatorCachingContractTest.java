package io.peerwatt.trading;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.http.ValidatorCachingContract;
import io.peerwatt.trading.testing.ApiClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reused schema validators give the same answers as fresh ones, on the platform's own API
 * document.
 */
class ValidatorCachingContractTest {
  private Vertx vertx;
  private OpenAPIContract contract;
  private ValidatorCachingContract caching;

  @BeforeEach
  void load() {
    vertx = Vertx.vertx();
    contract = ApiClient.await(OpenAPIContract.from(vertx, TradingApi.OPENAPI_RESOURCE));
    caching = new ValidatorCachingContract(contract);
  }

  @AfterEach
  void close() {
    ApiClient.await(vertx.close());
  }

  private JsonSchema deviceKeySchema() {
    return contract.operation("gatewayWallet").getParameters().stream()
        .filter(p -> p.getName().equals("X-PeerWatt-Device-Key"))
        .map(Parameter::getSchema)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void eachSchemaGetsOneValidatorThatAnswersLikeAFreshOne() {
    JsonSchema schema = deviceKeySchema();
    Validator first = caching.getSchemaRepository().validator(schema);
    assertThat(caching.getSchemaRepository().validator(schema)).isSameAs(first);
    Validator fresh = contract.getSchemaRepository().validator(schema);
    String good = "02" + "ab".repeat(32);
    for (String value :
        new String[] {good, "04" + "ab".repeat(32), "02" + "AB".repeat(32), good + "00", "zz"}) {
      assertThat(first.validate(value).getValid())
          .as(value)
          .isEqualTo(fresh.validate(value).getValid());
    }
    assertThat(first.validate(good).getValid()).isTrue();
    assertThat(first.validate("zz").getValid()).isFalse();
  }

  @Test
  void requestsValidatedThroughTheCacheStillRejectWhatTheDocumentForbids() {
    RequestValidator validator = RequestValidator.create(vertx, caching);
    // the impl classes stand in for a parsed HTTP request: the validator takes nothing else
    Map<String, RequestParameter> good =
        Map.of(
            "X-PeerWatt-Device-Key", new RequestParameterImpl("02" + "ab".repeat(32)),
            "X-PeerWatt-Nonce", new RequestParameterImpl("00".repeat(16)),
            "X-PeerWatt-Sent-At", new RequestParameterImpl("2026-12-02T10:00:00Z"),
            "X-PeerWatt-Signature", new RequestParameterImpl("3006020101020101"));
    for (int round = 0; round < 3; round++) {
      ValidatableRequest request = new ValidatableRequestImpl(Map.of(), good, Map.of(), Map.of());
      assertThat(ApiClient.await(validator.validate(request, "gatewayWallet")).getHeaders())
          .hasSize(4);
    }
    Map<String, RequestParameter> bad = new java.util.HashMap<>(good);
    bad.put("X-PeerWatt-Nonce", new RequestParameterImpl("not hex"));
    ValidatableRequest request = new ValidatableRequestImpl(Map.of(), bad, Map.of(), Map.of());
    Throwable failure =
        validator
            .validate(request, "gatewayWallet")
            .toCompletionStage()
            .toCompletableFuture()
            .handle((ok, e) -> e)
            .join();
    assertThat(failure)
        .isInstanceOf(ValidatorException.class)
        .hasMessageContaining("X-PeerWatt-Nonce");
    assertThat(
            ((ValidatorCachingContract.CachingRepository) caching.getSchemaRepository())
                .cachedValidators())
        .isBetween(1, 4);
  }

  @Test
  void dereferencingMoreSchemasForgetsTheValidatorsMadeBefore() {
    JsonSchema schema = deviceKeySchema();
    Validator first = caching.getSchemaRepository().validator(schema);
    caching
        .getSchemaRepository()
        .dereference("urn:peerwatt:test", JsonSchema.of(new JsonObject().put("type", "string")));
    assertThat(caching.getSchemaRepository().validator(schema)).isNotSameAs(first);
  }
}
