//! Bearer tokens: the fixed `--token` and tokens issued by the OAuth
//! client-credentials endpoint, which expire after `--token-ttl-secs`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rand::RngExt;
use serde_json::{json, Value};

/// Credentials the token endpoint accepts.
#[derive(Clone, Debug)]
pub struct OAuthConfig {
    /// Expected `client_id`.
    pub client_id: String,
    /// Expected `client_secret`.
    pub client_secret: String,
    /// Expected `audience`.
    pub audience: String,
    /// Lifetime of issued tokens.
    pub token_ttl: Duration,
}

/// An OAuth-style answer: HTTP status and JSON body.
#[derive(Debug)]
pub struct OAuthReply {
    /// HTTP status code.
    pub status: u16,
    /// JSON body.
    pub body: Value,
}

fn oauth_error(status: u16, error: &str, description: &str) -> OAuthReply {
    OAuthReply {
        status,
        body: json!({ "error": error, "error_description": description }),
    }
}

/// Why a bearer token was refused; the text goes into the 401 body.
#[derive(Debug, PartialEq, Eq)]
pub enum AuthError {
    /// No usable `Authorization: Bearer` header.
    Missing,
    /// A token this tenant never issued.
    Invalid,
    /// An issued token past its lifetime.
    Expired,
    /// An issued token revoked by the `--revoke-token` fault.
    Revoked,
}

impl AuthError {
    /// Description for the vendor error body; never contains the token.
    pub fn description(&self) -> &'static str {
        match self {
            AuthError::Missing => {
                "Missing bearer token: send 'Authorization: Bearer <access_token>'."
            }
            AuthError::Invalid => "The access token is not valid for this tenant.",
            AuthError::Expired => "The access token has expired; request a new one.",
            AuthError::Revoked => "The access token has been revoked; request a new one.",
        }
    }
}

/// The fixed token plus every issued token and its expiry.
#[derive(Debug)]
pub struct TokenStore {
    fixed: String,
    oauth: OAuthConfig,
    issued: Mutex<HashMap<String, Instant>>,
}

impl TokenStore {
    /// A store accepting `fixed` forever and issuing tokens per `oauth`.
    pub fn new(fixed: String, oauth: OAuthConfig) -> TokenStore {
        TokenStore {
            fixed,
            oauth,
            issued: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Instant>> {
        // A poisoned map still holds valid data; refusing every token would be worse.
        self.issued.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The token of an `Authorization: Bearer` header value.
    fn bearer(header: Option<&str>) -> Result<&str, AuthError> {
        let header = header.map(str::trim).unwrap_or("");
        match header.split_once(' ') {
            Some((scheme, t)) if scheme.eq_ignore_ascii_case("bearer") && !t.trim().is_empty() => {
                Ok(t.trim())
            }
            _ => Err(AuthError::Missing),
        }
    }

    /// Revokes the issued token an `Authorization` header value presents; `false` when it presents
    /// the fixed token (which cannot be revoked) or no token that is currently issued.
    pub fn revoke(&self, header: Option<&str>) -> bool {
        match Self::bearer(header) {
            Ok(token) if token != self.fixed => self.lock().remove(token).is_some(),
            _ => false,
        }
    }

    /// Checks an `Authorization` header value.
    pub fn check(&self, header: Option<&str>) -> Result<(), AuthError> {
        let token = Self::bearer(header)?;
        if token == self.fixed {
            return Ok(());
        }
        let now = Instant::now();
        let mut issued = self.lock();
        match issued.get(token) {
            Some(&expires) if now < expires => Ok(()),
            Some(_) => {
                issued.remove(token);
                Err(AuthError::Expired)
            }
            None => Err(AuthError::Invalid),
        }
    }

    /// Issues a fresh opaque token.
    pub fn issue(&self) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let mut rng = rand::rng();
        let token: String = std::iter::once("sbx_".to_string())
            .chain(
                (0..40)
                    .map(|_| (ALPHABET[rng.random_range(0..ALPHABET.len())] as char).to_string()),
            )
            .collect();
        let now = Instant::now();
        let mut issued = self.lock();
        // Dropping expired entries here keeps the map bounded by the issue rate.
        issued.retain(|_, &mut expires| expires > now);
        issued.insert(token.clone(), now + self.oauth.token_ttl);
        token
    }

    /// Handles a client-credentials request body, issuing a token on success.
    pub fn token_request(&self, body: &[u8]) -> OAuthReply {
        let obj = match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(obj)) => obj,
            _ => {
                return oauth_error(
                    400,
                    "invalid_request",
                    "The request body must be a JSON object.",
                )
            }
        };
        let field = |name: &str| obj.get(name).and_then(Value::as_str);
        for required in ["grant_type", "client_id", "client_secret", "audience"] {
            if field(required).is_none() {
                return oauth_error(
                    400,
                    "invalid_request",
                    &format!("Missing required parameter: {required}"),
                );
            }
        }
        if field("grant_type") != Some("client_credentials") {
            return oauth_error(
                400,
                "unsupported_grant_type",
                "Grant type not allowed; use client_credentials.",
            );
        }
        if field("client_id") != Some(self.oauth.client_id.as_str())
            || field("client_secret") != Some(self.oauth.client_secret.as_str())
        {
            return oauth_error(401, "access_denied", "Unauthorized");
        }
        let audience = field("audience").unwrap_or("");
        if audience != self.oauth.audience {
            return oauth_error(
                403,
                "access_denied",
                &format!("Service not found: {audience}"),
            );
        }
        if let Some(tenant) = obj.get("tenant") {
            if !tenant.is_string() {
                return oauth_error(
                    400,
                    "invalid_request",
                    "The parameter 'tenant' must be a string.",
                );
            }
        }
        match obj.get("scopes") {
            None => {}
            Some(Value::Array(scopes)) => {
                let other: Vec<&str> = scopes
                    .iter()
                    .map(|s| s.as_str().unwrap_or("?"))
                    .filter(|s| *s != "read")
                    .collect();
                if !other.is_empty() {
                    return oauth_error(
                        403,
                        "access_denied",
                        &format!("Client has not been granted scopes: {}", other.join(" ")),
                    );
                }
            }
            Some(_) => {
                return oauth_error(
                    400,
                    "invalid_request",
                    "The parameter 'scopes' must be an array of strings.",
                )
            }
        }
        let token = self.issue();
        OAuthReply {
            status: 200,
            body: json!({
                "access_token": token,
                "expires_in": self.oauth.token_ttl.as_secs(),
                "scope": "read",
                "token_type": "Bearer",
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(ttl: Duration) -> TokenStore {
        TokenStore::new(
            "fixed".into(),
            OAuthConfig {
                client_id: "id".into(),
                client_secret: "secret".into(),
                audience: "aud".into(),
                token_ttl: ttl,
            },
        )
    }

    #[test]
    fn fixed_and_issued_tokens() {
        let s = store(Duration::from_secs(60));
        assert_eq!(s.check(None), Err(AuthError::Missing));
        assert_eq!(s.check(Some("Basic abc")), Err(AuthError::Missing));
        assert_eq!(s.check(Some("Bearer fixed")), Ok(()));
        assert_eq!(s.check(Some("Bearer nope")), Err(AuthError::Invalid));
        let t = s.issue();
        assert!(t.starts_with("sbx_") && t.len() == 44);
        assert_eq!(s.check(Some(&format!("bearer {t}"))), Ok(()));
    }

    #[test]
    fn issued_tokens_expire() {
        let s = store(Duration::from_millis(1));
        let t = s.issue();
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(
            s.check(Some(&format!("Bearer {t}"))),
            Err(AuthError::Expired)
        );
    }

    #[test]
    fn revoked_tokens_are_refused_and_the_fixed_token_cannot_be_revoked() {
        let s = store(Duration::from_secs(60));
        let t = format!("Bearer {}", s.issue());
        let other = format!("Bearer {}", s.issue());
        assert!(s.revoke(Some(&t)));
        assert_eq!(s.check(Some(&t)), Err(AuthError::Invalid));
        assert!(!s.revoke(Some(&t)), "revoked once");
        assert_eq!(s.check(Some(&other)), Ok(()), "other tokens stay valid");
        assert!(!s.revoke(Some("Bearer fixed")));
        assert_eq!(s.check(Some("Bearer fixed")), Ok(()));
        assert!(!s.revoke(None) && !s.revoke(Some("Bearer never-issued")));
    }

    #[test]
    fn token_request_errors() {
        let s = store(Duration::from_secs(60));
        let ok = br#"{"client_id":"id","client_secret":"secret","audience":"aud","grant_type":"client_credentials","tenant":"t","scopes":["read"]}"#;
        assert_eq!(s.token_request(ok).status, 200);
        let wrong_secret = br#"{"client_id":"id","client_secret":"x","audience":"aud","grant_type":"client_credentials"}"#;
        assert_eq!(s.token_request(wrong_secret).status, 401);
        let wrong_aud = br#"{"client_id":"id","client_secret":"secret","audience":"x","grant_type":"client_credentials"}"#;
        assert_eq!(s.token_request(wrong_aud).status, 403);
        let wrong_grant = br#"{"client_id":"id","client_secret":"secret","audience":"aud","grant_type":"password"}"#;
        assert_eq!(s.token_request(wrong_grant).status, 400);
        assert_eq!(s.token_request(b"nope").status, 400);
    }
}
