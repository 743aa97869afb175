-- Login tokens revoked before their expiry (a logout): the bearer-token check refuses them. Kept until
-- the token would have expired anyway, so a restart does not bring a logged-out session back.
CREATE TABLE revoked_token (
    -- SHA-256 of the token as issued: the token itself is a credential and is never stored
    token_digest  BYTEA        NOT NULL,
    expires_at    TIMESTAMPTZ  NOT NULL,
    revoked_at    TIMESTAMPTZ  NOT NULL,
    CONSTRAINT pk_revoked_token PRIMARY KEY (token_digest),
    CONSTRAINT ck_revoked_token_digest CHECK (octet_length(token_digest) = 32)
);

CREATE INDEX ix_revoked_token_expires_at ON revoked_token (expires_at);
