//! Search filters in their string form (RFC 4515), with every user-supplied value escaped
//! (RFC 4515 §3: `*`, `(`, `)`, `\` and NUL become `\2a`, `\28`, `\29`, `\5c`, `\00`), so a
//! name typed by the user can never change the filter's structure.

/// Escapes `value` for use inside an RFC 4515 assertion value.
pub fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '*' => out.push_str("\\2a"),
            '(' => out.push_str("\\28"),
            ')' => out.push_str("\\29"),
            '\\' => out.push_str("\\5c"),
            '\0' => out.push_str("\\00"),
            _ => out.push(c),
        }
    }
    out
}

/// Entries that hold a certificate: people (`pkiUser`, `userCertificate`, RFC 4523 §2.1)
/// and CAs (`pkiCA`, `cACertificate`, RFC 4523 §2.2).
pub const HOLDS_CERTIFICATE: &str =
    "(|(objectClass=pkiUser)(objectClass=pkiCA)(userCertificate=*)(cACertificate=*))";

/// People and CAs whose cn, sn, ou or mail contains `text` (substring match, RFC 4515 §3).
pub fn by_name(text: &str) -> String {
    let v = escape(text.trim());
    format!("(&{HOLDS_CERTIFICATE}(|(cn=*{v}*)(sn=*{v}*)(ou=*{v}*)(mail=*{v}*)))")
}

/// People whose mail (RFC 4524) or emailAddress (PKCS #9) equals `email`.
pub fn by_email(email: &str) -> String {
    let v = escape(email.trim());
    format!("(&{HOLDS_CERTIFICATE}(|(mail={v})(email={v})))")
}

/// Every entry that can hold a certificate; a serial search reads these and compares the
/// parsed serial (see `lookup`).
pub fn certificate_holders() -> String {
    HOLDS_CERTIFICATE.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_the_rfc4515_specials() {
        assert_eq!(escape("a*b(c)d\\e\0f"), "a\\2ab\\28c\\29d\\5ce\\00f");
        assert_eq!(escape("Chan Tai Man"), "Chan Tai Man");
        assert_eq!(escape("陳大文"), "陳大文");
    }

    #[test]
    fn injection_stays_a_value() {
        let f = by_name("x)(objectClass=*");
        assert!(f.contains("cn=*x\\29\\28objectClass=\\2a*"), "{f}");
        // Balanced parentheses: the user's text opened or closed none.
        let depth = f.chars().fold(0i32, |d, c| match c {
            '(' => d + 1,
            ')' => d - 1,
            _ => d,
        });
        assert_eq!(depth, 0);
    }

    #[test]
    fn email_filter() {
        assert_eq!(by_email(" a@b.hk "), format!("(&{HOLDS_CERTIFICATE}(|(mail=a@b.hk)(email=a@b.hk)))"));
    }
}
