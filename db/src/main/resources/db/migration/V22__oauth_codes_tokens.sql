-- The OAuth 2 authorization server of data sharing (issue 22): authorization codes (single use, 60 s)
-- and access and refresh tokens, each bound to the data grant the household consented to, so revoking
-- the grant refuses every token of it on the next request. Only SHA-256 digests of codes and tokens are
-- stored: they are credentials.
CREATE TABLE oauth_code (
    code_digest     BYTEA         NOT NULL,
    application_id  BIGINT        NOT NULL,
    grant_id        BIGINT        NOT NULL,
    redirect_uri    VARCHAR(500)  NOT NULL,
    -- PKCE S256: BASE64URL(SHA-256(code_verifier)) as the client sent it
    code_challenge  VARCHAR(128)  NOT NULL,
    expires_at      TIMESTAMPTZ   NOT NULL,
    CONSTRAINT pk_oauth_code PRIMARY KEY (code_digest),
    CONSTRAINT fk_oauth_code_application FOREIGN KEY (application_id) REFERENCES data_application (id),
    CONSTRAINT fk_oauth_code_grant FOREIGN KEY (grant_id) REFERENCES data_grant (id),
    CONSTRAINT ck_oauth_code_digest CHECK (octet_length(code_digest) = 32)
);

CREATE TABLE oauth_token (
    token_digest    BYTEA         NOT NULL,
    kind            VARCHAR(8)    NOT NULL,
    application_id  BIGINT        NOT NULL,
    grant_id        BIGINT        NOT NULL,
    issued_at       TIMESTAMPTZ   NOT NULL,
    expires_at      TIMESTAMPTZ   NOT NULL,
    CONSTRAINT pk_oauth_token PRIMARY KEY (token_digest),
    CONSTRAINT fk_oauth_token_application FOREIGN KEY (application_id) REFERENCES data_application (id),
    CONSTRAINT fk_oauth_token_grant FOREIGN KEY (grant_id) REFERENCES data_grant (id),
    CONSTRAINT ck_oauth_token_kind CHECK (kind IN ('access', 'refresh')),
    CONSTRAINT ck_oauth_token_digest CHECK (octet_length(token_digest) = 32)
);

CREATE INDEX ix_oauth_token_grant ON oauth_token (grant_id);
