//! The web intake's secrets: one-time passwords, API tokens, session and CSRF tokens, all
//! drawn from the operating system's random source, and the argon2 hashes that are all
//! the archive keeps of passwords and API tokens.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// Letters and digits that cannot be mistaken for one another when read aloud or copied
/// from paper (no 0/O, 1/l/I).
const PASSWORD_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
const PASSWORD_LEN: usize = 14;
/// An API token is `tb_<token id>_<secret>`; the id is looked up, the secret verified.
const TOKEN_PREFIX: &str = "tb_";

/// Random bytes from the operating system.
pub(crate) fn random_bytes<const N: usize>() -> anyhow::Result<[u8; N]> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| anyhow::anyhow!("random source: {e}"))?;
    Ok(buf)
}

/// Lower-case hexadecimal of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new one-time password.
pub(crate) fn new_password() -> anyhow::Result<String> {
    let mut out = String::with_capacity(PASSWORD_LEN);
    // Rejection sampling keeps every letter equally likely.
    let limit = 256 - 256 % PASSWORD_ALPHABET.len();
    while out.len() < PASSWORD_LEN {
        for b in random_bytes::<32>()? {
            if (b as usize) < limit && out.len() < PASSWORD_LEN {
                out.push(PASSWORD_ALPHABET[b as usize % PASSWORD_ALPHABET.len()] as char);
            }
        }
    }
    Ok(out)
}

/// A new API token: (token id, secret, the token as given to its holder).
pub(crate) fn new_token() -> anyhow::Result<(String, String, String)> {
    let id = hex(&random_bytes::<8>()?);
    let secret = hex(&random_bytes::<24>()?);
    let token = format!("{TOKEN_PREFIX}{id}_{secret}");
    Ok((id, secret, token))
}

/// The (token id, secret) of a token as presented; `None` for anything not shaped like one.
pub(crate) fn split_token(token: &str) -> Option<(&str, &str)> {
    let rest = token.strip_prefix(TOKEN_PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    let hexish = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
    (hexish(id, 16) && hexish(secret, 48)).then_some((id, secret))
}

/// The argon2 hash (PHC string, with its own random salt) of a password or token secret.
pub(crate) fn hash(secret: &str) -> anyhow::Result<String> {
    let salt =
        SaltString::encode_b64(&random_bytes::<16>()?).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    Ok(Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))?
        .to_string())
}

/// Whether `secret` is the one `hash` was made from (a malformed hash matches nothing).
pub(crate) fn verify(secret: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(secret.as_bytes(), &h)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_splits_into_its_id_and_secret_and_verifies_against_its_hash() {
        let (id, secret, token) = new_token().expect("token");
        assert_eq!(split_token(&token), Some((id.as_str(), secret.as_str())));
        let h = hash(&secret).expect("hash");
        assert!(!h.contains(&secret));
        assert!(verify(&secret, &h));
        assert!(!verify("0".repeat(48).as_str(), &h));
        assert!(!verify(&secret, "not a hash"));
        for bad in [
            "",
            "tb_",
            "tb_12_34",
            "Bearer x",
            &token[1..],
            &format!("{token}0"),
        ] {
            assert_eq!(split_token(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn passwords_are_long_random_and_from_the_unambiguous_alphabet() {
        let a = new_password().expect("password");
        let b = new_password().expect("password");
        assert_eq!(a.len(), PASSWORD_LEN);
        assert_ne!(a, b);
        assert!(a.bytes().all(|c| PASSWORD_ALPHABET.contains(&c)));
    }
}
